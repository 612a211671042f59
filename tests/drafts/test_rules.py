"""The draft status machine, the board's decisions, the two-field form joint, and the
work items' keys."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.drafts import rules
from bot.drafts.forms import FIELD_MAX, joined, prefill
from bot.drafts.rules import (
    FINAL,
    ORGANISERS_ONLY,
    STATUSES,
    TRANSITIONS,
    check_transition,
    tag_prefix,
    tag_work,
)
from bot.kit.user_error import UserError


def test_the_cycle_of_a_draft() -> None:
    for path in (["draft", "open", "synthesised", "submitted", "adopted"],
                 ["draft", "open", "draft", "open", "withdrawn"]):  # fmt: skip
        for current, wanted in itertools.pairwise(path):
            check_transition(current, wanted, organiser=True)


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("wanted", STATUSES)
def test_every_move_is_allowed_or_refused_with_a_reason(current: str, wanted: str) -> None:
    allowed = wanted in TRANSITIONS[current]
    for organiser in (True, False):
        if allowed and (organiser or wanted not in ORGANISERS_ONLY):
            check_transition(current, wanted, organiser)
            continue
        with pytest.raises(UserError) as refused:
            check_transition(current, wanted, organiser)
        if not allowed:
            expected = "error.draft.status_same" if current == wanted else "error.draft.transition"
            assert refused.value.key == expected
        else:
            assert refused.value.key == "error.draft.organisers_only"


def test_final_statuses_lead_nowhere() -> None:
    assert all(TRANSITIONS[s] == () for s in FINAL)
    with pytest.raises(UserError):
        check_transition("draft", "published", organiser=True)


WORDS = st.lists(st.text(alphabet="abcdé.,", min_size=1, max_size=14), min_size=1, max_size=700)


@given(WORDS, st.sampled_from([" ", "\n", "\n\n"]))
def test_a_revision_form_gives_back_the_text_it_was_prefilled_with(
    words: list[str], gap: str
) -> None:
    text = gap.join(words)  # people's texts have spaces: the halves never cut a word
    if not text or len(text) > 2 * FIELD_MAX - 100:
        return
    first, second = prefill(text)
    assert len(first or "") <= FIELD_MAX and len(second or "") <= FIELD_MAX
    assert joined(first or "", second or "") == text


def test_two_fields_without_a_space_at_the_joint_continue_on_a_new_line() -> None:
    assert joined("Premier paragraphe.", "Second.") == "Premier paragraphe.\nSecond."
    assert joined("Premier ", "second.") == "Premier second."
    with pytest.raises(UserError):
        joined("  ", "\n")


@given(st.integers(1, 10**6), st.integers(1, 10**6), st.text("0123456789abcdef", min_size=1))
def test_a_drafts_tag_items_fall_under_its_prefix_and_no_other_drafts(
    draft_id: int, other: int, token: str
) -> None:
    kind, key, payload = tag_work(draft_id, token)
    assert (kind, payload) == ("draft_tag", {"draft_id": draft_id})
    assert key.startswith(tag_prefix(draft_id))
    assert key.startswith(tag_prefix(other)) == (other == draft_id)


@pytest.mark.parametrize(
    ("decision", "status"),
    [("under_study", "submitted"), ("adopted", "adopted"),
     ("adopted_with_changes", "adopted"), ("not_retained", "not_retained")],
)  # fmt: skip
def test_each_decision_leads_a_submitted_draft_to_its_status(decision: str, status: str) -> None:
    assert rules.check_answer("submitted", decision) == status


@pytest.mark.parametrize(
    ("status", "refusal"),
    [("draft", "error.answer.not_submitted"), ("open", "error.answer.not_submitted"),
     ("synthesised", "error.answer.not_submitted"), ("withdrawn", "error.answer.not_submitted"),
     ("adopted", "error.answer.decided"), ("not_retained", "error.answer.decided")],
)  # fmt: skip
def test_the_board_answers_only_drafts_submitted_and_not_decided(status: str, refusal: str) -> None:
    for decision in rules.DECISIONS:
        with pytest.raises(UserError) as refused:
            rules.check_answer(status, decision)
        assert refused.value.key == refusal and refused.value.params == {"status": status}


def test_an_answer_is_refused_empty_or_beyond_two_fields() -> None:
    with pytest.raises(UserError, match=r"error.answer.decision_unknown"):
        rules.check_answer("submitted", "maybe")
    with pytest.raises(UserError, match=r"error.answer.empty"):
        rules.check_answer_text(" \n ")
    whole = "a" * 4000 + "\n" + "b" * 4000  # two full fields and the line joining them
    assert rules.check_answer_text(whole) == whole
    with pytest.raises(UserError, match=r"error.answer.long"):
        rules.check_answer_text(whole + "c")
    assert [key for _kind, key, _p in rules.answer_work(3)] == [
        "draft_answer:3", "draft_answer_note:3"
    ]  # fmt: skip
