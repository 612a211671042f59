"""Reactions reach every feature's sink in order, once each, whatever another sink does."""

from __future__ import annotations

import discord
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.interest.helpers import eventually_equal as votes_become
from tests.interest.helpers import members as new_members
from tests.interest.helpers import (
    open_poll,
    prepare,
    reactions_as_votes,
    theme_ids,
)


class Broken:
    """A sink that fails on every event."""

    def __init__(self) -> None:
        self.seen = 0

    def take(self, payload: discord.RawReactionActionEvent) -> None:
        self.seen += 1
        raise RuntimeError("this sink fails on every reaction")


class Seen:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, str]] = []

    def take(self, payload: discord.RawReactionActionEvent) -> None:
        self.events.append((payload.event_type, payload.user_id, str(payload.emoji)))


async def test_a_failing_sink_leaves_the_others_their_reactions_in_order(
    bot: SipBot,
    fake: FakeDiscord,
    sqlite_engine: AsyncEngine,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message = await open_poll(fake, annonces)
    broken, seen = Broken(), Seen()
    bot.reaction_sinks.insert(0, broken)  # before the features' own sinks
    bot.reaction_sinks.append(seen)
    people = new_members(fake, 3, societaires)
    for person in people:
        await fake.react(message, "1️⃣", person)
        await fake.react(message, "2️⃣", person)
    await fake.unreact(message, "1️⃣", people[0])
    await fake.wait_for(lambda: len(seen.events) == 7, what="the seven reaction events")
    assert seen.events == [
        ("REACTION_ADD", people[0].id, "1️⃣"),
        ("REACTION_ADD", people[0].id, "2️⃣"),
        ("REACTION_ADD", people[1].id, "1️⃣"),
        ("REACTION_ADD", people[1].id, "2️⃣"),
        ("REACTION_ADD", people[2].id, "1️⃣"),
        ("REACTION_ADD", people[2].id, "2️⃣"),
        ("REACTION_REMOVE", people[0].id, "1️⃣"),
    ]
    assert broken.seen == 7
    assert "Broken did not take a reaction" in caplog.text
    ids = await theme_ids(sqlite_engine, fake.guild.id)
    assert bot.user is not None
    expected = reactions_as_votes(fake, message, ids, bot.user.id)
    assert expected == {
        people[0].id: {ids["2️⃣"]},
        people[1].id: {ids["1️⃣"], ids["2️⃣"]},
        people[2].id: {ids["1️⃣"], ids["2️⃣"]},
    }
    await votes_become(bot, sqlite_engine, fake.guild.id, expected)


async def test_an_unloaded_feature_no_longer_takes_reactions(bot: SipBot) -> None:
    cog = bot.get_cog("InterestCog")
    assert cog is not None
    recorder = cog.recorder  # type: ignore[attr-defined]
    assert recorder in bot.reaction_sinks
    await bot.unload_extension("cogs.interest")
    assert recorder not in bot.reaction_sinks
