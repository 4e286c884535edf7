"""Attribution rules as data: one table, one place, a test for every row.

Each row says what it matches, at which stage of the evidence order it is
consulted, and what a match means (kind + channel). The classifier walks
the rows in table order within a stage, so the order of rows matters where
one user agent contains another's token (iMessage before Facebook, LINE
before Facebook, Telegram before X, Messenger before Facebook).

Bump ``RULES_VERSION`` whenever a row is added, removed or changed: every
stored visit records the version that classified it, so history can be
re-classified when the rules improve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal, Protocol

# crawlerdetect ships no py.typed; newer mypy reads it as Any, older ones flag the import.
from crawlerdetect import CrawlerDetect  # type: ignore[import-untyped,unused-ignore]

from tracking.core.attribution.fetchers import Fetcher
from tracking.core.channels import find_channel

#: 2: email scanners and mail proxies, the 2025–2026 in-app browsers and preview
#: fetchers, crawlers that carry an app's name, and a fetcher kind on every row.
RULES_VERSION: int = 2

Stage = Literal["early_bot", "preview", "in_app", "referrer", "bot"]
Kind = Literal["click", "preview", "bot"]

#: The order in which the classifier consults user-agent stages. "early_bot" holds the
#: fetchers that carry a preview fetcher's or an app's token but are not that app's
#: preview (email scanners, crawlers named after apps): they must be read first.
USER_AGENT_STAGES: Final[tuple[Stage, ...]] = ("early_bot", "preview", "bot", "in_app")

WEB_SCHEMES: Final[frozenset[str]] = frozenset({"http", "https"})
ANDROID_APP: Final[frozenset[str]] = frozenset({"android-app"})

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class TextMatcher(Protocol):
    """Anything with a regex-like ``search``: a compiled pattern or the crawler library."""

    def search(self, string: str, /) -> object | None: ...


@dataclass(frozen=True, slots=True)
class HostPattern:
    """Which referrers a row matches, by scheme and parsed host.

    Hosts are compared exactly (lower-case, no port); ``subdomains`` also
    accepts any ``*.host``, so ``evil-t.co`` never passes for ``t.co``.
    """

    hosts: frozenset[str] = frozenset()
    subdomains: bool = False
    host_regex: re.Pattern[str] | None = None
    schemes: frozenset[str] = WEB_SCHEMES
    any_host: bool = False

    def matches(self, scheme: str, host: str) -> bool:
        """True when a referrer with this scheme and host belongs to the row."""
        if scheme not in self.schemes or not host:
            return False
        if self.any_host or host in self.hosts:
            return True
        if self.subdomains and any(host.endswith("." + h) for h in self.hosts):
            return True
        return self.host_regex is not None and self.host_regex.fullmatch(host) is not None


_DEVICE_SEGMENT = re.compile(r"Mozilla/5\.0 \(([^()]*)\)")


def _only_in_device_segment(user_agent: str, match: str) -> bool:
    """True when the crawler word is only an Android device's model name ("Android 13; Spider 8")."""
    found = _DEVICE_SEGMENT.match(user_agent)
    if found is None or not match or "Android" not in found.group(1):
        return False
    segment, rest = found.group(1), user_agent[found.end() :]
    if (
        any(sign in segment.lower() for sign in ("compatible", "http", "+", "@", "bot"))
        or "bot" in match.lower()
    ):
        return False
    position = segment.find(match)
    named_like_a_crawler = segment[position + len(match) : position + len(match) + 1] == "/"
    return position >= 0 and not named_like_a_crawler and match not in rest and "AppleWebKit" in rest


@dataclass(frozen=True, slots=True)
class OutsideDeviceModel:
    """A pattern matched everywhere but an Android browser's device segment (phones are named
    "Spider 8" or "Monitor X"; crawlers put their name elsewhere)."""

    pattern: re.Pattern[str]

    def search(self, string: str, /) -> object | None:
        """Search the user agent with the device model blanked out."""
        found = _DEVICE_SEGMENT.match(string)
        if found is not None and "Android" in found.group(1):
            segment = found.group(1).lower()
            if not any(sign in segment for sign in ("compatible", "http", "+", "@")):
                string = string[found.end() :]
        return self.pattern.search(string)


