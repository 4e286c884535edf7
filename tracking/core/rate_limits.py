"""Rate limits keyed by a string (a sharer, an API key, a client network), with bounded memory.

A token bucket per key, kept as one float: the time at which the key's
bucket will be full again (GCRA, the "generic cell rate algorithm"). A key
whose bucket is full is indistinguishable from a key never seen, so idle
keys are dropped, and at most `max_keys` are kept (least recently used go
first; a dropped key simply starts again with a full bucket).

Pure: the clock is injected (a monotonic one in production, a fake in
tests), there is no lock (the event loop runs one request at a time) and
no I/O. A `RateLimiter` is per process; the link allowance that must hold
across `--workers N` is a `LinkAllowance` kept in the database (the same
arithmetic, in tracking.storage.rate_buckets).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

#: Keys remembered at most; each costs about 200 bytes, so 100 k is ~20 MB at worst.
DEFAULT_MAX_KEYS = 100_000
#: Float rounding must not refuse an attempt made exactly when it becomes allowed.
_EPSILON = 1e-9
#: Idle keys dropped per call at most: enough to keep up, small enough to stay O(1).
_PRUNE_PER_CALL = 4


class RateLimiter:
    """Allows `per_minute` attempts a minute per key, up to `burst` at once."""

    def __init__(
        self,
        *,
        per_minute: float,
        burst: int,
        clock: Callable[[], float],
        max_keys: int = DEFAULT_MAX_KEYS,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive (leave the limiter out to turn a limit off)")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self.per_minute = per_minute
        self.burst = burst
        self._interval = 60.0 / per_minute  # seconds one attempt's token takes to come back
        self._capacity = burst * self._interval  # how far ahead of now a bucket's refill may run
        self._clock = clock
        self._max_keys = max_keys
        self._full_at: OrderedDict[str, float] = OrderedDict()

    def take(self, key: str, cost: int = 1) -> float:
        """Spend `cost` attempts if the key has them: 0.0, else the seconds until it will.

        A cost above the burst is treated as the whole burst: it needs a full bucket.
        """
        now = self._clock()
        self._prune(now)
        start = max(self._full_at.get(key, now), now)
        end = start + self._spend(cost)
        wait = end - now - self._capacity
        if wait > _EPSILON:
            if key in self._full_at:
                self._full_at.move_to_end(key)  # a key being refused is in use: evict others first
            return wait
        self._store(key, end)
        return 0.0

    def wait(self, key: str, cost: int = 1) -> float:
        """Seconds until `key` can spend `cost` attempts (0.0: now), without spending them."""
        now = self._clock()
        start = max(self._full_at.get(key, now), now)
        wait = start + self._spend(cost) - now - self._capacity
        return wait if wait > _EPSILON else 0.0

    def charge(self, key: str, cost: int = 1) -> None:
        """Spend `cost` attempts even past the limit (after `wait` said yes and the work was done).

        Concurrent callers may all have been told yes; the debt they leave makes
        the key wait longer, so the allowance holds on average.
        """
        if cost < 1:
            return
        now = self._clock()
        self._prune(now)
        start = max(self._full_at.get(key, now), now)
        self._store(key, start + cost * self._interval)

    def __len__(self) -> int:
        return len(self._full_at)

    def _spend(self, cost: int) -> float:
        return min(max(cost, 1), self.burst) * self._interval

    def _store(self, key: str, full_at: float) -> None:
        buckets = self._full_at
        if key in buckets:
            buckets.move_to_end(key)
        elif len(buckets) >= self._max_keys:
            buckets.popitem(last=False)  # the least recently used key starts afresh if it returns
        buckets[key] = full_at

    def _prune(self, now: float) -> None:
        """Drop keys whose buckets are full again, from the least recently used end."""
        buckets = self._full_at
        for _ in range(_PRUNE_PER_CALL):
            if not buckets:
                return
            key, full_at = next(iter(buckets.items()))
            if full_at > now:
                return
            del buckets[key]


def retry_after_seconds(wait: float) -> int:
    """A wait as whole seconds for a Retry-After header: rounded up, at least 1."""
    return max(1, math.ceil(wait))


def in_words(seconds: int) -> str:
    """A short wait as people say it: "12 s", "2 min"."""
    if seconds < 90:
        return f"{seconds} s"
    return f"{math.ceil(seconds / 60)} min"


def per_minute_in_words(per_minute: float, thing: str) -> str:
    """`30 links a minute`, `1 link a minute`, `0.5 links a minute`."""
    count = int(per_minute) if float(per_minute).is_integer() else per_minute
    return f"{count} {thing if count == 1 else thing + 's'} a minute"


class LinkAllowance(Protocol):
    """How many links a key may still make: the shorten use case asks before and pays after."""

    per_minute: float
    burst: int

    async def wait(self, key: str, cost: int = 1) -> float:
        """Seconds until `key` may spend `cost` (0.0: now), spending nothing."""
        ...

    async def charge(self, key: str, cost: int = 1) -> None:
        """Spend `cost` (the work was done; concurrent callers may push the key into debt)."""
        ...


class LocalAllowance:
    """A per-process `RateLimiter` as a `LinkAllowance` (one process, the CLI, unit tests)."""

    def __init__(self, limiter: RateLimiter) -> None:
        self._limiter = limiter
        self.per_minute = limiter.per_minute
        self.burst = limiter.burst

    async def wait(self, key: str, cost: int = 1) -> float:
        """Seconds until `key` may spend `cost`."""
        return self._limiter.wait(key, cost)

    async def charge(self, key: str, cost: int = 1) -> None:
        """Spend `cost`."""
        self._limiter.charge(key, cost)
