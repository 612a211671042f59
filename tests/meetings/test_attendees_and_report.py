"""What organisers get: the attendees as a workbook and a CSV (read back by openpyxl and
the csv module), the list with seats left, and the report posted under the announcement."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.meetings.helpers import (
    START,
    announcement,
    click,
    meeting_world,
    move_to,
    only_meeting,
    schedule,
)


async def test_the_attendees_export_lists_every_registrant_with_ids_as_text(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    await schedule(fake, place="Nantes", visio_url="https://visio.example.org/n", capacity=1)
    meeting = await only_meeting(sqlite_engine)
    post = announcement(fake, meeting)
    a, b, c, d = world.group.members[:4]
    for person, choice in ((a, "in_person"), (b, "in_person"), (c, "online"), (d, "online")):
        await (await click(fake, post, meeting, choice, person)).wait_followup()
    await (await click(fake, post, meeting, "cancel", d)).wait_followup()
    res = await fake.slash(
        "meeting attendees", user=fake.owner, locale="fr", options={"meeting": f"#{meeting.id}"}
    )
    assert res.ephemeral
    assert res.content is not None and res.content.startswith(
        "Inscriptions à « Webinaire « Égalité des genres dans le monde du travail » » : "
        "1 sur place, 1 en liste d'attente, 1 en ligne ; messages privés fermés : 0."
    )
    files = dict(res.attachments)
    assert set(files) == {
        f"meeting-{meeting.id}-attendees.xlsx",
        f"meeting-{meeting.id}-attendees.csv",
    }
    sheet = openpyxl.load_workbook(io.BytesIO(files[f"meeting-{meeting.id}-attendees.xlsx"])).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Identifiant Discord", "Nom affiché", "Participation", "État", "Place",
        "Rang en liste d'attente", "Inscrit·e le (Europe/Paris)", "Messages privés",
    ]  # fmt: skip
    assert [r[:6] for r in rows[1:]] == [
        [str(a.id), a.user.name, "Sur place", "inscrit·e", 1, None],
        [str(b.id), b.user.name, "Sur place", "en liste d'attente", None, 1],
        [str(c.id), c.user.name, "En ligne", "inscrit·e", None, None],
        [str(d.id), d.user.name, "En ligne", "inscription annulée", None, None],
    ]
    assert all(isinstance(r[0], str) for r in rows[1:])
    assert rows[1][6] is not None and rows[1][7] == "aucun message envoyé"
    text = files[f"meeting-{meeting.id}-attendees.csv"].decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [line[0] for line in table[1:]] == [str(p.id) for p in (a, b, c, d)]


async def test_the_list_shows_seats_left_and_where_the_reader_stands(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await meeting_world(fake, sqlite_engine, clock)
    await schedule(fake, place="Gand", capacity=3)
    meeting = await only_meeting(sqlite_engine)
    member = world.group.members[2]
    await (
        await click(fake, announcement(fake, meeting), meeting, "in_person", member)
    ).wait_followup()
    res = await fake.slash("meeting list", user=member, locale="fr")
    assert res.ephemeral
    assert res.embeds[0]["title"] == "Rendez-vous à venir"
    text = res.text
    assert "1 inscrit·e pour 3 places · 2 places restantes" in text
    assert "Vous : inscrit·e sur place" in text
    assert "messages privés fermés" not in text  # organisers only


async def test_the_report_is_posted_under_the_announcement_after_the_meeting(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await meeting_world(fake, sqlite_engine, clock)
    await schedule(fake, visio_url="https://visio.example.org/w")
    meeting = await only_meeting(sqlite_engine)
    res = await fake.slash("meeting report", user=fake.owner, locale="fr",
                           options={"meeting": f"#{meeting.id}"})  # fmt: skip
    assert res.ephemeral and res.content is not None and "n'a pas encore commencé" in res.content
    await move_to(bot, clock, START + timedelta(hours=3))
    res = await fake.slash("meeting report", user=fake.owner, locale="fr",
                           options={"meeting": f"#{meeting.id}"})  # fmt: skip
    assert res.modal is not None
    summary = "Trois constats partagés. " * 250  # 6,250 characters: over one message
    before = {m.id for m in fake.messages_in(meeting.channel_id or 0)}  # phases announced too
    res = await fake.submit_modal(
        f"sip:meeting_report:{meeting.id}:{fake.owner.id}",
        {"summary": summary[:4000], "recording": "https://video.example.org/replay"},
        user=fake.owner, locale="fr",
    )  # fmt: skip
    assert res.content is not None and res.content.startswith("Le compte rendu de « ")
    posts = [m for m in fake.messages_in(meeting.channel_id or 0) if m.id not in before]
    assert len(posts) == 3
    assert posts[0].message_reference is not None
    assert int(posts[0].message_reference["message_id"]) == meeting.message_id
    assert posts[0].content.startswith("📝 **Compte rendu — ")
    assert "".join(p.content for p in posts).count("Trois constats partagés.") == 4000 // 25
    assert posts[-1].content.endswith("🎥 Enregistrement : https://video.example.org/replay")
    done = await only_meeting(sqlite_engine)
    assert (done.status, done.recording_url, done.report_message_id) == (
        "done", "https://video.example.org/replay", posts[0].id,
    )  # fmt: skip
    assert announcement(fake, done).components == []
