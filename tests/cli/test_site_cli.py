"""`lantern site add|list|remove` as a user runs them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli.test_cli import lantern


@pytest.fixture
def site_env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    clean.update(
        LANTERN_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}",
        LANTERN_BASE_URL="https://go.example.com",
    )
    return clean


def test_add_prints_the_tag_list_shows_it_remove_forgets_it(site_env: dict[str, str]) -> None:
    added = lantern(site_env, "site", "add", "https://Blog.Example.com/")
    assert added.returncode == 0, added.stderr
    tag = added.stdout.strip()
    assert tag.startswith('<script defer src="https://go.example.com/lantern.js" data-site="')
    assert tag.endswith('"></script>')
    again = lantern(site_env, "site", "add", "https://blog.example.com")
    assert again.returncode == 1 and again.stderr.startswith(
        "lantern: https://blog.example.com is registered already"
    )
    listed = json.loads(lantern(site_env, "site", "list", "--json").stdout)
    assert listed == [{"origin": "https://blog.example.com", "key": listed[0]["key"], "tag": tag}]
    assert lantern(site_env, "site", "remove", "https://blog.example.com").returncode == 0
    gone = lantern(site_env, "site", "remove", "https://blog.example.com")
    assert gone.returncode == 1 and "no site https://blog.example.com" in gone.stderr


@pytest.mark.parametrize(
    "origin",
    ["blog.example.com", "ftp://blog.example.com", "https://blog.example.com/articles", "https://x:99999"],
)
def test_bad_origins_are_refused_in_one_line(site_env: dict[str, str], origin: str) -> None:
    result = lantern(site_env, "site", "add", origin)
    assert result.returncode == 1
    assert result.stderr.startswith("lantern: ") and result.stderr.count("\n") == 1
