"""Read a stats question into an Interpretation, or say exactly what could not be read.

Pure and deterministic (standard library and tracking.core only) so the bots,
the CLI and the API answer the same question the same way. The question is
read word by word: each position tries the phrase readers in a fixed order;
a word no reader takes must be a filler word, otherwise the question is
refused — a leftover word is never silently dropped. Time phrases live in
`periods`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tracking.core.channels import CHANNELS, DARK_SOCIAL, Group, channels_in, find_channel, find_group
from tracking.core.questions.model import GroupBy, Interpretation, Metric, QuestionNotUnderstood
from tracking.core.questions.periods import (
    PERIOD_WORDS,
    Period,
    PeriodError,
    default_period,
    number,
    read_period,
)
from tracking.core.slugs import looks_like_slug

#: Words that carry no meaning of their own here; anything else left over is refused.
FILLER_WORDS: frozenset[str] = frozenset({
    "a", "an", "the", "of", "me", "us", "we", "i", "you", "our", "my", "your", "it", "its", "how", "many",
    "much", "what", "which", "is", "are", "was", "were", "be", "been",
    "did", "do", "does", "has", "have", "had", "get", "got", "getting", "receive", "received", "come",
    "came", "make", "made", "create", "new",
    "show", "tell", "give", "list", "see", "display", "find", "let", "please", "pls", "can", "could",
    "would", "will",
    "number", "total", "count", "amount", "sum", "stats", "statistics", "all", "any", "there", "and", "or",
    "&", "+", "-", "–", "with", "times", "so", "far",
    "for", "from", "on", "in", "via", "through", "to", "at", "over", "during", "within", "throughout",
    "across",
    "hey", "hi", "hello", "lantern", "broken", "down", "split", "grouped", "breakdown",
})  # fmt: skip

_METRIC_NOUNS: dict[str, Metric] = {
    "click": Metric.CLICKS, "clicks": Metric.CLICKS,
    "preview": Metric.PREVIEWS, "previews": Metric.PREVIEWS,
    "share": Metric.PREVIEWS, "shares": Metric.PREVIEWS,
    "visit": Metric.VISITS, "visits": Metric.VISITS,
    "visitor": Metric.UNIQUE_VISITORS, "visitors": Metric.UNIQUE_VISITORS,
    "uniques": Metric.UNIQUE_VISITORS, "people": Metric.UNIQUE_VISITORS,
    "users": Metric.UNIQUE_VISITORS,
    "links": Metric.LINKS,
    "bots": Metric.BOTS, "scanners": Metric.BOTS,
}  # fmt: skip
#: Verbs name a metric only weakly: "how many people clicked" counts people.
_METRIC_VERBS: dict[str, Metric] = {
    "clicked": Metric.CLICKS,
    "shared": Metric.PREVIEWS,
    "previewed": Metric.PREVIEWS,
    "visited": Metric.VISITS,
    "created": Metric.LINKS,
}
_UNIQUE_FIRST = frozenset({"unique", "distinct"})
_UNIQUE_SECOND = frozenset({"visitor", "visitors", "users", "people"})
_VERB_FITS_NOUN: frozenset[tuple[Metric, Metric]] = frozenset(
    {
        (Metric.CLICKS, Metric.UNIQUE_VISITORS),
        (Metric.VISITS, Metric.UNIQUE_VISITORS),
    }
)

_DIMENSIONS: dict[str, GroupBy] = {
    "hour": GroupBy.HOUR, "hours": GroupBy.HOUR,
    "day": GroupBy.DAY, "days": GroupBy.DAY, "date": GroupBy.DAY,
    "week": GroupBy.WEEK, "weeks": GroupBy.WEEK,
    "month": GroupBy.MONTH, "months": GroupBy.MONTH,
    "channel": GroupBy.CHANNEL, "channels": GroupBy.CHANNEL,
    "source": GroupBy.CHANNEL, "sources": GroupBy.CHANNEL,
    "campaign": GroupBy.CAMPAIGN, "campaigns": GroupBy.CAMPAIGN,
    "link": GroupBy.LINK, "links": GroupBy.LINK, "slug": GroupBy.LINK,
    "sharer": GroupBy.SHARER, "sharers": GroupBy.SHARER,
    "workspace": GroupBy.WORKSPACE, "workspaces": GroupBy.WORKSPACE,
    "country": GroupBy.COUNTRY, "countries": GroupBy.COUNTRY,
    "device": GroupBy.DEVICE, "devices": GroupBy.DEVICE,
    "browser": GroupBy.BROWSER, "browsers": GroupBy.BROWSER,
    "fetcher": GroupBy.FETCHER, "fetchers": GroupBy.FETCHER,
    "page": GroupBy.PAGE, "pages": GroupBy.PAGE,
}  # fmt: skip
_ADVERBS: dict[str, GroupBy] = {
    "hourly": GroupBy.HOUR,
    "daily": GroupBy.DAY,
    "weekly": GroupBy.WEEK,
    "monthly": GroupBy.MONTH,
}
_GROUP_LEADS = frozenset({"by", "per", "each", "every"})
_TOP_SINGULAR = frozenset(
    {"link", "sharer", "channel", "campaign", "country", "device", "browser", "source", "page"}
)
_DEFAULT_TOP = 10
_MAX_TOP = 100
_KEYWORDS = frozenset(
    {"top", "campaign", "link", "domain", "site", "host", "sharer", "by", "per", "unique", "distinct"}
)

#: A curly quote's name stops at the next opening “ too, so a run of unbalanced “ is read in linear time.
_WORD = re.compile(r"\"([^\"]*)\"|“([^”“]*)”|(\S+)")
_LEADING = "([{'\"¿¡“‘«"
_TRAILING = "?!.,;:)]}'\"…”’»"
_POSSESSIVE = re.compile(r"(?<=\w)['’]s$")
_CAMPAIGN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_HANDLE = re.compile(r"[^\W_][\w.-]{0,63}")
_DATEISH = re.compile(r"[0-9][0-9./-]*|[0-9]{1,2}(?:st|nd|rd|th)")  # dates and day ordinals, never names


@dataclass(frozen=True, slots=True)
class _Token:
    raw: str  # as typed, for values whose case matters (slugs, names)
    low: str  # lower-case, for vocabulary
    quoted: bool = False  # "…" in the question: always a value, never a keyword


@dataclass(slots=True)
class _State:
    """What has been read so far."""

    nouns: list[tuple[str, Metric]] = field(default_factory=list)
    verbs: list[tuple[str, Metric]] = field(default_factory=list)
    channel_names: list[str] = field(default_factory=list)  # as meant: "messaging", "whatsapp"
    channels: set[str] = field(default_factory=set)
    campaign: str | None = None
    link: str | None = None
    sharer: str | None = None
    domain: str | None = None
    group_by: GroupBy | None = None
    top: int | None = None
    top_words: tuple[str, ...] = ()
    period: Period | None = None
    period_broken: bool = False
    read_anything: bool = False
    unknown: list[str] = field(default_factory=list)
    problems: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def problem(self, message: str, words: tuple[str, ...]) -> None:
        self.problems.append((message, words))


@dataclass(frozen=True, slots=True)
class _Scan:
    tokens: list[_Token]
    words: list[str]  # lower-case words; "" for quoted tokens so no keyword matches them
    state: _State
    now: datetime
    tz: ZoneInfo

    def word(self, j: int) -> str:
        return self.words[j] if 0 <= j < len(self.words) else ""

    def token(self, j: int) -> _Token | None:
        return self.tokens[j] if 0 <= j < len(self.tokens) else None


_Reader = Callable[[_Scan, int], int]


def parse_question(text: str, *, now: datetime, tz: ZoneInfo) -> Interpretation:
    """Read `text` as of `now` (aware), days bounded in `tz`; raise QuestionNotUnderstood if unreadable."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    now = now.astimezone(tz)
    tokens = _tokens(text)
    scan = _Scan(tokens, [t.low if not t.quoted else "" for t in tokens], _State(), now, tz)
    i = 0
    while i < len(tokens):
        used = _read_at(scan, i)
        if used == 0:
            token = tokens[i]
            if token.quoted or token.low not in FILLER_WORDS:
                scan.state.unknown.append(token.raw[:40])
            used = 1
        i += used
    return _finish(scan.state, now, tz)


