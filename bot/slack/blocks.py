"""Everything Lantern shows in Slack, as Block Kit and mrkdwn: pure functions of core results.

Every user-supplied string (URLs, campaigns, questions, error messages that
quote them) goes through `escape`, so `<!channel>` or `<https://evil|click>`
typed by someone is shown as text and never becomes a mention or a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tracking.core.channels import find_channel
from tracking.core.errors import LanternError
from tracking.core.links import Link
from tracking.core.questions.model import Answer, QuestionNotUnderstood, Row
from tracking.core.questions.render import clean, render_mrkdwn, truncate
from tracking.core.shortening import ShortenResult

Block = dict[str, Any]

#: A tagged target is shown for reference only; a whole 2 KB URL would bury the short link.
TARGET_SHOWN = 300
#: Slack refuses a section whose text is longer than 3000 characters.
SECTION_LIMIT = 3000

NOT_ENABLED_TEXT = "Lantern is not enabled for this workspace."
STATS_EXAMPLES = (
    "clicks from messaging this week",
    "shares by channel this month",
    "top 5 links last 30 days",
    "clicks by day since monday",
    "top sharers this week",
)
LINK_EXAMPLES = (
    "/link https://example.com/post",
    "/link https://example.com/post for whatsapp, email",
    "/link https://example.com/post for telegram campaign spring-sale as spring",
)


def escape(text: str) -> str:
    """Slack's three control characters as entities: user text can never become markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str) -> str:
    """Text in a code span: escaped, and no backtick that could end the span early."""
    return "`" + escape(text).replace("`", "ˋ") + "`"


def section(mrkdwn: str) -> Block:
    """A section of already-escaped mrkdwn, cut to Slack's limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(mrkdwn, SECTION_LIMIT)}}


def context(mrkdwn: str) -> Block:
    """Small grey text under a section."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(mrkdwn, SECTION_LIMIT)}]}


def header(text: str) -> Block:
    """A plain-text heading (plain text needs no escaping)."""
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, 150)}}


DIVIDER: Block = {"type": "divider"}


@dataclass(frozen=True, slots=True)
class Reply:
    """A message: `text` is the notification fallback (and the whole message when there are no blocks)."""

    text: str
    blocks: tuple[Block, ...] = ()

    def as_response(self, *, in_channel: bool = False) -> dict[str, Any]:
        """The body for `respond(**…)` or a slash command's acknowledgement."""
        body: dict[str, Any] = {
            "response_type": "in_channel" if in_channel else "ephemeral",
            "text": self.text,
        }
        if self.blocks:
            body["blocks"] = list(self.blocks)
        return body


