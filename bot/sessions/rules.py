"""Rules for sessions: lengths, links, candidate slots, the winning slot, reminders."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.kit.dates import parse_future
from bot.kit.user_error import UserError

MAX_MINUTES = 12 * 60
MAX_SLOTS = 10
SESSIONS_PER_GROUP = 5
# A reminder is late when it goes out later than a tenth of its offset after its due
# time (a "2m" reminder 23 s late is late; a "7d" one an hour late is not), and never
# within a few seconds, which a busy loop or a short restart may take.
LATE_SHARE = 10  # a tenth
LATE_AT_LEAST = timedelta(seconds=5)
PLACE_MAX = 100
SLOT_LETTERS = tuple(chr(0x1F1E6 + i) for i in range(MAX_SLOTS))  # 🇦 🇧 🇨 …


def check_minutes(minutes: int) -> int:
    if not 1 <= minutes <= MAX_MINUTES:
        raise UserError("error.session.minutes", value=minutes, max=MAX_MINUTES)
    return minutes


def check_visio(url: str | None) -> str | None:
    if url is None or not url.strip():
        return None
    link = url.strip()
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", link) or len(link) > 500:
        raise UserError("error.session.visio", value=link)
    return link


def check_place(place: str | None) -> str | None:
    if place is None or not place.strip():
        return None
    text = " ".join(place.split())
    if len(text) > PLACE_MAX:
        raise UserError("error.session.place_long", max=PLACE_MAX)
    return text


def parse_slots(raw: str, timezone: str, now: datetime) -> list[datetime]:
    """ "2021-01-12 18:00; 14/01/2021 18h00" -> sorted distinct future instants (1 to 10)."""
    parts = [p.strip() for p in re.split(r"[;\n|]", raw) if p.strip()]
    if not parts:
        raise UserError("error.slots.empty")
    if len(parts) > MAX_SLOTS:
        raise UserError("error.slots.too_many", count=len(parts), max=MAX_SLOTS)
    slots = [parse_future(part, timezone, now).at for part in parts]
    if len(set(slots)) != len(slots):
        raise UserError("error.slots.duplicate")
    return sorted(slots)


def default_poll_deadline(slots: Sequence[datetime], now: datetime) -> datetime:
    """A day before the first slot, at most a week from now, and always in the future."""
    deadline = min(slots[0] - timedelta(days=1), now + timedelta(days=7))
    if deadline <= now:
        deadline = now + (slots[0] - now) / 2
    return deadline


def winner(votes: Mapping[int, int], starts: Mapping[int, datetime]) -> int | None:
    """The slot with most votes; ties go to the earliest. None when there are no slots."""
    if not starts:
        return None
    return min(starts, key=lambda slot: (-votes.get(slot, 0), starts[slot], slot))


def reminder_plan(
    starts_at: datetime, offsets: Sequence[int], now: datetime
) -> list[tuple[int, datetime]]:
    """(offset, due) for each configured offset still ahead; past ones are not planned."""
    plan = [(offset, starts_at - timedelta(minutes=offset)) for offset in offsets]
    return [(offset, due) for offset, due in plan if due > now]


@dataclass(frozen=True)
class ReminderDecision:
    send: bool
    late: bool
    reason: str = ""


def late_after(offset: timedelta) -> timedelta:
    """How long after its due time a reminder still goes out on time."""
    return max(LATE_AT_LEAST, offset / LATE_SHARE)


def is_late(due_at: datetime, sent_at: datetime, offset: timedelta) -> bool:
    return sent_at - due_at > late_after(offset)


def decide(
    due_at: datetime, starts_at: datetime, now: datetime, current: bool, offset: timedelta
) -> ReminderDecision:
    """Send on time; send marked late if missed but the session has not started; else skip."""
    if not current:
        return ReminderDecision(False, False, "stale version or session not scheduled")
    if now >= starts_at:
        return ReminderDecision(False, False, "session already started")
    return ReminderDecision(True, is_late(due_at, now, offset))


def warnings(
    count_before: int, starts_at: datetime, window: tuple[datetime, datetime] | None
) -> list[str]:
    found = []
    if count_before >= SESSIONS_PER_GROUP:
        found.append("session.warning.many")
    if window is not None and not window[0] <= starts_at <= window[1]:
        found.append("session.warning.outside")
    return found


def event_key(session_id: int, version: int, status: str) -> str:
    """The work item that brings a session's Discord event to this version and status."""
    return f"session_event:{session_id}:{version}:{status}"
