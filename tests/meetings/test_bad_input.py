"""Bad input and the wrong person: a clear ephemeral message, and nothing changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Member
from tests.fuzz.helpers import changed_tables, snapshot
from tests.meetings.helpers import announcement, click, meeting_world, meetings, schedule

NOT_RUNNER = (
    "Seul·es les organisateur·ices, et pour un rendez-vous d'une thématique les "
    "animateur·ices de ses groupes, peuvent faire cela."
)


async def refused(
    fake: FakeDiscord, engine: AsyncEngine, name: str, user: Member, **options: Any
) -> str:
    before = await snapshot(engine)
    # raw: as a hand-made interaction may, values outside the declared choices too
    res = await fake.slash(name, user=user, options=options, locale="fr", raw=True)
    assert res.ephemeral, (name, options)
    assert changed_tables(before, await snapshot(engine)) == [], (name, options)
    assert res.content is not None
    return res.content


async def test_who_may_run_a_meeting(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    member, facilitator = world.group.members[3], world.group.facilitator
    options = {"title": "Rencontre", "start": "04/02/2027 18h00", "place": "Lyon"}
    assert await refused(fake, sqlite_engine, "meeting schedule", member, **options) == NOT_RUNNER
    assert (
        await refused(fake, sqlite_engine, "meeting schedule", facilitator, **options) == NOT_RUNNER
    )
    res = await schedule(fake, user=facilitator, theme=f"#{world.theme_id}", place="Lyon")
    assert res.content is not None and "est annoncé pour" in res.content
    (meeting,) = await meetings(sqlite_engine)
    assert meeting.created_by == facilitator.id
    target = {"meeting": f"#{meeting.id}"}
    changes: list[tuple[str, dict[str, str]]] = [
        ("meeting reschedule", {"start": "05/02/2027 18h00"}), ("meeting cancel", {}),
        ("meeting attendees", {}), ("meeting report", {}),
    ]  # fmt: skip
    for name, extra in changes:
        assert await refused(fake, sqlite_engine, name, member, **target, **extra) == NOT_RUNNER
    res = await fake.slash("meeting attendees", user=facilitator, options=target, locale="fr")
    assert res.attachments  # the theme's facilitator runs its meeting


async def test_schedule_refuses_what_cannot_be_announced(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    owner = fake.owner
    base = {"title": "Rencontre", "start": "04/02/2027 18h00"}
    await fake.slash("meeting list", user=owner)  # the server's settings exist from now on
    no_channel = await refused(fake, sqlite_engine, "meeting schedule", owner, **base, place="Lyon")
    assert no_channel.startswith("Aucun salon d'annonces où annoncer le rendez-vous")
    await meeting_world(fake, sqlite_engine, clock)
    cases: dict[str, dict[str, Any]] = {
        "Dites où il a lieu": {},
        "Les places se comptent sur place": {"visio_url": "https://v.example.org", "capacity": 5},
        "« ftp://x » n'est pas un lien": {"visio_url": "ftp://x"},
        "est dans le passé": {"place": "Lyon", "start": "01/01/2027 18h00"},
        "Le titre est trop long": {"place": "Lyon", "title": "t" * 101},
        "La description est trop longue": {"place": "Lyon", "description": "d" * 1001},
        "Thématique inconnue": {"place": "Lyon", "theme": "#999999"},
        "Type de rendez-vous inconnu": {"place": "Lyon", "kind": "fête"},
    }
    for start, extra in cases.items():
        text = await refused(fake, sqlite_engine, "meeting schedule", owner, **{**base, **extra})
        assert start in text, (start, text)


async def test_changes_refuse_unknown_past_or_finished_meetings(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    owner = fake.owner
    unknown = await refused(fake, sqlite_engine, "meeting cancel", owner, meeting="Fête")
    assert unknown.startswith("Rendez-vous inconnu : « Fête ».")
    assert "inconnu" in await refused(
        fake, sqlite_engine, "meeting cancel", owner, meeting="#" + "9" * 30
    )
    await schedule(fake, place="Lyon")
    (meeting,) = await meetings(sqlite_engine)
    past = await refused(fake, sqlite_engine, "meeting reschedule", owner,
                         meeting=f"#{meeting.id}", start="01/01/2027 10h00")  # fmt: skip
    assert "est dans le passé" in past
    await fake.slash("meeting cancel", user=owner, options={"meeting": f"#{meeting.id}"})
    again = await refused(fake, sqlite_engine, "meeting cancel", owner, meeting=f"#{meeting.id}")
    assert again.endswith("est annulé ou a déjà eu lieu : plus rien à changer.")
    res = await fake.slash("meeting list", user=world.group.members[0], locale="fr")
    assert res.content == "Aucun rendez-vous à venir."


async def test_a_click_from_someone_without_the_member_role_or_not_registered_changes_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    await schedule(fake, place="Lyon", capacity=2)
    (meeting,) = await meetings(sqlite_engine)
    post = announcement(fake, meeting)
    member = world.group.members[0]
    before = await snapshot(sqlite_engine)
    res = await click(fake, post, meeting, "cancel", member)
    assert res.ephemeral and res.content == (
        "Vous n'êtes pas inscrit·e à ce rendez-vous : rien à annuler."
    )
    sociétaires = fake.add_role("Sociétaires")
    await fake.slash("setup roles", user=fake.owner, options={"member": sociétaires})
    before = await snapshot(sqlite_engine)
    res = await click(fake, post, meeting, "in_person", member)
    assert res.ephemeral and res.content is not None
    assert res.content.startswith("Les inscriptions sont réservées aux sociétaires")
    assert changed_tables(before, await snapshot(sqlite_engine)) == []
