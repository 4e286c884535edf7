"""Drill 4 in small: concurrent `lantern shorten --slug` processes on one SQLite file; one wins.

(The same race through the API is tests/web/test_api.py's; this is the one across processes.)
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from drills.harness import LANTERN

RACERS = 6


def test_one_process_gets_the_slug_and_the_others_a_clear_conflict(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}"
    upgrade = subprocess.run(
        [LANTERN, "db", "upgrade"], env=env, cwd=tmp_path, capture_output=True, check=False
    )
    assert upgrade.returncode == 0, upgrade.stderr
    racers = [
        subprocess.Popen(
            [LANTERN, "shorten", "--slug", "race", "--", f"https://example.com/{n}"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(RACERS)
    ]
    outcomes = []
    for racer in racers:
        _, err = racer.communicate(timeout=60)
        outcomes.append((racer.returncode, err))
    assert sorted(code for code, _ in outcomes) == [0] + [1] * (RACERS - 1), outcomes
    for code, err in outcomes:
        if code == 1:
            assert err.startswith("lantern: the slug 'race' is already taken"), err
            assert "Traceback" not in err
