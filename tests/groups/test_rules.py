"""Composition of working groups: examples of each rule (properties in test_rules_properties.py)."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import pytest

from bot.groups import rules as comp
from bot.groups.rules import Bounds, Proposal, propose
from bot.groups.samples import synthetic_population
from bot.kit.user_error import UserError
from tests.groups.composition_helpers import (
    THEME,
    people,
    person,
    placed,
    reasons,
    sizes,
)


def test_an_office_big_enough_meets_on_its_own() -> None:
    proposal = propose(THEME, people(1, 7, "Rennes", "in_person"))
    [group] = proposal.groups
    assert (group.name, group.mode, group.office, group.region) == (
        "Ouest – Rennes",
        "in_person",
        "Rennes",
        "Ouest",
    )
    assert group.members == tuple(range(1, 8))
    assert proposal.unplaced == []


def test_two_small_offices_merge_in_their_region() -> None:
    proposal = propose(
        THEME, people(1, 3, "Rennes", "in_person") + people(10, 3, "Nantes", "in_person")
    )
    [group] = proposal.groups
    assert (group.name, group.office, group.region, group.size) == ("Ouest", None, "Ouest", 6)


def test_a_small_office_joins_a_standing_office_of_its_region() -> None:
    proposal = propose(
        THEME, people(1, 8, "Rennes", "in_person") + people(20, 2, "Nantes", "in_person")
    )
    assert sizes(proposal) == {"Ouest": 10}


def test_a_region_tops_up_with_either_members_of_its_small_offices_first() -> None:
    crowd = people(1, 6, "Rennes", "in_person") + people(10, 2, "Rennes", "either")
    crowd += [person(20, "Nantes"), person(21, "Nantes"), person(22, "Brest")]
    crowd += [person(30, "Nantes", "either"), *people(40, 4, "Lyon", "online")]
    proposal = propose(THEME, crowd)
    assert placed(proposal)[30].name == placed(proposal)[10].name == "Ouest"
    assert placed(proposal)[11].name == "100% visio 1"
    assert sizes(proposal) == {"Ouest – Rennes": 6, "Ouest": 5, "100% visio 1": 5}


def test_a_large_office_is_split_into_balanced_groups() -> None:
    proposal = propose(THEME, people(1, 25, "Paris", "in_person"), Bounds(5, 12))
    assert sizes(proposal) == {
        "Île-de-France – Paris 1": 9,
        "Île-de-France – Paris 2": 8,
        "Île-de-France – Paris 3": 8,
    }


def test_an_office_named_like_its_region_is_not_repeated() -> None:
    proposal = propose(
        THEME, people(1, 6, "Bruxelles", "in_person") + people(10, 5, "Gent", "in_person")
    )
    assert sizes(proposal) == {"Bruxelles": 6, "Gent": 5}


def test_online_members_form_numbered_visio_groups() -> None:
    proposal = propose(THEME, people(1, 13, "Lyon", "online") + people(50, 2, None, "online"))
    assert sizes(proposal) == {"100% visio 1": 8, "100% visio 2": 7}
    assert all(g.mode == "online" and g.office is None for g in proposal.groups)


def test_online_group_name_can_be_translated() -> None:
    proposal = propose(THEME, people(1, 5, "Lyon", "online"), online_name="100% online")
    assert sizes(proposal) == {"100% online 1": 5}


def test_either_members_top_up_an_office_and_the_rest_go_online() -> None:
    crowd = people(1, 3, "Rennes", "in_person") + people(10, 4, "Rennes", "either")
    proposal = propose(THEME, crowd + people(100, 3, "Lyon", "online"))
    where = placed(proposal)
    assert where[10].name == where[11].name == "Ouest – Rennes"
    assert where[12].name == where[13].name == "100% visio 1"
    assert sizes(proposal) == {"Ouest – Rennes": 5, "100% visio 1": 5}


def test_either_members_alone_do_not_start_an_in_person_group() -> None:
    proposal = propose(THEME, people(1, 6, "Rennes", "either"))
    assert sizes(proposal) == {"100% visio 1": 6}


def test_without_a_visio_group_either_members_join_their_office() -> None:
    proposal = propose(
        THEME, people(1, 12, "Rennes", "in_person") + people(20, 2, "Rennes", "either")
    )
    assert sizes(proposal) == {"Ouest – Rennes 1": 7, "Ouest – Rennes 2": 7}


def test_in_person_members_of_a_region_too_small_are_offered_visio() -> None:
    proposal = propose(THEME, people(1, 3, "Rennes", "in_person") + people(10, 4, "Lyon", "online"))
    assert sizes(proposal) == {"100% visio 1": 7}


def test_members_without_profile_count_as_either_without_office() -> None:
    proposal = propose(THEME, people(1, 5, None, None) + people(10, 5, "Rennes", "in_person"))
    assert sorted(placed(proposal)[1].members) == [1, 2, 3, 4, 5]
    assert placed(proposal)[1].mode == "online"


def test_too_few_people_are_left_unplaced_not_put_in_a_tiny_group() -> None:
    proposal = propose(THEME, people(1, 3, "Lyon", "online") + people(10, 6, "Paris", "in_person"))
    assert sizes(proposal) == {"Île-de-France – Paris": 6}
    assert reasons(proposal) == {1: "too_few", 2: "too_few", 3: "too_few"}


def test_bounds_with_gaps_never_give_a_group_out_of_bounds() -> None:
    proposal = propose(THEME, people(1, 8, "Rennes", "in_person"), Bounds(5, 6))
    assert list(sizes(proposal).values()) == [6]
    assert Counter(reasons(proposal).values()) == {"too_few": 2}


def test_only_voters_of_the_theme_are_considered() -> None:
    crowd = [*people(1, 5, "Rennes", "in_person"), person(99, themes=(2,))]
    assert 99 not in placed(propose(THEME, crowd))


def test_volunteers_are_spread_and_roles_are_distinct() -> None:
    crowd = people(1, 16, "Paris", "in_person")
    crowd += [person(50, "Paris", facilitate=True), person(51, "Paris", facilitate=True)]
    crowd += [person(60, "Paris", take_notes=True), person(61, "Paris", take_notes=True)]
    proposal = propose(THEME, crowd)
    assert len(proposal.groups) == 2
    roles = sorted((g.facilitator, g.secretary) for g in proposal.groups)
    assert roles == [(50, 60), (51, 61)]


def test_volunteers_for_both_roles_are_kept_for_the_role_nobody_else_takes() -> None:
    crowd = [
        person(1, "Lyon", facilitate=True, take_notes=True),
        person(2, "Lyon", facilitate=True),
    ]
    proposal = propose(THEME, crowd + people(10, 4, "Lyon", "in_person"))
    [group] = proposal.groups
    assert (group.facilitator, group.secretary) == (2, 1)


def test_roles_stay_empty_without_volunteers() -> None:
    [group] = propose(THEME, people(1, 5, "Lyon", "in_person")).groups
    assert (group.facilitator, group.secretary) == (None, None)


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ([1], (1, None)),  # 1 volunteers for both: one role only
        ([1, 2], (1, 2)),  # both volunteer for both
        ([1, 3], (3, 1)),  # 3 only facilitates, so 1 takes notes
        ([1, 4], (1, 4)),  # 4 only takes notes
        ([5], (None, None)),
    ],
)
def test_pick_roles(members: list[int], expected: tuple[int | None, int | None]) -> None:
    assert comp.pick_roles(members, frozenset({1, 2, 3}), frozenset({1, 2, 4})) == expected


def test_the_cap_counts_groups_in_other_themes() -> None:
    crowd = people(1, 6, "Rennes", "in_person")
    capped = propose(THEME, crowd, max_groups_per_member=1, existing={1: 1, 2: 0})
    assert reasons(capped) == {1: "cap_reached"}
    assert sizes(capped) == {"Ouest – Rennes": 5}
    allowed = propose(THEME, crowd, max_groups_per_member=2, existing={1: 1})
    assert 1 in placed(allowed)


def test_the_same_input_in_any_order_gives_the_same_proposal() -> None:
    crowd = synthetic_population(600, 3, seed=7)
    expected = propose(2, crowd, Bounds(5, 12))
    for seed in range(5):
        shuffled = crowd[:]
        random.Random(seed).shuffle(shuffled)
        assert propose(2, shuffled, Bounds(5, 12)) == expected


def test_synthetic_population_is_reproducible() -> None:
    assert synthetic_population(50, 6, seed=3) == synthetic_population(50, 6, seed=3)
    assert synthetic_population(50, 6, seed=3) != synthetic_population(50, 6, seed=4)


@pytest.mark.parametrize(("low", "high"), [(6, 5), (0, 5), (-1, 3)])
def test_impossible_bounds_are_refused(low: int, high: int) -> None:
    with pytest.raises(UserError) as caught:
        Bounds(low, high)
    assert caught.value.key == "error.groups.bounds"


def test_a_cap_below_one_is_refused() -> None:
    with pytest.raises(UserError) as caught:
        propose(THEME, [], max_groups_per_member=0)
    assert caught.value.key == "error.groups.cap"


def test_a_member_listed_twice_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="twice"):
        propose(THEME, [person(1), person(1, "Nantes")])


# --- move ----------------------------------------------------------------------------


def two_groups() -> Proposal:
    crowd = people(1, 5, "Rennes", "in_person") + people(10, 5, "Lyon", "in_person")
    crowd += [person(20, "Rennes", facilitate=True), person(21, "Rennes", facilitate=True)]
    crowd += [person(30, "Lyon", "online")]
    return propose(THEME, crowd, Bounds(5, 12))


def test_move_between_groups_repicks_the_role_the_member_held() -> None:
    proposal = two_groups()
    rennes = proposal.group("Ouest – Rennes")
    assert rennes is not None and rennes.facilitator == 20
    moved = comp.move(proposal, 20, "Centre-Est – Lyon")
    assert moved.group("Ouest – Rennes") == dataclasses.replace(
        rennes, members=(1, 2, 3, 4, 5, 21), facilitator=21
    )
    lyon = moved.group("Centre-Est – Lyon")
    assert lyon is not None and 20 in lyon.members and lyon.facilitator == 20
    assert proposal.group("Ouest – Rennes") == rennes  # the original is untouched


def test_move_places_a_member_left_too_few_and_matches_names_loosely() -> None:
    proposal = two_groups()
    assert reasons(proposal) == {30: "too_few"}
    moved = comp.move(proposal, 30, "  centre-est – LYON ")
    assert moved.unplaced == []
    assert 30 in placed(moved) and placed(moved)[30].name == "Centre-Est – Lyon"


def test_move_drops_a_group_left_empty() -> None:
    proposal = propose(THEME, people(1, 5, "Rennes", "in_person") + people(10, 5, "Lyon", "online"))
    for member in range(1, 6):
        proposal = comp.move(proposal, member, "100% visio 1")
    assert sizes(proposal) == {"100% visio 1": 10}


@pytest.mark.parametrize(
    ("member", "group", "key"),
    [
        (1, "Nowhere", "error.groups.unknown_group"),
        (999, "Ouest – Rennes", "error.groups.unknown_member"),
        (1, "Ouest – Rennes", "error.groups.already_in_group"),
        (40, "Ouest – Rennes", "error.groups.cap_reached"),
    ],
)
def test_bad_moves_are_refused(member: int, group: str, key: str) -> None:
    proposal = propose(THEME, [*people(1, 5, "Rennes", "in_person"), person(40)], existing={40: 1})
    with pytest.raises(UserError) as caught:
        comp.move(proposal, member, group)
    assert caught.value.key == key
