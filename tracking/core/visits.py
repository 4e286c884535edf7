"""Turning a request into a visit record: attribution, privacy and truncation rules.

This is the pure half of recording a visit (the tracker's adapter only
extracts `VisitRequest` from aiohttp); it decides what may be kept.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Protocol

from tracking.core.attribution import (
    RULES_VERSION,
    Attribution,
    DeviceInfo,
    VisitKind,
    VisitSignals,
    describe_device,
)
from tracking.core.attribution.scanner_evidence import HeaderFacts, ScannerEvidence
from tracking.core.links import Link

MAX_USER_AGENT = 512
MAX_REFERRER = 1024
IPV4_PREFIX = 24
IPV6_PREFIX = 48

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class PrivacyPolicy:
    """What Lantern may keep of a visitor; `DNT`/`Sec-GPC` turns all of it off per visit."""

    store_ip: bool = True
    store_user_agent: bool = True
    store_referrer: bool = True


@dataclass(frozen=True, slots=True)
class VisitRequest:
    """The parts of an HTTP request that matter to attribution, as plain values."""

    method: str
    user_agent: str
    referrer: str
    peer_ip: str
    forwarded_for: str = ""
    do_not_track: bool = False
    country: str = ""
    # Presence of the headers every modern browser sends (scanner evidence); True when unknown.
    accept_language: bool = True
    client_hints: bool = True
    fetch_metadata: bool = True
    secure: bool = False

    def header_facts(self) -> HeaderFacts:
        """The browser-header facts scanner evidence reads."""
        return HeaderFacts(self.accept_language, self.client_hints, self.fetch_metadata, self.secure)


@dataclass(frozen=True, slots=True)
class Visit:
    """A visit ready to store."""

    link_id: int
    at: datetime
    method: str
    kind: VisitKind
    channel: str
    evidence: str
    rule: str | None
    rules_version: int
    user_agent: str | None
    referrer: str | None
    ip_prefix: str | None
    visitor_hash: str | None
    device: str | None
    browser: str | None
    os: str | None
    country: str | None
    private: bool


@lru_cache(maxsize=8192)
def truncate_ip(ip: str) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) network of an address, never the address itself."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def parse_networks(items: Sequence[str]) -> tuple[Network, ...]:
    """Trusted proxy settings as network objects."""
    return tuple(ipaddress.ip_network(item, strict=False) for item in items)


def _is_trusted(ip: str, trusted: Sequence[Network]) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in trusted)


def _without_port(hop: str) -> str:
    """`203.0.113.5:4711` → `203.0.113.5`, `[2001:db8::1]:443` → `2001:db8::1` (some proxies add ports)."""
    if hop.startswith("["):
        return hop[1:].partition("]")[0]
    if hop.count(":") == 1:
        return hop.partition(":")[0]
    return hop


def client_ip(peer_ip: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The visitor's address: walk X-Forwarded-For from the right past trusted proxies only."""
    if not trusted or not forwarded_for or not _is_trusted(peer_ip, trusted):
        return peer_ip
    hops = [_without_port(hop.strip()) for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer_ip


def visitor_hash(salt: str, ip: str, user_agent: str) -> str:
    """A daily-salted hash: counts unique visitors, cannot be turned back into an IP."""
    return hashlib.blake2b(f"{ip}|{user_agent}".encode(), key=salt.encode()[:64], digest_size=16).hexdigest()


def _crop(text: str, limit: int) -> str | None:
    return text[:limit] if text else None


def share_event(link_id: int, channel: str, *, source: str, at: datetime) -> Visit:
    """A share reported by a platform's API rather than fetched: a preview with no visitor data."""
    return Visit(
        link_id=link_id,
        at=at,
        method="EVENT",
        kind=VisitKind.PREVIEW,
        channel=channel,
        evidence="platform-event",
        rule=source[:64],
        rules_version=RULES_VERSION,
        user_agent=None,
        referrer=None,
        ip_prefix=None,
        visitor_hash=None,
        device=None,
        browser=None,
        os=None,
        country=None,
        private=False,
    )


class VisitClassifier(Protocol):
    """Decides a visit's kind and channel: the attribution `Classifier`, or a benchmark's constant."""

    def classify(self, signals: VisitSignals) -> Attribution: ...


DescribeDevice = Callable[[str], DeviceInfo]


class VisitBuilder:
    """Builds a Visit from a request and its link, applying attribution and privacy."""

    def __init__(
        self,
        *,
        classifier: VisitClassifier,
        privacy: PrivacyPolicy,
        trusted_proxies: Sequence[Network] = (),
        devices: DescribeDevice = describe_device,
        scanner_evidence: ScannerEvidence | None = None,
    ) -> None:
        self._classifier = classifier
        self._privacy = privacy
        self._trusted = tuple(trusted_proxies)
        self._describe_device = devices
        self._scanner = scanner_evidence

    def _scanner_signals(self, request: VisitRequest, link: Link, ip: str, at: datetime) -> frozenset[str]:
        if self._scanner is None:
            return frozenset()
        return self._scanner.signals(
            user_agent=request.user_agent,
            headers=request.header_facts(),
            ip=ip,
            network=truncate_ip(ip),
            link_id=link.id,
            method=request.method.upper(),
            now=at.timestamp(),
            link_age=(at - link.created_at).total_seconds(),
        )

    def observe_preflight(self, request: VisitRequest, link: Link, *, at: datetime) -> None:
        """Remember an OPTIONS request (no visit is stored) so the GET after it can be read."""
        ip = client_ip(request.peer_ip, request.forwarded_for, self._trusted)
        self._scanner_signals(replace(request, method="OPTIONS"), link, ip, at)

    def warm_up(self) -> None:
        """Compile the rule and parser regexes now, not on the first visitor's request."""
        sample = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
        self._classifier.classify(VisitSignals("GET", sample, "https://example.com/", None))
        self._describe_device(sample)

    def build(
        self,
        request: VisitRequest,
        link: Link,
        *,
        at: datetime,
        salt: str,
        recent_preview_channels: frozenset[str] = frozenset(),
    ) -> Visit:
        """Classify and strip a request down to what may be stored."""
        ip = client_ip(request.peer_ip, request.forwarded_for, self._trusted)
        attribution = self._classifier.classify(
            VisitSignals(
                method=request.method,
                user_agent=request.user_agent,
                referrer=request.referrer,
                link_channel=link.channel,
                recent_preview_channels=recent_preview_channels,
                scanner_signals=self._scanner_signals(request, link, ip, at),
            )
        )
        device = self._describe_device(request.user_agent)
        private = request.do_not_track
        keep_ip = self._privacy.store_ip and not private
        keep_ua = self._privacy.store_user_agent and not private
        keep_referrer = self._privacy.store_referrer and not private
        country = request.country.strip().upper()[:2]
        return Visit(
            link_id=link.id,
            at=at,
            method=request.method,
            kind=attribution.kind,
            channel=attribution.channel,
            evidence=attribution.evidence,
            rule=attribution.rule,
            rules_version=attribution.rules_version,
            user_agent=_crop(request.user_agent, MAX_USER_AGENT) if keep_ua else None,
            referrer=_crop(request.referrer, MAX_REFERRER) if keep_referrer else None,
            ip_prefix=truncate_ip(ip) if keep_ip else None,
            visitor_hash=None if private else visitor_hash(salt, ip, request.user_agent),
            device=None if private else device.device,
            browser=None if private else device.browser,
            os=None if private else device.os,
            country=country if country.isalpha() and len(country) == 2 else None,
            private=private,
        )