def target_label(url: str, width: int = 80) -> str:
    """`example.com/post`: what a person recognises a target by (host without www, and path)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path if parts.path not in {"", "/"} else ""
    return truncate(clean(host + path), width)


def channel_label(name: str | None) -> str:
    """`WhatsApp` for `whatsapp`; links made without a channel say so."""
    found = find_channel(name) if name else None
    return found.label if found else "no channel"


# --- /link and the message shortcut ------------------------------------------------------------


def link_usage(problem: str | None = None) -> Reply:
    """How to write `/link`, after what was wrong with the last attempt."""
    lines = [f":warning: {escape(problem)}"] if problem else []
    lines.append("*Make a tracked short link:* `/link URL [for CHANNEL, CHANNEL…] [campaign NAME] [as SLUG]`")
    lines += [f"• {code(example)}" for example in LINK_EXAMPLES]
    lines.append("Without `for`, the link is tagged for Slack.")
    text = "\n".join(lines)
    return Reply(text, (section(text),))


def link_reply(results: Sequence[ShortenResult], failures: Sequence[tuple[str, str]] = ()) -> Reply:
    """One section per link with the short URL alone on its line, so it is easy to copy."""
    blocks: list[Block] = []
    fallback: list[str] = []
    if results:
        targets = dict.fromkeys(target_label(r.link.target) for r in results)
        noun = "link" if len(results) == 1 else "links"
        blocks.append(section(f"*Your tracked {noun}* for {escape(', '.join(targets))}"))
    for result in results:
        link = result.link
        label = channel_label(link.channel)
        details = [f"*{escape(label)}*"]
        if link.campaign:
            details.append(f"campaign {escape(link.campaign)}")
        if not result.created:
            details.append("_same link as before_")
        blocks.append(section(" · ".join(details) + "\n" + code(result.short_url)))
        blocks.append(context(f"Opens {escape(truncate(link.tagged_target, TARGET_SHOWN))}"))
        fallback.append(f"{label}: {result.short_url}")
    for url, message in failures:
        blocks.append(section(f":warning: {code(truncate(url, 200))}: {escape(message)}"))
        fallback.append(f"{truncate(url, 200)}: {message}")
    if results:
        blocks.append(context("Clicks and chat previews are counted apart. Ask `/linkstats` for numbers."))
    return Reply(escape(" · ".join(fallback)) or "No links made.", tuple(blocks))


def no_links_in_message() -> Reply:
    """The shortcut was used on a message without web links."""
    return Reply("I found no web links in that message. Use `/link URL` to shorten one.")


def problem(error: LanternError) -> Reply:
    """A user error (bad URL, taken slug, unknown channel…): its message is safe to show, once escaped."""
    return Reply(f":warning: {escape(error.message)}")


def not_enabled() -> Reply:
    """What a workspace outside LANTERN_SLACK_ALLOWED_TEAMS is told, and nothing else happens."""
    return Reply(NOT_ENABLED_TEXT)


def something_went_wrong() -> Reply:
    """The one reply for an unexpected failure: short, and the details go to the log."""
    return Reply(":warning: Sorry, something went wrong on Lantern's side. Please try again in a minute.")


# --- /linkstats --------------------------------------------------------------------------------


def stats_help() -> Reply:
    """`/linkstats` alone: what can be asked, as examples."""
    lines = ["*Ask Lantern about your links*, for example:"]
    lines += [f"• {code('/linkstats ' + example)}" for example in STATS_EXAMPLES]
    lines.append("Periods: today, yesterday, this/last week or month, last N days, since monday, in october…")
    text = "\n".join(lines)
    return Reply(text, (section(text),))


def not_understood(error: QuestionNotUnderstood) -> Reply:
    """What was understood of an unreadable question, and questions that would work."""
    lines = [f":thinking_face: {escape(error.message)}"]
    if error.understood:
        lines.append("I understood: " + escape(", ".join(error.understood)))
    if error.suggestions:
        lines.append("Try one of these:")
        lines += [f"• {code('/linkstats ' + suggestion)}" for suggestion in error.suggestions]
    text = "\n".join(lines)
    return Reply(text, (section(text),))


def stats_answer(answer: Answer) -> Reply:
    """The answer as the shared mrkdwn renderer writes it (it escapes every label itself)."""
    return Reply(render_mrkdwn(answer))


def chart_not_posted() -> Reply:
    """Slack only lets an app upload to conversations it is a member of."""
    return Reply(
        "I could not post the chart here: invite me to this channel (`/invite @Lantern`) and ask again."
    )


def chart_not_posted_in_dm() -> Reply:
    """A direct message takes no invitations: say where a chart can go instead."""
    return Reply(
        "I cannot post the chart into a direct message. Ask the same question in a channel I am in "
        "and the chart will follow the answer."
    )


# --- App Home ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HomeLink:
    """One of the user's links with this week's numbers."""

    link: Link
    short_url: str
    clicks: int
    shares: int


def _count(value: int, noun: str) -> str:
    return f"*{value:,}* {noun}{'' if value == 1 else 's'}"


#: The App Home buttons' action ids (the listeners register the same ones).
HOME_COPY, HOME_DISABLE, HOME_ENABLE, HOME_DASHBOARD = (
    "home_copy",
    "home_disable",
    "home_enable",
    "home_dashboard",
)


def dashboard_url(base_url: str, slug: str) -> str:
    """The link's page on the dashboard."""
    return f"{base_url.rstrip('/')}/dashboard/links/{slug}"


