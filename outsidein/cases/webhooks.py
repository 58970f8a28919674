"""Webhook URLs: only http(s), and no loopback/private targets unless allowed (SSRF)."""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


def private_allowed() -> bool:
    value = getattr(settings, "OUTSIDEIN_WEBHOOK_ALLOW_PRIVATE", None)
    if value is None:
        value = os.environ.get("OUTSIDEIN_WEBHOOK_ALLOW_PRIVATE", "")
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not ip.is_global or ip.is_multicast


def _addresses(host: str) -> list[str]:
    try:
        return [ipaddress.ip_address(host.strip("[]")).compressed]
    except ValueError:
        pass
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (OSError, UnicodeError):
        return []  # not resolvable now: delivery will retry and dead-letter if it persists


def url_problem(url: str) -> str | None:
    """Why this URL may not receive webhooks, or None when it may."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Use an http:// or https:// address.")
    if private_allowed():
        return None
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        return _("Loopback and private network addresses are not allowed.")
    if any(_is_internal(address) for address in _addresses(host)):
        return _("Loopback and private network addresses are not allowed.")
    return None
