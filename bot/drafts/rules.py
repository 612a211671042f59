"""Recommendation drafts: the statuses a draft goes through (one forum tag each), who
may move it from one to another, and the work item that makes the post's tag follow
(open to other features that store a status: the synthesis)."""

from __future__ import annotations

from datetime import timedelta

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


TAG_KIND = "draft_tag"
# Whoever stores a status runs its tag item at once; the engine takes over an item left
# behind (Discord made it wait, or the process died) this long after.
TAG_TAKEOVER = timedelta(seconds=30)


def tag_prefix(draft_id: int) -> str:
    """Every tag item of one draft: a newer status cancels what is still pending."""
    return f"{TAG_KIND}:{draft_id}:"


def tag_work(draft_id: int, token: str) -> tuple[str, str, dict[str, int]]:
    """(kind, key, payload) of the item making the draft's post show its stored status;
    `token` tells apart the changes of one draft (the key is unique)."""
    return TAG_KIND, f"{tag_prefix(draft_id)}{token}", {"draft_id": draft_id}
