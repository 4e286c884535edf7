"""Pure attribution core: which app a visit came from, and whether it was a person.

No I/O and no framework imports: the redirect handler, the stats and the
re-classification job all call the same functions.
"""

from __future__ import annotations

from tracking.core.attribution.classifier import (
    Attribution,
    Classifier,
    Evidence,
    VisitKind,
    VisitSignals,
    match_referrer_host,
    match_user_agent,
    split_referrer,
)
from tracking.core.attribution.device import DeviceInfo, describe_device
from tracking.core.attribution.fetchers import Fetcher
from tracking.core.attribution.rules import (
    RULES,
    RULES_VERSION,
    HostPattern,
    Rule,
    fetcher_of,
    rules_for,
    validate_rules,
)

__all__ = [
    "RULES",
    "RULES_VERSION",
    "Attribution",
    "Classifier",
    "DeviceInfo",
    "Evidence",
    "Fetcher",
    "HostPattern",
    "Rule",
    "VisitKind",
    "VisitSignals",
    "describe_device",
    "fetcher_of",
    "match_referrer_host",
    "match_user_agent",
    "rules_for",
    "split_referrer",
    "validate_rules",
]
