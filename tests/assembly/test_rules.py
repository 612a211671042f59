"""The assembly vote's rules: options, ballots, approval and Borda counts."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.assembly import rules
from bot.kit.user_error import UserError


def options(n: int) -> list[str]:
    return [f"Option {i}" for i in range(n)]


@st.composite
def rankings(draw: st.DrawFn, full: bool = False) -> tuple[int, list[list[int]]]:
    n = draw(st.integers(min_value=2, max_value=25))
    count = draw(st.integers(min_value=0, max_value=30))
    ballots = []
    for _ in range(count):
        order = draw(st.permutations(range(n)))
        keep = n if full else draw(st.integers(min_value=1, max_value=n))
        ballots.append(list(order[:keep]))
    return n, ballots


@st.composite
def approvals(draw: st.DrawFn) -> tuple[int, list[list[int]]]:
    n = draw(st.integers(min_value=2, max_value=25))
    ballots = draw(
        st.lists(
            st.sets(st.integers(min_value=0, max_value=n - 1), min_size=1).map(sorted),
            max_size=30,
        )
    )
    return n, ballots


# ------------------------------------------------------------------ options
def test_options_by_semicolon_keep_commas_and_trim() -> None:
    text = " Horizon, après-crise ;Égalité de genre;  Modèle   économique ; "
    assert rules.parse_options(text) == [
        "Horizon, après-crise",
        "Égalité de genre",
        "Modèle économique",
    ]


def test_options_by_comma_when_no_semicolon() -> None:
    assert rules.parse_options("A, B,C") == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Seule", "error.assembly.options.too_few"),
        (" ; ; ", "error.assembly.options.too_few"),
        ("A; b; a ", "error.assembly.options.duplicate"),
        ("Égalité;ÉGALITÉ", "error.assembly.options.duplicate"),
        (";".join(options(26)), "error.assembly.options.too_many"),
        ("A;" + "x" * 101, "error.assembly.options.too_long"),
    ],
)
def test_bad_option_lists_are_refused(text: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        rules.parse_options(text)
    assert caught.value.key == key


def test_limits_are_inclusive() -> None:
    assert len(rules.parse_options(";".join(options(25)))) == 25
    assert rules.parse_options("A;" + "x" * 100)[1] == "x" * 100


@given(
    st.lists(
        st.text(
            # no white space of any kind (Zs, Zl, Zp, Cc): the rule trims it, as it should
            st.characters(
                blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"), blacklist_characters=";,"
            ),
            min_size=1,
            max_size=100,
        ),
        min_size=2,
        max_size=25,
        unique_by=str.casefold,
    )
)
def test_any_valid_list_reads_back(given_options: list[str]) -> None:
    assert rules.parse_options("; ".join(given_options)) == given_options


@given(st.lists(st.sampled_from(["A", "b", "C", "a", "B"]), min_size=2, max_size=25))
def test_duplicates_are_always_refused(given_options: list[str]) -> None:
    folded = [o.casefold() for o in given_options]
    if len(set(folded)) == len(folded):
        assert rules.parse_options(";".join(given_options)) == given_options
    else:
        with pytest.raises(UserError):
            rules.parse_options(";".join(given_options))


# ------------------------------------------------------------------ ballots
def test_approval_ballot_is_sorted_distinct_and_in_range() -> None:
    assert rules.approval_ballot([3, 1, 3], 4) == [1, 3]
    assert rules.approval_ballot([], 4) == []
    with pytest.raises(UserError):
        rules.approval_ballot([4], 4)


def test_ranking_is_built_one_choice_at_a_time() -> None:
    ranking = rules.add_preference([], 2, 4)
    ranking = rules.add_preference(ranking, 0, 4)
    assert rules.add_preference(ranking, 2, 4) == [2, 0]  # a stale second click
    assert rules.undo_preference(ranking) == [2]
    assert rules.undo_preference([]) == []
    with pytest.raises(UserError):
        rules.add_preference(ranking, 4, 4)


@given(st.integers(2, 25).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.integers(0, n - 1)))))
def test_ranking_never_repeats_an_option(case: tuple[int, list[int]]) -> None:
    n, picks = case
    ranking: list[int] = []
    for pick in picks:
        ranking = rules.add_preference(ranking, pick, n)
    assert ranking == list(dict.fromkeys(picks))
    assert rules.ranked_ballot(ranking, n) == ranking


# ------------------------------------------------------------------ counting
def test_borda_by_hand() -> None:
    # three options: first 2 points, second 1, third 0; unranked 0
    result = rules.tally(rules.RANKED, ["A", "B", "C"], [[0, 1, 2], [1, 0], [1]])
    scores = {s.label: (s.score, s.firsts, s.mentions, s.place) for s in result.standings}
    assert scores == {"B": (5, 2, 3, 1), "A": (3, 1, 2, 2), "C": (0, 0, 1, 3)}
    assert result.ballots == 3 and not result.tie_broken


def test_ties_are_broken_by_first_places_then_mentions_then_order() -> None:
    # A and B both 2 points; B has a first place, A two second places
    result = rules.tally(rules.RANKED, ["A", "B", "C"], [[1], [2, 0], [2, 0]])
    assert [s.label for s in result.standings] == ["C", "B", "A"]
    assert [s.tied for s in result.standings] == [False, True, True]
    # A, B and C: 5 points and one first place each; A is on three ballots, B and C on
    # two (then the order given decides)
    deeper = rules.tally(rules.RANKED, ["A", "B", "C", "D"], [[0], [1], [2, 1, 0], [3, 2, 0]])
    assert [(s.label, s.score, s.mentions) for s in deeper.standings] == [
        ("A", 5, 3),
        ("B", 5, 2),
        ("C", 5, 2),
        ("D", 3, 1),
    ]
    assert result.tie_broken
    even = rules.tally(rules.APPROVAL, ["A", "B", "C"], [[1, 2], [1, 2], [0]])
    assert [s.label for s in even.standings] == ["B", "C", "A"]
    assert [s.tied for s in even.standings] == [True, True, False]
    empty = rules.tally(rules.APPROVAL, ["A", "B"], [])
    assert [s.label for s in empty.standings] == ["A", "B"] and empty.ballots == 0


@given(rankings())
def test_ranked_tally_ignores_ballot_order(case: tuple[int, list[list[int]]]) -> None:
    n, ballots = case
    shuffled = list(ballots)
    random.Random(len(ballots)).shuffle(shuffled)
    assert rules.tally(rules.RANKED, options(n), ballots) == rules.tally(
        rules.RANKED, options(n), shuffled
    )


@given(approvals())
def test_approval_tally_ignores_ballot_order(case: tuple[int, list[list[int]]]) -> None:
    n, ballots = case
    assert rules.tally(rules.APPROVAL, options(n), ballots) == rules.tally(
        rules.APPROVAL, options(n), list(reversed(ballots))
    )


@given(rankings(full=True))
def test_borda_total_of_full_rankings(case: tuple[int, list[list[int]]]) -> None:
    n, ballots = case
    result = rules.tally(rules.RANKED, options(n), ballots)
    assert sum(s.score for s in result.standings) == len(ballots) * n * (n - 1) // 2
    assert sum(s.firsts for s in result.standings) == len(ballots)
    assert all(s.mentions == len(ballots) for s in result.standings)


@given(rankings())
def test_partial_rankings_give_at_most_a_full_one(case: tuple[int, list[list[int]]]) -> None:
    n, ballots = case
    result = rules.tally(rules.RANKED, options(n), ballots)
    expected = sum(sum(n - 1 - p for p in range(len(b))) for b in ballots)
    assert sum(s.score for s in result.standings) == expected
    assert expected <= len(ballots) * n * (n - 1) // 2
    assert all(s.score <= len(ballots) * (n - 1) for s in result.standings)


@given(approvals())
def test_approval_counts_every_name_once(case: tuple[int, list[list[int]]]) -> None:
    n, ballots = case
    result = rules.tally(rules.APPROVAL, options(n), ballots)
    assert sum(s.score for s in result.standings) == sum(len(b) for b in ballots)
    for standing in result.standings:
        assert standing.score == sum(standing.option in b for b in ballots)


@given(st.one_of(rankings(), approvals()), st.sampled_from(rules.METHODS))
def test_standings_are_a_total_order(case: tuple[int, list[list[int]]], method: str) -> None:
    n, ballots = case
    result = rules.tally(method, options(n), ballots)
    assert sorted(s.option for s in result.standings) == list(range(n))
    assert [s.place for s in result.standings] == list(range(1, n + 1))
    keys = [(-s.score, -s.firsts, -s.mentions, s.option) for s in result.standings]
    assert keys == sorted(keys)
    scores = [s.score for s in result.standings]
    assert all(s.tied == (scores.count(s.score) > 1) for s in result.standings)


def test_titles_and_methods() -> None:
    assert rules.check_title("  AG   2021 ") == "AG 2021"
    for bad in ("", "   ", "x" * 101):
        with pytest.raises(UserError):
            rules.check_title(bad)
    with pytest.raises(UserError):
        rules.check_method("plurality")
