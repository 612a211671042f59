from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.experiments import rules
from bot.kit.user_error import UserError

START = datetime(2027, 1, 15, 8, tzinfo=UTC)
END = datetime(2027, 4, 15, 21, 59, tzinfo=UTC)


def test_nudges_every_fortnight_then_the_evaluation() -> None:
    nudge = rules.first_nudge(START, END)
    seen = []
    while True:
        seen.append((nudge.at, nudge.kind))
        if nudge.kind == "evaluate":
            break
        nudge = rules.following(nudge, END, nudge.at)
    assert seen[0] == (START + timedelta(days=14), "checkin")
    assert [k for _at, k in seen].count("checkin") == 6  # 29 Jan … 9 Apr
    assert seen[-1] == (END, "evaluate")


def test_missed_nudges_are_not_all_sent() -> None:
    nudge = rules.first_nudge(START, END)
    later = rules.following(nudge, END, now=START + timedelta(days=50))
    assert later.at == START + timedelta(days=56) and later.kind == "checkin"
    assert rules.following(nudge, END, now=END + timedelta(days=1)).kind == "evaluate"


@given(st.integers(min_value=1, max_value=200), st.integers(min_value=0, max_value=300))
def test_nudges_always_move_forward_and_end_with_the_evaluation(days: int, offline: int) -> None:
    end = START + timedelta(days=days)
    nudge = rules.first_nudge(START, end)
    steps = 0
    while nudge.kind != "evaluate":
        following = rules.following(nudge, end, nudge.at + timedelta(days=offline % 30))
        assert following.at > nudge.at and following.at <= end
        nudge = following
        steps += 1
        assert steps < 100
    assert nudge.at == end


def test_window_and_texts() -> None:
    with pytest.raises(UserError) as caught:
        rules.check_window(END, START, START - timedelta(days=1))
    assert caught.value.key == "error.experiment.order"
    with pytest.raises(UserError) as caught:
        rules.check_window(START, END, END + timedelta(seconds=1))
    assert caught.value.key == "error.experiment.end_past"
    assert rules.clean("  goal ", 10, "e", "l") == "goal"
    with pytest.raises(UserError):
        rules.clean("x" * 11, 10, "e", "l")


def test_late_checkins() -> None:
    assert not rules.is_late(None, START, START + timedelta(days=16))
    assert rules.is_late(None, START, START + timedelta(days=18))
    assert not rules.is_late(START + timedelta(days=10), START, START + timedelta(days=26))
