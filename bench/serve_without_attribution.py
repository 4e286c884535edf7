"""Lantern with attribution switched off, to measure what classification costs the redirect.

Used only by the benchmark: every visit gets a fixed verdict and device,
everything else (cache, group commit, storage) is the real thing.
"""

from __future__ import annotations

import sys

from tracking.core import visits
from tracking.core.attribution import Attribution, Classifier, DeviceInfo, Evidence, VisitKind, VisitSignals

FIXED = Attribution(VisitKind.CLICK, "direct", Evidence.NONE, None, 0)


def _classify(_self: Classifier, _signals: VisitSignals) -> Attribution:
    return FIXED


def main() -> None:
    """Patch the classifier and device parser, then run `lantern serve` with the given arguments."""
    Classifier.classify = _classify  # type: ignore[method-assign]
    visits.describe_device = lambda _ua: DeviceInfo("desktop", "Other", "Other")  # type: ignore[assignment]
    from lantern.cli import main as lantern_main

    sys.argv = ["lantern", "serve", *sys.argv[1:]]
    lantern_main()


if __name__ == "__main__":
    main()