def _tokens(text: str) -> list[_Token]:
    """Split into words: quotes keep a name together, edge punctuation and "'s" fall away."""
    out: list[_Token] = []
    for match in _WORD.finditer(text):
        quoted = match.group(1) if match.group(1) is not None else match.group(2)
        if quoted is not None:
            value = " ".join(quoted.split())
            if value:
                out.append(_Token(value, value.lower(), quoted=True))
            continue
        word = match.group(3)
        pieces = [word] if "/" in word else re.split(r"[,;]", word)
        for piece in pieces:
            cleaned = _POSSESSIVE.sub("", piece.lstrip(_LEADING).rstrip(_TRAILING))
            if cleaned:
                out.append(_Token(cleaned, cleaned.lower()))
    return out


def _is_vocabulary(word: str) -> bool:
    """True for a word the language already uses, so it is never taken as a name."""
    return (
        word in FILLER_WORDS
        or word in PERIOD_WORDS
        or word in _KEYWORDS
        or word in _METRIC_NOUNS
        or word in _METRIC_VERBS
        or word in _DIMENSIONS
        or word in _ADVERBS
        or find_channel(word) is not None
        or find_group(word) is not None
    )


# -- readers: each returns how many words it used (0 = not its phrase) --------------------------


def _read_at(scan: _Scan, i: int) -> int:
    for reader in _READERS:
        used = reader(scan, i)
        if used:
            scan.state.read_anything = True
            return used
    return 0


