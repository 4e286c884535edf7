"""Published address ranges on disk: load, parse the providers' formats, write, and reload.

The ranges behind the `mail-net` and `cloud-net` scanner signals change every
week, so they live in a data file (`LANTERN_ADDRESS_RANGES_FILE`) that
`lantern ranges update` rewrites; running trackers pick the new file up within
a minute. Until the first update, the dated snapshot shipped in the package is used.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from ipaddress import ip_network
from pathlib import Path
from typing import Any

from tracking.core.attribution.scanner_evidence import AddressRange, AddressRanges
from tracking.core.errors import InvalidInput

log = logging.getLogger(__name__)

FORMAT = "lantern-address-ranges/1"
CATEGORIES = frozenset({"mail", "cloud"})


@dataclass(frozen=True, slots=True)
class RangesDocument:
    """A set of ranges with the date they were published and where they came from."""

    date: str
    source: str
    ranges: tuple[AddressRange, ...]

    def build(self) -> AddressRanges:
        """The lookup structure the tracker uses."""
        return AddressRanges(self.ranges, date=self.date, source=self.source)

    def by_provider(self) -> dict[str, tuple[str, int]]:
        """Provider -> (category, number of ranges), for `lantern ranges show`."""
        counts: dict[str, tuple[str, int]] = {}
        for item in self.ranges:
            category, count = counts.get(item.provider, (item.category, 0))
            counts[item.provider] = (category, count + 1)
        return dict(sorted(counts.items()))


def _decode(raw: bytes) -> Any:
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _checked(network: str, provider: str, category: str) -> AddressRange:
    try:
        ip_network(network, strict=False)
    except ValueError:
        raise InvalidInput(f"{network!r} is not an address range") from None
    if category not in CATEGORIES:
        raise InvalidInput(f"category {category!r} is neither 'mail' nor 'cloud'")
    return AddressRange(network, provider, category)


def parse_ranges(raw: bytes, *, provider: str = "", category: str = "cloud") -> RangesDocument:
    """Read Lantern's own format, AWS's ip-ranges.json, Google's cloud.json/goog.json, or plain CIDR lines.

    `provider` and `category` name the ranges of the formats that do not say
    (plain lines, Google); an unreadable file is an InvalidInput, never a partial load.
    """
    data = _decode(raw)
    today = datetime.now(UTC).date().isoformat()
    if isinstance(data, dict) and data.get("format") == FORMAT:
        rows = data.get("ranges")
        if not isinstance(rows, list):
            raise InvalidInput("the ranges file has no 'ranges' list")
        ranges = tuple(
            _checked(str(r.get("network", "")), str(r.get("provider", "")), str(r.get("category", "")))
            for r in rows
            if isinstance(r, dict)
        )
        return RangesDocument(str(data.get("date", "")), str(data.get("source", "")), ranges)
    if isinstance(data, dict) and "prefixes" in data and "syncToken" in data:  # AWS ip-ranges.json
        found = [p.get("ip_prefix") for p in data["prefixes"]] + [
            p.get("ipv6_prefix") for p in data.get("ipv6_prefixes", [])
        ]
        created = str(data.get("createDate", ""))[:10].replace("-", "-")
        ranges = tuple(_checked(str(n), provider or "aws", category) for n in found if n)
        return RangesDocument(created or today, "AWS ip-ranges.json", ranges)
    if isinstance(data, dict) and "prefixes" in data:  # Google cloud.json / goog.json
        found = [p.get("ipv4Prefix") or p.get("ipv6Prefix") for p in data["prefixes"]]
        ranges = tuple(_checked(str(n), provider or "gcp", category) for n in found if n)
        return RangesDocument(
            str(data.get("creationTime", ""))[:10] or today, "Google IP ranges JSON", ranges
        )
    if data is not None:
        raise InvalidInput("unknown ranges format: expected Lantern's, AWS's, Google's or one range per line")
    text = raw.decode("utf-8", errors="strict") if raw[:2] != b"\x1f\x8b" else ""
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    if not provider:
        raise InvalidInput("plain lists of ranges need --provider NAME (and --category mail|cloud)")
    ranges = tuple(_checked(line, provider, category) for line in lines if line)
    if not ranges:
        raise InvalidInput("the file lists no address ranges")
    return RangesDocument(today, f"{provider} list", ranges)


def merge_documents(documents: Iterable[RangesDocument], *, source: str) -> RangesDocument:
    """Several sources as one document, dated by the newest of them."""
    items = list(documents)
    ranges = tuple(r for doc in items for r in doc.ranges)
    date = max((doc.date for doc in items if doc.date), default="")
    return RangesDocument(date, source, ranges)


def write_ranges(path: Path, document: RangesDocument) -> None:
    """Write atomically (temp file + rename), so a tracker never reads half a file."""
    payload = {
        "format": FORMAT,
        "date": document.date,
        "source": document.source,
        "ranges": [
            {"network": r.network, "provider": r.provider, "category": r.category} for r in document.ranges
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(json.dumps(payload, separators=(",", ":")).encode())
    os.replace(temporary, path)


def snapshot() -> RangesDocument:
    """The dated snapshot shipped with this release."""
    raw = resources.files("tracking").joinpath("data/address_ranges.json.gz").read_bytes()
    return parse_ranges(raw)


def load_ranges(path: Path) -> RangesDocument:
    """The updated file when there is one, else the shipped snapshot."""
    if path.is_file():
        return parse_ranges(path.read_bytes())
    return snapshot()


class RangesFile:
    """Keeps an AddressRanges current: re-reads the file when `lantern ranges update` replaced it."""

    def __init__(self, path: Path, *, check_every: float = 60.0) -> None:
        self._path = path
        self._check_every = check_every
        self._checked_at = 0.0
        self._stamp = self._mtime()
        self.ranges = load_ranges(path).build()

    def _mtime(self) -> float | None:
        try:
            return self._path.stat().st_mtime
        except OSError:
            return None

    def refresh(self) -> bool:
        """Reload when the file changed since the last look (at most once per `check_every`)."""
        now = time.monotonic()
        if now - self._checked_at < self._check_every:
            return False
        self._checked_at = now
        stamp = self._mtime()
        if stamp == self._stamp:
            return False
        try:
            self.ranges = load_ranges(self._path).build()
        except (InvalidInput, OSError) as error:
            log.warning("keeping the old address ranges: cannot read %s (%s)", self._path, error)
            return False
        self._stamp = stamp
        log.info("address ranges reloaded: %d ranges dated %s", self.ranges.count, self.ranges.date)
        return True
