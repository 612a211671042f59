"""`/interest export` through the fake: a workbook and a CSV, read back by openpyxl and by
Python's csv module."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import interest
from storage.database import session_factory
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.interest.helpers import NOW, eventually_equal, members, open_poll, prepare, theme_ids

FRENCH_HEADERS = [
    "Identifiant Discord", "Nom affiché", "Thématiques choisies", "Nombre de thématiques",
    "Bureau", "Région", "Mode de réunion", "Volontaire pour animer", "Volontaire pour les notes",
    "Profil mis à jour le (Europe/Paris)",
]  # fmt: skip


def wall(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """Wall time as a date cell holds it: no zone (the column header names it)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC).replace(tzinfo=None)


async def test_export_is_a_workbook_and_a_safe_csv_in_the_servers_language(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message = await open_poll(fake, annonces)
    gunther = fake.add_member("=1+1 Günther", roles=[societaires])
    (bob,) = members(fake, 1, societaires)
    carla = fake.add_member("Carla", roles=[societaires])
    await fake.react(message, "3️⃣", gunther)
    await fake.react(message, "1️⃣", gunther)
    await fake.react(message, "4️⃣", bob)
    async with session_factory(sqlite_engine)() as db, db.begin():
        await interest.save_profile(
            db, fake.guild.id, gunther.id, NOW, office="Gent", mode="either", take_notes=True
        )
        later = NOW + timedelta(days=1)
        await interest.save_profile(db, fake.guild.id, carla.id, later, mode="in_person")
    ids = await theme_ids(sqlite_engine, fake.guild.id)
    await eventually_equal(
        bot, sqlite_engine, fake.guild.id,
        {gunther.id: {ids["1️⃣"], ids["3️⃣"]}, bob.id: {ids["4️⃣"]}},
    )  # fmt: skip

    res = await fake.slash("interest export", user=fake.owner, locale="en-US")
    assert res.ephemeral
    first, formats = (res.content or "").split("\n")
    assert first == "Answers of 2 member(s), one line each."
    assert "UTF-8 with BOM, semicolon-separated" in formats and "Europe/Paris" in formats
    files = dict(res.attachments)
    (xlsx_name,) = [n for n in files if n.endswith(".xlsx")]
    assert set(files) == {xlsx_name, xlsx_name.replace(".xlsx", ".csv")}

    # the file is the server's (French), whatever the reader's locale
    book = openpyxl.load_workbook(io.BytesIO(files[xlsx_name]))
    assert book.sheetnames == ["Réponses"]
    sheet = book["Réponses"]
    assert [c.value for c in sheet[1]] == FRENCH_HEADERS and sheet.freeze_panes == "A2"
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert set(rows) == {str(gunther.id), str(bob.id), str(carla.id)}  # ids are text
    g = rows[str(gunther.id)]
    assert [c.value for c in g] == [
        str(gunther.id), "=1+1 Günther", "Accompagnement | Égalité de genre", 2, "Gent",
        "Vlaanderen", "Indifférent", "Non", "Oui", wall(2020, 11, 2, 11, 0),
    ]  # fmt: skip
    assert g[0].data_type == "s" and g[1].data_type == "s"  # a name, never a formula
    assert isinstance(g[3].value, int) and g[9].is_date
    assert [c.value for c in rows[str(bob.id)]] == [
        str(bob.id), "m0", "Modèle économique", 1, None, None, None, None, None, None,
    ]  # fmt: skip
    assert [c.value for c in rows[str(carla.id)]][2:] == [
        None, 0, None, None, "En présentiel", "Non", "Non", wall(2020, 11, 3, 11, 0),
    ]  # fmt: skip

    text = files[xlsx_name.replace(".xlsx", ".csv")]
    assert text.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert table[0] == FRENCH_HEADERS
    by_id = {row[0]: row for row in table[1:]}
    assert gunther.id > 2**53  # a float (what a spreadsheet makes of a number) rounds it
    assert {int(i) for i in by_id} == {gunther.id, bob.id, carla.id}  # exact
    assert by_id[str(gunther.id)] == [
        str(gunther.id), "'=1+1 Günther", "Accompagnement | Égalité de genre", "2", "Gent",
        "Vlaanderen", "Indifférent", "Non", "Oui", "2020-11-02T11:00:00+01:00",
    ]  # fmt: skip

    french = await fake.slash("interest export", user=fake.owner, locale="fr")
    assert "UTF-8 avec BOM, séparateur point-virgule" in (french.content or "")
    member_try = await fake.slash("interest export", user=bob, locale="en-US")
    assert member_try.attachments == [] and (member_try.content or "").startswith(
        "This command is for organisers"
    )


async def test_a_dutch_server_gets_its_export_in_dutch(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    await fake.slash(
        "setup locale", user=fake.owner, options={"language": "nl", "timezone": "Europe/Brussels"}
    )
    message = await open_poll(fake, annonces)
    (ann,) = members(fake, 1, societaires)
    await fake.react(message, "2️⃣", ann)
    async with session_factory(sqlite_engine)() as db, db.begin():
        await interest.save_profile(db, fake.guild.id, ann.id, NOW, mode="online", facilitate=True)
    ids = await theme_ids(sqlite_engine, fake.guild.id)
    await eventually_equal(bot, sqlite_engine, fake.guild.id, {ann.id: {ids["2️⃣"]}})
    res = await fake.slash("interest export", user=fake.owner, locale="en-US")
    (xlsx_name,) = [n for n, _data in res.attachments if n.endswith(".xlsx")]
    sheet = openpyxl.load_workbook(io.BytesIO(dict(res.attachments)[xlsx_name]))["Antwoorden"]
    assert [c.value for c in sheet[1]][:4] == [
        "Discord-id", "Weergavenaam", "Gekozen thema's", "Aantal thema's",
    ]  # fmt: skip
    assert sheet["J1"].value == "Profiel bijgewerkt op (Europe/Brussels)"
    assert [c.value for c in sheet[2]][6:9] == ["Online", "Ja", "Nee"]
    assert sheet["J2"].number_format == "dd/mm/yyyy hh:mm"
