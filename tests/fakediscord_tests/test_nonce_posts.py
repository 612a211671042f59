"""Every attempt to post a message with a nonce is on record, deduplicated or not."""

from __future__ import annotations

import time

import discord
import pytest

from tests.fakediscord import FakeDiscord

from .conftest import BareClient

pytestmark = pytest.mark.asyncio


async def test_posts_by_nonce_counts_each_attempt_and_keeps_one_message(
    fake: FakeDiscord, client: BareClient
) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    before = time.time()
    first = await channel.send("rappel 1", nonce="siprm1v0")
    again = await channel.send("rappel 1", nonce="siprm1v0")  # a retry after a crash
    await channel.send("rappel 2", nonce="siprm2v0")
    await channel.send("autre", nonce="sipan9v0")
    await channel.send("sans nonce")  # discord.py gives it a numeric nonce of its own
    posts = fake.posts_by_nonce("siprm")
    assert sorted(posts) == ["siprm1v0", "siprm2v0"]
    assert [r.status for r in posts["siprm1v0"]] == [200, 200]
    assert first.id == again.id
    assert [m.content for m in fake.messages_in(channel.id)].count("rappel 1") == 1
    assert all(before <= r.timestamp <= time.time() for r in posts["siprm1v0"])
    assert set(fake.posts_by_nonce("sip")) == {"siprm1v0", "siprm2v0", "sipan9v0"}
    assert len(fake.posts_by_nonce()) == 4


async def test_posts_by_nonce_includes_attempts_refused_by_a_fault(
    fake: FakeDiscord, client: BareClient
) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    fake.inject_fault("POST", r"/channels/\d+/messages$", 403)
    with pytest.raises(discord.Forbidden):
        await channel.send("refusé", nonce="siprm3v0")
    assert [r.status for r in fake.posts_by_nonce("siprm")["siprm3v0"]] == [403]
    assert fake.messages_in(channel.id) == []
