"""A session in a voice channel: Discord creates its event only if the bot may see the
channel and connect to it. `/session schedule` refuses a channel without them, before
storing anything; `/setup check` names the channel of a coming session that lost them
(or was deleted), with the fix; an event whose channel lost them is refused by Discord."""

from __future__ import annotations

import discord
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage.database import session_factory
from storage.models import GroupSession
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel, Overwrite
from tests.harness import eventually
from tests.sessions.helpers import Group, published_group

CONNECT = 1 << 20
EVENTS = r"^/guilds/\d+/scheduled-events"


def bot_role_id(fake: FakeDiscord) -> int:
    return next(role.id for role in fake.guild.roles.values() if role.managed)


async def deny_connect(fake: FakeDiscord, bot: SipBot, channel: Channel) -> None:
    channel.overwrites[bot_role_id(fake)] = Overwrite(id=bot_role_id(fake), type=0, deny=CONNECT)
    fake.channel_updated(channel)

    def denied() -> bool:
        seen = bot.get_channel(channel.id)
        return (
            isinstance(seen, discord.VoiceChannel)
            and not seen.permissions_for(seen.guild.me).connect
        )

    await fake.wait_for(denied, what="the overwrite to reach the bot")


async def schedule_in(fake: FakeDiscord, group: Group, channel: Channel, locale: str = "fr") -> str:
    res = await fake.slash(
        "session schedule", user=group.facilitator, channel=group.channel, locale=locale,
        options={"start": "20/01/2027 18h00", "voice": channel},
    )  # fmt: skip
    assert res.ephemeral
    return res.content or ""


async def sessions_stored(engine: AsyncEngine) -> int:
    async with session_factory(engine)() as db:
        return int((await db.execute(select(func.count()).select_from(GroupSession))).scalar_one())


async def test_a_voice_session_gets_a_voice_event_in_its_channel(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    salon = fake.add_voice_channel("Visio Rennes")
    reply = await schedule_in(fake, group, salon)
    assert reply.startswith("Séance 1 programmée"), reply
    await fake.wait_for(lambda: len(fake.guild.events) == 1, what="the event")
    (event,) = fake.guild.events.values()
    assert (event.entity_type, event.channel_id) == (2, salon.id)
    res = await fake.slash("setup check", user=fake.owner, locale="fr")
    assert "Salon vocal" not in res.text


async def test_schedule_refuses_a_voice_channel_the_bot_cannot_connect_to(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    salon = fake.add_voice_channel("Visio Rennes")
    await deny_connect(fake, bot, salon)
    posts = r"^/channels/\d+/messages$"
    posted = fake.count("POST", posts)
    reply = await schedule_in(fake, group, salon)
    assert reply == (
        f"Je ne peux pas créer l'événement de la séance dans <#{salon.id}> : Discord m'y "
        "demande Se connecter. Correction : Modifier le salon → Permissions → rôle du bot → "
        "les autoriser, ou choisissez un autre salon vocal."
    )
    assert await sessions_stored(sqlite_engine) == 0
    assert fake.count("POST", EVENTS) == 0 and fake.count("POST", posts) == posted


async def test_check_names_the_voice_channel_of_a_coming_session_that_lost_connect(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    salon = fake.add_voice_channel("Visio Rennes")
    await schedule_in(fake, group, salon)
    await fake.wait_for(lambda: len(fake.guild.events) == 1, what="the event")
    await deny_connect(fake, bot, salon)
    res = await fake.slash("setup check", user=fake.owner, locale="fr")
    assert (
        f"Salon vocal <#{salon.id}>, où a lieu 1 séance à venir (Ouest – Rennes) : il me "
        "manque **Se connecter**, donc Discord refuse son événement. Correction : Modifier le "
        "salon → Permissions → rôle du bot → autoriser Voir le salon et Se connecter."
    ) in res.text
    res = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert f"Voice channel <#{salon.id}>, where 1 coming session takes place" in res.text
    assert "I lack **Connect**" in res.text
    # Discord now refuses to move that event: the reschedule is told, the event unchanged
    (event,) = fake.guild.events.values()
    before = event.scheduled_start_time
    async with session_factory(sqlite_engine)() as db:
        (session,) = (await db.execute(select(GroupSession))).scalars()
    res = await fake.slash(
        "session reschedule", user=group.facilitator, channel=group.channel, locale="fr",
        options={"session": f"#{session.id}", "start": "21/01/2027 18h00"},
    )  # fmt: skip
    assert res.ephemeral and (res.content or "").startswith("Séance 1 déplacée"), res.content
    await eventually(lambda: _refused(fake), "Discord's refusal of the event's move", timeout=5)
    assert event.scheduled_start_time == before


async def _refused(fake: FakeDiscord) -> bool:
    return any(r.status == 403 for r in fake.matching("PATCH", EVENTS))


async def test_check_warns_when_a_coming_sessions_voice_channel_was_deleted(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    salon = fake.add_voice_channel("Visio Rennes")
    await schedule_in(fake, group, salon)
    await schedule_in(fake, group, salon)
    fake.remove_channel(salon)
    await fake.wait_for(lambda: bot.get_channel(salon.id) is None, what="the deletion")
    res = await fake.slash("setup check", user=fake.owner, locale="fr")
    assert (
        "Le salon vocal de 2 séances à venir (Ouest – Rennes) a été supprimé à la main : "
        "leurs événements ne peuvent plus y avoir lieu. Correction : /séance annuler, puis "
        "/séance programmer avec un autre salon vocal, un lieu ou un lien de visio."
    ) in res.text
    # a session that is over is no longer looked at
    clock.advance(days=30)
    res = await fake.slash("setup check", user=fake.owner, locale="fr")
    assert "salon vocal" not in res.text.casefold()
