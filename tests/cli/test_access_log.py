"""`LANTERN_ACCESS_LOG=true`: one line per request, never a whole IP address or a secret."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

from tests.cli.test_cli import LANTERN, free_port, lantern
from tests.cli.test_cli_browsing import wait_for_port


def serve_and_visit(tmp_path: Path, *, access_log: bool) -> str:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env |= {
        "LANTERN_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}",
        "LANTERN_PORT": str(port),
        "LANTERN_BASE_URL": f"http://127.0.0.1:{port}",
        "LANTERN_SPOOL_DIR": str(tmp_path / "spool"),
        "LANTERN_TRUSTED_PROXIES": "127.0.0.0/8",
        "LANTERN_ACCESS_LOG": "true" if access_log else "false",
    }
    short = lantern(env, "shorten", "https://example.com/").stdout.strip()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen([LANTERN, "serve"], env=env, cwd=tmp_path, stderr=out)
        try:
            wait_for_port(port)
            curl = ["curl", "-s", "-o", "/dev/null", "-H", "Authorization: Bearer lnt_very_secret_key"]
            subprocess.run([*curl, f"{short}?token=hunter2&ref=nl"], check=True, timeout=30)
            ipv6 = ["-H", "X-Forwarded-For: 2001:db8:1234:5678::42"]
            subprocess.run([*curl, *ipv6, f"{short}?token=hunter2"], check=True, timeout=30)
            subprocess.run([*curl, f"http://127.0.0.1:{port}/api/v1/stats?q=clicks"], check=True, timeout=30)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
    return log.read_text()


def test_access_log_prints_networks_and_paths_only(tmp_path: Path) -> None:
    text = serve_and_visit(tmp_path, access_log=True)
    lines = [line for line in text.splitlines() if "lantern.access" in line]
    slug = lines[0].split('"GET /', 1)[1].split('"', 1)[0]
    shape = re.compile(r'(\S+ "GET \S+" \d{3}) \d+B \d+\.\dms')
    matched = [shape.fullmatch(line.split("lantern.access: ", 1)[1]) for line in lines]
    assert [m.group(1) if m else line for m, line in zip(matched, lines, strict=True)] == [
        f'127.0.0.0/24 "GET /{slug}" 302',
        f'2001:db8:1234::/48 "GET /{slug}" 302',
        '127.0.0.0/24 "GET /api/v1/stats" 401',
    ]
    logged = "\n".join(lines)
    for secret in ("127.0.0.1", "2001:db8:1234:5678", "hunter2", "lnt_very_secret_key", "token=", "Bearer"):
        assert secret not in logged


def test_access_log_is_off_by_default(tmp_path: Path) -> None:
    assert "lantern.access" not in serve_and_visit(tmp_path, access_log=False)
