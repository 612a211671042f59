"""Shared steps for the interest poll tests."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit.work import WAKER
from storage import cycles, interest, themes
from storage.database import session_factory
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel, Member, Message, Role

NOW = datetime(2020, 11, 2, 10, 0, tzinfo=UTC)
DEADLINE = datetime(2020, 11, 15, 17, 0, tzinfo=UTC)  # 2020-11-15 18:00 in Paris
THEMES = [
    ("Accompagnement", "Comment la coopérative accompagne ses membres."),
    ("Horizon post-crise", "L'après-crise sanitaire."),
    ("Égalité de genre", "Les inégalités de genre dans nos métiers."),
    ("Modèle économique", "Le modèle économique en France."),
]
EMOJIS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣"]


async def prepare(fake: FakeDiscord, clock: MovableClock) -> tuple[Channel, Role]:
    """Announcements channel, member role, cycle 2020-2021 and its four themes."""
    clock.set(datetime(2020, 10, 15, 10, 0, tzinfo=UTC))
    annonces = fake.add_text_channel("annonces")
    societaires = fake.add_role("Sociétaires")
    await fake.slash("setup channel", user=fake.owner, options={"announcements": annonces})
    await fake.slash("setup roles", user=fake.owner, options={"member": societaires})
    await fake.slash("cycle create", user=fake.owner, options={"name": "2020-2021"})
    for title, description in THEMES:
        res = await fake.slash(
            "theme add", user=fake.owner, options={"title": title, "description": description}
        )
        assert res.content and res.content.startswith("Thématique"), res.content
    clock.set(NOW)
    return annonces, societaires


async def open_poll(
    fake: FakeDiscord, annonces: Channel, deadline: str = "15/11/2020 18h00"
) -> Message:
    res = await fake.slash(
        "interest open", user=fake.owner, options={"deadline": deadline}, locale="fr"
    )
    assert res.content and res.content.startswith("Sondage d'intérêt publié"), res.content
    message = next(
        m
        for m in fake.messages_in(annonces.id)
        if m.embeds and m.embeds[0]["title"].startswith("🗳️")
    )
    await fake.wait_for(lambda: len(message.reactions) == 4, what="the four poll reactions")
    return message


async def stored_votes(engine: AsyncEngine, guild_id: int) -> dict[int, set[int]]:
    async with session_factory(engine)() as db:
        cycle = await cycles.open_cycle(db, guild_id)
        assert cycle is not None and cycle.id is not None
        poll = await interest.latest_poll(db, cycle.id)
        assert poll is not None and poll.id is not None
        return await interest.votes_of(db, poll.id)


async def theme_ids(engine: AsyncEngine, guild_id: int) -> dict[str, int]:
    async with session_factory(engine)() as db:
        cycle = await cycles.open_cycle(db, guild_id)
        assert cycle is not None and cycle.id is not None
        return {t.emoji: t.id for t in await themes.themes_of(db, cycle.id)}


def reactions_as_votes(
    fake: FakeDiscord, message: Message, ids: dict[str, int], bot_id: int
) -> dict[int, set[int]]:
    """What the message shows, as {member: {theme ids}} (the truth votes must equal)."""
    votes: dict[int, set[int]] = {}
    for key, reaction in fake.world.messages[message.id].reactions.items():
        for user in reaction.users:
            if user != bot_id and key in ids:
                votes.setdefault(user, set()).add(ids[key])
    return votes


async def eventually_equal(
    bot: SipBot, engine: AsyncEngine, guild_id: int, expected: dict[int, set[int]]
) -> None:
    """Votes are written in batches: flush and compare until equal (bounded)."""
    cog: Any = bot.get_cog("InterestCog")
    deadline = time.monotonic() + 10
    while True:
        await cog.recorder.flush()
        stored = await stored_votes(engine, guild_id)
        if stored == expected or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.02)
    assert stored == expected


def woken_by(bot: SipBot, when: datetime) -> bool:
    """The engine is planned to wake at `when` at the latest (other work may come first)."""
    assert bot.services.scheduler is not None
    planned = bot.services.scheduler.planned(WAKER)
    return planned is not None and planned <= when


def members(fake: FakeDiscord, count: int, role: Role, prefix: str = "m") -> list[Member]:
    return [fake.add_member(f"{prefix}{i}", roles=[role]) for i in range(count)]
