"""A click on a registration button, as one transaction: the member's place, the seats,
the waitlist, and the work that follows (their reminders, a DM to whoever a freed seat
goes to, the announcement's numbers).

It starts by taking the next place in the meeting's queue (storage/meetings.py
`take_number`), which holds the meeting until the transaction ends: clicks on one
meeting are decided one after the other, each on what the previous one stored, so two
members clicking at once for the last seat get one seat and one place on the waitlist.
The rule itself is bot/meetings/rules.py `move`; the seat it picks is also unique in the
database, which would refuse a second holder rather than oversell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.kit.user_error import UserError
from bot.meetings import jobs, posts, rules
from bot.meetings.rules import Spot
from storage import meetings as store
from storage.meetings import Counts
from storage.models import Meeting, MeetingRegistration

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.kit.work import WorkEngine


@dataclass(frozen=True)
class Choice:
    """What a click did, for the button to say."""

    meeting: Meeting
    before: Spot | None
    after: Spot | None
    changed: bool
    position: int  # on the waitlist (1 = next to get a seat); 0 when not waiting
    counts: Counts
    promoted: list[int] = field(default_factory=list)  # members given a freed seat


def spot_of(row: MeetingRegistration | None) -> Spot | None:
    if row is None:
        return None
    return Spot(row.mode, row.state, row.seq, row.seat)


def open_for_registration(meeting: Meeting | None, now: datetime) -> Meeting:
    if meeting is None:
        raise UserError("error.meeting.closed")
    if (
        meeting.status != "scheduled"
        or meeting.starts_at + timedelta(minutes=meeting.minutes) <= now
    ):
        raise UserError("error.meeting.registration_closed", title=meeting.title)
    return meeting


async def choose(
    db: AsyncSession,
    works: WorkEngine,
    meeting_id: int,
    member_id: int,
    display_name: str,
    wanted: str,
    offsets: Sequence[int],
    now: datetime,
) -> Choice:
    """Inside the caller's transaction, which it must begin with (see the module's doc)."""
    seq = await store.take_number(db, meeting_id)
    found = await store.get(db, meeting_id) if seq is not None else None
    meeting = open_for_registration(found, now)
    assert seq is not None  # noqa: S101 - the meeting exists
    if wanted not in posts.offered(meeting):
        raise UserError("error.meeting.not_offered", title=meeting.title)
    row = await store.registration(db, meeting_id, member_id)
    before = spot_of(row)
    move = rules.move(
        meeting.capacity, before, wanted, seq=seq,
        taken=await store.taken_seats(db, meeting_id), queue=await store.queue_length(db, meeting_id),
    )  # fmt: skip
    promoted: list[MeetingRegistration] = []
    if move.changed and move.spot is not None:
        row = await _write(db, meeting_id, member_id, display_name, row, move.spot, now)
        promoted = await serve_waitlist(db, meeting, now)
        if move.spot.active:
            await jobs.plan_reminders(db, works, meeting, [member_id], offsets, now)
        for member in promoted:
            await jobs.tell(db, works, meeting, [member.member_id], "promoted", member.seq)
        await jobs.refresh_cards_soon(db, works, meeting)
    after = spot_of(row)
    position = 0
    if row is not None and row.state == rules.WAITLISTED:
        position = await store.queue_length(db, meeting_id, row.seq)
    counts = (await store.counts(db, [meeting_id]))[meeting_id]
    return Choice(
        meeting, before, after, move.changed, position, counts, [m.member_id for m in promoted]
    )


async def _write(
    db: AsyncSession,
    meeting_id: int,
    member_id: int,
    display_name: str,
    row: MeetingRegistration | None,
    spot: Spot,
    now: datetime,
) -> MeetingRegistration:
    if row is None:
        row = MeetingRegistration(
            meeting_id=meeting_id, member_id=member_id, mode=spot.mode, state=spot.state,
            seq=spot.seq, registered_at=now, updated_at=now,
        )  # fmt: skip
    elif row.state not in rules.ACTIVE and spot.active:
        row.registered_at = now  # registered again
    row.mode, row.state, row.seq, row.seat = spot.mode, spot.state, spot.seq, spot.seat
    row.display_name = rules.one_line(display_name)[:100]
    row.updated_at = now
    return await store.save(db, row)


async def serve_waitlist(
    db: AsyncSession, meeting: Meeting, now: datetime
) -> list[MeetingRegistration]:
    """Every free seat to the first members waiting, in queue order."""
    taken = await store.taken_seats(db, meeting.id)
    free = len(rules.free_seats(meeting.capacity, taken))
    if not free:
        return []
    served = await store.waiting(db, meeting.id, limit=free)
    seats = rules.serve(meeting.capacity, taken, len(served))
    for seat, registration in zip(seats, served, strict=True):
        spot = rules.seated(Spot(registration.mode, registration.state, registration.seq), seat)
        registration.state, registration.seat, registration.updated_at = spot.state, spot.seat, now
        await store.save(db, registration)
    return served
