"""Kinds of fetcher: which sort of machine (or person) a visit came from.

Kind says click, preview or bot; the fetcher kind says *which* bot, so an email
team can see how many of its "clicks" were mail scanners. It is derived from
what is stored on every visit (kind, evidence, rule, channel), never stored on
its own, so `lantern reclassify` and the roll-ups always agree with the rules.
"""

from __future__ import annotations

from enum import StrEnum


class Fetcher(StrEnum):
    """What fetched the link; the value is what stats show and the API returns."""

    PERSON = "person"  # a click
    LINK_PREVIEW = "link-preview"  # a chat or social app's card fetcher
    EMAIL_SCANNER = "email-scanner"  # mail security gateways, mailbox providers' proxies, sending platforms
    SCANNER = "scanner"  # looks like a browser, behaves like a scanner (see scanner evidence)
    SEARCH_CRAWLER = "search-crawler"
    AI_CRAWLER = "ai-crawler"  # model training, AI search and AI assistants fetching for a user
    SEO_CRAWLER = "seo-crawler"
    MONITORING = "monitoring"  # uptime checks
    SCRIPT = "script"  # HTTP libraries and command-line tools
    HEADLESS = "headless-browser"
    PROBE = "probe"  # HEAD requests: link checkers and unfurl probes
    CRAWLER = "crawler"  # every other crawler


#: What a person reads for each fetcher kind (stats breakdowns, the dashboard).
FETCHER_LABELS: dict[str, str] = {
    Fetcher.PERSON: "People (clicks)",
    Fetcher.LINK_PREVIEW: "Link previews",
    Fetcher.EMAIL_SCANNER: "Email scanners",
    Fetcher.SCANNER: "Browser-like scanners",
    Fetcher.SEARCH_CRAWLER: "Search crawlers",
    Fetcher.AI_CRAWLER: "AI crawlers",
    Fetcher.SEO_CRAWLER: "SEO crawlers",
    Fetcher.MONITORING: "Monitoring",
    Fetcher.SCRIPT: "Scripts",
    Fetcher.HEADLESS: "Headless browsers",
    Fetcher.PROBE: "HEAD probes",
    Fetcher.CRAWLER: "Other crawlers",
}
