"""Test data builders: a stored visit or a link with sensible defaults, changed by name.

A `Visit` has seventeen fields; a test names only the ones its point is about.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tracking.core.attribution import RULES_VERSION, VisitKind
from tracking.core.links import Link
from tracking.core.visits import Visit

#: The moment test data happens at unless a test says otherwise.
AT = datetime(2026, 11, 30, 12, tzinfo=UTC)

_VISIT = Visit(
    link_id=1,
    at=AT,
    method="GET",
    kind=VisitKind.CLICK,
    channel="email",
    evidence="link-tag",
    rule=None,
    rules_version=RULES_VERSION,
    user_agent=None,
    referrer=None,
    ip_prefix=None,
    visitor_hash=None,
    device="desktop",
    browser="Chrome",
    os="Windows",
    country="DE",
    private=False,
)

_LINK = Link(
    id=1,
    slug="abc1234",
    target="https://example.com/",
    tagged_target="https://example.com/?utm_source=email",
    channel="email",
    campaign=None,
    sharer_id=None,
    created_at=AT,
)


def a_visit(**changes: Any) -> Visit:
    """A click from email on link 1 at `AT`, with the given fields changed."""
    return replace(_VISIT, **changes)


def a_link(**changes: Any) -> Link:
    """An active link `abc1234` to example.com, tagged for email, with the given fields changed."""
    return replace(_LINK, **changes)
