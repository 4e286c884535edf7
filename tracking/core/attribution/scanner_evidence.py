"""Evidence beyond the user agent, for scanners that pretend to be a browser.

Microsoft's Safe Links and other gateways send a plain Chrome or Edge string, so
no user-agent row can catch them. What they do can: fetch within seconds of the
link being made, fetch every link of a message at once from one network, ask
with HEAD or OPTIONS first, leave out the headers a real browser of that version
always sends, and come from published cloud or mail-provider address ranges.

Each such fact is a named signal with a weight. A visit becomes a bot only when
the weights reach a threshold *and* at least one signal is about the request's
own headers: a real browser sends Accept-Language, client hints and fetch
metadata, so a person with a normal browser can never be turned into a bot by
where they are or how fast they click. The signal names are stored as the
visit's rule, so a verdict can be explained and re-classified.

Pure: the per-network memory is plain in-process data, fed by the tracker.
"""

from __future__ import annotations

import bisect
import ipaddress
import re
import socket
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

#: Signal name -> weight. Names are short: they are stored joined by "+" in the
#: visit's 64-character rule column.
WEIGHTS: Final[Mapping[str, int]] = {
    "no-lang": 2,  # no Accept-Language: every browser sends one
    "no-ch": 1,  # no Sec-CH-UA from a Chromium 90+ browser over HTTPS
    "no-fetch-meta": 1,  # no Sec-Fetch-Mode from a browser that sends it over HTTPS
    "mail-net": 3,  # an address in a published mail-provider or mail-security range
    "cloud-net": 2,  # an address in a published cloud range
    "preflight": 2,  # HEAD or OPTIONS for this link from the same network just before
    "batch": 2,  # several different links from the same network within seconds
    "just-sent": 1,  # within seconds of the link being created
}
SIGNALS: Final[tuple[str, ...]] = tuple(WEIGHTS)
HEADER_SIGNALS: Final[frozenset[str]] = frozenset({"no-lang", "no-ch", "no-fetch-meta"})

_CHROMIUM = re.compile(r"\b(?:Chrome|Chromium|CriOS|Edg|EdgA|EdgiOS)/(\d+)")
_FIREFOX = re.compile(r"\b(?:Firefox|FxiOS)/(\d+)")
_SAFARI = re.compile(r"\bVersion/(\d+)(?:\.(\d+))?.*\bSafari/")
_APPLE_MOBILE = re.compile(r"\((?:iPhone|iPad|iPod)")


@dataclass(frozen=True, slots=True)
class HeaderFacts:
    """Which browser headers a request carried (presence only; values are never kept)."""

    accept_language: bool = True
    client_hints: bool = True  # Sec-CH-UA
    fetch_metadata: bool = True  # Sec-Fetch-Mode
    secure: bool = False  # the browser reached Lantern over HTTPS (hints and metadata need it)


@lru_cache(maxsize=8192)
def header_signals(user_agent: str, facts: HeaderFacts) -> frozenset[str]:
    """Headers a real browser of this user agent's family and version would have sent, but did not.

    Cached: the same few thousand user agents and header sets repeat millions of times.
    """
    chromium = _CHROMIUM.search(user_agent)
    firefox = _FIREFOX.search(user_agent)
    safari = _SAFARI.search(user_agent)
    if chromium is None and firefox is None and safari is None:
        return frozenset()  # not a browser we know the headers of
    found: set[str] = set()
    if not facts.accept_language:
        found.add("no-lang")
    if not facts.secure:
        return frozenset(found)
    apple_mobile = _APPLE_MOBILE.search(user_agent) is not None
    web_view = "; wv)" in user_agent
    # Client hints: Chromium 90+ outside iOS (every iOS browser is WebKit) and outside web views.
    hints_expected = (
        chromium is not None and not apple_mobile and not web_view and int(chromium.group(1)) >= 90
    )
    if hints_expected and not facts.client_hints:
        found.add("no-ch")
    # Fetch metadata: Chromium 80+, Firefox 90+, Safari 16.4+.
    sends_metadata = (
        (chromium is not None and int(chromium.group(1)) >= 80 and not web_view)
        or (firefox is not None and int(firefox.group(1)) >= 90)
        or (safari is not None and (int(safari.group(1)), int(safari.group(2) or 0)) >= (16, 4))
    )
    if sends_metadata and not facts.fetch_metadata:
        found.add("no-fetch-meta")
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class ScannerPolicy:
    """Which signals are switched on and how much evidence makes a bot (settings decide)."""

    enabled: frozenset[str] = frozenset(SIGNALS)
    threshold: int = 4
    batch_links: int = 3
    batch_seconds: float = 10.0
    preflight_seconds: float = 30.0
    just_sent_seconds: float = 60.0

    def decisive(self, signals: Iterable[str]) -> frozenset[str] | None:
        """The signals that make this visit a bot, or None when the evidence is not strong enough."""
        active = frozenset(s for s in signals if s in self.enabled and s in WEIGHTS)
        if not active & HEADER_SIGNALS:
            return None  # a request with a real browser's headers is never turned into a bot
        if sum(WEIGHTS[s] for s in active) < self.threshold:
            return None
        return active


def signals_name(signals: Iterable[str]) -> str:
    """The stored rule name of a set of signals, in table order ("no-lang+cloud-net+batch")."""
    chosen = set(signals)
    return "+".join(s for s in SIGNALS if s in chosen)


def parse_signals_name(name: str | None) -> frozenset[str]:
    """The signals a stored rule name lists (unknown words are ignored)."""
    if not name:
        return frozenset()
    return frozenset(part for part in name.split("+") if part in WEIGHTS)


