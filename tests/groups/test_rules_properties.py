"""Composition of working groups: the rules as properties, over random crowds and bounds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.groups import rules as comp
from bot.groups.rules import Bounds, Respondent, propose
from tests.groups.composition_helpers import (
    MODES,
    PLACES,
    THEME,
    person,
    placed,
    reasons,
)

# --- properties ------------------------------------------------------------------------

OFFICE_NAMES = sorted((o for o in PLACES if o is not None), key=str)


@st.composite
def crowds(draw: st.DrawFn, extra_online: int = 0) -> list[Respondent]:
    ids = draw(st.lists(st.integers(1, 10_000), max_size=70, unique=True))
    crowd = [
        person(
            member_id,
            draw(st.sampled_from([*OFFICE_NAMES, None])),
            draw(st.sampled_from(MODES)),
            themes=draw(st.frozensets(st.integers(1, 3), max_size=3)),
            facilitate=draw(st.booleans()),
            take_notes=draw(st.booleans()),
        )
        for member_id in ids
    ]
    return crowd + [person(20_000 + i, "Lyon", "online") for i in range(extra_online)]


bounds_any = st.integers(1, 6).flatmap(
    lambda low: st.builds(Bounds, st.just(low), st.integers(low, 14))
)
bounds_gap_free = st.integers(1, 6).flatmap(
    lambda low: st.builds(Bounds, st.just(low), st.integers(max(low, 2 * low - 1), 14))
)
existing_counts = st.dictionaries(st.integers(1, 10_000), st.integers(0, 2), max_size=30)


@settings(max_examples=200, deadline=None)
@given(crowds(), bounds_any, st.integers(1, 2), existing_counts)
def test_placement_rules_hold(
    crowd: list[Respondent], bounds: Bounds, cap: int, existing: dict[int, int]
) -> None:
    proposal = propose(THEME, crowd, bounds, cap, existing)
    by_id = {r.member_id: r for r in crowd}
    members = [m for g in proposal.groups for m in g.members]
    assert len(members) == len(set(members)), "a member in two groups of the theme"
    assert {*members, *reasons(proposal)} == {r.member_id for r in crowd if THEME in r.themes}
    assert not set(members) & set(reasons(proposal)), "placed and unplaced at once"
    for group in proposal.groups:
        assert bounds.min_size <= group.size <= bounds.max_size
        assert group.members == tuple(sorted(group.members))
        for member in group.members:
            assert THEME in by_id[member].themes
            assert existing.get(member, 0) + 1 <= cap
            if by_id[member].mode == "online" or by_id[member].office is None:
                assert group.mode == "online"
        if group.mode == "in_person":
            assert len({by_id[m].region_key for m in group.members}) == 1
    for member, reason in reasons(proposal).items():
        assert (reason == "cap_reached") == (existing.get(member, 0) >= cap)
    assert len({g.name for g in proposal.groups}) == len(proposal.groups)


@settings(max_examples=200, deadline=None)
@given(crowds(), bounds_any)
def test_roles_go_to_distinct_volunteers_of_the_group(
    crowd: list[Respondent], bounds: Bounds
) -> None:
    by_id = {r.member_id: r for r in crowd}
    for group in propose(THEME, crowd, bounds).groups:
        willing = [by_id[m] for m in group.members if by_id[m].facilitate]
        assert (group.facilitator is None) == (not willing)
        if group.facilitator is not None:
            assert by_id[group.facilitator].facilitate and group.facilitator in group.members
        if group.secretary is not None:
            assert by_id[group.secretary].take_notes and group.secretary in group.members
            assert group.secretary != group.facilitator


@settings(max_examples=200, deadline=None)
@given(st.data(), bounds_gap_free)
def test_everyone_is_placed_once_enough_must_meet_online(
    data: st.DataObject, bounds: Bounds
) -> None:
    crowd = data.draw(crowds(extra_online=bounds.min_size))
    proposal = propose(THEME, crowd, bounds)
    assert "too_few" not in reasons(proposal).values()


@settings(max_examples=200, deadline=None)
@given(crowds(), bounds_gap_free)
def test_too_few_only_when_no_group_could_take_them(
    crowd: list[Respondent], bounds: Bounds
) -> None:
    proposal = propose(THEME, crowd, bounds)
    left = [r for r in crowd if reasons(proposal).get(r.member_id) == "too_few"]
    if left:
        assert all(g.mode == "in_person" for g in proposal.groups)
    in_person_regions = {
        next(r.region_key for r in crowd if r.member_id == g.members[0])
        for g in proposal.groups
        if g.mode == "in_person"
    }
    for r in left:
        assert not (r.can_meet_in_person and r.region_key in in_person_regions)


@settings(max_examples=200, deadline=None)
@given(st.data(), bounds_any, existing_counts)
def test_same_input_in_any_order_same_output(
    data: st.DataObject, bounds: Bounds, existing: dict[int, int]
) -> None:
    crowd = data.draw(crowds())
    shuffled = data.draw(st.permutations(crowd))
    assert propose(THEME, shuffled, bounds, 1, existing) == propose(
        THEME, crowd, bounds, 1, existing
    )


@settings(max_examples=100, deadline=None)
@given(st.data(), crowds(extra_online=12))
def test_moves_keep_everyone_exactly_once(data: st.DataObject, crowd: list[Respondent]) -> None:
    proposal = propose(THEME, crowd)
    before = set(placed(proposal)) | set(reasons(proposal))
    for _ in range(3):
        member = data.draw(st.sampled_from(sorted(placed(proposal))))
        targets = [g.name for g in proposal.groups if member not in g.members]
        if not targets:
            break
        proposal = comp.move(proposal, member, data.draw(st.sampled_from(targets)))
        assert set(placed(proposal)) | set(reasons(proposal)) == before
        for group in proposal.groups:
            assert group.facilitator in (None, *group.members)
            assert group.secretary in (None, *group.members)
