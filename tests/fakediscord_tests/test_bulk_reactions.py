"""Many reactions at once: pre-filled without events, or sent in bulk (what benchmarks do)."""

from __future__ import annotations

import discord
import pytest

from tests.fakediscord import FakeDiscord
from tests.fakediscord.rest import ApiError

from .conftest import BareClient

pytestmark = pytest.mark.asyncio


async def _poll(client: BareClient, fake: FakeDiscord) -> tuple[discord.TextChannel, int]:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("poll")
    return channel, sent.id


async def test_prefilled_reactions_send_nothing_and_list_by_pages(
    fake: FakeDiscord, client: BareClient
) -> None:
    channel, message_id = await _poll(client, fake)
    message = fake.message(message_id)
    assert message is not None
    people = [fake.add_member(f"m{i}") for i in range(250)]
    pairs = [(emoji, p.id) for p in people for emoji in ("👍", "🎉")]
    events = fake.add_reactions(message, [*pairs, ("👍", people[0].id)], dispatch=False)
    assert len(events) == 500  # the repeated reaction is not added twice
    assert message.reaction_users("👍") == [p.id for p in people]
    first = events[0]
    assert first["user_id"] == str(people[0].id) and first["emoji"]["name"] == "👍"
    assert first["member"]["user"]["id"] == str(people[0].id)
    assert first["message_id"] == str(message_id)
    fetched = await channel.fetch_message(message_id)
    assert sorted(r.count for r in fetched.reactions) == [250, 250]
    users = [u.id async for u in fetched.reactions[0].users(limit=None)]
    assert sorted(users) == [p.id for p in people]  # discord.py yields each page reversed
    assert fake.count("GET", r"/reactions/") == 3  # 100 + 100 + 50
    assert not [kind for kind, _ in client.events if kind == "add"]


async def test_dispatch_many_delivers_the_prepared_events_in_order(
    fake: FakeDiscord, client: BareClient
) -> None:
    _channel, message_id = await _poll(client, fake)
    message = fake.message(message_id)
    assert message is not None
    people = [fake.add_member(f"m{i}") for i in range(40)]
    events = fake.add_reactions(message, [("👍", p.id) for p in people], dispatch=False)
    assert fake.dispatch_many("MESSAGE_REACTION_ADD", events) == 40
    await fake.wait_for(lambda: sum(kind == "add" for kind, _ in client.events) == 40)
    added = [p for kind, p in client.events if kind == "add"]
    assert [p.user_id for p in added] == [p.id for p in people]
    assert all(p.member is not None and p.emoji.name == "👍" for p in added)
    more = fake.add_member("late")
    fake.add_reactions(message, [("🎉", more.id)])  # dispatched by default
    await fake.wait_for(lambda: sum(kind == "add" for kind, _ in client.events) == 41)


async def test_bulk_reactions_keep_the_twenty_emoji_limit(fake: FakeDiscord) -> None:
    message = fake.create_message(fake.default_channel, fake.owner.id, {"content": "x"})
    emojis = [f"e{i}:{1000 + i}" for i in range(21)]
    with pytest.raises(ApiError):
        fake.add_reactions(message, [(e, fake.owner.id) for e in emojis], dispatch=False)
    assert len(message.reactions) == 20
