"""Django e-mail settings from one URL: ``smtp://user:pass@host:587``.

Importable from settings.py before Django is set up (standard library only):

    from outsidein.cases.email_config import email_settings
    globals().update(email_settings(os.environ.get("OUTSIDEIN_EMAIL_URL", "")))

Schemes: ``smtp`` (STARTTLS on port 587, plain otherwise), ``smtp+tls`` (STARTTLS),
``smtps`` / ``smtp+ssl`` (implicit TLS, port 465), ``console`` (print mails: the default
when no URL is set, so nothing leaves a development machine). Query parameters:
``from=`` the sender address, ``timeout=`` seconds. User and password are URL-decoded.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_FROM = "outsidein@localhost"


def email_settings(url: str) -> dict[str, Any]:
    """EMAIL_* and DEFAULT_FROM_EMAIL settings; raises ValueError for a URL it can't read."""
    if not url.strip():
        return {"EMAIL_BACKEND": CONSOLE, "DEFAULT_FROM_EMAIL": DEFAULT_FROM}
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE, "DEFAULT_FROM_EMAIL": DEFAULT_FROM}
    if scheme not in {"smtp", "smtp+tls", "smtps", "smtp+ssl"}:
        raise ValueError(f"OUTSIDEIN_EMAIL_URL: unknown scheme {scheme!r}; use smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("OUTSIDEIN_EMAIL_URL needs a host: smtp://user:pass@host:587")
    implicit_tls = scheme in {"smtps", "smtp+ssl"}
    try:
        port = parts.port or (465 if implicit_tls else 587)
    except ValueError as exc:
        raise ValueError(f"OUTSIDEIN_EMAIL_URL: {exc}") from None
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    starttls = not implicit_tls and (scheme == "smtp+tls" or port == 587)
    config: dict[str, Any] = {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": starttls,
        "EMAIL_USE_SSL": implicit_tls,
        "EMAIL_TIMEOUT": float(query.get("timeout", 10)),
        "DEFAULT_FROM_EMAIL": query.get("from") or DEFAULT_FROM,
    }
    return config
