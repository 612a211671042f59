"""The chart kit's pure parts: palette, contrast, labels, alt text, folding series."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.kit.charts import model
from bot.kit.charts.model import (
    CARD,
    DESCRIPTION_LIMIT,
    DISCORD_DARK,
    DISCORD_LIGHT,
    FRAME,
    INK,
    MUTED,
    PALETTE,
    WHITE,
    alt_text,
    clean_label,
    contrast,
    day,
    fold,
    month_names,
    series_colours,
    text_on,
)  # fmt: skip
from bot.kit.i18n import Catalog

OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}


def test_the_palette_is_okabe_ito_with_yellow_last_and_grey_for_unknown() -> None:
    assert set(PALETTE) == OKABE_ITO and len(PALETTE) == 7
    assert PALETTE[-1] == "#F0E442"  # the palest on the card comes last
    assert series_colours(4, frozenset({3})) == ["#0072B2", "#E69F00", "#009E73", MUTED]
    assert series_colours(3, frozenset({0})) == [MUTED, "#0072B2", "#E69F00"]
    assert len(set(series_colours(7))) == 7


def test_contrast_follows_wcag() -> None:
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0
    assert contrast(CARD, CARD) == 1.0
    # text on the card reads at the strictest level (AAA is 7:1)
    assert contrast(INK, CARD) >= 14
    # the light card stands out on Discord's dark theme; its frame on the light theme
    assert contrast(CARD, DISCORD_DARK) >= 10
    assert contrast(FRAME, DISCORD_LIGHT) >= 3
    # numbers written on a bar take the colour that reads best on it
    for colour in (*PALETTE, MUTED):
        assert contrast(text_on(colour), colour) >= 4.5, colour
    assert text_on("#0072B2") == WHITE and text_on("#E69F00") == INK


def test_labels_keep_their_text_and_lose_what_the_font_cannot_draw() -> None:
    assert clean_label("1️⃣ Accompagnement") == "1 Accompagnement"
    assert clean_label("#️⃣ Numérique") == "# Numérique"
    assert clean_label("🌍 Écologie 👩🏽‍🤝‍👩🏻 et égalité") == "Écologie et égalité"
    assert clean_label("<:smart:123456789012345678> Coöperatie") == "Coöperatie"
    assert clean_label("🇧🇪 België\u200b\u202e") == "België"
    assert clean_label("Modèle\néconomique\t ") == "Modèle économique"
    long = clean_label("x" * 200)
    assert len(long) == model.LABEL_LIMIT and long.endswith("…")


@given(st.text(max_size=300))
def test_any_label_is_one_line_within_the_limit(text: str) -> None:
    label = clean_label(text)
    assert len(label) <= model.LABEL_LIMIT
    assert "\n" not in label and label == label.strip()
    assert not any(0x1F000 <= ord(c) <= 0x1FAFF for c in label)


def test_alt_text_lists_what_fits_and_says_how_many_did_not() -> None:
    lines = [f"Thématique {n} : {n * 10} répondants (Ouest {n}, Sud {n})." for n in range(60)]
    text = alt_text("Répondants par thématique.", lines, lambda n: f"(+{n})")
    assert len(text) <= DESCRIPTION_LIMIT
    shown = sum(1 for line in lines if line in text)
    assert 10 < shown < 60
    assert text.endswith(f"(+{60 - shown})")
    assert alt_text("Tête.", ["a.", "b."], lambda n: f"(+{n})") == "Tête. a. b."


def test_series_beyond_the_kept_ones_are_summed_as_other() -> None:
    series = ["Ouest", "Sud", "Nord", "Est"]
    values = [[5, 1, 0, 3], [1, 1, 1, 0]]
    names, rows = fold(series, values, keep=3, other="autres")
    assert names == ["Ouest", "Est", "autres"]  # the two largest in their order, then the rest
    assert rows == [[5, 3, 1], [1, 0, 2]]
    assert [sum(r) for r in rows] == [sum(v) for v in values]
    assert fold(series, values, keep=4, other="autres") == (series, values)


def test_dates_use_the_catalogues_month_names_and_the_guilds_zone() -> None:
    catalog = Catalog.load()
    fr, en, nl = (catalog.bind(lang) for lang in ("fr", "en", "nl"))
    assert month_names(fr)[1] == "févr." and month_names(nl)[2] == "mrt."
    late = datetime(2021, 1, 24, 23, 30, tzinfo=UTC)  # already the 25th in Paris
    assert day(fr, late, "Europe/Paris") == "25 janv. 2021"
    assert day(en, late, "UTC") == "24 Jan 2021"
    assert day(nl, late, "Europe/Brussels") == "25 jan. 2021"
