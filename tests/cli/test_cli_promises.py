"""The command line keeps its promise: one `lantern:` line and a non-zero exit for every error
of issue 11, and `sqlite:///path` accepted like `postgresql://`."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_cli import env, lantern

__all__ = ["env"]  # the fixture, shared with the main CLI tests


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0
    assert done.stderr.startswith("lantern: "), done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and "serving on" not in done.stderr
    return done.stderr


@pytest.mark.parametrize(
    ("args", "extra", "message"),
    [
        (["--log-level", "bogus", "links", "list"], {}, "unknown log level 'BOGUS'"),
        (["links", "list"], {"LANTERN_LOG_LEVEL": "loud"}, "unknown log level"),
        (["links", "list"], {"LANTERN_DATABASE_URL": "mysql://root@localhost/lantern"}, "not 'mysql'"),
        (["links", "list"], {"LANTERN_TELEGRAM_TOKEN": "1:x", "LANTERN_TELEGRAM_MODE": "polling"}, "closed"),
        (["shorten", "https://example.com/", "--max-clicks", str(2**63)], {}, "max clicks can be at most"),
        (["shorten", "https://example.com/", "--expires", "9999-12-31T23:59:59-05:00"], {}, "too far ahead"),
    ],
)
def test_each_error_is_one_line(
    env: dict[str, str], args: list[str], extra: dict[str, str], message: str
) -> None:
    assert message in one_line(lantern({**env, **extra}, *args))


def test_a_port_in_use_is_one_line_before_serving_is_announced(env: dict[str, str], tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for workers in ("1", "2"):
            stderr = one_line(
                lantern({**env, "LANTERN_PORT": port}, "serve", "--workers", workers, cwd=tmp_path)
            )
            assert f"cannot listen on 127.0.0.1:{port}" in stderr


def test_sqlite_url_without_a_driver_is_accepted(env: dict[str, str], tmp_path: Path) -> None:
    plain = {**env, "LANTERN_DATABASE_URL": f"sqlite:///{tmp_path / 'plain.db'}"}
    assert lantern(plain, "db", "upgrade").returncode == 0
    done = lantern(plain, "shorten", "https://example.com/")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "plain.db").exists()
