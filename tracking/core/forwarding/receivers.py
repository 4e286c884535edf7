"""Which addresses a webhook may be delivered to.

A webhook URL is chosen by whoever can run the CLI, but its host name can
later resolve anywhere: deliveries to loopback, private, link-local or
otherwise internal addresses are refused (unless the operator allows them)
both when the webhook is added and at every connection.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


class ReceiverRefused(ValueError):
    """A webhook URL Lantern will not deliver to; the message says why."""


def check_url(url: str) -> str:
    """An http(s) URL with a host, at most 2,048 characters, no credentials; returned stripped."""
    url = url.strip()
    if len(url) > 2048:
        raise ReceiverRefused("the URL is longer than 2,048 characters")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise ReceiverRefused("a webhook URL starts with https:// (or http://)")
    if not parts.hostname:
        raise ReceiverRefused("the URL has no host")
    if parts.username or parts.password:
        raise ReceiverRefused("put no user name or password in the URL; the signature authenticates")
    try:
        _ = parts.port
    except ValueError:
        raise ReceiverRefused("the URL's port is not a number from 1 to 65535") from None
    return url


def is_internal(address: str) -> bool:
    """True for loopback, private, link-local, shared, reserved, multicast or unspecified addresses."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_addresses(host: str, addresses: list[str], *, allow_private: bool) -> None:
    """Refuse a receiver whose host resolves to any internal address (unless allowed)."""
    if allow_private:
        return
    internal = [address for address in addresses if is_internal(address)]
    if internal or not addresses:
        shown = internal[0] if internal else "nothing"
        raise ReceiverRefused(
            f"{host} resolves to {shown}, a private or loopback address; "
            "set LANTERN_WEBHOOK_ALLOW_PRIVATE=true to deliver inside your network"
        )
