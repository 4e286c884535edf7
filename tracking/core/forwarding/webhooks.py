"""Webhook bodies and their signatures.

`Lantern-Signature: t=UNIX,v1=HEX` where HEX is HMAC-SHA256 of
`"{t}.{raw body}"` keyed by the webhook's secret: the timestamp is inside
what is signed, so a receiver that rejects old timestamps cannot be fed a
replay.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime
from typing import Any

SIGNATURE_HEADER = "Lantern-Signature"
#: How old a signed delivery a receiver should still accept (what `verify` defaults to).
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A webhook secret: shown once, 32 bytes of randomness."""
    return "whsec_" + secrets.token_urlsafe(32)


def body(*, event_id: str, event: str, created_at: datetime, data: dict[str, Any]) -> bytes:
    """The JSON a receiver gets: `{"id", "event", "created_at", "data"}`, compact and stable."""
    document = {"id": event_id, "event": event, "created_at": created_at.isoformat(), "data": data}
    return json.dumps(document, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, raw_body: bytes) -> str:
    """The `Lantern-Signature` header value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(
    secret: str, header: str, raw_body: bytes, *, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """What a receiver does: recompute the HMAC, compare in constant time, refuse old timestamps."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, raw_body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
