"""Meetings through the fake Discord: the event, the announcement and its copy, seats
and the waitlist, a freed seat going to the first in line with a DM, clicks at once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.meetings.helpers import (
    START,
    announcement,
    click,
    dms,
    meeting_world,
    move_to,
    only_meeting,
    registrations,
    schedule,
    wait_settled,
)

STAMP = f"<t:{int(START.timestamp())}:F> (<t:{int(START.timestamp())}:R>)"


def field(message_embeds: list[dict[str, object]], name: str) -> str:
    (embed,) = message_embeds
    fields = embed.get("fields")
    assert isinstance(fields, list)
    return next(str(f["value"]) for f in fields if f["name"] == name)


async def test_schedule_creates_the_event_the_announcement_its_theme_copy_and_pings_nobody(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    res = await schedule(
        fake, theme=f"#{world.theme_id}", kind="webinar", place="Bureau de Lyon",
        visio_url="https://visio.example.org/egalite", capacity=30, speaker="Camille Martin",
        description="Avec une intervenante extérieure.",
    )  # fmt: skip
    assert res.ephemeral
    assert res.content == (
        "« Webinaire « Égalité des genres dans le monde du travail » » est annoncé pour "
        f"{STAMP} : l'événement, l'annonce et les boutons d'inscription sont prêts."
    )
    meeting = await only_meeting(sqlite_engine)
    assert (meeting.kind, meeting.starts_at, meeting.minutes, meeting.capacity) == (
        "webinar", START, 120, 30,
    )  # fmt: skip
    event = fake.guild.events[meeting.event_id or 0]
    assert event.name == meeting.title and event.location == "Bureau de Lyon"
    assert datetime.fromisoformat(event.scheduled_end_time or "") == START + timedelta(hours=2)
    assert event.description is not None and "Camille Martin" in event.description
    post = announcement(fake, meeting)
    copy = fake.message(meeting.info_message_id or 0)
    assert post.channel_id == world.announcements.id
    assert copy is not None and meeting.info_channel_id == world.info.id == copy.channel_id
    for message in (post, copy):
        buttons = [c["custom_id"] for row in message.components for c in row["components"]]
        assert buttons == [f"sip:meet:{meeting.id}:{c}" for c in ("in_person", "online", "cancel")]
        assert message.allowed_mentions == {"parse": []}  # nobody pinged, no role
        assert "<@&" not in message.content
        assert field(message.embeds, "Quand") == STAMP
        assert field(message.embeds, "Inscriptions") == (
            "🏢 Sur place : personne encore, pour 30 places · 30 places restantes\n"
            "💻 En ligne : personne encore"
        )
        assert field(message.embeds, "Thématique") == "Accompagnement"


async def test_five_registrations_for_three_seats_then_a_cancel_gives_the_first_waiting_the_seat(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    await schedule(
        fake, place="Bureau de Rennes", visio_url="https://visio.example.org/a", capacity=3
    )
    meeting = await only_meeting(sqlite_engine)
    post = announcement(fake, meeting)
    people = world.group.members[:5]
    answers = []
    for person in people:
        res = await click(fake, post, meeting, "in_person", person)
        answers.append((await res.wait_followup()).content)
    assert answers[0].startswith("✅ Vous êtes inscrit·e sur place")
    assert answers[3].startswith(
        "⏳ Les 3 places sur place sont prises : vous êtes en liste d'attente, en position 1."
    )
    assert "en position 2" in answers[4] and "bouton « Je suis en ligne »" in answers[4]
    rows = await registrations(sqlite_engine, meeting.id)
    assert [(r.member_id, r.state, r.seat) for r in rows] == [
        (people[0].id, "registered", 1), (people[1].id, "registered", 2),
        (people[2].id, "registered", 3), (people[3].id, "waitlisted", None),
        (people[4].id, "waitlisted", None),
    ]  # fmt: skip
    assert field(post.embeds, "Inscriptions").startswith(
        "🏢 Sur place : 3 inscrit·es pour 3 places · complet\n⏳ Liste d'attente : 2 personnes"
    )
    res = await click(fake, post, meeting, "cancel", people[1])
    assert (await res.wait_followup()).content.startswith("Votre inscription à « ")
    by_member = {r.member_id: r for r in await registrations(sqlite_engine, meeting.id)}
    assert (by_member[people[1].id].state, by_member[people[1].id].seat) == ("cancelled", None)
    assert (by_member[people[3].id].state, by_member[people[3].id].seat) == ("registered", 2)
    assert by_member[people[4].id].state == "waitlisted"
    await fake.wait_for(lambda: dms(fake, people[3]), what="the promoted member's DM")
    (promoted,) = dms(fake, people[3])
    assert promoted.startswith("🎟️ Une place s'est libérée : vous êtes inscrit·e sur place à « ")
    assert "Bureau de Rennes" in promoted and STAMP in promoted
    await wait_settled(sqlite_engine, clock, "meeting_notice")
    assert [dms(fake, p) for p in (people[0], people[1], people[2], people[4])] == [[]] * 4
    # the waitlisted member's reminders were planned when they registered: they stay
    res = await click(fake, post, meeting, "in_person", people[4])
    assert (await res.wait_followup()).content.startswith(
        "Vous êtes déjà en liste d'attente pour « "
    )


async def test_switching_to_online_frees_the_seat_and_back_joins_the_end_of_the_queue(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    await schedule(fake, place="Lille", visio_url="https://visio.example.org/b", capacity=1)
    meeting = await only_meeting(sqlite_engine)
    post = announcement(fake, meeting)
    first, second = world.group.members[:2]
    await (await click(fake, post, meeting, "in_person", first)).wait_followup()
    await (await click(fake, post, meeting, "in_person", second)).wait_followup()
    res = await click(fake, post, meeting, "online", first)
    assert (await res.wait_followup()).content.startswith("✅ Vous êtes inscrit·e en ligne")
    res = await click(fake, post, meeting, "in_person", first)
    assert "en position 1" in (await res.wait_followup()).content
    rows = {r.member_id: r for r in await registrations(sqlite_engine, meeting.id)}
    assert (rows[second.id].state, rows[second.id].seat) == ("registered", 1)
    assert (rows[first.id].mode, rows[first.id].state) == ("in_person", "waitlisted")
    await fake.wait_for(lambda: dms(fake, second), what="the promoted member's DM")


async def test_many_clicks_at_once_for_few_seats_never_oversell(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await meeting_world(fake, sqlite_engine, clock)
    await schedule(fake, place="Bruxelles", capacity=2)
    meeting = await only_meeting(sqlite_engine)
    post = announcement(fake, meeting)
    crowd = [fake.add_member(f"sociétaire-{n}") for n in range(10)]
    results = await asyncio.gather(*(click(fake, post, meeting, "in_person", p) for p in crowd))
    answers = [(await r.wait_followup()).content for r in results]
    rows = await registrations(sqlite_engine, meeting.id)
    assert sorted(r.seat or 0 for r in rows if r.state == "registered") == [1, 2]
    assert sum(r.state == "waitlisted" for r in rows) == 8
    assert sum(a.startswith("✅") for a in answers) == 2
    positions = sorted(int(a.split("en position ")[1].split(".")[0]) for a in answers if "⏳" in a)
    assert positions == list(range(1, 9))
    assert len({r.seq for r in rows}) == 10


async def test_a_meeting_without_a_place_offers_online_only_and_has_no_seats(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    voice = fake.add_voice_channel("Amphi")
    await schedule(fake, voice=voice, kind="presentation")
    meeting = await only_meeting(sqlite_engine)
    post = announcement(fake, meeting)
    buttons = [c["custom_id"] for row in post.components for c in row["components"]]
    assert buttons == [f"sip:meet:{meeting.id}:online", f"sip:meet:{meeting.id}:cancel"]
    event = fake.guild.events[meeting.event_id or 0]
    assert (event.entity_type, event.channel_id) == (2, voice.id)
    res = await fake.click(
        post, f"sip:meet:{meeting.id}:online", user=world.group.members[0], locale="fr"
    )
    assert (await res.wait_followup()).content.startswith("✅ Vous êtes inscrit·e en ligne")
    assert field(post.embeds, "Inscriptions") == "💻 En ligne : 1 inscrit·e"


async def test_the_theme_copy_shows_new_numbers_within_seconds_of_a_click(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    await schedule(fake, theme=f"#{world.theme_id}", place="Namur", capacity=5)
    meeting = await only_meeting(sqlite_engine)
    copy = fake.message(meeting.info_message_id or 0)
    assert copy is not None
    await (
        await click(fake, announcement(fake, meeting), meeting, "in_person", world.group.members[0])
    ).wait_followup()
    assert "personne encore" in field(copy.embeds, "Inscriptions")  # not yet: one edit per window
    await move_to(bot, clock, clock.now() + timedelta(seconds=10))
    await wait_settled(sqlite_engine, clock, "meeting_card")
    assert field(copy.embeds, "Inscriptions").startswith("🏢 Sur place : 1 inscrit·e pour 5 places")


async def test_without_the_create_events_permission_the_meeting_is_announced_and_the_organiser_told(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await meeting_world(fake, sqlite_engine, clock)
    fake.bot_permissions = fake.bot_permissions & ~(1 << 33 | 1 << 44)  # Manage and Create Events
    res = await schedule(fake, place="Mons")
    assert res.content is not None and res.content.endswith(
        "Discord a refusé l'événement : donnez au bot la permission « Créer des événements », "
        "puis voyez /configurer vérifier."
    )
    meeting = await only_meeting(sqlite_engine)
    assert meeting.event_id is None and not fake.guild.events
    post = announcement(fake, meeting)
    assert "Discord a refusé l'événement" in field(post.embeds, "Événement")
    assert [c["custom_id"] for row in post.components for c in row["components"]] == [
        f"sip:meet:{meeting.id}:in_person", f"sip:meet:{meeting.id}:cancel",
    ]  # fmt: skip
