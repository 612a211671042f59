"""When a reminder is late: later than a tenth of its offset after its due time, and
never within a few seconds; what `decide` does with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sessions.rules import LATE_AT_LEAST, decide, is_late, late_after

DUE = datetime(2027, 1, 20, 16, 58, tzinfo=UTC)
offsets = st.integers(min_value=1, max_value=30 * 24 * 60).map(lambda m: timedelta(minutes=m))
delays = st.integers(min_value=0, max_value=40 * 24 * 3600 * 10**6).map(
    lambda us: timedelta(microseconds=us)
)


@pytest.mark.parametrize(
    ("offset", "delay", "late"),
    [
        (timedelta(minutes=2), timedelta(seconds=23), True),
        (timedelta(minutes=2), timedelta(seconds=12), False),  # a tenth of 2 min exactly
        (timedelta(days=7), timedelta(hours=1), False),
        (timedelta(days=7), timedelta(hours=16, minutes=48), False),  # 10% of 7 d is 16.8 h
        (timedelta(days=7), timedelta(hours=17), True),
        (timedelta(minutes=1), timedelta(seconds=5), False),  # at least 5 s, more than 6 s
        (timedelta(minutes=1), timedelta(seconds=7), True),
        (timedelta(hours=1), timedelta(minutes=5), False),
        (timedelta(hours=1), timedelta(minutes=7), True),
    ],
)
def test_late_relative_to_the_offset(offset: timedelta, delay: timedelta, late: bool) -> None:
    assert is_late(DUE, DUE + delay, offset) is late


@given(offsets, delays)
def test_late_exactly_past_a_tenth_of_the_offset_and_a_few_seconds(
    offset: timedelta, delay: timedelta
) -> None:
    assert is_late(DUE, DUE + delay, offset) is (delay > LATE_AT_LEAST and delay > offset / 10)


@given(offsets, delays, delays)
def test_once_late_later_is_late_too(offset: timedelta, delay: timedelta, more: timedelta) -> None:
    if is_late(DUE, DUE + delay, offset):
        assert is_late(DUE, DUE + delay + more, offset)


@given(offsets, offsets)
def test_a_longer_offset_is_never_stricter(first: timedelta, second: timedelta) -> None:
    shorter, longer = sorted((first, second))
    assert LATE_AT_LEAST <= late_after(shorter) <= late_after(longer)


@given(offsets, delays)
def test_decide_sends_until_the_start_and_marks_late_by_the_rule(
    offset: timedelta, delay: timedelta
) -> None:
    starts = DUE + offset
    now = DUE + delay
    decision = decide(DUE, starts, now, True, offset)
    assert decision.send is (now < starts)
    assert decision.late is (decision.send and is_late(DUE, now, offset))
    assert not decide(DUE, starts, now, False, offset).send  # a stale version never goes out