class CrawlerLibrary:
    """The generic crawler check, delegated to the maintained ``crawlerdetect`` list.

    Hand-written rows cannot keep up with thousands of crawlers; the library
    tracks them (JayBizzle/Crawler-Detect's list). It is slow (one huge
    regex), which is why the classifier caches user-agent verdicts.
    """

    __slots__ = ("_detector",)

    def __init__(self) -> None:
        self._detector = CrawlerDetect()

    def search(self, string: str, /) -> bool | None:
        """Return True for a known crawler, None otherwise (regex-like contract).

        A word the library knows that appears only in a browser's device segment
        ("Android 13; Spider 8", "AUPO Zeus 10 Pro", "yandexstation_2") names a phone
        or a speaker, not a crawler: a false bot would lose a real click for good.
        """
        if not self._detector.is_crawler(string):
            return None
        return None if _only_in_device_segment(string, self._detector.getMatches() or "") else True

    def __repr__(self) -> str:
        return "CrawlerLibrary(crawlerdetect)"


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the rules table."""

    name: str
    stage: Stage
    pattern: TextMatcher | HostPattern
    kind: Kind
    channel: str  # bot rows: "" (the link's own channel) or the channel the fetcher proves (email)
    fetcher: Fetcher = Fetcher.PERSON

    def matches_user_agent(self, user_agent: str) -> bool:
        """True when this (user-agent) row matches the user agent."""
        if isinstance(self.pattern, HostPattern):
            return False
        return self.pattern.search(user_agent) is not None

    def matches_referrer(self, scheme: str, host: str) -> bool:
        """True when this (referrer) row matches the parsed referrer."""
        return isinstance(self.pattern, HostPattern) and self.pattern.matches(scheme, host)


def _ua(pattern: str, *, ignore_case: bool = True) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


def _preview(name: str, pattern: str, channel: str, *, ignore_case: bool = True) -> Rule:
    return Rule(
        name, "preview", _ua(pattern, ignore_case=ignore_case), "preview", channel, Fetcher.LINK_PREVIEW
    )


def _in_app(name: str, pattern: str, channel: str, *, ignore_case: bool = True) -> Rule:
    return Rule(name, "in_app", _ua(pattern, ignore_case=ignore_case), "click", channel)


def _bot(name: str, pattern: str, fetcher: Fetcher = Fetcher.SCRIPT, *, ignore_case: bool = True) -> Rule:
    return Rule(name, "bot", _ua(pattern, ignore_case=ignore_case), "bot", "", fetcher)


def _early(name: str, pattern: str, fetcher: Fetcher, *, ignore_case: bool = True) -> Rule:
    """A crawler read before the previews: it carries an app's token but is no preview."""
    return Rule(name, "early_bot", _ua(pattern, ignore_case=ignore_case), "bot", "", fetcher)


def _mail(name: str, pattern: str, *, ignore_case: bool = True) -> Rule:
    """An email scanner or mail proxy: a bot, and proof the link travelled by email."""
    return Rule(
        name, "early_bot", _ua(pattern, ignore_case=ignore_case), "bot", "email", Fetcher.EMAIL_SCANNER
    )


def _hosts(*hosts: str, subdomains: bool = False) -> HostPattern:
    return HostPattern(hosts=frozenset(hosts), subdomains=subdomains)


def _apps(*packages: str) -> HostPattern:
    return HostPattern(hosts=frozenset(packages), schemes=ANDROID_APP)


def _referrer(name: str, pattern: HostPattern, channel: str) -> Rule:
    return Rule(name, "referrer", pattern, "click", channel)


