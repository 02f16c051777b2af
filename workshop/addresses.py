"""The client's address, for rate limits and login lockout: the connection's own, unless it
comes from a proxy listed in STELLWAND_TRUSTED_PROXIES."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"STELLWAND_TRUSTED_PROXIES: {error}") from error


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.STELLWAND_TRUSTED_PROXIES))


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def limited_address(request: HttpRequest) -> str:
    """The client's address as the per-address limits and the login lockout count it: an
    IPv6 address by its /64, which one connection owns whole (changing addresses within it
    would otherwise be a new key each time); an IPv4 address as it is.

    django-axes's AXES_CLIENT_IP_CALLABLE (it stores the /64's first address)."""
    found = client_address(request)
    address = _address(found)
    if address is None:
        return found
    if address.version == 4:
        return str(address)
    return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind a trusted proxy the right-most address in X-Forwarded-For that is
    not a trusted proxy itself (what the client wrote further left is not believed)."""
    meta = getattr(request, "META", {})
    remote = str(meta.get("REMOTE_ADDR") or "")
    networks = trusted_networks()
    peer = _address(remote)
    if peer is None or not networks or not _is_trusted(peer, networks):
        return remote
    closest = peer
    hops = [hop for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not written by a proxy of ours: the last trusted hop is all we know.
            break
        if not _is_trusted(address, networks):
            return str(address)
        closest = address
    return str(closest)