def _read_period(scan: _Scan, i: int) -> int:
    state = scan.state
    try:
        found = read_period(scan.words, i, scan.now, scan.tz)
    except PeriodError as error:
        if not state.period_broken:
            state.problem(error.message, error.words)
        state.period_broken = True
        return error.end - i
    if found is None:
        return 0
    used, period = found
    if state.period_broken:
        return used
    if state.period is not None and state.period.label != period.label:
        state.problem(
            f"I can count one period at a time, but the question names “{state.period.label}” "
            f"and “{period.label}”.",
            tuple(scan.words[i : i + used]),
        )
    state.period = state.period or period
    return used


def _read_top(scan: _Scan, i: int) -> int:
    if scan.word(i) != "top":
        return 0
    count = number(scan.word(i + 1))
    j = i + 2 if count is not None else i + 1
    dimension = _DIMENSIONS.get(scan.word(j))
    if dimension is not None and dimension.is_time:
        dimension = None
    if count is None and dimension is None:
        return 0
    if count is None:
        count = 1 if scan.word(j) in _TOP_SINGULAR else _DEFAULT_TOP
    used = j + (1 if dimension is not None else 0) - i
    words = tuple(scan.words[i : i + used])
    state = scan.state
    if not 1 <= count <= _MAX_TOP:
        state.problem(f"“top {count}” needs a number from 1 to {_MAX_TOP}.", words)
    elif state.top is not None and state.top != count:
        state.problem(
            f"I can only keep one top list, but the question asks for top {state.top} and {count}.", words
        )
    state.top = count
    state.top_words = words
    if dimension is not None:
        _set_group(state, dimension, words)
    return used


def _read_grouping(scan: _Scan, i: int) -> int:
    word = scan.word(i)
    if word in _ADVERBS:
        _set_group(scan.state, _ADVERBS[word], (word,))
        return 1
    if word not in _GROUP_LEADS:
        return 0
    j = i + 2 if scan.word(i + 1) in {"the", "each"} else i + 1
    dimension = _DIMENSIONS.get(scan.word(j))
    if dimension is None:
        return 0
    _set_group(scan.state, dimension, tuple(scan.words[i : j + 1]))
    return j + 1 - i


