"""Languages: gettext catalogs for sentences, Babel for dates and numbers.

Every text a person reads (chat answers, help, pages, errors) is looked up
here, so English and French say the same things and a missing translation
is caught by a test rather than by a French marketer. Catalogs are the
``.po`` files under ``tracking/locale/<lang>/LC_MESSAGES/``; they are
compiled in memory the first time a language is asked for, so there is no
build step and no compiled file to forget. All ``.po`` files of a language
(one per area: answers, dashboard, bots…) merge into one catalog.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Final, Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent
from babel.support import Translations

Language = Literal["en", "fr"]

#: Languages Lantern speaks, the first being the fallback.
LANGUAGES: Final[tuple[Language, ...]] = ("en", "fr")
DEFAULT_LANGUAGE: Final[Language] = "en"

LOCALE_DIR: Final[Path] = Path(__file__).with_name("locale")


def normalize(code: str | None) -> Language:
    """Map any locale code a platform sends (``fr``, ``fr-CA``, ``fr_FR``) to one Lantern speaks."""
    if not code:
        return DEFAULT_LANGUAGE
    primary = code.strip().replace("_", "-").split("-", 1)[0].lower()
    for language in LANGUAGES:
        if primary == language:
            return language
    return DEFAULT_LANGUAGE


def from_accept_language(header: str | None) -> Language:
    """Pick the best language from an HTTP ``Accept-Language`` header (weights honoured)."""
    if not header:
        return DEFAULT_LANGUAGE
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:32]):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        weight = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag and weight > 0:
            choices.append((-weight, position, tag))
    for _, _, tag in sorted(choices):
        primary = tag.replace("_", "-").split("-", 1)[0].lower()
        if primary in LANGUAGES:
            return normalize(primary)
    return DEFAULT_LANGUAGE


def catalog_files(language: str, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """The ``.po`` files that make up one language's catalog, in a stable order."""
    return sorted((locale_dir / language / "LC_MESSAGES").glob("*.po"))


@cache
def translations(language: Language) -> gettext.NullTranslations:
    """One language's merged catalog; English is the source text, so it needs none."""
    files = catalog_files(language)
    if not files:
        return gettext.NullTranslations()
    merged: Translations | None = None
    for path in files:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        loaded = Translations(buffer)
        if merged is None:
            merged = loaded
        else:
            merged.merge(loaded)
    assert merged is not None
    return merged


@dataclass(frozen=True)
class Translator:
    """Everything needed to speak to one person: sentences, numbers and dates in their language."""

    language: Language = DEFAULT_LANGUAGE
    _catalog: gettext.NullTranslations = field(init=False, repr=False, compare=False)
    _locale: Locale = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_catalog", translations(self.language))
        try:
            locale = Locale.parse(self.language)
        except (UnknownLocaleError, ValueError):
            locale = Locale.parse(DEFAULT_LANGUAGE)
        object.__setattr__(self, "_locale", locale)

    def gettext(self, message: str) -> str:
        """Translate one sentence (``_`` in the code)."""
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Translate a sentence whose form depends on a count."""
        return self._catalog.ngettext(singular, plural, count)

    def pgettext(self, context: str, message: str) -> str:
        """Translate a word that means different things in different places."""
        return self._catalog.pgettext(context, message)

    def number(self, value: float) -> str:
        """``1,234`` in English, ``1 234`` in French."""
        return _babel_decimal(value, locale=self._locale)

    def percent(self, fraction: float, *, digits: int = 1) -> str:
        """``12.5%`` in English, ``12,5 %`` in French (a fraction in, 0.125 → 12.5 %)."""
        rounded = Decimal(str(round(fraction * 100, digits))) / 100
        return _babel_percent(rounded, locale=self._locale, decimal_quantization=False)

    def day(self, day: date, *, style: str = "long") -> str:
        """``November 30, 2026`` / ``30 novembre 2026``; ``style`` is Babel's (short, medium, long, full)."""
        return _babel_date(day, format=style, locale=self._locale)

    def day_pattern(self, day: date, skeleton: str) -> str:
        """A date shaped by a CLDR skeleton, e.g. ``MMMd`` → ``Nov 30`` / ``30 nov.``."""
        from babel.dates import format_skeleton

        return format_skeleton(skeleton, day, locale=self._locale)

    def moment(self, moment: datetime, *, style: str = "medium") -> str:
        """A moment in the reader's language (its time zone is the caller's job)."""
        return _babel_datetime(moment, format=style, locale=self._locale)


@cache
def translator(language: Language = DEFAULT_LANGUAGE) -> Translator:
    """The shared translator of a language (they are immutable, so one each is enough)."""
    return Translator(language)


def missing_translations(language: Language, messages: Iterable[str]) -> list[str]:
    """Messages that a language's catalog does not translate: for the completeness test."""
    catalog = translations(language)
    return [message for message in messages if catalog.gettext(message) == message and message.strip()]
