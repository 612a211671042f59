"""Next themes proposed by members (pure rules): when proposals are taken, what a title,
a description and an organiser's note may be, the statuses a proposal goes through, the
order proposals are listed in, and the work that makes a post show its status.

When: a cycle's call follows its calendar — proposals are taken while the phase
"proposing the next step" (`next_step`) runs — unless organisers opened it (taken
whatever the date) or closed it (refused whatever the date) by hand.

Statuses: every proposal starts `open`; organisers shortlist it for the assembly's vote,
merge it into another (which must itself be open or shortlisted: merging never makes a
chain), or do not retain it; any decision may be taken back. 👍 count while a proposal
is open or shortlisted.

Order of a list: shortlisted first, then open, merged, not retained; within each, most
endorsed first; equal counts in the order they were proposed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.kit.user_error import UserError

PHASE = "next_step"
CALENDAR, OPEN, CLOSED = "calendar", "open", "closed"
MODES = (CALENDAR, OPEN, CLOSED)
STATUSES = ("open", "shortlisted", "merged", "not_retained")
COUNTED = frozenset({"open", "shortlisted"})
LIST_ORDER = ("shortlisted", "open", "merged", "not_retained")
TITLE_MAX = 100  # a forum post's title, and an option of the assembly's vote
DESCRIPTION_MAX = 4000  # a form's field, and a theme's description
NOTE_MAX = 1000


def accepting(mode: str, windows: Iterable[tuple[datetime, datetime]], now: datetime) -> bool:
    """Whether proposals are taken now: by hand, or while a `next_step` window runs."""
    if mode == OPEN:
        return True
    if mode == CLOSED:
        return False
    return any(start <= now <= end for start, end in windows)


def clean_title(raw: str) -> str:
    title = " ".join(raw.split())
    if not title:
        raise UserError("error.proposal.title_empty")
    if len(title) > TITLE_MAX:
        raise UserError("error.proposal.title_long", length=len(title), max=TITLE_MAX)
    return title


def clean_description(raw: str) -> str:
    text = raw.strip()
    if not text:
        raise UserError("error.proposal.description_empty")
    if len(text) > DESCRIPTION_MAX:
        raise UserError("error.proposal.description_long", length=len(text), max=DESCRIPTION_MAX)
    return text


def clean_note(raw: str | None) -> str:
    text = (raw or "").strip()
    if len(text) > NOTE_MAX:
        raise UserError("error.proposal.note_long", length=len(text), max=NOTE_MAX)
    return text


@dataclass(frozen=True)
class Target:
    """The proposal another one is merged into, as the rule needs to see it."""

    id: int
    status: str


def check_decision(
    proposal_id: int, current: str, current_into: int | None, wanted: str, into: Target | None
) -> None:
    """Refuses a decision that makes no sense, saying why."""
    if wanted not in STATUSES:
        raise UserError("error.proposal.status_unknown", value=wanted)
    if wanted == "merged":
        if into is None:
            raise UserError("error.proposal.into_missing")
        if into.id == proposal_id:
            raise UserError("error.proposal.into_itself")
        if into.status not in COUNTED:
            raise UserError("error.proposal.into_closed", status=into.status)
    elif into is not None:
        raise UserError("error.proposal.into_unwanted", status=wanted)
    if wanted == current and (into.id if into is not None else None) == current_into:
        raise UserError("error.proposal.status_same", status=wanted)


@dataclass(frozen=True)
class Listed:
    id: int
    status: str
    endorsements: int


def ordered(proposals: Sequence[Listed]) -> list[Listed]:
    """The list's order (see the module's docstring): total, and the same every time."""
    rank = {status: position for position, status in enumerate(LIST_ORDER)}
    return sorted(proposals, key=lambda p: (rank.get(p.status, len(rank)), -p.endorsements, p.id))


# ------------------------------------------------------------------ work
TAG_KIND = "proposal_tag"
DECISION_KIND = "proposal_decision"
# The command runs its items at once; the engine takes over what it left after this.
TAKEOVER = timedelta(seconds=30)
THREAD, DM = "thread", "dm"


def tag_prefix(proposal_id: int) -> str:
    """Every tag item of one proposal: a newer decision cancels what is still pending."""
    return f"{TAG_KIND}:{proposal_id}:"


def tag_work(proposal_id: int, token: str) -> tuple[str, str, dict[str, int]]:
    """(kind, key, payload) of the item making the post show the status stored when it
    runs; `token` tells apart the changes of one proposal (the key is unique)."""
    return TAG_KIND, f"{tag_prefix(proposal_id)}{token}", {"proposal_id": proposal_id}


def decision_work(decision_id: int) -> list[tuple[str, str, dict[str, int | str]]]:
    """(kind, key, payload) of the two items telling a decision: in the post, and to the
    author by DM. Each decision is told once; a later one does not cancel them."""
    return [
        (DECISION_KIND, f"{DECISION_KIND}:{decision_id}:{to}", {"decision_id": decision_id,
                                                                 "to": to})
        for to in (THREAD, DM)
    ]  # fmt: skip
