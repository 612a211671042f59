"""The follow-up's pure rules: states, notes, which drafts are followed, the item's key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.followup import rules
from bot.kit.user_error import UserError


@pytest.mark.parametrize("state", rules.STATES)
def test_every_state_is_accepted_any_time(state: str) -> None:
    assert rules.check_state(state) == state


@pytest.mark.parametrize("status", ["draft", "open", "synthesised", "submitted", "not_retained", "withdrawn"])  # fmt: skip
def test_only_adopted_drafts_are_followed(status: str) -> None:
    rules.check_followed("adopted")
    with pytest.raises(UserError) as refused:
        rules.check_followed(status)
    assert refused.value.key == "error.followup.not_adopted"


@given(st.text(max_size=1200))
def test_a_note_is_kept_whole_within_its_limit_and_refused_beyond(note: str) -> None:
    cleaned = note.strip()
    if not cleaned:
        with pytest.raises(UserError, match=r"error.followup.note_empty"):
            rules.check_note(note)
    elif len(cleaned) > rules.NOTE_MAX:
        with pytest.raises(UserError) as refused:
            rules.check_note(note)
        assert refused.value.params == {"length": len(cleaned), "max": rules.NOTE_MAX}
    else:
        assert rules.check_note(note) == cleaned


def test_an_unknown_state_is_refused_and_each_update_has_its_own_item() -> None:
    with pytest.raises(UserError) as refused:
        rules.check_state("someday")
    assert refused.value.params == {"value": "someday"}
    assert rules.post_work(7) == ("followup_post", "followup_post:7", {"update_id": 7})
    assert rules.post_work(7)[1] != rules.post_work(8)[1]