# --- Email scanners, mail proxies, and crawlers named after apps ------------------
# Read before the previews: they carry tokens a preview or in-app row would take
# (Office's MSIE string, "Snapchat", "Line", "Zoom", "facebook"), and none of them is
# a person or a share. Sources: each vendor's help page named in the UA itself
# (help.yahoo.com SLN28749 / SLN23615, Google's crawler list for Google-Safety,
# Kaspersky's CFR resolver), the test fixtures of matomo-org/device-detector
# (Tests/fixtures/bots.yml) and monperrus/crawler-user-agents, and the public
# lists of email-security gateways that pre-fetch links (Proofpoint URL Defense,
# Mimecast URL Protect, Barracuda Link Protection, Cisco Secure Email, …).
_EARLY_BOT_RULES: tuple[Rule, ...] = (
    # Yahoo Mail: "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html",
    # the link expander "Yahoo:LinkExpander:Slingstone", the compose-card fetcher
    # "Yahoo Link Preview" (help.yahoo.com/kb/mail/…SLN23615) and "YahooCacheSystem".
    _mail("yahoo-mail", r"YahooMailProxy|Yahoo:LinkExpander|Yahoo Link Preview|YahooCacheSystem"),
    # Gmail's image proxy: "… Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)".
    _mail("gmail-image-proxy", r"GoogleImageProxy|via ggpht\.com"),
    # Google-Safety: Google's abuse and malware scanner of links in Gmail and other products
    # (developers.google.com/search/docs/crawling-indexing/google-special-case-crawlers).
    _mail("google-safety", r"Google-Safety"),
    # Outlook and Office: "Microsoft Office/16.0 (…; Microsoft Outlook 16.0.x; Pro)",
    # "… ms-office; MSOffice 16)", "Microsoft Office Existence Discovery", "… Protocol
    # Discovery", the new Outlook's "OneOutlook/" web view, Outlook mobile's HTTP client
    # ("Outlook-iOS/", "Outlook-Android/") and Safe Links' "Microsoft-URLAnalyzer"/"SafeLinks".
    _mail(
        "outlook-office",
        r"Microsoft Outlook|\bms-office\b|\bMSOffice 1[5-9]\b|Microsoft Office (?:Existence"
        r"|Protocol) Discovery|\AMicrosoft Office/\d|\bOneOutlook/|\bOutlook-(?:iOS|Android)/"
        r"|Microsoft-URLAnalyzer|\bSafeLinks\b",
    ),
    # Security gateways that open every link of a message before the reader does.
    _mail("barracuda", r"Barracuda"),  # "Barracuda Sentinel (EE)", BarracudaCentral
    _mail("kaspersky", r"Kaspersky"),  # "Kaspersky Lab CFR link resolver cfradmins@kaspersky.com"
    _mail("proofpoint", r"Proofpoint"),
    _mail("mimecast", r"Mimecast"),
    _mail("cisco-secure-email", r"IronPort|Cisco[ -]Secure[ -]Email|\bCiscoESA\b"),
    _mail("trend-micro", r"Trend ?Micro"),
    _mail("symantec", r"Symantec|MessageLabs|Broadcom[ -]?(?:Email|Mail|Security)"),
    _mail("sophos", r"Sophos"),
    _mail("fortinet", r"Forti(?:Mail|Guard|net)"),
    _mail("zscaler", r"Zscaler"),
    _mail(
        "other-mail-security",
        r"McAfee ?(?:Web|E-?mail|Link|URL)|Trellix|FireEye|Forcepoint|SonicWall|Check Point|\bZix(?:Mail"
        r"|Corp)|Avanan|Abnormal ?Security|Area ?1 ?Security|Cofense|Hornetsecurity|Libraesva|SpamTitan"
        r"|Vade ?Secure",
    ),
    # Mailbox providers' image and link proxies: "SeznamEmailProxy/2.0", "RamblerMail/6.0
    # (incompatible; ImageProxy/6.0)", "(via secureurl.fwdcdn.com - mail.ukr.net proxy)",
    # and any "…MailProxy" / "…EmailProxy" / "mail image proxy" of GMX, Web.de, Orange,
    # Mail.ru, Yandex, Naver, QQ and others.
    _mail(
        "mail-provider-proxy",
        r"E?-?Mail ?(?:Image ?)?Proxy|RamblerMail|mail\.ukr\.net proxy|secureurl\.fwdcdn\.com|\bQQMail\b"
        r"|NaverMail|YandexMail|Mail\.Ru[ _-]?(?:Image|Link|Proxy)|(?:GMX|WEB\.DE|1und1) ?(?:Image|Link)",
    ),
    # Sending platforms' own link checkers: Mailchimp "(compatible; MailChimp; +https://mailchimp.com/)",
    # HubSpot ("HubSpot Links Crawler", "HubSpot Single Page link check", "HubSpot Crawler",
    # HubSpot's malware scan), "SendGrid Event API", "Klaviyo/1.0", Braze, Customer.io and
    # the inbox-preview services (Litmus, Email on Acid).
    _mail(
        "email-platform",
        r"MailChimp|HubSpot|SendGrid|Klaviyo|\bBraze\b|Customer\.io|customerio|Mailgun|Postmark|Mailjet"
        r"|Sendinblue|Brevo|ActiveCampaign|Campaign ?Monitor|createsend|Constant ?Contact|ExactTarget"
        r"|Marketo|Iterable|Litmus|Email ?on ?Acid|ElasticEmail|Amazon ?SES",
    ),
    # Crawlers that carry an app's name (traps): LINE's search crawler "Linespider", TikTok's
    # "TikTokSpider", Meta's AI and catalogue crawlers (developers.facebook.com/docs/sharing/
    # webmasters/crawler), Snap's ad checker "SnapchatAds", SEOZoom's "ZoomBot (Linkbot …)".
    _early("linespider", r"Linespider", Fetcher.SEARCH_CRAWLER),
    _early("tiktokspider", r"TikTokSpider", Fetcher.SEARCH_CRAWLER),
    _early(
        "meta-crawlers",
        r"meta-external(?:agent|fetcher|ads)|meta-webindexer|facebookcatalog|\bFacebookBot\b",
        Fetcher.AI_CRAWLER,
    ),
    _early("snapchat-ads", r"SnapchatAds", Fetcher.CRAWLER),
    _early("seozoom", r"seozoom|ZoomBot \(Linkbot", Fetcher.SEO_CRAWLER),
    _early("bluesky-crawlers", r"bluesky-domain-status-classifier", Fetcher.CRAWLER),
    # Applebot (support.apple.com/en-us/119829) sends Safari's string plus "(Applebot/0.1 …)".
    _early("applebot", r"Applebot", Fetcher.SEARCH_CRAWLER),
    # AI crawlers and assistants, from each vendor's bot page: openai.com/gptbot (GPTBot,
    # ChatGPT-User, OAI-SearchBot), Anthropic (ClaudeBot, Claude-User, Claude-SearchBot,
    # Claude-Web, anthropic-ai), perplexity.ai/perplexitybot, developer.amazon.com/amazonbot,
    # duckduckgo.com/duckassistbot, ByteDance's Bytespider, Google-Extended, Google-CloudVertexBot,
    # Google-NotebookLM, Common Crawl's CCBot, cohere-ai, MistralAI-User, YouBot, Diffbot.
    _early(
        "ai-crawlers",
        r"GPTBot|ChatGPT-User|OAI-SearchBot|ClaudeBot|Claude-(?:User|SearchBot|Web)|anthropic-ai"
        r"|Perplexity(?:Bot|-User|User)|Amazonbot|DuckAssistBot|Bytespider|Google-Extended"
        r"|Google-CloudVertexBot|Google-NotebookLM|Google-Agent|\bCCBot\b|cohere-ai|MistralAI-User"
        r"|\bYouBot\b|Diffbot|Timpibot|ImagesiftBot|PetalBot|AI2Bot|Ai2Bot|\bomgili|Kangaroo Bot|PanguBot"
        r"|\bGrok\b|xAI-",
        Fetcher.AI_CRAWLER,
    ),
)

