"""The drill runner: a failing or crashing drill is a failed row, the table is written, the exit is 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from drills import run_all
from drills.result import DrillResult, Outcome


def passing() -> DrillResult:
    return DrillResult("9. passes", figure="all good", requests=10, visits_stored=10, lost=0)


def failing() -> list[DrillResult]:
    row = DrillResult("9. fails", figure="not good", requests=3)
    row.expect(row.requests == 4, "three requests are not four")
    return [row, DrillResult("9. skipped", skipped="PostgreSQL is not reachable")]


def crashing() -> DrillResult:
    raise RuntimeError("the drill itself broke")


def test_the_table_and_the_exit_status(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    doc = tmp_path / "reliability.md"
    monkeypatch.setattr(run_all, "DOC", doc)
    monkeypatch.setattr(
        run_all,
        "DRILLS",
        [
            run_all.Drill(9, "pass", passing),
            run_all.Drill(9, "fail", failing),
            run_all.Drill(9, "crash", crashing),
        ],
    )
    assert run_all.main([]) == 1
    text = doc.read_text()
    assert "| 9. passes | 10 | 10 | 0 | – | pass |" in text
    assert "| 9. fails | 3 | – | – | – | **FAIL** |" in text
    assert "| 9. skipped | – | – | – | – | skipped |" in text
    assert "crashed: RuntimeError('the drill itself broke')" in text
    assert "✗ three requests are not four" in text
    assert "4 rows: 1 pass, 1 skipped, 2 fail" in text


def test_only_runs_the_named_drills(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        run_all, "DRILLS", [run_all.Drill(9, "pass", passing), run_all.Drill(9, "crash", crashing)]
    )
    assert run_all.main(["--only", "pass", "--no-write"]) == 0


def test_outcomes() -> None:
    assert passing().outcome is Outcome.PASSED
    assert DrillResult("x", skipped="why").outcome is Outcome.SKIPPED
    assert failing()[0].outcome is Outcome.FAILED
