"""When to try a failed delivery again, and when to give up."""

from __future__ import annotations

from datetime import timedelta

#: First retry after this long; each next one waits twice as long…
FIRST_DELAY = timedelta(seconds=1)
#: …but never longer than this, so a receiver that comes back is served within the hour.
LONGEST_DELAY = timedelta(hours=1)
#: A delivery still failing this long after its event is given up.
GIVE_UP_AFTER = timedelta(days=1)
#: Failures in a row (across deliveries) after which a webhook is switched off.
DISABLE_AFTER_FAILURES = 20


def next_delay(attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`, after `attempts` failed ones (exponential, capped)."""
    if attempts <= 0:
        return timedelta(0)
    seconds = FIRST_DELAY.total_seconds() * (2 ** min(attempts - 1, 30))
    return min(timedelta(seconds=seconds), LONGEST_DELAY)
