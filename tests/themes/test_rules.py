from __future__ import annotations

import pytest

from bot.kit.user_error import UserError
from bot.themes import rules as themes


def test_titles_are_tidied_and_bounded() -> None:
    assert themes.clean_title("  Égalité   de genre ") == "Égalité de genre"
    assert themes.clean_title("x" * 100) == "x" * 100
    for bad, key in [("   ", "error.theme.title_empty"), ("x" * 101, "error.theme.title_long")]:
        with pytest.raises(UserError) as caught:
            themes.clean_title(bad)
        assert caught.value.key == key


def test_links_and_countries() -> None:
    assert themes.clean_link(" https://smart.coop/sip ") == "https://smart.coop/sip"
    assert themes.clean_link(None) is None
    with pytest.raises(UserError):
        themes.clean_link("javascript:alert(1)")
    assert themes.countries(None) == "FR,BE"
    assert themes.countries("be, fr") == "FR,BE"
    with pytest.raises(UserError):
        themes.countries("DE")


def test_emojis_are_distinct_per_theme() -> None:
    assert themes.choose_emoji(None, set()).text == "1️⃣"
    assert themes.choose_emoji(None, {"1️⃣", "2️⃣"}).text == "3️⃣"
    assert themes.choose_emoji("🌱", {"1️⃣"}).text == "🌱"
    custom = themes.choose_emoji("<:smart:123456789012345678>", set())
    assert custom.custom_id == 123456789012345678
    with pytest.raises(UserError) as caught:
        themes.choose_emoji("1️⃣", {"1️⃣"})
    assert caught.value.key == "error.theme.emoji_taken"
    for bad in ["ab", ":)", "🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱", "<:x:1>"]:
        with pytest.raises(UserError):
            themes.parse_emoji(bad)
    with pytest.raises(UserError) as caught:
        themes.choose_emoji(None, set(themes.DEFAULT_EMOJIS))
    assert caught.value.key == "error.theme.emoji_exhausted"
