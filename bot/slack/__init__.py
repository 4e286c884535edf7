"""Lantern in Slack: tagged links (`/link`, a message shortcut), stats answers (`/linkstats`),
App Home and unfurls of Lantern's own short links.

`install(app, settings)` is the one entry point; the composition root
calls it when `LANTERN_SLACK_BOT_TOKEN` is set.
"""

from bot.slack.install import install

__all__ = ["install"]
