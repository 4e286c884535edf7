"""Prometheus metrics of one process: redirects by status, visit batches, the link cache.

A registry per application (not the library's global one), so tests and
several apps in one process never share counters. Batch and cache
figures are read from the live objects at scrape time, which keeps the
hot path to a single counter increment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from tracking.link_cache import LinkCache
from tracking.recording import GroupCommitter

_STATUSES = (302, 307, 404, 410, 429, 503)


class _LiveCollector(Collector):
    """Reads counters kept by the committer and the cache when Prometheus scrapes."""

    def __init__(self, source: Callable[[], tuple[GroupCommitter[Any], LinkCache] | None]) -> None:
        self._source = source

    def collect(self) -> Iterable[Metric]:
        parts = self._source()
        if parts is None:
            return
        committer, cache = parts
        yield CounterMetricFamily(
            "lantern_visits_written", "Visits committed to the database", value=committer.items_written
        )
        yield CounterMetricFamily(
            "lantern_visit_batches",
            "Visit batches committed (group commits)",
            value=committer.batches_written,
        )
        yield GaugeMetricFamily(
            "lantern_visits_pending", "Visits waiting for the next commit", value=committer.pending
        )
        yield CounterMetricFamily(
            "lantern_visits_spooled",
            "Visits written to the spool while the database could not take them",
            value=committer.items_spooled,
        )
        yield CounterMetricFamily(
            "lantern_visits_replayed",
            "Spooled visits replayed into the database",
            value=committer.items_replayed,
        )
        yield GaugeMetricFamily(
            "lantern_visits_spooling",
            "1 while visits go to the spool instead of the database",
            value=int(committer.spooling),
        )
        yield CounterMetricFamily(
            "lantern_visits_quarantined",
            "Visits the database refused for their data, kept in the visit_quarantine table",
            value=committer.items_quarantined,
        )
        yield CounterMetricFamily(
            "lantern_spool_files_unreadable",
            "Spooled batch files that could not be read and were set aside (*.unreadable)",
            value=committer.spool_files_set_aside,
        )
        yield CounterMetricFamily(
            "lantern_link_cache_hits", "Link look-ups served from memory", value=cache.hits
        )
        yield CounterMetricFamily(
            "lantern_link_cache_misses", "Link look-ups that read the database", value=cache.misses
        )
        yield GaugeMetricFamily("lantern_link_cache_size", "Links held in the cache", value=len(cache))


class Metrics:
    """The counters the HTTP adapter bumps, and the text Prometheus scrapes."""

    def __init__(self, source: Callable[[], tuple[GroupCommitter[Any], LinkCache] | None]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        redirects = Counter(
            "lantern_redirects",
            "Answers to short-link requests, by HTTP status",
            ["status"],
            registry=self.registry,
        )
        self._by_status = {status: redirects.labels(str(status)) for status in _STATUSES}
        self._redirects = redirects
        self.registry.register(_LiveCollector(source))
        self.redirects_sent = 0  # logged at shutdown: benchmarks compare it with visits stored

    def answered(self, status: int) -> None:
        """Count one answer to GET|HEAD /{slug}."""
        child = self._by_status.get(status)
        (child or self._redirects.labels(str(status))).inc()
        if status in (302, 307):
            self.redirects_sent += 1

    def render(self) -> bytes:
        """The Prometheus text exposition."""
        return generate_latest(self.registry)
