"""Languages: catalogs load, numbers and dates follow the reader, and nothing marked is left untranslated."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from tracking.i18n import (
    LANGUAGES,
    catalog_files,
    from_accept_language,
    missing_translations,
    normalize,
    translator,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("fr", "fr"),
        ("fr-CA", "fr"),
        ("fr_FR", "fr"),
        ("FR", "fr"),
        ("en-GB", "en"),
        ("de", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_platform_locale_codes_map_to_a_language_lantern_speaks(code: str | None, expected: str) -> None:
    assert normalize(code) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,fr;q=0.8,en;q=0.5", "fr"),
        ("en-US,en;q=0.9,fr;q=0.8", "en"),
        ("fr;q=0, en", "en"),
        ("*", "en"),
        ("fr;q=abc", "en"),
        ("", "en"),
    ],
)
def test_accept_language_weights_are_honoured(header: str, expected: str) -> None:
    assert from_accept_language(header) == expected


def test_french_numbers_percentages_and_dates() -> None:
    french = translator("fr")
    assert french.number(1234).replace("\u202f", " ").replace("\xa0", " ") == "1 234"
    assert french.percent(0.125).replace("\xa0", " ") == "12,5 %"
    assert french.day(date(2026, 11, 30)) == "30 novembre 2026"


def test_english_numbers_percentages_and_dates() -> None:
    english = translator("en")
    assert english.number(1234) == "1,234"
    assert english.percent(0.125) == "12.5%"
    assert english.percent(0.1234) == "12.3%"
    assert english.day(date(2026, 11, 30)) == "November 30, 2026"


def test_every_language_but_english_has_a_catalog() -> None:
    for language in LANGUAGES[1:]:
        assert catalog_files(language), language


def _marked_messages() -> set[str]:
    """Every message the code marks for translation (``_``, ``gettext``, ``ngettext``, ``N_``) and the
    Jinja2 templates' ``_()`` and ``{% trans %}`` (Babel's jinja2 extractor)."""
    messages: set[str] = set()
    for folder in ("tracking", "bot", "lantern"):
        found = extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
            options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None},
        )
        for item in found:
            message = item[2]
            if isinstance(message, tuple):
                messages.update(part for part in message if part)
            elif message:
                messages.add(message)
    return messages


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_marked_message_is_translated(language: str) -> None:
    missing = missing_translations(language, sorted(_marked_messages()))  # type: ignore[arg-type]
    assert not missing, f"untranslated in {language}: {missing[:20]}"


def test_template_messages_are_extracted() -> None:
    messages = _marked_messages()
    assert "Share events by app" in messages  # a template's _()
    assert "How each click was attributed" in messages  # a Python N_() beside the templates
