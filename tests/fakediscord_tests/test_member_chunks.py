"""A large guild's members: only the bot in GUILD_CREATE, the rest by chunks of 1,000."""

from __future__ import annotations

import asyncio
import contextlib

import discord
import pytest

from tests.fakediscord import FakeDiscord

from .conftest import BareClient

pytestmark = pytest.mark.asyncio


class LazyClient(BareClient):
    """As the bot: no chunking at start-up, members asked for when needed."""

    def __init__(self) -> None:
        super().__init__()
        self._connection._chunk_guilds = False


async def test_a_large_guild_comes_without_its_members_then_in_chunks(fake: FakeDiscord) -> None:
    people = [fake.add_member(f"m{i}") for i in range(2500)]
    client = LazyClient()
    task = asyncio.create_task(client.start(fake.token))
    try:
        await asyncio.wait_for(client.ready.wait(), 10)
        guild = client.get_guild(fake.guild.id)
        assert guild is not None and guild.large and not guild.chunked
        assert guild.member_count == 2502  # the owner and the bot too
        assert [m.id for m in guild.members] == [fake.bot_user.id]
        members = await guild.chunk()
        assert len(members) == 2502 and guild.chunked
        assert guild.get_member(people[-1].id) is not None
        chunks = [
            f["d"] for s in fake.gateway.sessions.values() for f in s.buffer
            if f["t"] == "GUILD_MEMBERS_CHUNK"
        ]  # fmt: skip
        assert [len(c["members"]) for c in chunks] == [1000, 1000, 502]
        assert [(c["chunk_index"], c["chunk_count"]) for c in chunks] == [(0, 3), (1, 3), (2, 3)]
        assert fake.gateway.member_chunks == 3
        asked = await guild.query_members(user_ids=[people[0].id])
        assert [m.id for m in asked] == [people[0].id]
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 5)


async def test_a_small_guild_comes_with_its_members(fake: FakeDiscord, client: BareClient) -> None:
    guild = client.get_guild(fake.guild.id)
    assert isinstance(guild, discord.Guild) and not guild.large and guild.chunked
