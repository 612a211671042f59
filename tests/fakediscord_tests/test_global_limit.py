"""The fake's global rate limit, as Discord documents it: beyond N requests in a second,
429 with `"global": true`, `retry_after` and the global headers; discord.py waits and
retries; interaction answers are not counted."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import discord
import pytest

from tests.fakediscord import FakeDiscord

from .conftest import BareClient

pytestmark = pytest.mark.asyncio


async def test_requests_beyond_the_limit_get_a_global_429_with_its_headers(
    fake: FakeDiscord, client: BareClient
) -> None:
    fake.limit_globally(per_second=3)
    url = f"{fake.api_base}/channels/{fake.default_channel.id}/messages"
    headers = {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession() as http:
        answers = []
        for number in range(4):
            async with http.post(url, json={"content": f"n{number}"}, headers=headers) as response:
                answers.append((response.status, dict(response.headers), await response.json()))
    assert [status for status, _h, _b in answers] == [200, 200, 200, 429]
    _status, refused_headers, body = answers[3]
    assert body["global"] is True and body["message"] == "You are being rate limited."
    assert 0 < body["retry_after"] <= 1.0
    assert refused_headers["X-RateLimit-Global"] == "true"
    assert refused_headers["X-RateLimit-Scope"] == "global"
    assert refused_headers["Via"] and refused_headers["Retry-After"] == "1"
    assert fake.global_limit is not None and fake.global_limit.refused == 1
    assert [m.content for m in fake.messages_in(fake.default_channel.id)] == ["n0", "n1", "n2"]


async def test_discord_py_waits_out_a_global_429_and_every_message_arrives_once(
    fake: FakeDiscord, client: BareClient
) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    limit = fake.limit_globally(per_second=5)
    started = time.monotonic()
    await asyncio.gather(*(channel.send(f"m{n}") for n in range(12)))
    took = time.monotonic() - started
    contents = sorted(m.content for m in fake.messages_in(fake.default_channel.id))
    assert contents == sorted(f"m{n}" for n in range(12))
    assert limit.refused >= 1
    assert took >= 1.0  # 12 requests at 5 a second cannot all go within the first second
    fake.assert_no_unhandled()


async def test_interaction_answers_are_not_bound_by_the_global_limit(
    fake: FakeDiscord, client: BareClient
) -> None:
    fake.limit_globally(per_second=1)
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("uses up the second")
    res = await fake.slash("ping", options={"word": "still answered"})
    assert res.content == "still answered"
