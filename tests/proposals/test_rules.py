"""The proposals' rules: when they are taken, what a decision may be, the list's order."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kit.user_error import UserError
from bot.proposals import rules

moments = st.datetimes(  # hypothesis bounds are naive; the values it draws are UTC
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=datetime(2030, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
windows = st.lists(
    st.tuples(moments, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90))).map(
        lambda pair: (pair[0], pair[0] + pair[1])
    ),
    max_size=3,
)


@given(st.sampled_from(rules.MODES), windows, moments)
def test_by_hand_wins_over_the_calendar_which_follows_the_phase(
    mode: str, spans: list[tuple[datetime, datetime]], now: datetime
) -> None:
    taken = rules.accepting(mode, spans, now)
    if mode == rules.OPEN:
        assert taken
    elif mode == rules.CLOSED:
        assert not taken
    else:
        assert taken == any(start <= now <= end for start, end in spans)


def test_the_phase_includes_its_first_and_last_moment() -> None:
    start, end = datetime(2021, 3, 1, 8, tzinfo=UTC), datetime(2021, 5, 30, 21, 59, tzinfo=UTC)
    assert rules.accepting(rules.CALENDAR, [(start, end)], start)
    assert rules.accepting(rules.CALENDAR, [(start, end)], end)
    assert not rules.accepting(rules.CALENDAR, [(start, end)], end + timedelta(seconds=1))
    assert not rules.accepting(rules.CALENDAR, [], start)  # no phase: only by hand


listed = st.builds(
    rules.Listed,
    id=st.integers(min_value=1, max_value=10**6),
    status=st.sampled_from(rules.STATUSES),
    endorsements=st.integers(min_value=0, max_value=500),
)


@given(st.lists(listed, max_size=40, unique_by=lambda p: p.id))
def test_the_list_is_shortlisted_then_open_then_the_rest_most_endorsed_first(
    proposals: list[rules.Listed],
) -> None:
    order = rules.ordered(proposals)
    assert sorted(order, key=lambda p: p.id) == sorted(proposals, key=lambda p: p.id)
    rank = ["shortlisted", "open", "merged", "not_retained"]
    for before, after in itertools.pairwise(order):
        assert rank.index(before.status) <= rank.index(after.status)
        if before.status == after.status:
            assert (before.endorsements, -before.id) >= (after.endorsements, -after.id)
    assert rules.ordered(list(reversed(proposals))) == order  # the same whatever came first


OPEN_TARGET = rules.Target(2, "shortlisted")


@pytest.mark.parametrize(
    ("current", "current_into", "wanted", "into", "refusal"),
    [
        ("open", None, "merged", None, "error.proposal.into_missing"),
        ("open", None, "merged", rules.Target(1, "open"), "error.proposal.into_itself"),
        ("open", None, "merged", rules.Target(2, "merged"), "error.proposal.into_closed"),
        ("open", None, "merged", rules.Target(2, "not_retained"), "error.proposal.into_closed"),
        ("open", None, "shortlisted", OPEN_TARGET, "error.proposal.into_unwanted"),
        ("shortlisted", None, "shortlisted", None, "error.proposal.status_same"),
        ("merged", 2, "merged", OPEN_TARGET, "error.proposal.status_same"),
        ("open", None, "elected", None, "error.proposal.status_unknown"),
    ],
)
def test_decisions_that_make_no_sense_are_refused(
    current: str, current_into: int | None, wanted: str, into: rules.Target | None, refusal: str
) -> None:
    with pytest.raises(UserError) as refused:
        rules.check_decision(1, current, current_into, wanted, into)
    assert refused.value.key == refusal


@pytest.mark.parametrize(
    ("current", "current_into", "wanted", "into"),
    [
        ("open", None, "shortlisted", None),
        ("shortlisted", None, "open", None),  # taken back
        ("not_retained", None, "shortlisted", None),
        ("open", None, "merged", OPEN_TARGET),
        ("merged", 3, "merged", OPEN_TARGET),  # merged into another one now
    ],
)
def test_any_decision_may_be_taken_or_taken_back(
    current: str, current_into: int | None, wanted: str, into: rules.Target | None
) -> None:
    rules.check_decision(1, current, current_into, wanted, into)


@given(st.text(max_size=200))
def test_a_title_is_one_line_of_at_most_100_characters(raw: str) -> None:
    cleaned = " ".join(raw.split())
    if not cleaned or len(cleaned) > rules.TITLE_MAX:
        with pytest.raises(UserError):
            rules.clean_title(raw)
    else:
        assert rules.clean_title(raw) == cleaned


def test_descriptions_and_notes_have_their_bounds() -> None:
    assert rules.clean_description("  Se loger.\n\nVraiment. ") == "Se loger.\n\nVraiment."
    for raw in ("", " \n ", "x" * 4001):
        with pytest.raises(UserError):
            rules.clean_description(raw)
    assert rules.clean_note(None) == "" and rules.clean_note(" Bien ") == "Bien"
    with pytest.raises(UserError) as long:
        rules.clean_note("x" * 1001)
    assert long.value.params == {"length": 1001, "max": 1000}


def test_each_decision_is_told_twice_and_its_tag_follows_under_one_prefix() -> None:
    assert rules.decision_work(7) == [
        ("proposal_decision", "proposal_decision:7:thread", {"decision_id": 7, "to": "thread"}),
        ("proposal_decision", "proposal_decision:7:dm", {"decision_id": 7, "to": "dm"}),
    ]
    kind, key, payload = rules.tag_work(3, "abc")
    assert (kind, payload) == ("proposal_tag", {"proposal_id": 3})
    assert key.startswith(rules.tag_prefix(3)) and not key.startswith(rules.tag_prefix(30))
