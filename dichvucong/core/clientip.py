"""The address of the person making a request, for rate limits, django-axes and audit rows.

Behind a reverse proxy every connection comes from the proxy, so ``REMOTE_ADDR`` alone would make every
limit global (and let anyone lock anyone out). ``X-Forwarded-For`` can be sent by anybody, though, so it is
believed only as far as it was written by proxies we run: ``DVC_TRUSTED_PROXIES`` lists their addresses or
networks. Reading the header from the right (the hop nearest to us), trusted proxies are skipped; the first
address that is not one of ours is the client. With no trusted proxy configured, or a connection that does
not come from one, the header is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in configured if item.strip())


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request) -> str:
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return "unknown"
    networks = _networks(tuple(getattr(settings, "DVC_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:  # a garbled entry: stop at the last address our proxies vouched for
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def client_ip_or_none(request) -> str | None:
    """The same address for a column of IP addresses: None when there is no request or no address (a
    unix-socket peer), never the word "unknown" that PostgreSQL's inet type refuses."""
    if request is None:
        return None
    address = client_ip(request)
    return None if address == "unknown" else address
