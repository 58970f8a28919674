"""A small fixed-window rate limiter on Django's cache framework.

With the default local-memory cache the limit holds per server process; a shared cache
(Redis, Memcached, the database cache) makes it hold across processes. Client addresses
are hashed before they become cache keys, so the cache holds no IP addresses.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(address.encode()).hexdigest()[:24]


def allow(scope: str, client: str, limit: int, window_seconds: int) -> bool:
    """Count one hit; False once `limit` hits in the current window have been counted."""
    window = int(time.time() // window_seconds)
    key = f"outsidein:ratelimit:{scope}:{client}:{window}"
    if cache.add(key, 1, timeout=window_seconds + 1):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds + 1)
        count = 1
    return count <= limit