def _set_group(state: _State, group: GroupBy, words: tuple[str, ...]) -> None:
    if state.group_by is not None and state.group_by != group:
        state.problem(
            f"I can break an answer down one way at a time, but the question asks by "
            f"{state.group_by.value} and by {group.value}.",
            words,
        )
        return
    state.group_by = group


def _read_campaign(scan: _Scan, i: int) -> int:
    j = i + 1 if scan.word(i) in {"for", "in", "of", "from"} and scan.word(i + 1) == "campaign" else i
    if scan.word(j) == "campaign":
        name = _campaign_name(scan.token(j + 1))
        if name is None:
            return 0
        _set_value(scan.state, "campaign", name, tuple(scan.words[i : j + 2]))
        return j + 2 - i
    token = scan.token(i)
    if scan.word(i + 1) == "campaign" and token is not None:
        name = _campaign_name(token)
        if name is not None:
            _set_value(scan.state, "campaign", name, (token.low, "campaign"))
            return 2
    return 0


def _campaign_name(token: _Token | None) -> str | None:
    """A campaign as stored (lower-case words joined by dashes); never a word of the language."""
    if token is None or (not token.quoted and _is_vocabulary(token.low)):
        return None
    name = re.sub(r"\s+", "-", token.low)
    return name if _CAMPAIGN.fullmatch(name) else None


def _read_link(scan: _Scan, i: int) -> int:
    j = i + 1 if scan.word(i) in {"for", "on", "of", "to"} and scan.word(i + 1) in {"link", "slug"} else i
    if scan.word(j) in {"link", "slug"}:
        token = scan.token(j + 1)
        slug = _slug_of(token, named=True) if token is not None else None
        if slug is None:
            return 0
        _set_value(scan.state, "link", slug, tuple(scan.words[i : j + 2]))
        return j + 2 - i
    token = scan.token(i)
    slug = _slug_of(token, named=False) if token is not None else None
    if slug is None:
        return 0
    assert token is not None
    _set_value(scan.state, "link", slug, (token.raw,))
    return 1


def _slug_of(token: _Token, *, named: bool) -> str | None:
    """The slug a link is written as: a URL's or path's last segment, or (after "link") a bare slug."""
    raw = token.raw
    if token.quoted:
        segment = raw if named else ""
    elif raw.lower().startswith(("http://", "https://")):
        try:
            path = urlsplit(raw).path
        except ValueError:
            return None
        segment = _last_segment(path)
    elif raw.startswith("/") or ("/" in raw and _HOST.fullmatch(raw.split("/", 1)[0].lower())):
        segment = _last_segment(raw.split("?", 1)[0].split("#", 1)[0])
    elif named and not _is_vocabulary(token.low):
        segment = raw
    else:
        return None
    return segment if looks_like_slug(segment) else None


def _last_segment(path: str) -> str:
    parts = [part for part in path.split("/") if part]
    return parts[-1] if parts else ""


def _read_domain(scan: _Scan, i: int) -> int:
    j = i + 1 if scan.word(i) in {"domain", "site", "host"} else i
    if not _HOST.fullmatch(scan.word(j)):
        return 0
    _set_value(scan.state, "domain", scan.word(j), tuple(scan.words[i : j + 1]))
    return j + 1 - i


def _read_sharer(scan: _Scan, i: int) -> int:
    j = i + 1 if scan.word(i) in {"shared", "sent", "posted"} and scan.word(i + 1) == "by" else i
    first = scan.word(j)
    token = scan.token(j + 1)
    if first in {"by", "sharer"} and token is not None:
        name = _sharer_name(token, explicit=first == "sharer")
        if name is not None:
            _set_value(scan.state, "sharer", name, tuple(scan.words[i : j + 2]))
            return j + 2 - i
    token = scan.token(i)
    if token is not None and not token.quoted and token.raw.startswith("@"):
        name = _sharer_name(token, explicit=True)
        if name is not None:
            _set_value(scan.state, "sharer", name, (token.raw,))
            return 1
    return 0