# --- Preview fetchers --------------------------------------------------------
# Strings come from each vendor's published crawler docs (Slack api.slack.com/robots,
# Discord, Facebook externalhit_uatext, X, LinkedIn, Pinterest bot.html, Reddit,
# Snap developers.snap.com/robots) and from public link-preview allow-lists in
# open-source projects (Odoo link_tracker, Yandex antirobot, Crawler-Detect,
# matomo-org/device-detector's bot fixtures, monperrus/crawler-user-agents).
_PREVIEW_RULES: tuple[Rule, ...] = (
    # Apple Messages sends all three tokens at once; it must beat plain facebookexternalhit.
    _preview("imessage-preview", r"facebookexternalhit/1\.1 Facebot Twitterbot/1\.0", "imessage"),
    # LINE: "facebookexternalhit/1.1;line-poker/1.0" (beats facebookexternalhit).
    _preview("line-preview", r"line-poker", "line"),
    # KakaoTalk: "facebookexternalhit/1.1; kakaotalk-scrap/1.0; +https://devtalk.kakao.com/…".
    _preview("kakaotalk-preview", r"kakaotalk-scrap", "kakaotalk"),
    # Signal (Android, Desktop) fetches previews on the sender's device with the bare
    # "WhatsApp/2" (Signal-Android LinkPreviewRepository / Signal-Desktop linkPreviewFetch).
    # Real WhatsApp always sends a full version plus a platform letter ("WhatsApp/2.23.20.0 A").
    # Others copy the bare string too (Pleroma/Akkoma rich media, HalloApp), so this is
    # "probably Signal", not certain.
    _preview("signal-preview", r"\AWhatsApp/2\Z", "signal"),
    # WhatsApp: "WhatsApp/2.23.20.0 A" (Android), "… i" (iOS), "… W" (web/desktop),
    # older "WhatsApp/2.17.427 Android/6.0 Device/…".
    _preview("whatsapp-preview", r"\AWhatsApp/2\.\d", "whatsapp"),
    # Telegram: "TelegramBot (like TwitterBot)" (beats Twitterbot).
    _preview("telegram-preview", r"TelegramBot", "telegram"),
    # Slack: Slackbot-LinkExpanding (unfurls), Slack-ImgProxy (images, "Slack-ImgProxy 149 (+…)"),
    # Slackbot 1.0 (link checks).
    _preview("slack-preview", r"Slackbot-LinkExpanding|Slack-ImgProxy|Slackbot 1\.0|\ASlackbot\b", "slack"),
    # Discord: "… (compatible; Discordbot/2.0; +https://discordapp.com)".
    _preview("discord-preview", r"Discordbot", "discord"),
    # Microsoft Teams: SkypeUriPreview (shared with the retired Skype) and MicrosoftPreview
    # (also used by Outlook and other Microsoft 365 apps, so sometimes not Teams).
    _preview("teams-preview", r"SkypeUriPreview|MicrosoftPreview", "teams"),
    # Bluesky's card fetcher: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible;
    # Bluesky Cardyb/1.1; +mailto:support@bsky.app) Chrome/… Safari/537.36" (device-detector fixture).
    _preview("bluesky-preview", r"Bluesky ?Cardyb|BlueskyPreviewBot|\ABluesky/", "bluesky"),
    # Facebook and Messenger share one fetcher, so both count as facebook; Meta also sends
    # "Meta-ExternalHit/1.1 (+http://www.facebook.com/externalhit_uatext.php)".
    _preview("facebook-preview", r"facebookexternalhit|Meta-ExternalHit|Facebot", "facebook"),
    # X / Twitter: "Twitterbot/1.0".
    _preview("x-preview", r"Twitterbot", "x"),
    # LinkedIn: "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)".
    _preview("linkedin-preview", r"LinkedInBot", "linkedin"),
    # Viber: a bare "Viber" or "Viber/<version>" at the start (Yandex antirobot's preview list)
    # and its downloader "ViberUrlDownloader" (device-detector fixture).
    _preview("viber-preview", r"\AViber(?:/|\Z|UrlDownloader)", "viber"),
    # Snapchat: "Mozilla/5.0 (compatible; Snap URL Preview Service; bot; snapchat; …)" and the
    # newer "Mozilla/5.0 (compatible; SnapURLPreview/1.0; +https://www.snapchat.com)".
    # Not the bare token "Snapchat": the in-app browser sends "Snapchat/12.x".
    _preview("snapchat-preview", r"Snap ?URL ?Preview", "snapchat"),
    # Mastodon servers: "Mastodon/4.2.1 (http.rb/5.1.1; +https://mastodon.social/)", the
    # older "http.rb/2.2.2 (Mastodon/1.5.1; +https://instance/)", and 4.3's trailing " Bot".
    _preview(
        "mastodon-preview",
        r"\AMastodon/\S+ \(.*\+https?://|\Ahttp\.rb/\S+ \(Mastodon/\S+; \+?https?://",
        "mastodon",
    ),
    # Other fediverse servers, filed under mastodon (alias "fediverse"): Pleroma/Akkoma
    # ("Pleroma 2.6.0; https://instance <admin@…>"), Misskey and its forks ("Misskey/2024.5.0
    # (https://instance)"), GoToSocial ("gotosocial (+https://instance) gtsfetcher"), Friendica.
    _preview(
        "fediverse-preview",
        r"\A(?:Pleroma|Akkoma) \d\S*; https?://|\A(?:Misskey|Sharkey|Firefish|Iceshrimp"
        r"|Calckey)/\S+ \(https?://|\Agotosocial\b|\AFriendica '",
        "mastodon",
    ),
    # Google Messages (SMS/RCS): "Mozilla/5.0 Google-PageRenderer Google
    # (+https://developers.google.com/+/web/snippet/)" (Odoo link_tracker) and the
    # "GoogleMessages" token (Crawler-Detect). Google Chat is said to use the same
    # user-triggered fetcher, so a Google Chat preview may land here as sms.
    _preview("google-messages-preview", r"Google-PageRenderer|GoogleMessages", "sms"),
    # Google Chat: "Google-Chat/1.0" per opengraphplus.com; not confirmed by Google.
    _preview("googlechat-preview", r"Google-?Chat\b", "googlechat"),
    # Zoom: the desktop client fetches previews as "Zoom.Mac" / "Zoom.Win" (Crawler-Detect
    # lists Zoom.Mac); "Zoombot" is named in our brief but unconfirmed. Case-sensitive so
    # SEOZoom's "ZoomBot (Linkbot …)" stays a crawler (it is read earlier anyway).
    _preview("zoom-preview", r"\AZoom\.(?:Mac|Win)|\bZoombot\b", "zoom", ignore_case=False),
    # Mattermost servers fetch OpenGraph data with their default "Mattermost-Bot/1.1";
    # some builds send "mattermost-<version>".
    _preview("mattermost-preview", r"Mattermost-Bot|\Amattermost-\d", "mattermost"),
    # Matrix homeservers fetch URL previews for Element and other clients:
    # "Synapse (bot; +https://github.com/matrix-org/synapse)".
    _preview("matrix-preview", r"\ASynapse \(bot; \+https://github\.com/matrix-org/synapse\)", "matrix"),
    # Reddit: "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)".
    _preview("reddit-preview", r"redditbot", "reddit"),
    # Pinterest: "Pinterest/0.2 (+https://www.pinterest.com/bot.html)" and Pinterestbot/1.0.
    _preview("pinterest-preview", r"Pinterestbot|\APinterest/0\.", "pinterest"),
    # VK: "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)".
    _preview("vk-preview", r"vkShare", "vk"),
    # Embed services that fetch a card for whichever site the link was pasted into
    # (Medium, Notion, Confluence, Trello…): "Mozilla/5.0 (compatible; Embedly/0.2;
    # +http://support.embed.ly/)", "Iframely/1.3.1 (+https://iframely.com/docs/about) Atlassian".
    _preview("embed-service-preview", r"\bEmbedly\b|\bIframely/", "web"),
)

