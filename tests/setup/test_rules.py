from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kit.user_error import UserError
from bot.setup import rules


def test_default_offsets_parse_largest_first() -> None:
    assert rules.parse_offsets("1h, 7d,24h") == [10080, 1440, 60]
    assert rules.parse_offsets("2j;30m") == [2880, 30]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("", "error.offsets.empty"),
        (" , ", "error.offsets.empty"),
        ("7x", "error.offsets.syntax"),
        ("h", "error.offsets.syntax"),
        ("-1h", "error.offsets.syntax"),
        ("0m", "error.offsets.range"),
        ("31d", "error.offsets.range"),
        ("24h,1d", "error.offsets.duplicate"),
        ("1m,2m,3m,4m,5m,6m", "error.offsets.too_many"),
    ],
)
def test_bad_offsets_are_refused_with_a_reason(raw: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        rules.parse_offsets(raw)
    assert caught.value.key == key


@given(
    st.lists(st.integers(min_value=1, max_value=30 * 24 * 60), min_size=1, max_size=5, unique=True)
)
def test_formatted_offsets_parse_back(minutes: list[int]) -> None:
    assert rules.parse_offsets(rules.format_offsets(minutes)) == sorted(minutes, reverse=True)


def test_format_prefers_hours_for_a_day() -> None:
    assert rules.format_offsets([10080, 1440, 60, 90]) == "7d, 24h, 1h, 90m"


def test_timezones_are_canonicalised() -> None:
    assert rules.parse_timezone(" europe/brussels ") == "Europe/Brussels"
    with pytest.raises(UserError) as caught:
        rules.parse_timezone("Europe/Rennes")
    assert caught.value.key == "error.timezone.unknown"
    assert caught.value.params == {"value": "Europe/Rennes"}


def test_languages() -> None:
    assert rules.parse_language("NL") == "nl"
    with pytest.raises(UserError):
        rules.parse_language("de")