def _home_buttons(item: HomeLink, base_url: str) -> Block:
    slug = item.link.slug
    toggle: Block
    if item.link.disabled:
        toggle = {"type": "button", "action_id": HOME_ENABLE, "value": slug, "text": _plain("Enable")}
    else:
        toggle = {
            "type": "button",
            "action_id": HOME_DISABLE,
            "value": slug,
            "style": "danger",
            "text": _plain("Disable"),
            "confirm": {
                "title": _plain("Disable this link?"),
                "text": _plain(
                    "People who open it will see that it no longer works. You can enable it again."
                ),
                "confirm": _plain("Disable"),
                "deny": _plain("Keep it"),
            },
        }
    return {
        "type": "actions",
        "block_id": f"home_link_{slug}"[:255],
        "elements": [
            {"type": "button", "action_id": HOME_COPY, "value": slug, "text": _plain("Copy link")},
            toggle,
            {
                "type": "button",
                "action_id": HOME_DASHBOARD,
                "url": dashboard_url(base_url, slug),
                "text": _plain("Open dashboard"),
            },
        ],
    }


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75], "emoji": True}


def home_view(
    mine: Sequence[HomeLink], team_top: Sequence[Row], *, my_period: str, base_url: str = ""
) -> Block:
    """The App Home tab: the user's recent links with buttons, then the team's top links this week."""
    blocks: list[Block] = [header("Your links")]
    if mine:
        for item in mine:
            link = item.link
            state = " · _disabled_" if link.disabled else ""
            blocks.append(
                section(
                    f"{code(item.short_url)} → {escape(target_label(link.target))}{state}\n"
                    f"{escape(channel_label(link.channel))} · {_count(item.clicks, 'click')} · "
                    f"{_count(item.shares, 'share')} this week"
                )
            )
            blocks.append(_home_buttons(item, base_url))
        blocks.append(context(f"Links you made {escape(my_period)}, or that were used this week."))
    else:
        blocks.append(
            section(
                f"You have not made a link {escape(my_period)}. Type `/link` in any conversation to make one."
            )
        )
    blocks += [DIVIDER, header("Team's top links this week")]
    if team_top:
        lines = [
            f"{n}. {escape(clean(row.label))} · {_count(row.value, 'click')}"
            for n, row in enumerate(team_top, 1)
        ]
        blocks.append(section("\n".join(lines)))
    else:
        blocks.append(section("No clicks yet this week."))
    blocks += [
        DIVIDER,
        context(
            "`/link` opens a form for tagged links · "
            "`/linkstats clicks from messaging this week` answers questions · "
            "on any message, *More actions → Get tracked link*"
        ),
    ]
    return {"type": "home", "blocks": blocks}


def copy_view(short_url: str) -> Block:
    """A small modal with the short link ready to select and copy (Slack has no clipboard button)."""
    return {
        "type": "modal",
        "title": _plain("Copy your link"),
        "close": _plain("Done"),
        "blocks": [
            {
                "type": "input",
                "block_id": "copy",
                "optional": True,
                "label": _plain("Select the link and copy it"),
                "element": {"type": "plain_text_input", "action_id": "value", "initial_value": short_url},
            }
        ],
    }


# --- unfurls -----------------------------------------------------------------------------------


def unfurl_card(link: Link, clicks_this_week: int) -> Block:
    """The preview of one of Lantern's own short links: where it goes and how it is doing."""
    host = urlsplit(link.target).hostname or ""
    return {
        "blocks": [
            section(f"*{escape(host.removeprefix('www.'))}*\n{escape(target_label(link.target, 120))}"),
            context(
                f"{_count(clicks_this_week, 'click')} this week · "
                f"tagged for {escape(channel_label(link.channel))} · tracked by Lantern"
            ),
        ]
    }
