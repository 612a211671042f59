from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.groups.sharing import share_out

votes_strategy = st.dictionaries(
    st.integers(min_value=1, max_value=400),
    st.frozensets(st.integers(min_value=1, max_value=6), min_size=1, max_size=6),
    max_size=120,
)


def test_members_who_chose_two_themes_are_split_between_them() -> None:
    choices = {m: frozenset({1, 2}) for m in range(1, 21)}
    shared = share_out(choices, 1, {})
    counts = [sum(1 for themes in shared.values() if t in themes) for t in (1, 2)]
    assert counts == [10, 10]


def test_single_choices_come_first_then_fill_the_lighter_theme() -> None:
    choices = {1: frozenset({1}), 2: frozenset({1}), 3: frozenset({1}), 4: frozenset({1, 2})}
    assert share_out(choices, 1, {})[4] == frozenset({2})


def test_places_already_taken_count() -> None:
    choices = {1: frozenset({1, 2}), 2: frozenset({1, 2})}
    shared = share_out(choices, 1, {1: frozenset({1})})
    assert shared[1] == frozenset()  # already in a group of theme 1: the cap is reached
    assert shared[2] == frozenset({2})  # theme 1 already carries one member


@settings(max_examples=200, deadline=None)
@given(votes_strategy, st.integers(min_value=1, max_value=3), st.randoms(use_true_random=False))
def test_sharing_rules(choices: dict[int, frozenset[int]], cap: int, rnd: random.Random) -> None:
    placed = {m: frozenset(list(themes)[:1]) for m, themes in choices.items() if m % 5 == 0}
    shared = share_out(choices, cap, placed)
    for member, themes in shared.items():
        already = placed.get(member, frozenset())
        assert themes <= choices[member] - already
        assert len(themes) + len(already) <= cap
        assert len(themes) == min(max(cap - len(already), 0), len(choices[member] - already))
    shuffled = dict(rnd.sample(sorted(choices.items()), len(choices)))
    assert share_out(shuffled, cap, placed) == shared


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=2, max_value=200), st.integers(min_value=2, max_value=6))
def test_everyone_choosing_everything_gives_loads_within_one(members: int, themes: int) -> None:
    choices = {m: frozenset(range(1, themes + 1)) for m in range(members)}
    shared = share_out(choices, 1, {})
    loads = [sum(1 for picked in shared.values() if t in picked) for t in range(1, themes + 1)]
    assert max(loads) - min(loads) <= 1
