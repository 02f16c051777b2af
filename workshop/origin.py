"""The WebSocket origin check: Channels' own, refusing an Origin header it cannot read."""

from __future__ import annotations

from urllib.parse import urlparse

from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings


def _readable(origin: bytes) -> bool:
    try:
        parsed = urlparse(origin.decode("latin-1"))
        _port = parsed.port  # "http://host:99999" raises only here
    except ValueError:  # e.g. "http://[" (an unclosed IPv6 address)
        return False
    return True


class CheckedOriginValidator(OriginValidator):
    """Channels raises on an Origin like "http://[" (a traceback, no answer): refuse it."""

    async def __call__(self, scope: dict, receive: object, send: object) -> None:
        origins = [value for name, value in scope.get("headers", []) if name == b"origin"]
        if not all(_readable(origin) for origin in origins):
            await WebsocketDenier()(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def allowed_hosts_origin_validator(application: object) -> CheckedOriginValidator:
    """Like Channels' AllowedHostsOriginValidator: the origin must be one of ALLOWED_HOSTS."""
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
    return CheckedOriginValidator(application, allowed_hosts)
