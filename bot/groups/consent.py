"""Consent to groups (SPEC §9), the pure part: when an invitation is due, when its one
reminder goes, what may be answered or opened again, and how a group's answers are told
apart for the organisers.

The server's mode (`/setup defaults group_join`): `consent` (the default) proposes a
group to each placed member, who joins on accepting; `direct` joins them at once.

- The deadline is `invitation_days` (7 by default, 1 to 30) after the invitation is
  opened; the reminder goes 2 days before it, or halfway for an invitation shorter than
  4 days, so that it never comes right after the invitation itself.
- Only a pending invitation before its deadline can be answered. Once answered, the
  member's choice stands; to change it, the group's facilitator or secretary or an
  organiser invites them again (`/group invite` opens the same invitation anew).
- A pending invitation holds the seat: it counts against the limit of groups per member
  (`groups_per_member`) as a membership does, so no composition or invitation can place
  a member beyond it while they make up their mind. Declined, expired and withdrawn
  ones free it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

CONSENT, DIRECT = "consent", "direct"
JOIN_MODES = (CONSENT, DIRECT)
DEFAULT_DAYS, MIN_DAYS, MAX_DAYS = 7, 1, 30
REMINDER_BEFORE = timedelta(days=2)
PENDING, ACCEPTED, DECLINED, EXPIRED, WITHDRAWN = (
    "pending", "accepted", "declined", "expired", "withdrawn",
)  # fmt: skip


def deadline_after(opened: datetime, days: int) -> datetime:
    return opened + timedelta(days=min(max(days, MIN_DAYS), MAX_DAYS))


def reminder_at(opened: datetime, deadline: datetime) -> datetime | None:
    """The one reminder: 2 days before the deadline, or halfway when the invitation is
    shorter than 4 days; None when the deadline is not after the opening."""
    life = deadline - opened
    if life <= timedelta(0):
        return None
    return deadline - min(REMINDER_BEFORE, life / 2)


def answerable(state: str, deadline: datetime, now: datetime) -> bool:
    return state == PENDING and now < deadline


def joins_on_publish(mode: str) -> bool:
    """Whether placed members are members at once (direct) or invited (consent)."""
    return mode == DIRECT


@dataclass(frozen=True)
class Invited:
    """What the organisers' view needs of one invitation."""

    member_id: int
    state: str
    dm_closed: bool = False
    reason: str = ""


@dataclass
class Answers:
    """One group's members and invitations as the organisers follow them."""

    accepted: list[int] = field(default_factory=list)  # members of the group
    pending: list[Invited] = field(default_factory=list)
    declined: list[Invited] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)

    @property
    def seats(self) -> int:
        """Members and pending invitations: the group's size while answers come in."""
        return len(self.accepted) + len(self.pending)

    @property
    def dm_closed(self) -> int:
        return sum(1 for invited in self.pending if invited.dm_closed)


def answers(members: Sequence[int], invitations: Iterable[Invited]) -> Answers:
    """A member of the group counts as accepted however they joined (accepted, or placed
    directly, or moved before the server chose consent); an invitation of someone who is
    a member is not counted twice, and a withdrawn one is not shown (the member was
    placed in another group, where they are shown)."""
    found = Answers(accepted=list(dict.fromkeys(members)))
    joined = set(found.accepted)
    for invited in invitations:
        if invited.member_id in joined:
            continue
        if invited.state == PENDING:
            found.pending.append(invited)
        elif invited.state == DECLINED:
            found.declined.append(invited)
        elif invited.state == EXPIRED:
            found.expired.append(invited.member_id)
    return found


def total(groups: Iterable[Answers]) -> Answers:
    """Every group's answers together, for the summary line."""
    found = Answers()
    for group in groups:
        found.accepted += group.accepted
        found.pending += group.pending
        found.declined += group.declined
        found.expired += group.expired
    return found
