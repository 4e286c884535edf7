"""What a drill hands back: one row of the summary table, and the figure it prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    """A drill passes, fails, or is skipped because something it needs is missing (PostgreSQL)."""

    PASSED = "pass"
    FAILED = "FAIL"
    SKIPPED = "skipped"


@dataclass
class DrillResult:
    """One row of docs/reliability.md; `None` prints as a dash where a column does not apply.

    `failures` holds every broken expectation, so a failing row says why;
    `figure` is the one line a person reads to judge the drill.
    """

    drill: str
    figure: str = ""
    requests: int | None = None
    visits_stored: int | None = None
    lost: int | None = None
    refused: int | None = None
    failures: list[str] = field(default_factory=list)
    skipped: str | None = None
    seconds: float = 0.0

    @property
    def outcome(self) -> Outcome:
        """FAIL as soon as one expectation broke."""
        if self.failures:
            return Outcome.FAILED
        return Outcome.SKIPPED if self.skipped else Outcome.PASSED

    def expect(self, condition: object, failure: str) -> bool:
        """Record `failure` unless `condition` is truthy; returns whether it held."""
        if not condition:
            self.failures.append(failure)
        return bool(condition)

    def line(self) -> str:
        """The line printed when the drill ends."""
        if self.skipped and not self.failures:
            return f"[{self.outcome}] {self.drill}: {self.skipped}"
        text = f"[{self.outcome}] {self.drill}: {self.figure}"
        return text + "".join(f"\n    ✗ {failure}" for failure in self.failures)


def skipped(drill: str, why: str) -> DrillResult:
    """A row for a drill that could not run here (e.g. no PostgreSQL server)."""
    return DrillResult(drill, skipped=why)