# --- Scripts, headless browsers, generic crawlers ----------------------------
# Default user agents of common HTTP clients (as their sources set them), headless
# browser markers, search engines' and monitoring services' documented agents, then
# the crawlerdetect library for every other crawler.
_BOT_RULES: tuple[Rule, ...] = (
    _bot("empty-user-agent", r"\A\s*\Z"),
    _bot("curl", r"(?:\A|[\s(;])curl/"),
    _bot("wget", r"\bWget/"),
    _bot("python-requests", r"python-requests/"),
    _bot("python-urllib", r"Python-urllib/"),
    _bot("aiohttp", r"\baiohttp/"),
    _bot("httpx", r"python-httpx/"),
    _bot("go-http-client", r"Go-http-client/"),
    _bot("okhttp", r"\bokhttp/"),
    _bot("java-http-client", r"\AJava/\d|Java-http-client/|Apache-HttpClient/"),
    _bot("libwww-perl", r"libwww-perl/"),
    _bot("node-http-client", r"\Aaxios/|\Anode-fetch/|\Aundici\b|\Anode\Z|\Agot \("),
    _bot("headless-chrome", r"HeadlessChrome", Fetcher.HEADLESS),
    _bot("phantomjs", r"PhantomJS", Fetcher.HEADLESS),
    _bot("browser-automation", r"\b(?:Puppeteer|Playwright|Selenium|WebDriver)\b", Fetcher.HEADLESS),
    # Search engines (each engine's webmaster docs): Google, Bing, Yandex, Baidu, DuckDuckGo,
    # Naver's Yeti, Seznam, Sogou, Yahoo Slurp and Japan, Mail.ru's search, Qwant, Coc Coc, Petal.
    _bot(
        "search-crawlers",
        r"Googlebot|Google-InspectionTool|GoogleOther|AdsBot-Google|Mediapartners-Google|Storebot-Google"
        r"|bingbot|BingPreview|adidxbot|msnbot|YandexBot|YandexImages|YandexMobileBot|Baiduspider"
        r"|DuckDuckBot|DuckDuckGo-Favicons-Bot|\bYeti/|SeznamBot|Sogou \S*spider|Yahoo! Slurp|Y!J-"
        r"|Mail\.RU_Bot|Qwantify|Qwantbot|coccocbot|Exabot|OrangeBot|NaverBot|Daumoa|\bMojeekBot",
        Fetcher.SEARCH_CRAWLER,
    ),
    # SEO tools: Ahrefs, Semrush, Majestic, Moz, Screaming Frog, BLEXBot, DataForSeo, Serpstat.
    _bot(
        "seo-crawlers",
        r"AhrefsBot|AhrefsSiteAudit|SemrushBot|SiteAuditBot|MJ12bot|DotBot|rogerbot|Screaming Frog|BLEXBot"
        r"|DataForSeoBot|serpstatbot|Barkrowler|SEOkicks|Seekport",
        Fetcher.SEO_CRAWLER,
    ),
    # Uptime monitors (each service's docs): UptimeRobot, Pingdom, StatusCake, Site24x7,
    # Datadog Synthetics, New Relic, Better Stack, Uptrends, Checkly, Freshping, Uptime Kuma.
    _bot(
        "monitoring",
        r"UptimeRobot|Pingdom|StatusCake|Site24x7|DatadogSynthetics|NewRelicPinger|Better ?(?:Uptime|Stack)"
        r"|\Auptrends|Checkly|Freshping|Uptime-Kuma|\bHetrixTools|updown\.io|\bNodePing",
        Fetcher.MONITORING,
    ),
    Rule("crawler-library", "bot", CrawlerLibrary(), "bot", "", Fetcher.CRAWLER),
    # Words only machines put in a user agent ("SecurityScanner/1.0", "DomainProbe", "link
    # checker", "Health Check"): no browser or in-app web view sends them.
    Rule(
        "machine-words",
        "bot",
        OutsideDeviceModel(
            _ua(
                r"scanner|\bscan\b|checker|health ?check|crawler|spider|scraper|\bprobe|monitor(?:ing)?\b"
                r"|\bfetcher|validator|\bresearch|\bsurvey\b|link ?(?:check|expand|resolv)|\bunfurl|lookup\b",
            )
        ),
        "bot",
        "",
        Fetcher.CRAWLER,
    ),
    # Not a browser at all: every browser and web view names its engine or device in the
    # user agent ("Mozilla/5.0 (…) AppleWebKit…", Opera Mini's Presto, feature phones' MIDP,
    # TVs' HbbTV); an HTTP library or an app's native client (Dalvik, CFNetwork) does not,
    # and a person never clicks through one. Also the crawler form "Mozilla/5.0 (compatible;
    # Name/1.0…)" with no engine after it (Internet Explorer's "(compatible; MSIE" has one).
    _bot(
        "not-a-browser",
        r"\A(?!.*(?:AppleWebKit|KHTML|Gecko|Chrome/|Safari/|Presto|Trident|MSIE|Opera|UCWEB|UC ?Browser"
        r"|NetFront|Obigo|MIDP|BlackBerry|Nokia|SAMSUNG|SonyEricsson|HbbTV|SmartTV|Roku|OpenHarmony"
        r"|HarmonyOS|hmos|OPR/|Dillo|IBrowse|Lynx|w3m|\bLinks\b|\bWAP\b|DoCoMo|UP\.Browser|Jasmine|Dorado"
        r"|Browser))(?:(?!Mozilla/)|Mozilla/\d\.\d \(compatible[;)])",
        Fetcher.SCRIPT,
    ),
)

