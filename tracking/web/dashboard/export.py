"""The current view as CSV files, one per panel, in one ZIP."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence

from tracking.web.dashboard.panels import Dashboard


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" else v for v in row])
    return out.getvalue()


def dashboard_zip(dashboard: Dashboard, *, about: Sequence[tuple[str, str]]) -> bytes:
    """about.csv (the view), headline, series, channels and every panel; spreadsheet formulas defused."""
    files = {
        "about.csv": _csv(("field", "value"), about),
        "headline.csv": _csv(
            ("metric", "value", "previous_period"),
            ((f.key, round(f.value, 4), round(f.previous, 4)) for f in dashboard.figures),
        ),
        "series.csv": _csv(
            ("bucket", "clicks", "share_events"),
            zip(dashboard.series.keys, dashboard.series.clicks, dashboard.series.shares, strict=False),
        ),
        "channels.csv": _csv(
            ("group", "channel", "label", "clicks"),
            ((g.group.value, r.key, r.label, r.value) for g in dashboard.channel_groups for r in g.rows),
        ),
    }
    for name, rows in dashboard.panels.items():
        files[f"{name}.csv"] = _csv(
            ("key", "label", "value"), ((r.key, r.label, r.value) for r in rows or ())
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
