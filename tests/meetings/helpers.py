"""A server ready for meetings: an announcements channel, a theme with an info channel
and a published group (its facilitator may run the theme's meetings), and members."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import work as work_store
from storage.database import session_factory
from storage.models import Meeting, MeetingRegistration, Theme, WorkItem
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.results import InteractionResult
from tests.fakediscord.state import Channel, Member, Message
from tests.sessions.helpers import Group, published_group

START = datetime(2027, 2, 4, 17, 0, tzinfo=UTC)  # 18:00 in Paris


@dataclass
class World:
    group: Group
    announcements: Channel
    info: Channel
    theme_id: int


async def meeting_world(fake: FakeDiscord, engine: AsyncEngine, clock: MovableClock) -> World:
    group = await published_group(fake, engine, clock)
    announcements = fake.add_text_channel("annonces")
    res = await fake.slash(
        "setup channel", user=fake.owner, options={"announcements": announcements}
    )
    assert res.ephemeral, res.content
    info = fake.add_text_channel("accompagnement-info")
    async with session_factory(engine)() as db, db.begin():
        (theme,) = (await db.execute(select(Theme))).scalars()
        theme.info_channel_id = info.id
    return World(group, announcements, info, theme.id)


async def schedule(
    fake: FakeDiscord, user: Member | None = None, locale: str = "fr", **options: Any
) -> InteractionResult:
    options.setdefault("title", "Webinaire « Égalité des genres dans le monde du travail »")
    options.setdefault("start", "04/02/2027 18h00")
    return await fake.slash(
        "meeting schedule", user=user or fake.owner, options=options, locale=locale
    )


async def meetings(engine: AsyncEngine) -> list[Meeting]:
    async with session_factory(engine)() as db:
        return list((await db.execute(select(Meeting).order_by(Meeting.id))).scalars())


async def only_meeting(engine: AsyncEngine) -> Meeting:
    (meeting,) = await meetings(engine)
    return meeting


async def registrations(engine: AsyncEngine, meeting_id: int) -> list[MeetingRegistration]:
    async with session_factory(engine)() as db:
        result = await db.execute(
            select(MeetingRegistration)
            .where(MeetingRegistration.meeting_id == meeting_id)
            .order_by(MeetingRegistration.seq)
        )
        return list(result.scalars())


def announcement(fake: FakeDiscord, meeting: Meeting) -> Message:
    message = fake.message(meeting.message_id or 0)
    assert message is not None
    return message


async def click(
    fake: FakeDiscord, message: Message, meeting: Meeting, choice: str, member: Member
) -> InteractionResult:
    return await fake.click(message, f"sip:meet:{meeting.id}:{choice}", user=member, locale="fr")


def dms(fake: FakeDiscord, member: Member) -> list[str]:
    return [m.content for m in fake.dm_messages(member)]


async def work_items(engine: AsyncEngine, kind: str) -> list[WorkItem]:
    async with session_factory(engine)() as db:
        return await work_store.items(db, kind=kind)


async def move_to(bot: SipBot, clock: MovableClock, moment: datetime) -> None:
    clock.set(moment)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()


async def wait_settled(
    engine: AsyncEngine, clock: MovableClock, kind: str, timeout: float = 10
) -> list[WorkItem]:
    """Every item of the kind due by the clock's present moment has been handled."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        items = await work_items(engine, kind)
        busy = [i for i in items if i.state in ("pending", "running") and i.next_at <= clock.now()]
        if not busy:
            return items
        if loop.time() > deadline:
            raise AssertionError(f"{len(busy)} {kind} item(s) still not handled: {busy[:3]}")
        await asyncio.sleep(0.02)
