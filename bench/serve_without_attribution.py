"""Lantern with attribution switched off, to measure what classification costs the redirect.

Used only by the benchmark: every visit gets a fixed verdict and device,
handed to the composition root in place of the classifier and the device
parser; everything else (cache, group commit, storage) is the real thing.
One process, on LANTERN_HOST and LANTERN_PORT, like `lantern serve`.
"""

from __future__ import annotations

import logging

from lantern.cli import load_settings, run_server
from lantern.composition import build_app
from tracking.core.attribution import Attribution, DeviceInfo, Evidence, VisitKind, VisitSignals

FIXED = Attribution(VisitKind.CLICK, "direct", Evidence.NONE, None, 0)
FIXED_DEVICE = DeviceInfo("desktop", "Other", "Other")


class ConstantVerdict:
    """Classifies every visit the same way, at no cost."""

    def classify(self, signals: VisitSignals) -> Attribution:
        """The fixed verdict, whatever the request."""
        return FIXED


def constant_device(_user_agent: str) -> DeviceInfo:
    """The fixed device, whatever the user agent."""
    return FIXED_DEVICE


def main() -> None:
    """Serve Lantern with the constant verdict and device until SIGTERM."""
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = build_app(settings, classifier=ConstantVerdict(), devices=constant_device)
    run_server(app, host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
