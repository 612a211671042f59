"""A meeting and its registrants' reminders written straight into a bot's database, as
`/meeting schedule` and the registration buttons would have stored them: one online
registration per registrant (added to the fake as members), and each one's one-hour
reminder pending at its due time. Used by the kill -9 test and by
`benchmarks/meeting_dms.py`, so that a thousand can be written in a second."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import Meeting, MeetingRegistration, WorkItem
from storage.upsert import table_of
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Member

KIND = "meeting_reminder"
CHUNK = 2000  # rows per INSERT: SQLite takes at most 32,766 bound parameters per statement


async def reminder_states(engine: AsyncEngine) -> Counter[str]:
    async with session_factory(engine)() as db:
        result = await db.execute(select(WorkItem.state).where(WorkItem.kind == KIND))
        return Counter(result.scalars())


async def seed_meeting_reminders(
    engine: AsyncEngine, fake: FakeDiscord, due: Sequence[datetime]
) -> dict[int, int]:
    """A meeting an hour after the last due time, one online registration per due time,
    and each registrant's one-hour reminder pending; returns work item id -> member id."""
    now = datetime.now(UTC)
    people: list[Member] = [fake.add_member(f"inscrite-{n:02}") for n in range(len(due))]
    async with session_factory(engine)() as db, db.begin():
        meeting = Meeting(guild_id=fake.guild.id, title="Présentation des recommandations",
                          kind="presentation", starts_at=due[-1] + timedelta(minutes=60),
                          visio_url="https://visio.example.org/ag", created_at=now, updated_at=now)  # fmt: skip
        db.add(meeting)
        await db.flush()
        registrations = [
            {"meeting_id": meeting.id, "member_id": p.id, "display_name": p.user.name,
             "mode": "online", "state": "registered", "seq": n + 1, "seat": None, "dm_status": "",
             "registered_at": now, "updated_at": now}
            for n, p in enumerate(people)
        ]  # fmt: skip
        reminders = [
            {"kind": KIND, "key": f"{KIND}:{meeting.id}:1:60:{p.id}", "guild_id": fake.guild.id,
             "due_at": at, "next_at": at, "state": "pending", "attempts": 0,
             "payload": json.dumps({"meeting_id": meeting.id, "version": 1, "offset": 60,
                                    "member_id": p.id}),
             "last_error": "", "late": False, "note": "", "created_at": now}
            for p, at in zip(people, due, strict=True)
        ]  # fmt: skip
        for start in range(0, len(people), CHUNK):
            await db.execute(
                insert(table_of(MeetingRegistration)), registrations[start : start + CHUNK]
            )
            await db.execute(insert(table_of(WorkItem)), reminders[start : start + CHUNK])
        rows = await db.execute(select(WorkItem.id, WorkItem.payload).where(WorkItem.kind == KIND))
        return {rid: int(json.loads(payload)["member_id"]) for rid, payload in rows.all()}
