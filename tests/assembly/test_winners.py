"""The winners of a closed vote (the next cycle's themes), and a ballot made of options
the bot words itself and options typed by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.assembly import rules
from bot.kit.user_error import UserError
from tests.assembly.test_rules import approvals, options, rankings


@st.composite
def counted(draw: st.DrawFn) -> tuple[rules.Result, int]:
    method = draw(st.sampled_from(rules.METHODS))
    n, ballots = draw(rankings() if method == rules.RANKED else approvals())
    return rules.tally(method, options(n), ballots), draw(st.integers(min_value=1, max_value=30))


@given(counted())
def test_winners_are_the_best_placed_supported_options_as_many_as_seats(
    case: tuple[rules.Result, int],
) -> None:
    result, seats = case
    won = rules.winners(result, seats)
    supported = [s for s in result.standings if s.score > 0]
    assert list(won.standings) == supported[: len(won.standings)]  # the results' own order
    assert len(won.standings) == min(seats, len(supported))
    assert all(s.score > 0 for s in won.standings)  # nobody's choice never wins
    left_out = supported[len(won.standings) :]
    if won.standings and left_out:
        assert all(s.score <= won.standings[-1].score for s in left_out)
    assert won.tie_at_cut == bool(
        left_out and won.standings and left_out[0].score == won.standings[-1].score
    )


def test_ties_at_the_cut_are_decided_by_the_counts_tie_breaks_and_said() -> None:
    # approval: B and C both twice; C given first, so C takes the second seat
    result = rules.tally(rules.APPROVAL, ["A", "C", "B"], [[0, 1], [0, 2], [0, 1, 2]])
    won = rules.winners(result, 2)
    assert [s.label for s in won.standings] == ["A", "C"] and won.tie_at_cut
    assert not rules.winners(result, 3).tie_at_cut
    # ranked: equal points, more first places wins
    ranked = rules.tally(rules.RANKED, ["X", "Y", "Z"], [[0, 1, 2], [1, 2, 0], [2, 0]])
    assert [s.label for s in rules.winners(ranked, 1).standings] == ["X"]


def test_no_seat_is_no_vote() -> None:
    result = rules.tally(rules.APPROVAL, ["A", "B"], [[0]])
    with pytest.raises(UserError) as refused:
        rules.winners(result, 0)
    assert refused.value.key == "error.assembly.seats"
    assert rules.winners(rules.tally(rules.APPROVAL, ["A", "B"], []), 2).standings == ()


@given(st.text(max_size=300))
def test_an_option_the_bot_words_always_fits_a_menu_label(text: str) -> None:
    label = rules.option_label(text)
    assert len(label) <= rules.OPTION_MAX
    cleaned = " ".join(text.split())
    if len(cleaned) <= rules.OPTION_MAX:
        assert label == cleaned
    else:
        assert label.endswith("…") and cleaned.startswith(label[:-1].rstrip())


def test_a_long_theme_to_prolong_is_cut_at_a_word() -> None:
    title = " ".join(("Prolonger : " + "Égalité de genre dans le monde du travail " * 3).split())
    label = rules.option_label(title)
    kept = label.removesuffix("…")
    assert len(label) <= 100 and title.startswith(kept)
    assert title[len(kept)] == " "  # cut between two words, not in one


def test_typed_options_are_split_then_the_whole_ballot_is_checked() -> None:
    assert rules.split_options(None) == rules.split_options("") == []
    assert rules.split_options("Horizon, après-crise; Égalité ;  ") == [
        "Horizon, après-crise", "Égalité",
    ]  # fmt: skip
    assert rules.check_options(["A", "B"]) == ["A", "B"]
    with pytest.raises(UserError) as twice:
        rules.check_options(["Logement", "logement"])
    assert twice.value.key == "error.assembly.options.duplicate"
    with pytest.raises(UserError) as many:
        rules.check_options(options(26))
    assert many.value.params == {"count": 26, "maximum": 25}
