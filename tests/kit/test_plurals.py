"""Plural families: the form follows CLDR's rule of the reader's language (French counts 0
and 1 as one, English and Dutch only 1), a `.zero` form wins for 0, and asking with
`count=` is the same as `tr.plural`."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kit.i18n import LANGUAGES, Catalog, plural_category

CATALOG = Catalog(
    {
        "fr": {
            "seances.zero": "Aucune séance",
            "seances.one": "{count} séance de {group}",
            "seances.other": "{count} séances de {group}",
            "soutiens.one": "{count} soutien",
            "soutiens.other": "{count} soutiens",
        },
        "en": {
            "seances.zero": "No sessions",
            "seances.one": "one session of {group}",
            "seances.other": "{count} sessions of {group}",
            "soutiens.one": "{count} endorsement",
            "soutiens.other": "{count} endorsements",
            "only.english.one": "{count} thing",
            "only.english.other": "{count} things",
        },
        "nl": {
            "seances.zero": "Geen sessies",
            "seances.one": "{count} sessie van {group}",
            "seances.other": "{count} sessies van {group}",
            "soutiens.one": "{count} steunbetuiging",
            "soutiens.other": "{count} steunbetuigingen",
        },
    }
)
counts = st.integers(min_value=-(10**12), max_value=10**12)


@given(counts)
def test_french_counts_zero_and_one_as_singular(count: int) -> None:
    expected = "one" if abs(count) <= 1 else "other"
    assert plural_category("fr", count) == expected
    form = "soutien" if abs(count) <= 1 else "soutiens"
    assert CATALOG.bind("fr").plural("soutiens", count) == f"{count} {form}"


@pytest.mark.parametrize("language", ["en", "nl"])
@given(count=counts)
def test_english_and_dutch_count_only_one_as_singular(language: str, count: int) -> None:
    assert plural_category(language, count) == ("one" if abs(count) == 1 else "other")
    singular = {"en": "endorsement", "nl": "steunbetuiging"}[language]
    text = CATALOG.bind(language).plural("soutiens", count)
    assert text.startswith(f"{count} {singular}")
    assert text.endswith(singular) == (abs(count) == 1)


@pytest.mark.parametrize("language", LANGUAGES)
@given(count=counts)
def test_a_zero_form_wins_for_zero_only(language: str, count: int) -> None:
    tr = CATALOG.bind(language)
    text = tr.plural("seances", count, group="Lyon")
    none = CATALOG.messages[language]["seances.zero"]
    assert (text == none) == (count == 0)
    if abs(count) > 1:  # -1 is in CLDR's "one", as 1 is: "one session of Lyon"
        assert text.startswith(f"{count} ") and text.endswith(" Lyon")


def test_the_three_languages_read_zero_one_and_two() -> None:
    read = {
        lang: [CATALOG.bind(lang).plural("seances", n, group="G") for n in (0, 1, 2)]
        for lang in LANGUAGES
    }
    assert read == {
        "fr": ["Aucune séance", "1 séance de G", "2 séances de G"],
        "en": ["No sessions", "one session of G", "2 sessions of G"],
        "nl": ["Geen sessies", "1 sessie van G", "2 sessies van G"],
    }


@pytest.mark.parametrize("language", LANGUAGES)
@given(count=counts)
def test_count_keyword_picks_the_form_as_plural_does(language: str, count: int) -> None:
    tr = CATALOG.bind(language)
    assert tr("seances", count=count, group="G") == tr.plural("seances", count, group="G")
    assert CATALOG.has(language, "seances") and not CATALOG.has(language, "seance")


def test_a_family_missing_in_a_language_falls_back_to_english_rules() -> None:
    tr = CATALOG.bind("fr")
    assert [tr.plural("only.english", n) for n in (0, 1, 2)] == ["0 things", "1 thing", "2 things"]


def test_a_family_without_a_whole_count_says_so_and_uses_its_general_form(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tr = CATALOG.bind("fr")
    with caplog.at_level(logging.ERROR, logger="bot.kit.i18n"):
        assert tr("soutiens", count="beaucoup") == "beaucoup soutiens"
        assert tr("soutiens", count=True) == "True soutiens"
    assert [r.getMessage().startswith("plural message soutiens") for r in caplog.records] == [
        True,
        True,
    ]


def test_the_real_catalogue_speaks_french_counts() -> None:
    tr = Catalog.load().bind("fr")
    assert [tr("groups.welcome.more", count=n) for n in (1, 2)] == ["et 1 autre", "et 2 autres"]
    assert [tr.plural("report.sessions.count", n) for n in (0, 1, 2)] == [
        "aucune séance tenue",
        "1 séance tenue",
        "2 séances tenues",
    ]