# --- In-app browsers -----------------------------------------------------------
# Tokens the apps append to their web view's user agent, as seen in published
# UA samples (matomo-org/device-detector's regexes/client/mobile_apps.yml and its
# fixtures): FBAN/FBAV/FB_IAB and MetaIAB (Meta), "Instagram <ver>", "Barcelona <ver>"
# (Threads), MicroMessenger (WeChat), " Line/<ver>", Telegram-Android/-iOS, KAKAOTALK,
# Snapchat<ver>, [LinkedInApp], "Twitter for iPhone", musical_ly/BytedanceWebview (TikTok),
# [Pinterest/iOS], "Reddit/Version …", GSA/ (Google app), BingSapphire/BingWeb (Bing app),
# [WAiOS/…] and [WA4A/…] (WhatsApp's own browser, 2025), TeamsMobile-…, Zalo, Viber/.
_IN_APP_RULES: tuple[Rule, ...] = (
    # Messenger carries FBAV too, so it must come before facebook.
    _in_app(
        "messenger-in-app",
        r"FB_IAB/MESSENGER|FBAN/Messenger|FB_IAB/Orca-Android|FBAN/Orca-Android|MetaIAB Messenger",
        "messenger",
    ),
    # Threads: "… Mobile Safari/537.36 Barcelona 341.0.0.42.109 Android (…)"; case-sensitive.
    _in_app("threads-in-app", r"\bBarcelona \d|MetaIAB Threads", "threads", ignore_case=False),
    _in_app("instagram-in-app", r"\bInstagram \d|MetaIAB Instagram", "instagram"),
    # Facebook: FBAN/FBAV/FB_IAB, and since 2025 on iOS "… Safari/604.1 MetaIAB Facebook".
    _in_app("facebook-in-app", r"FB_IAB/|FBAN/|FBAV/|\bMetaIAB\b", "facebook"),
    # WhatsApp's own browser (2025): "… Safari/604.1 [WAiOS/2.25.31]", "… [WA4A/2.25.32.75;]".
    _in_app("whatsapp-in-app", r"\[WAiOS/|\[WA4A/|\bWAiOS/\d|\bWA4A/\d", "whatsapp"),
    _in_app("wechat-in-app", r"MicroMessenger/", "wechat"),
    # Case-sensitive with a leading space so "Linespider" and "Online/" do not match.
    _in_app("line-in-app", r" Line/\d", "line", ignore_case=False),
    _in_app("telegram-in-app", r"Telegram-(?:Android|iOS)/", "telegram"),
    # Case-sensitive: the lower-case "kakaotalk-scrap" is the preview fetcher.
    _in_app("kakaotalk-in-app", r"KAKAOTALK", "kakaotalk", ignore_case=False),
    # iOS "Snapchat/12.61.0.37 (like Safari/…)", Android "…Mobile Safari/537.36Snapchat11.59.0.35 (…)".
    _in_app("snapchat-in-app", r"Snapchat/?\d", "snapchat"),
    _in_app("linkedin-in-app", r"LinkedInApp", "linkedin"),
    _in_app("x-in-app", r"Twitter for (?:iPhone|iPad|Android)|TwitterAndroid", "x"),
    _in_app("tiktok-in-app", r"musical_ly|BytedanceWebview|\btrill_\d|\bTikTok \d", "tiktok"),
    _in_app("pinterest-in-app", r"\[Pinterest/(?:iOS|Android)\]|Pinterest for (?:Android|iOS)", "pinterest"),
    # Reddit: "… Reddit/Version 2024.20.0/Build 1568236/Android 14".
    _in_app("reddit-in-app", r"\bReddit/Version ", "reddit"),
    # Microsoft Teams mobile: "… TeamsMobile-Android" / "TeamsMobile-iOS".
    _in_app("teams-in-app", r"TeamsMobile-(?:Android|iOS)", "teams"),
    # Viber's web view: "… Mobile Safari/537.36 Viber/11.9.5.8" (its preview fetcher starts with Viber).
    _in_app("viber-in-app", r" Viber/\d", "viber"),
    # Zalo: "Zalo/…" or "Zalo android" / "Zalo iOS" (device-detector's mobile_apps.yml).
    _in_app("zalo-in-app", r"\bZalo(?:/\d| android| iOS)|ZaloTheme", "zalo", ignore_case=False),
    # The Google app (Search, Discover): "… GSA/375.0.772545411 Mobile/15E148 Safari/604.1".
    _in_app("google-app-in-app", r"\bGSA/\d", "google"),
    # The Bing app and Microsoft Start: "BingSapphire/32.7.440115006", "BingWeb/6.9.25207603".
    _in_app("bing-app-in-app", r"\bBingSapphire/|\bBingWeb/", "bing"),
)

