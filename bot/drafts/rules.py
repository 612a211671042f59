"""Recommendation drafts: the statuses a draft goes through (one forum tag each) and
who may move it from one to another."""

from __future__ import annotations

from bot.kit.user_error import UserError

STATUSES = (
    "draft",
    "open",
    "synthesised",
    "submitted",
    "adopted",
    "not_retained",
    "withdrawn",
)
# from -> allowed next statuses
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("open", "withdrawn"),
    "open": ("draft", "synthesised", "withdrawn"),
    "synthesised": ("open", "submitted", "withdrawn"),
    "submitted": ("adopted", "not_retained", "withdrawn"),
    "adopted": (),
    "not_retained": (),
    "withdrawn": (),
}
ORGANISERS_ONLY = frozenset({"adopted", "not_retained", "withdrawn"})
FINAL = frozenset({"adopted", "not_retained", "withdrawn"})


def check_transition(current: str, wanted: str, organiser: bool) -> None:
    """Refuses a move the cycle does not allow, or one reserved to organisers."""
    if wanted not in STATUSES:
        raise UserError("error.draft.status_unknown", value=wanted)
    if wanted == current:
        raise UserError("error.draft.status_same", status=wanted)
    if wanted not in TRANSITIONS[current]:
        raise UserError("error.draft.transition", current=current, wanted=wanted)
    if wanted in ORGANISERS_ONLY and not organiser:
        raise UserError("error.draft.organisers_only", wanted=wanted)
