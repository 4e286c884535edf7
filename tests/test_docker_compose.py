"""docker-compose.yml keeps what issue 11 asked of it (no Docker here, so the file itself is read)."""

from __future__ import annotations

import re
from pathlib import Path

COMPOSE = (Path(__file__).resolve().parents[1] / "docker-compose.yml").read_text()


def test_the_database_password_is_required_with_a_clear_error() -> None:
    uses = re.findall(r"\$\{POSTGRES_PASSWORD([^}]*)\}", COMPOSE)
    assert uses and all(use.startswith(":?") for use in uses), uses


def test_the_port_is_published_on_loopback_unless_configured() -> None:
    assert '"${LANTERN_PUBLISH:-127.0.0.1:8080}:8080"' in COMPOSE


def test_the_visit_spool_lives_on_a_volume() -> None:
    assert "LANTERN_SPOOL_DIR: /data/spool" in COMPOSE
    assert "- lantern-data:/data" in COMPOSE
    assert re.search(r"^volumes:\n(?:  .*\n)*  lantern-data:", COMPOSE, re.MULTILINE)


def test_metrics_can_be_put_behind_a_token() -> None:
    assert "LANTERN_METRICS_TOKEN: ${LANTERN_METRICS_TOKEN:-}" in COMPOSE