# --- Referrers -------------------------------------------------------------------
# Hosts the apps' web clients and link shims send as Referer (l.facebook.com,
# t.co, lnkd.in, out.reddit.com, …) and the android-app:// referrers Chrome on
# Android reports for links opened from an app (the app's package name).
_GOOGLE_HOST = re.compile(r"(?:www\.)?google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})")
_REFERRER_RULES: tuple[Rule, ...] = (
    _referrer("telegram-web", _hosts("telegram.org", "t.me", "telegram.me", subdomains=True), "telegram"),
    _referrer(
        "telegram-app",
        HostPattern(
            host_regex=re.compile(r"org\.telegram\.messenger(?:\.[a-z0-9_]+)*|org\.thunderdog\.challegram"),
            schemes=ANDROID_APP,
        ),
        "telegram",
    ),
    _referrer("whatsapp-web", _hosts("whatsapp.com", "wa.me", subdomains=True), "whatsapp"),
    _referrer("whatsapp-app", _apps("com.whatsapp", "com.whatsapp.w4b"), "whatsapp"),
    _referrer("slack-web", _hosts("slack.com", "slack-redir.net", subdomains=True), "slack"),
    _referrer("slack-app", _apps("com.slack"), "slack"),
    _referrer("messenger-web", _hosts("messenger.com", subdomains=True), "messenger"),
    _referrer("messenger-app", _apps("com.facebook.orca", "com.facebook.mlite"), "messenger"),
    _referrer("facebook-web", _hosts("facebook.com", "fb.com", subdomains=True), "facebook"),
    _referrer("facebook-app", _apps("com.facebook.katana", "com.facebook.lite"), "facebook"),
    _referrer("instagram-web", _hosts("instagram.com", subdomains=True), "instagram"),
    _referrer("instagram-app", _apps("com.instagram.android"), "instagram"),
    # t.co is exact on purpose: it has no sub-domains, and look-alikes must not pass.
    _referrer("x-shortener", _hosts("t.co"), "x"),
    _referrer("x-web", _hosts("x.com", "twitter.com", subdomains=True), "x"),
    _referrer("x-app", _apps("com.twitter.android"), "x"),
    _referrer("linkedin-shortener", _hosts("lnkd.in"), "linkedin"),
    _referrer("linkedin-web", _hosts("linkedin.com", subdomains=True), "linkedin"),
    _referrer("linkedin-app", _apps("com.linkedin.android"), "linkedin"),
    _referrer(
        "email-webmail",
        _hosts(
            "mail.google.com",
            "outlook.live.com",
            "outlook.office.com",
            "outlook.office365.com",
            "mail.yahoo.com",
            "mail.aol.com",
            "mail.proton.me",
            "mail.protonmail.com",
        ),
        "email",
    ),
    _referrer(
        "email-app",
        _apps(
            "com.google.android.gm",
            "com.microsoft.office.outlook",
            "com.yahoo.mobile.client.android.mail",
        ),
        "email",
    ),
    _referrer("teams-web", _hosts("teams.microsoft.com", "teams.live.com", "teams.cloud.microsoft"), "teams"),
    _referrer("teams-app", _apps("com.microsoft.teams"), "teams"),
    _referrer("discord-web", _hosts("discord.com", "discordapp.com", subdomains=True), "discord"),
    _referrer("discord-app", _apps("com.discord"), "discord"),
    _referrer("reddit-web", _hosts("reddit.com", "redd.it", subdomains=True), "reddit"),
    _referrer("youtube-web", _hosts("youtube.com", "youtu.be", subdomains=True), "youtube"),
    _referrer("tiktok-web", _hosts("tiktok.com", subdomains=True), "tiktok"),
    _referrer("pinterest-web", _hosts("pinterest.com", "pin.it", subdomains=True), "pinterest"),
    # Search engines come after webmail so mail.google.com / mail.yahoo.com stay email.
    _referrer("google-search", HostPattern(host_regex=_GOOGLE_HOST), "google"),
    _referrer("google-app", _apps("com.google.android.googlequicksearchbox"), "google"),
    _referrer("bing-search", _hosts("bing.com", subdomains=True), "bing"),
    _referrer("duckduckgo-search", _hosts("duckduckgo.com", subdomains=True), "duckduckgo"),
    _referrer("yahoo-search", _hosts("search.yahoo.com", subdomains=True), "yahoo"),
    # Catch-all: any other web page that links to us.
    _referrer("web-referrer", HostPattern(any_host=True), "web"),
)

