"""`lantern ranges show|update`: refresh published address ranges from a file or a local HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.cli.test_cli import env, lantern  # noqa: F401  (the env fixture is used by name)
from tracking.address_ranges import load_ranges

AWS_FILE = {
    "syncToken": "1764547200",
    "createDate": "2026-11-30-12-00-00",
    "prefixes": [{"ip_prefix": "3.0.0.0/9", "region": "us-east-1", "service": "AMAZON"}],
    "ipv6_prefixes": [{"ipv6_prefix": "2600:1f00::/24", "region": "us-east-1", "service": "AMAZON"}],
}
GOOGLE_FILE = {"creationTime": "2026-11-29T10:00:00", "prefixes": [{"ipv4Prefix": "34.0.0.0/15"}]}


class _Files(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        bodies = {"/ip-ranges.json": AWS_FILE, "/cloud.json": GOOGLE_FILE}
        body = bodies.get(self.path)
        self.send_response(200 if body else 404)
        self.end_headers()
        self.wfile.write(json.dumps(body or {}).encode())

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def published() -> Iterator[str]:
    """A local stand-in for the providers' published files, on a random port."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def ranges_env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:  # noqa: F811  (pytest's fixture chaining)
    return env | {"LANTERN_ADDRESS_RANGES_FILE": str(tmp_path / "ranges.json")}


def test_show_reports_the_shipped_snapshot_and_its_date(ranges_env: dict[str, str]) -> None:
    result = lantern(ranges_env, "ranges", "show")
    assert result.returncode == 0, result.stderr
    assert "dated 2026-10-26, from the snapshot shipped with Lantern" in result.stdout
    assert "microsoft-exchange-online" in result.stdout and "aws" in result.stdout


def test_update_from_urls_replaces_those_providers_and_keeps_the_rest(
    ranges_env: dict[str, str], published: str, tmp_path: Path
) -> None:
    result = lantern(
        ranges_env,
        "ranges",
        "update",
        "--from",
        f"{published}/ip-ranges.json",
        "--from",
        f"{published}/cloud.json",
    )
    assert result.returncode == 0, result.stderr
    assert "dated 2026-11-30" in result.stdout
    document = load_ranges(tmp_path / "ranges.json")
    aws = sorted(r.network for r in document.ranges if r.provider == "aws")
    assert aws == ["2600:1f00::/24", "3.0.0.0/9"]
    assert [r.network for r in document.ranges if r.provider == "gcp"] == ["34.0.0.0/15"]
    assert any(r.provider == "microsoft-exchange-online" for r in document.ranges)  # kept from the snapshot
    shown = lantern(ranges_env, "ranges", "show")
    assert f"dated 2026-11-30, from {tmp_path / 'ranges.json'}" in shown.stdout


def test_update_from_a_plain_list_needs_a_provider(ranges_env: dict[str, str], tmp_path: Path) -> None:
    listing = tmp_path / "mail.txt"
    listing.write_text("203.0.113.0/24  # gateway\n198.51.100.0/25\n")
    refused = lantern(ranges_env, "ranges", "update", "--from", str(listing))
    assert refused.returncode == 1 and refused.stderr.startswith(
        "lantern: plain lists of ranges need --provider"
    )
    done = lantern(
        ranges_env, "ranges", "update", "--from", str(listing), "--provider", "acme", "--category", "mail"
    )
    assert done.returncode == 0, done.stderr
    document = load_ranges(tmp_path / "ranges.json")
    assert {(r.network, r.category) for r in document.ranges if r.provider == "acme"} == {
        ("203.0.113.0/24", "mail"),
        ("198.51.100.0/25", "mail"),
    }


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("/404.json", "cannot read"),
        ("/nothing-here", "cannot read"),
    ],
)
def test_unreachable_or_missing_sources_fail_with_one_line(
    ranges_env: dict[str, str], published: str, source: str, message: str, tmp_path: Path
) -> None:
    result = lantern(ranges_env, "ranges", "update", "--from", published + source)
    assert result.returncode == 1
    assert result.stderr.startswith(f"lantern: {message}") and "Traceback" not in result.stderr
    assert not (tmp_path / "ranges.json").exists()


def test_bad_ranges_are_refused_whole(ranges_env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("10.0.0.0/8\nnot-a-network\n")
    result = lantern(ranges_env, "ranges", "update", "--from", str(bad), "--provider", "x")
    assert result.returncode == 1 and "'not-a-network' is not an address range" in result.stderr
    missing = lantern(ranges_env, "ranges", "update", "--from", str(tmp_path / "absent.json"))
    assert missing.returncode == 1 and missing.stderr.startswith("lantern: cannot read")
