"""Follow-up of adopted recommendations: its states, its notes, its work item (pure).

Any state may follow any other, and the same state may be told again with a new note:
a follow-up is a timeline of what happened (planned, then in progress, in progress
again with news, done), not a workflow that forbids going back (a project abandoned
may be taken up again). Only adopted drafts are followed: "adopted" and "adopted with
changes" both leave the draft adopted (bot/drafts/rules.py), a final status.
"""

from __future__ import annotations

from bot.kit.user_error import UserError

STATES = ("planned", "in_progress", "done", "abandoned")
FOLLOWED = "adopted"
NOTE_MAX = 1000
POST_KIND = "followup_post"


def check_followed(status: str) -> None:
    if status != FOLLOWED:
        raise UserError("error.followup.not_adopted", status=status)


def check_state(state: str) -> str:
    if state not in STATES:
        raise UserError("error.followup.state_unknown", value=state)
    return state


def check_note(note: str) -> str:
    cleaned = note.strip()
    if not cleaned:
        raise UserError("error.followup.note_empty")
    if len(cleaned) > NOTE_MAX:
        raise UserError("error.followup.note_long", length=len(cleaned), max=NOTE_MAX)
    return cleaned


def post_work(update_id: int) -> tuple[str, str, dict[str, int]]:
    """(kind, key, payload) of the item posting one update in the draft's forum post."""
    return POST_KIND, f"{POST_KIND}:{update_id}", {"update_id": update_id}
