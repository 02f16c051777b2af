"""Which pages may open a WebSocket: an origin check with scheme and port.

Allowed are the origin of STELLWAND_PUBLIC_URL, those in CSRF_TRUSTED_ORIGINS (behind a TLS
proxy daphne sees plain HTTP on its own port, so the browser's https origin must be named),
and the served address itself when it is this machine (localhost) or the laptop's address in
room mode (STELLWAND_LAN_HOST). Channels' `AllowedHostsOriginValidator` compares host names
only, so `http://localhost:9999` got in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
LOOPBACK = {"localhost", "127.0.0.1", "[::1]", "::1"}


def normalize(origin: str) -> str | None:
    """`scheme://host[:port]` in lower case without a default port; None if it is not one."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in {"http", "https"} or not host or parts.path not in {"", "/"}:
        return None
    if ":" in host:
        host = f"[{host}]"  # IPv6
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def configured_origins() -> set[str]:
    """The public URL's origin and the trusted ones, as configured."""
    candidates = [settings.STELLWAND_PUBLIC_URL, *settings.CSRF_TRUSTED_ORIGINS]
    return {o for o in map(normalize, filter(None, candidates)) if o and "*" not in o}


def served_here(host_header: str) -> bool:
    """The Host names this machine itself: localhost, or the laptop's address in room mode."""
    domain, _port = split_domain_port(host_header)
    names = LOOPBACK | {h.lower() for h in [settings.STELLWAND_LAN_HOST] if h}
    return domain in names or f"[{domain}]" in names


def origin_allowed(origin: str | None, host_header: str | None) -> bool:
    """May a page of `origin` open a socket on the server reached as `host_header`?"""
    if not origin or not host_header:
        return False
    wanted = normalize(origin)
    if wanted is None:
        return False
    if not validate_host(split_domain_port(host_header)[0], settings.ALLOWED_HOSTS):
        return False
    if wanted in configured_origins():
        return True
    if served_here(host_header):
        return wanted in {normalize(f"http://{host_header}"), normalize(f"https://{host_header}")}
    return False


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


class OriginValidator:
    """ASGI middleware: refuse the handshake of a socket from anywhere else (HTTP 403)."""

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(
            _header(scope, b"origin"), _header(scope, b"host")
        ):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
