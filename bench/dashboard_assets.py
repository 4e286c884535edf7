"""What the dashboard ships to a browser: every script and stylesheet, raw and gzipped."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "tracking" / "web" / "dashboard" / "static"
SHIPPED = ("dashboard.css", "dashboard.js", "vendor/uPlot.iife.min.js", "vendor/uPlot.min.css")
BUDGET_GZIP_KB = 150


def measure() -> dict[str, object]:
    """Bytes per file and in all (raw and gzip -9); fails when the chart asset is not built."""
    files: dict[str, dict[str, int]] = {}
    for name in SHIPPED:
        path = STATIC / name
        if not path.is_file():
            raise SystemExit(f"{path} is missing: run `make assets` first")
        raw = path.read_bytes()
        files[name] = {"bytes": len(raw), "gzip_bytes": len(gzip.compress(raw, compresslevel=9))}
    return {
        "files": files,
        "bytes": sum(f["bytes"] for f in files.values()),
        "gzip_bytes": sum(f["gzip_bytes"] for f in files.values()),
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
