"""Invitations through the fake: a server in consent mode (the default), the theme whose
proposal is one group of five ("100% visio 1": xavier and b0..b3), the DMs members get."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import groups as group_store
from storage import interest
from storage import invitations as store
from storage.database import session_factory
from storage.models import Invitation, WorkGroup
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Member, Message
from tests.groups.helpers import NOW, World, make_world, propose, publish, stored_groups

ACCEPT, DECLINE = "sip:inv:{}:accept", "sip:inv:{}:decline"


@dataclass
class Invited:
    world: World
    group: WorkGroup
    people: list[Member]  # the five placed members, in the order they were placed

    def person(self, member_id: int, fake: FakeDiscord) -> Member:
        return fake.guild.members[member_id]


async def consent_world(
    fake: FakeDiscord, clock: MovableClock, engine: AsyncEngine, *, closed: int = 0
) -> tuple[World, WorkGroup, list[Member]]:
    """The server, and theme B proposed (nothing published yet), b0 its facilitator (the
    one volunteer); the first `closed` of its five members do not accept DMs from the
    server's members."""
    world = await make_world(fake, clock, engine, join="consent")
    async with session_factory(engine)() as db, db.begin():
        lead = world.people["b_only"][0]
        await interest.save_profile(db, fake.guild.id, lead.id, NOW, facilitate=True)
    await propose(fake, world.theme_b)
    ((group, members),) = await stored_groups(engine, world.theme_b.id)
    people = [fake.guild.members[m] for m in members]
    for person in people[:closed]:
        person.dms_open = False
    return world, group, people


async def published(
    fake: FakeDiscord, clock: MovableClock, engine: AsyncEngine, *, closed: int = 0
) -> tuple[Invited, Any]:
    world, _group, people = await consent_world(fake, clock, engine, closed=closed)
    res = await publish(fake, world.theme_b, locale="en-US")
    async with session_factory(engine)() as db:
        (group,) = await group_store.groups_of_theme(db, world.theme_b.id)
    return Invited(world, group, people), res


async def invitations(engine: AsyncEngine, group_id: int) -> dict[int, Invitation]:
    """member -> their invitation to the group."""
    async with session_factory(engine)() as db:
        found = await store.of_groups(db, [group_id])
    return {i.member_id: i for i in found[group_id]}


async def members(engine: AsyncEngine, group_id: int) -> list[int]:
    async with session_factory(engine)() as db:
        return (await group_store.members_of(db, [group_id]))[group_id]


def dms(fake: FakeDiscord, person: Member) -> list[Message]:
    """What the bot posted in the member's DMs (not the answers to their clicks)."""
    return [
        m
        for m in fake.dm_messages(person)
        if m.author_id == fake.bot_user.id and not m.flags & 64 and m.interaction_metadata is None
    ]


def custom_ids(message: Message) -> list[str]:
    return [c["custom_id"] for row in message.components for c in row["components"]]


async def status(fake: FakeDiscord, invited: Invited) -> str:
    res = await fake.slash(
        "groups status", options={"theme": f"#{invited.world.theme_b.id}"}, locale="en-US"
    )
    assert res.ephemeral, res
    return res.text


async def move_to(bot: SipBot, clock: MovableClock, moment: Any) -> None:
    clock.set(moment)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()
