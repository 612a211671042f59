"""The pure rules of consent to groups (bot/groups/consent.py): the deadline, the one
reminder, what may still be answered, and how the organisers' tally counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.groups import consent
from bot.groups.consent import Invited

OPENED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_reminder_is_two_days_before_a_week_long_deadline() -> None:
    deadline = consent.deadline_after(OPENED, consent.DEFAULT_DAYS)
    assert deadline == OPENED + timedelta(days=7)
    assert consent.reminder_at(OPENED, deadline) == OPENED + timedelta(days=5)


def test_a_short_invitation_is_reminded_halfway_and_days_stay_within_bounds() -> None:
    assert consent.reminder_at(OPENED, OPENED + timedelta(days=1)) == OPENED + timedelta(hours=12)
    assert consent.reminder_at(OPENED, OPENED) is None
    assert consent.deadline_after(OPENED, 0) == OPENED + timedelta(days=1)
    assert consent.deadline_after(OPENED, 90) == OPENED + timedelta(days=30)


@given(days=st.integers(min_value=-5, max_value=100), minutes=st.integers(0, 10**6))
def test_the_reminder_always_falls_between_the_opening_and_the_deadline(
    days: int, minutes: int
) -> None:
    opened = OPENED + timedelta(minutes=minutes)
    deadline = consent.deadline_after(opened, days)
    reminder = consent.reminder_at(opened, deadline)
    assert reminder is not None and opened < reminder < deadline
    assert deadline - reminder <= consent.REMINDER_BEFORE
    assert deadline - reminder >= min(consent.REMINDER_BEFORE, (deadline - opened) / 2)


def test_only_a_pending_invitation_before_its_deadline_can_be_answered() -> None:
    deadline = OPENED + timedelta(days=7)
    assert consent.answerable("pending", deadline, deadline - timedelta(seconds=1))
    assert not consent.answerable("pending", deadline, deadline)
    for state in ("accepted", "declined", "expired", "withdrawn"):
        assert not consent.answerable(state, deadline, OPENED)


def test_the_tally_counts_members_once_and_hides_withdrawn_invitations() -> None:
    found = consent.answers(
        [1, 2, 2],
        [
            Invited(1, "accepted"),  # a member: counted as in the group, once
            Invited(3, "pending", dm_closed=True),
            Invited(4, "pending"),
            Invited(5, "declined", reason="Pas le temps."),
            Invited(6, "expired"),
            Invited(7, "withdrawn"),  # placed elsewhere: shown there
            Invited(2, "declined"),  # declined, then placed directly: a member
        ],
    )
    assert found.accepted == [1, 2]
    assert [p.member_id for p in found.pending] == [3, 4]
    assert [d.member_id for d in found.declined] == [5]
    assert found.expired == [6]
    assert (found.seats, found.dm_closed) == (4, 1)
    every = consent.total([found, consent.answers([8], [Invited(9, "pending", True)])])
    assert (len(every.accepted), len(every.pending), every.dm_closed) == (3, 3, 2)


@given(
    st.lists(
        st.tuples(
            st.integers(1, 30),
            st.sampled_from(("pending", "accepted", "declined", "expired", "withdrawn")),
        ),
        unique_by=lambda t: t[0],
        max_size=30,
    ),
    st.sets(st.integers(1, 40), max_size=15),
)
def test_nobody_is_counted_twice_and_only_pending_ones_hold_a_seat(
    rows: list[tuple[int, str]], joined: set[int]
) -> None:
    found = consent.answers(sorted(joined), [Invited(m, s) for m, s in rows])
    shown = [
        *found.accepted,
        *(p.member_id for p in found.pending),
        *(d.member_id for d in found.declined),
        *found.expired,
    ]
    assert len(shown) == len(set(shown))
    waiting = {m for m, s in rows if s == "pending"} - joined
    assert found.seats == len(joined) + len(waiting)
