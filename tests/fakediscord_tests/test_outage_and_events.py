"""The fake's gateway outage and its scheduled-event permissions, driven by a bare
discord.py client: a cut gateway closes the socket and refuses reconnections until it
is restored, then the client resumes its session; events follow Discord's documented
permission requirements (Create Events, and View Channel and Connect for a voice
channel's event)."""

from __future__ import annotations

import datetime

import discord
import pytest

from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import ADMINISTRATOR, ALL_PERMISSIONS, Overwrite, ScheduledEvent

from .conftest import BareClient

pytestmark = pytest.mark.asyncio

VIEW_CHANNEL, CONNECT, MANAGE_EVENTS, CREATE_EVENTS = 1 << 10, 1 << 20, 1 << 33, 1 << 44
START = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)


async def test_a_cut_gateway_refuses_reconnections_until_restored_then_the_client_resumes(
    fake: FakeDiscord, client: BareClient
) -> None:
    assert fake.connected_clients == 1 and fake.gateway.identify_count == 1
    await fake.cut_gateway()
    await fake.wait_for(
        lambda: fake.connected_clients == 0 and fake.gateway.refused >= 1,
        what="the client to lose the gateway and be refused when it tries again",
    )
    assert client.ws is not None and not client.ws.open
    # REST still answers during the outage
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("still here")
    fake.restore_gateway()
    await fake.wait_for(
        lambda: fake.connected_clients == 1, timeout=20, what="the client to reconnect"
    )
    assert fake.gateway.identify_count == 1  # resumed, not identified again
    assert any(frame.get("op") == 6 for frame in fake.gateway.received)
    fake.assert_no_unhandled()


def only(bits: int) -> int:
    """The bot's role with every permission but administrator and `bits` removed."""
    return ALL_PERMISSIONS & ~ADMINISTRATOR & ~bits


async def test_voice_events_need_view_channel_and_connect_in_their_channel(
    fake: FakeDiscord, client: BareClient
) -> None:
    guild = client.get_guild(fake.guild.id)
    assert guild is not None
    salon = fake.add_voice_channel("salon")
    await fake.wait_for(lambda: guild.get_channel(salon.id) is not None)
    voice = guild.get_channel(salon.id)
    assert isinstance(voice, discord.VoiceChannel)
    role_id = next(role.id for role in fake.guild.roles.values() if role.managed)
    for denied in (CONNECT, VIEW_CHANNEL):
        salon.overwrites[role_id] = Overwrite(id=role_id, type=0, deny=denied)
        with pytest.raises(discord.Forbidden) as refused:
            await guild.create_scheduled_event(
                name="séance", start_time=START, channel=voice,
                entity_type=discord.EntityType.voice, privacy_level=discord.PrivacyLevel.guild_only,
            )  # fmt: skip
        assert refused.value.code == 50013
    assert fake.guild.events == {}
    salon.overwrites.clear()
    event = await guild.create_scheduled_event(
        name="séance", start_time=START, channel=voice,
        entity_type=discord.EntityType.voice, privacy_level=discord.PrivacyLevel.guild_only,
    )  # fmt: skip
    assert fake.guild.events[event.id].channel_id == salon.id
    # the channel loses Connect: Discord refuses to edit or delete the event there
    salon.overwrites[role_id] = Overwrite(id=role_id, type=0, deny=CONNECT)
    with pytest.raises(discord.Forbidden):
        await event.edit(name="séance déplacée")
    with pytest.raises(discord.Forbidden):
        await event.delete()
    assert fake.guild.events[event.id].name == "séance"


async def test_create_events_covers_the_bots_own_events_and_manage_events_the_others(
    fake: FakeDiscord, client: BareClient
) -> None:
    guild = client.get_guild(fake.guild.id)
    assert guild is not None
    fake.bot_permissions = only(MANAGE_EVENTS)
    event = await guild.create_scheduled_event(
        name="webinaire", start_time=START, end_time=START + datetime.timedelta(hours=3),
        entity_type=discord.EntityType.external, location="Bruxelles",
        privacy_level=discord.PrivacyLevel.guild_only,
    )  # fmt: skip
    await event.edit(name="webinaire (salle 2)")
    assert fake.guild.events[event.id].name == "webinaire (salle 2)"
    theirs = ScheduledEvent(
        id=fake.world.ids.next(), guild_id=fake.guild.id, name="leur événement",
        scheduled_start_time=START.isoformat(), entity_type=3, creator_id=fake.owner.id,
        scheduled_end_time=(START + datetime.timedelta(hours=1)).isoformat(), location="Lyon",
    )  # fmt: skip
    fake.guild.events[theirs.id] = theirs
    fetched = await guild.fetch_scheduled_event(theirs.id)
    with pytest.raises(discord.Forbidden):
        await fetched.edit(name="repris")
    fake.bot_permissions = only(CREATE_EVENTS)  # Manage Events alone covers them all
    await fetched.edit(name="repris")
    assert fake.guild.events[theirs.id].name == "repris"
    fake.bot_permissions = only(CREATE_EVENTS | MANAGE_EVENTS)
    with pytest.raises(discord.Forbidden):
        await guild.create_scheduled_event(
            name="refusé", start_time=START, end_time=START + datetime.timedelta(hours=1),
            entity_type=discord.EntityType.external, location="Gand",
            privacy_level=discord.PrivacyLevel.guild_only,
        )  # fmt: skip
