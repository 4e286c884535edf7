"""The evidence order: turn one visit's signals into kind, channel and evidence.

Pure and synchronous; the redirect handler calls it on the hot path, so the
user-agent and referrer-host verdicts are cached (the same few thousand UA
strings repeat millions of times, and the crawler library's regex is slow).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Final
from urllib.parse import urlsplit

from tracking.core.attribution.rules import (
    RULES_VERSION,
    USER_AGENT_STAGES,
    Rule,
    rules_for,
)
from tracking.core.attribution.scanner_evidence import ScannerPolicy, signals_name
from tracking.core.channels import find_channel

#: Longer user agents are cut before matching: every token we look for sits well
#: within this, and it bounds the regex work and the cache's memory per entry.
MAX_USER_AGENT: Final[int] = 1024
DIRECT: Final[str] = "direct"


class VisitKind(StrEnum):
    """What a visit was: a person's click, an app's preview fetch, or a bot."""

    CLICK = "click"
    PREVIEW = "preview"
    BOT = "bot"


class Evidence(StrEnum):
    """Which signal decided the attribution (strongest first)."""

    HEAD_REQUEST = "head-request"
    SCANNER_SIGNALS = "scanner-signals"  # the rule column lists the signals ("no-lang+cloud-net")
    PREVIEW_FETCHER = "preview-fetcher"
    BOT = "bot"
    IN_APP_BROWSER = "in-app-browser"
    REFERRER = "referrer"
    RECENT_PREVIEW = "recent-preview"
    LINK_TAG = "link-tag"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class VisitSignals:
    """What the redirect handler knows about one request."""

    method: str  # "GET" or "HEAD"
    user_agent: str  # "" when absent
    referrer: str  # "" when absent
    link_channel: str | None  # the channel the link was tagged for (utm_source), or None
    # distinct channels that previewed this link within the recent-preview window
    recent_preview_channels: frozenset[str] = frozenset()
    # scanner evidence beyond the user agent (see scanner_evidence.py); names only
    scanner_signals: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Attribution:
    """The verdict: stored with the visit, together with the rules version."""

    kind: VisitKind
    channel: str  # a canonical channel name; never "" (bots fall back to the link's channel)
    evidence: Evidence
    rule: str | None  # the rule row that decided it, when one did
    rules_version: int


_UA_RULES: Final[tuple[Rule, ...]] = tuple(rule for stage in USER_AGENT_STAGES for rule in rules_for(stage))
_REFERRER_RULES: Final[tuple[Rule, ...]] = rules_for("referrer")

_EVIDENCE_BY_KIND: Final[dict[str, tuple[VisitKind, Evidence]]] = {
    "preview": (VisitKind.PREVIEW, Evidence.PREVIEW_FETCHER),
    "bot": (VisitKind.BOT, Evidence.BOT),
    "click": (VisitKind.CLICK, Evidence.IN_APP_BROWSER),
}


def match_user_agent(user_agent: str) -> Rule | None:
    """First user-agent row that matches: previews, then bots, then in-app browsers.

    Previews go first because preview fetchers are crawlers too; bots go before
    in-app browsers so a script that pastes an app token still counts as a bot.
    """
    for rule in _UA_RULES:
        if rule.matches_user_agent(user_agent):
            return rule
    return None


def match_referrer_host(scheme: str, host: str) -> Rule | None:
    """First referrer row that matches a parsed (scheme, host)."""
    for rule in _REFERRER_RULES:
        if rule.matches_referrer(scheme, host):
            return rule
    return None


def split_referrer(referrer: str) -> tuple[str, str] | None:
    """The referrer's lower-case scheme and host (no port, no trailing dot), or None."""
    text = referrer.strip()
    if not text:
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" in the host: not a usable referrer
        return None
    if not parts.scheme or not host:
        return None
    return parts.scheme.lower(), host.rstrip(".")


def _canonical(name: str | None) -> str | None:
    """The canonical channel name for a name or alias; None for unknown or empty."""
    if not name:
        return None
    found = find_channel(name)
    return found.name if found is not None else None


def _single_channel(names: Iterable[str]) -> str | None:
    """The one channel these names stand for, or None when there are zero or several."""
    distinct = {c for c in (_canonical(n) for n in names) if c is not None}
    return next(iter(distinct)) if len(distinct) == 1 else None


class Classifier:
    """Applies the evidence order of DESIGN.md "How a visit is attributed"."""

    def __init__(
        self,
        *,
        own_hosts: frozenset[str] = frozenset(),
        cache_size: int = 4096,
        scanner_policy: ScannerPolicy | None = None,
    ) -> None:
        self._scanner_policy = scanner_policy
        self._own_hosts = frozenset(h.strip().lower().rstrip(".") for h in own_hosts)
        self._match_ua: Callable[[str], Rule | None] = lru_cache(maxsize=cache_size)(match_user_agent)
        self._match_host: Callable[[str, str], Rule | None] = lru_cache(maxsize=cache_size)(
            match_referrer_host
        )

    def classify(self, signals: VisitSignals) -> Attribution:
        """Kind, channel and evidence for one visit, strongest evidence first."""
        tagged = _canonical(signals.link_channel)
        if signals.method.strip().upper() == "HEAD":
            return self._verdict(VisitKind.BOT, tagged or DIRECT, Evidence.HEAD_REQUEST)
        by_agent = self._match_ua(signals.user_agent[:MAX_USER_AGENT])
        if by_agent is not None:
            return self._from_user_agent(by_agent, tagged)
        if signals.scanner_signals and self._scanner_policy is not None:
            decisive = self._scanner_policy.decisive(signals.scanner_signals)
            if decisive is not None:
                return Attribution(
                    VisitKind.BOT,
                    tagged or DIRECT,
                    Evidence.SCANNER_SIGNALS,
                    signals_name(decisive),
                    RULES_VERSION,
                )
        by_referrer = self._referrer_rule(signals.referrer)
        if by_referrer is not None:
            return self._verdict(VisitKind.CLICK, by_referrer.channel, Evidence.REFERRER, by_referrer)
        previewed = _single_channel(signals.recent_preview_channels)
        if previewed is not None:
            return self._verdict(VisitKind.CLICK, previewed, Evidence.RECENT_PREVIEW)
        if tagged is not None:
            return self._verdict(VisitKind.CLICK, tagged, Evidence.LINK_TAG)
        return self._verdict(VisitKind.CLICK, DIRECT, Evidence.NONE)

    def _from_user_agent(self, rule: Rule, tagged: str | None) -> Attribution:
        kind, evidence = _EVIDENCE_BY_KIND[rule.kind]
        # Most bots name no app: keep the link's own channel so bot counts stay per channel.
        # An email scanner proves the link travelled by email, so it names email when the
        # link carries no channel of its own.
        channel = (tagged or rule.channel or DIRECT) if kind is VisitKind.BOT else rule.channel
        return self._verdict(kind, channel, evidence, rule)

    def _referrer_rule(self, referrer: str) -> Rule | None:
        parsed = split_referrer(referrer)
        if parsed is None or parsed[1] in self._own_hosts:
            return None
        return self._match_host(*parsed)

    @staticmethod
    def _verdict(kind: VisitKind, channel: str, evidence: Evidence, rule: Rule | None = None) -> Attribution:
        return Attribution(kind, channel, evidence, rule.name if rule else None, RULES_VERSION)