def _sharer_name(token: _Token, *, explicit: bool) -> str | None:
    """A handle or display name; after a bare "by" it must not be a word the language uses."""
    if token.quoted:
        return token.raw
    handle = token.raw.removeprefix("@")
    if not _HANDLE.fullmatch(handle):
        return None
    if token.raw.startswith("@") or explicit:
        return handle
    low = handle.lower()
    if _is_vocabulary(low) or _DATEISH.fullmatch(low) or _HOST.fullmatch(low):
        return None
    return handle


def _read_channel(scan: _Scan, i: int) -> int:
    """A channel or group, two words first ("dark social", "google chat"), then one ("wa", "messaging")."""
    two = scan.words[i : i + 2]
    if len(two) == 2 and all(two):
        phrase = " ".join(two)
        if _add_channel_or_group(scan.state, phrase, group_first=True):
            return 2
    word = scan.word(i)
    if word and _add_channel_or_group(scan.state, word, group_first=False):
        return 1
    return 0


def _add_channel_or_group(state: _State, phrase: str, *, group_first: bool) -> bool:
    groups = find_group(phrase)
    found = find_channel(phrase)
    if groups is not None and (group_first or found is None):
        _add_channels(state, _group_name(groups), channels_in(groups))
        return True
    if found is not None:
        _add_channels(state, found.name, (found.name,))
        return True
    return False


def _group_name(groups: frozenset[Group]) -> str:
    if groups == DARK_SOCIAL:
        return "dark social"
    return ", ".join(sorted(group.value for group in groups))


def _add_channels(state: _State, name: str, channels: tuple[str, ...]) -> None:
    if name not in state.channel_names:
        state.channel_names.append(name)
    state.channels.update(channels)


def _read_metric(scan: _Scan, i: int) -> int:
    if scan.word(i) == "by" and scan.word(i + 1) in _METRIC_NOUNS:  # "top links by shares"
        return 1 + _read_metric(scan, i + 1)
    word = scan.word(i)
    if word in _UNIQUE_FIRST and scan.word(i + 1) in _UNIQUE_SECOND:
        scan.state.nouns.append((f"{word} {scan.word(i + 1)}", Metric.UNIQUE_VISITORS))
        return 2
    if word in _METRIC_NOUNS:
        scan.state.nouns.append((word, _METRIC_NOUNS[word]))
        return 1
    if word in _METRIC_VERBS:
        scan.state.verbs.append((word, _METRIC_VERBS[word]))
        return 1
    return 0


def _set_value(state: _State, what: str, value: str, words: tuple[str, ...]) -> None:
    """Set one of the single-valued filters; a second, different value is a problem."""
    current = getattr(state, what)
    if current is not None and current != value:
        state.problem(
            f"I can filter by one {what} at a time, but the question names {current} and {value}.", words
        )
        return
    setattr(state, what, value)


_READERS: tuple[_Reader, ...] = (
    _read_period,
    _read_top,
    _read_grouping,
    _read_campaign,
    _read_link,
    _read_domain,
    _read_sharer,
    _read_channel,
    _read_metric,
)


# -- the result ------------------------------------------------------------------------------


def _metric(state: _State) -> Metric:
    """Nouns decide; verbs only confirm ("people clicked") or stand alone ("what was clicked")."""
    nouns = {metric for _, metric in state.nouns}
    verbs = {metric for _, metric in state.verbs}
    if len(nouns) > 1:
        names = " and ".join(dict.fromkeys(word for word, _ in state.nouns))
        state.problem(f"I can count one thing at a time, but the question asks for {names}.", ())
    if nouns:
        noun = next(metric for _, metric in state.nouns)
        clashing = [
            word for word, verb in state.verbs if verb != noun and (verb, noun) not in _VERB_FITS_NOUN
        ]
        if clashing:
            state.problem(
                f"I am not sure whether to count {state.nouns[0][0]} or what was {clashing[0]}.", ()
            )
        return noun
    if len(verbs) > 1:
        state.problem("I can count one thing at a time; name one of clicks, previews, visits or links.", ())
    return state.verbs[0][1] if state.verbs else Metric.CLICKS