@dataclass(frozen=True, slots=True)
class AddressRange:
    """One published range: who announces it and whether it is a cloud or a mail provider."""

    network: str
    provider: str
    category: str  # "mail" or "cloud"


class AddressRanges:
    """Published address ranges, looked up by bisection over sorted integer intervals.

    Mail-provider ranges win over cloud ranges that contain them (Exchange Online
    sits inside Azure), because they are the stronger evidence.
    """

    def __init__(self, ranges: Iterable[AddressRange], *, date: str = "", source: str = "") -> None:
        self.date = date
        self.source = source
        self.count = 0
        by_category: dict[str, dict[int, list[tuple[int, int, str]]]] = {}
        for item in ranges:
            net = ipaddress.ip_network(item.network, strict=False)
            table = by_category.setdefault(item.category, {4: [], 6: []})
            table[net.version].append((int(net.network_address), int(net.broadcast_address), item.provider))
            self.count += 1
        self._tables: list[tuple[str, dict[int, tuple[list[int], list[tuple[int, int, str]]]]]] = []
        for category in sorted(by_category, key=lambda c: c != "mail"):
            versions = {}
            for version, rows in by_category[category].items():
                merged = _merge(sorted(rows))
                versions[version] = ([row[0] for row in merged], merged)
            self._tables.append((category, versions))

    def lookup(self, ip: str) -> tuple[str, str] | None:
        """(category, provider) of the range holding this address, or None."""
        parsed = _address_value(ip)
        if parsed is None:
            return None
        version, value = parsed
        for category, versions in self._tables:
            starts, rows = versions.get(version, ([], []))
            index = bisect.bisect_right(starts, value) - 1
            if index >= 0 and rows[index][0] <= value <= rows[index][1]:
                return category, rows[index][2]
        return None


def _address_value(ip: str) -> tuple[int, int] | None:
    """(IP version, integer value) of an address; IPv4-mapped IPv6 counts as IPv4.

    inet_pton is several times faster than the ipaddress module on the hot path.
    """
    try:
        if ":" not in ip:
            return 4, int.from_bytes(socket.inet_pton(socket.AF_INET, ip))
        value = int.from_bytes(socket.inet_pton(socket.AF_INET6, ip.split("%", 1)[0]))
    except (OSError, ValueError):
        return None
    if value >> 32 == 0xFFFF:
        return 4, value & 0xFFFFFFFF
    return 6, value


def _merge(rows: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sorted intervals with overlaps folded together (the first provider's name is kept)."""
    merged: list[tuple[int, int, str]] = []
    for start, end, provider in rows:
        if merged and start <= merged[-1][1] + 1:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, provider))
    return merged


NO_RANGES: Final[AddressRanges] = AddressRanges(())


@dataclass(slots=True)
class _Seen:
    at: float
    link_id: int
    preflight: bool


@dataclass
class RecentFetches:
    """What each network (/24 or /48) fetched in the last seconds, bounded in networks kept.

    Per process: with several workers a batch split across them is seen in part,
    which can only make the evidence weaker, never stronger.
    """

    horizon: float = 60.0
    max_networks: int = 50_000
    _by_network: OrderedDict[str, deque[_Seen]] = field(default_factory=OrderedDict)

    def observe(
        self, network: str, link_id: int, *, preflight: bool, now: float, policy: ScannerPolicy
    ) -> set[str]:
        """Record one request and return the network signals it raises ("batch", "preflight")."""
        seen = self._by_network.get(network)
        if seen is None:
            seen = deque()
            self._by_network[network] = seen
            if len(self._by_network) > self.max_networks:
                self._by_network.popitem(last=False)
        else:
            self._by_network.move_to_end(network)
        while seen and now - seen[0].at > self.horizon:
            seen.popleft()
        found: set[str] = set()
        if not preflight:
            links = {s.link_id for s in seen if now - s.at <= policy.batch_seconds}
            links.add(link_id)
            if len(links) >= policy.batch_links:
                found.add("batch")
            if any(
                s.preflight and s.link_id == link_id and now - s.at <= policy.preflight_seconds for s in seen
            ):
                found.add("preflight")
        seen.append(_Seen(now, link_id, preflight))
        if len(seen) > 256:
            seen.popleft()
        return found


class ScannerEvidence:
    """Gathers the signals of one request: headers, address range, network memory, timing."""

    def __init__(self, *, policy: ScannerPolicy, ranges: AddressRanges = NO_RANGES) -> None:
        self.policy = policy
        self.ranges = ranges
        self.memory = RecentFetches(horizon=max(policy.batch_seconds, policy.preflight_seconds))

    def signals(
        self,
        *,
        user_agent: str,
        headers: HeaderFacts,
        ip: str,
        network: str | None,
        link_id: int,
        method: str,
        now: float,
        link_age: float | None,
    ) -> frozenset[str]:
        """Every switched-on signal this request raises (the classifier decides if they suffice)."""
        enabled = self.policy.enabled
        preflight = method in {"HEAD", "OPTIONS"}
        found: set[str] = set()
        if network is not None and enabled & {"batch", "preflight"}:
            found |= self.memory.observe(network, link_id, preflight=preflight, now=now, policy=self.policy)
        if preflight:
            return frozenset(found & enabled)
        found |= header_signals(user_agent, headers)
        if enabled & {"mail-net", "cloud-net"}:
            hit = self.ranges.lookup(ip)
            if hit is not None:
                found.add("mail-net" if hit[0] == "mail" else "cloud-net")
        if link_age is not None and 0 <= link_age <= self.policy.just_sent_seconds:
            found.add("just-sent")
        return frozenset(found & enabled)
