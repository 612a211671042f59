"""Files with their description (alt text) in multipart posts, as Discord documents them:
kept with the attachment, at most 1,024 characters, and a post retried with its nonce
gives back the first message with its file."""

from __future__ import annotations

import io

import discord
import pytest

from tests.fakediscord import FakeDiscord
from tests.fakediscord_tests.conftest import BareClient


def picture(description: str) -> discord.File:
    return discord.File(io.BytesIO(b"\x89PNG fake"), filename="chart.png", description=description)


async def test_a_file_keeps_its_description_and_a_nonce_keeps_one_message(
    fake: FakeDiscord, client: BareClient
) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("results", file=picture("5 respondents"), nonce="close-1")
    second = await channel.send("results", file=picture("5 respondents"), nonce="close-1")
    assert first.id == second.id
    (stored,) = fake.messages_in(channel.id)
    assert [(a.filename, a.description) for a in stored.attachments] == [
        ("chart.png", "5 respondents")
    ]
    assert first.attachments[0].description == "5 respondents"
    assert len(fake.posts_by_nonce("close-")["close-1"]) == 2


async def test_a_description_over_1024_characters_is_refused(
    fake: FakeDiscord, client: BareClient
) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("fits", file=picture("x" * 1024))
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send("too long", file=picture("x" * 1025))
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert [m.content for m in fake.messages_in(channel.id)] == ["fits"]