def _finish(state: _State, now: datetime, tz: ZoneInfo) -> Interpretation:
    metric = _metric(state)
    if state.top is not None and state.group_by is None:
        state.problem(
            f"“{' '.join(state.top_words)}” needs to say top what: links, sharers, channels or campaigns.",
            state.top_words,
        )
    if state.top is not None and state.group_by is not None and state.group_by.is_time:
        state.problem(f"A top list ranks links, sharers or channels, not {state.group_by.value}s.", ())
    if state.unknown or state.problems or not state.read_anything:
        raise _not_understood(state, metric)
    period = state.period or default_period(now, tz)
    channels = tuple(c.name for c in CHANNELS if c.name in state.channels) if state.channels else None
    return Interpretation(
        metric=metric,
        start=period.start,
        end=period.end,
        period=period.label,
        channels=channels,
        channel_filter=_join(state.channel_names) if state.channel_names else None,
        campaign=state.campaign,
        link=state.link,
        sharer=state.sharer,
        domain=state.domain,
        group_by=state.group_by,
        top=state.top,
    )


def _not_understood(state: _State, metric: Metric) -> QuestionNotUnderstood:
    understood = _understood(state, metric)
    unknown = tuple(dict.fromkeys([*state.unknown, *(w for _, words in state.problems for w in words)]))
    if state.unknown:
        shown = [f"“{word}”" for word in state.unknown[:5]]
        more = "…" if len(state.unknown) > 5 else ""
        message = f"Sorry, I could not read {_join(shown)}{more} in that question."
    elif state.problems:
        message = state.problems[0][0]
    else:
        message = "Ask me about clicks, previews, visits, visitors or links, for example one of these."
    return QuestionNotUnderstood(
        message, understood=understood, unknown=unknown, suggestions=_suggestions(state, metric)
    )


def _understood(state: _State, metric: Metric) -> tuple[str, ...]:
    """Short phrases of what was read, in a fixed order."""
    out: list[str] = []
    if state.nouns or state.verbs:
        out.append(f"metric: {metric.value}")
    if state.channel_names:
        out.append(f"channel: {_join(state.channel_names)}")
    for what in ("campaign", "link", "domain", "sharer"):
        value = getattr(state, what)
        if value is not None:
            out.append(f"{what}: {value}")
    if state.period is not None and not state.period_broken:
        out.append(f"period: {state.period.label}")
    if state.top is not None and 1 <= state.top <= _MAX_TOP:
        out.append(f"top {state.top}")
    if state.group_by is not None:
        out.append(f"by {state.group_by.value}")
    return tuple(out)


def _suggestions(state: _State, metric: Metric) -> tuple[str, ...]:
    """Two or three questions this parser answers, built around what was understood."""
    noun = metric.value
    period = state.period.label if state.period is not None and not state.period_broken else "this week"
    filters = _filter_phrase(state)
    candidates = [
        f"{noun} {filters or 'from messaging'} {period}",
        f"{noun} {filters + ' ' if filters else ''}by day last 30 days",
        f"top 5 links {period}",
        "shares by channel this month",
        "top sharers this week",
    ]
    return tuple(dict.fromkeys(candidates))[:3]


def _filter_phrase(state: _State) -> str:
    parts: list[str] = []
    if state.channel_names:
        parts.append("from " + _join(state.channel_names))
    if state.campaign:
        parts.append(f"for campaign {_quoted_if_needed(state.campaign)}")
    if state.link:
        parts.append(f"for link {_quoted_if_needed(state.link)}")
    if state.domain:
        parts.append(f"to {state.domain}")
    if state.sharer and _HANDLE.fullmatch(state.sharer):
        parts.append(f"by @{state.sharer}")
    return " ".join(parts)


def _quoted_if_needed(name: str) -> str:
    """A name that is also a word of the language ("today") must be quoted to be read back as a name."""
    return f'"{name}"' if _is_vocabulary(name.lower()) else name


def _join(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
