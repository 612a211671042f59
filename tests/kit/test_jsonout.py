"""JSON for people's tools (bot/kit/jsonout.py): read back as a browser reads numbers
(`parse_int=float`), nothing is rounded and every id is the string Discord would write."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kit.jsonout import SAFE_INTEGER, dumps, is_id_key

BIG = st.integers(min_value=SAFE_INTEGER + 1, max_value=2**64) | st.integers(
    max_value=-SAFE_INTEGER - 1, min_value=-(2**64)
)
KEYS = st.sampled_from(["id", "member_id", "created_by", "count", "label", "Thème", "ids"]) | (
    st.text(max_size=8)
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | BIG
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.datetimes(timezones=st.just(UTC))
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=40,
)


def leaves(value: Any, key: object = None) -> list[tuple[object, Any]]:
    """(the key above, the value) for every scalar, lists passing their key down."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in leaves(v, k)]
    if isinstance(value, list):
        return [pair for item in value for pair in leaves(item, key)]
    return [(key, value)]


def integers(value: Any) -> list[int]:
    return [v for _, v in leaves(value) if isinstance(v, int) and not isinstance(v, bool)]


@given(VALUES)
def test_no_integer_a_browser_would_round_is_left_and_none_is_lost(value: Any) -> None:
    text = dumps(value)
    exact, as_browser = json.loads(text), json.loads(text, parse_int=float)
    assert all(abs(n) <= SAFE_INTEGER for n in integers(exact))
    assert as_browser == exact  # reading numbers as doubles changes nothing
    written = {v for _, v in leaves(exact) if isinstance(v, str)}
    for big in (n for n in integers(value) if abs(n) > SAFE_INTEGER):
        assert str(big) in written  # kept whole, as a string


@given(VALUES)
def test_every_integer_under_an_id_key_is_its_string(value: Any) -> None:
    before = [(k, v) for k, v in leaves(value) if is_id_key(k)]
    after = [(k, v) for k, v in leaves(json.loads(dumps(value))) if is_id_key(k)]
    assert len(before) == len(after)
    for (_, original), (_, written) in zip(before, after, strict=True):
        if isinstance(original, int) and not isinstance(original, bool):
            assert written == str(original)
        elif isinstance(original, bool | None):
            assert written is original


def test_ids_of_a_row_are_strings_counts_stay_numbers() -> None:
    row: dict[object, object] = {
        "id": 7, "guild_id": 1577234687460376600, "facilitator_id": 1577234687460376601,
        "created_by": 1577234687460376602, "extra_message_ids": [1, 2], "number": 3,
        "attendees": 0, "role_granted": True, "at": datetime(2027, 1, 20, 17, tzinfo=UTC),
        "detail": {"member": 1577234687460376603, "groups": 4}, 1577234687460376604: "key",
    }  # fmt: skip
    assert json.loads(dumps(row), parse_int=float) == {
        "id": "7", "guild_id": "1577234687460376600", "facilitator_id": "1577234687460376601",
        "created_by": "1577234687460376602", "extra_message_ids": ["1", "2"], "number": 3,
        "attendees": 0, "role_granted": True, "at": "2027-01-20T17:00:00+00:00",
        "detail": {"member": "1577234687460376603", "groups": 4}, "1577234687460376604": "key",
    }  # fmt: skip
    # the same numbers written bare collapse into one for every double-reading tool
    assert float(1577234687460376600) == float(1577234687460376601)


def test_what_has_no_json_form_is_refused_not_guessed() -> None:
    with pytest.raises(TypeError):
        dumps({"x": object()})
    with pytest.raises(ValueError, match="JSON"):
        dumps({"x": float("nan")})
