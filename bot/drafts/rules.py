"""Recommendation drafts: the statuses a draft goes through (one forum tag each), who
may move it from one to another, the board's decisions and what each does to the
status, the work item that makes the post's tag follow (open to other features that
store a status: the synthesis), and the unified diff between two versions that
`/draft history` shows and attaches."""

from __future__ import annotations

import difflib
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


# The board's answer to a submitted draft. "Under study" is an answer, not a status: the
# draft stays submitted (its tag too, so no forum needs a new tag) and may be answered
# again; the other decisions are final, as the statuses they lead to.
DECISIONS = ("under_study", "adopted", "adopted_with_changes", "not_retained")
DECIDED = {
    "under_study": "submitted",
    "adopted": "adopted",
    "adopted_with_changes": "adopted",
    "not_retained": "not_retained",
}
ANSWERABLE = "submitted"
# two form fields of 4,000 characters, and the line break that may join them
ANSWER_MAX = 8001


def check_answer(status: str, decision: str) -> str:
    """The status the draft takes with this decision; refuses a decision unknown, a
    draft not submitted to the board, or one the board decided already."""
    if decision not in DECISIONS:
        raise UserError("error.answer.decision_unknown", value=decision)
    if status in ("adopted", "not_retained"):
        raise UserError("error.answer.decided", status=status)
    if status != ANSWERABLE:
        raise UserError("error.answer.not_submitted", status=status)
    return DECIDED[decision]


def check_answer_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise UserError("error.answer.empty")
    if len(cleaned) > ANSWER_MAX:
        raise UserError("error.answer.long", length=len(cleaned), max=ANSWER_MAX - 1)
    return cleaned


ANSWER_POST_KIND = "draft_answer"  # the answer in the draft's forum post
ANSWER_NOTE_KIND = "draft_answer_note"  # the group told, in its channel


def answer_work(answer_id: int) -> list[tuple[str, str, dict[str, int]]]:
    """(kind, key, payload) of the items that show one answer: the post, then the note."""
    payload = {"answer_id": answer_id}
    return [
        (ANSWER_POST_KIND, f"{ANSWER_POST_KIND}:{answer_id}", payload),
        (ANSWER_NOTE_KIND, f"{ANSWER_NOTE_KIND}:{answer_id}", payload),
    ]


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


# GNU diff's marker after a line the file does not end with a newline: without it the
# next line of the diff would be read as the end of that line.
NO_NEWLINE = "\\ No newline at end of file\n"


def diff_lines(text: str) -> list[str]:
    r"""`text` cut into lines the way `patch` reads a file: at "\n" only, each line
    keeping its end ("\r\n" stays "\r\n"; the last line may have none).

    Not str.splitlines: it also cuts at "\r", "\x0b", "\x1c", U+2028 and others,
    which `patch` keeps inside a line, so a diff built from it would not apply.
    """
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def _header_name(name: str) -> str:
    """One line, no tab: a file name in a ---/+++ header ends at the line's end."""
    return " ".join(name.split()) or "draft"


def unified_diff(old: str, new: str, old_name: str, new_name: str) -> str:
    r"""The unified diff turning `old` into `new`, every line of it ending in "\n":
    a changed, added or removed last line without a newline is followed by the
    "\ No newline at end of file" marker, as GNU diff writes it, so `patch` gives
    back `new` exactly. Empty when the texts are equal."""
    out: list[str] = []
    for line in difflib.unified_diff(
        diff_lines(old), diff_lines(new), _header_name(old_name), _header_name(new_name)
    ):
        out.append(line if line.endswith("\n") else line + "\n" + NO_NEWLINE)
    return "".join(out)
