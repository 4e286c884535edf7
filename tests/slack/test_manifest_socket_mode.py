"""slack-manifest-socket-mode.yml is slack-manifest.yml for Socket Mode, pasted with nothing to replace."""

from __future__ import annotations

import copy
import json
import subprocess
from typing import Any

from tests.slack.conftest import ROOT, YAML_CLI, read_manifest


def socket_manifest() -> dict[str, Any]:
    read_manifest()  # skips (or fails under CI) when the yaml CLI is missing
    out = subprocess.run(
        [str(YAML_CLI), "--json", "--single", "--strict"],
        input=(ROOT / "slack-manifest-socket-mode.yml").read_text(),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    parsed: dict[str, Any] = json.loads(out.stdout)
    return parsed


def test_socket_mode_manifest_is_the_http_one_without_urls() -> None:
    expected = copy.deepcopy(read_manifest())
    for command in expected["features"]["slash_commands"]:
        del command["url"]
    del expected["features"]["unfurl_domains"]
    # Installs in many workspaces come back to a public redirect URL; Socket Mode is one workspace.
    del expected["oauth_config"]["redirect_urls"]
    del expected["settings"]["event_subscriptions"]["request_url"]
    del expected["settings"]["interactivity"]["request_url"]
    expected["settings"]["socket_mode_enabled"] = True
    assert socket_manifest() == expected
    assert (
        "YOUR-" not in (ROOT / "slack-manifest-socket-mode.yml").read_text().split("display_information:")[1]
    )
