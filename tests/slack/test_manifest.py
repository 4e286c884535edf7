"""slack-manifest.yml creates the app Lantern's code expects (parsed by the `yaml` CLI from node_modules)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.app import HOME_EVENT, LINK_COMMAND, STATS_COMMAND, UNFURL_EVENT
from bot.slack.install import EVENTS_PATH
from bot.slack.links import LINK_SHORTCUT
from bot.slack.oauth import BOT_SCOPES, REDIRECT_PATH
from tests.slack.conftest import read_manifest


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return read_manifest()


def test_commands_shortcut_and_events_match_the_listeners(manifest: dict[str, Any]) -> None:
    features = manifest["features"]
    assert [c["command"] for c in features["slash_commands"]] == [LINK_COMMAND, STATS_COMMAND]
    assert [(s["type"], s["callback_id"]) for s in features["shortcuts"]] == [("message", LINK_SHORTCUT)]
    assert features["app_home"]["home_tab_enabled"] is True
    assert sorted(manifest["settings"]["event_subscriptions"]["bot_events"]) == sorted(
        [
            HOME_EVENT,
            UNFURL_EVENT,
            "app_uninstalled",
            "tokens_revoked",
        ]  # the last two: Bolt's install clean-up
    )


def test_every_request_url_is_the_events_endpoint(manifest: dict[str, Any]) -> None:
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls += [manifest["settings"]["event_subscriptions"]["request_url"]]
    urls += [manifest["settings"]["interactivity"]["request_url"]]
    assert set(urls) == {f"https://YOUR-HOST{EVENTS_PATH}"}
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_http_mode_by_default_with_the_scopes_the_features_need(manifest: dict[str, Any]) -> None:
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["features"]["unfurl_domains"] == ["YOUR-SHORT-LINK-HOST"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "files:write", "links:read", "links:write", "users:read"} <= scopes


def test_installs_ask_for_the_manifest_scopes_and_come_back_to_the_redirect_path(
    manifest: dict[str, Any],
) -> None:
    assert list(BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]
    assert manifest["oauth_config"]["redirect_urls"] == [f"https://YOUR-HOST{REDIRECT_PATH}"]
