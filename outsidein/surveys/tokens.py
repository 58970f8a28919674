"""Personal survey links: unguessable tokens of which only a hash is stored.

192 random bits per token (secrets.token_urlsafe(24)); like API tokens
(outsidein.accounts.tokens) they are hashed with SHA-256 — a fast hash suffices
because there is no dictionary to attack, only random bits.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 24  # 192 bits; the issue asks for at least 128


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def looks_like_token(value: str) -> bool:
    """Cheap check before any query: URL-safe base64 of the expected length."""
    return len(value) == 32 and all(c.isalnum() or c in "-_" for c in value)