#: The whole table, grouped by stage in evidence order.
RULES: tuple[Rule, ...] = _EARLY_BOT_RULES + _PREVIEW_RULES + _BOT_RULES + _IN_APP_RULES + _REFERRER_RULES


def rules_for(stage: Stage) -> tuple[Rule, ...]:
    """The rows of one stage, in table order (first match wins)."""
    return tuple(rule for rule in RULES if rule.stage == stage)


_KIND_BY_STAGE: Final[dict[Stage, tuple[Kind, ...]]] = {
    "early_bot": ("bot",),
    "preview": ("preview",),
    "in_app": ("click",),
    "referrer": ("click",),
    "bot": ("bot",),
}


def _row_problem(rule: Rule) -> str | None:
    if not _NAME.fullmatch(rule.name):
        return "name is not kebab-case"
    if rule.kind not in _KIND_BY_STAGE[rule.stage]:
        return f"kind {rule.kind!r} does not fit stage {rule.stage!r}"
    if (rule.stage == "referrer") != isinstance(rule.pattern, HostPattern):
        return "referrer rows need a HostPattern, the others a user-agent pattern"
    if isinstance(rule.pattern, HostPattern) and any(h != h.lower() for h in rule.pattern.hosts):
        return "hosts must be lower-case (parsed hosts are)"
    if rule.kind == "bot" and rule.channel not in {"", "email"}:
        return "bot rows carry no channel (only email scanners name email)"
    if rule.kind == "bot":
        return None
    found = find_channel(rule.channel)
    if found is None or found.name != rule.channel:
        return f"channel {rule.channel!r} is not a canonical channel name"
    return None


def validate_rules(rules: tuple[Rule, ...]) -> None:
    """Refuse a table with duplicate names, unknown channels or misfiled rows.

    Run at import so a bad edit fails loudly, not as silent misattribution.
    """
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise ValueError(f"rule {rule.name!r}: duplicate name")
        seen.add(rule.name)
        problem = _row_problem(rule)
        if problem is not None:
            raise ValueError(f"rule {rule.name!r}: {problem}")


validate_rules(RULES)


_FETCHER_BY_RULE: Final[dict[str, Fetcher]] = {
    rule.name: rule.fetcher for rule in RULES if rule.kind == "bot"
}


def fetcher_of(verdict: object) -> Fetcher:
    """Which kind of fetcher a verdict or a stored visit stands for (from kind, evidence, rule, channel).

    Derived, never stored, so re-classification and roll-ups stay consistent with the rules.
    """
    kind = str(getattr(verdict, "kind", ""))
    if kind == "click":
        return Fetcher.PERSON
    if kind == "preview":
        return Fetcher.LINK_PREVIEW
    evidence = str(getattr(verdict, "evidence", ""))
    if evidence == "head-request":
        return Fetcher.PROBE
    if evidence == "scanner-signals":
        found = find_channel(str(getattr(verdict, "channel", "")))
        return (
            Fetcher.EMAIL_SCANNER if found is not None and found.group.value == "email" else Fetcher.SCANNER
        )
    rule = getattr(verdict, "rule", None)
    return _FETCHER_BY_RULE.get(rule, Fetcher.CRAWLER) if isinstance(rule, str) else Fetcher.CRAWLER
