"""The report's participation table: every theme (zeros for one without a group), in
the server's language, as a workbook (read by openpyxl) and a CSV (read by csv)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import cycles, themes
from storage.database import session_factory
from storage.models import Theme
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.report.test_commands import SEEDED, seed

HEADERS = ["Thématique", "Région", "Groupes", "Membres en groupe", "Séances tenues",
           "Présences (comptes rendus)", "Recommandations", "Soutiens"]  # fmt: skip
# seven groups of five, two sessions held each (5 + 6 present), one draft each, endorsed
# by n % 4 + 1 members (n: the group's rank in the seed); themes in the report's order
ROWS: list[list[str | int | None]] = [
    ["Accompagnement", "Ouest", 1, 5, 2, 11, 1, 1],
    ["Accompagnement", "Sud", 1, 5, 2, 11, 1, 2],
    ["Horizon post-crise", "Bruxelles", 1, 5, 2, 11, 1, 3],
    ["Horizon post-crise", "en ligne", 1, 5, 2, 11, 1, 4],
    ["Égalité de genre", "Île-de-France", 1, 5, 2, 11, 1, 1],
    ["Égalité de genre", "Nord", 1, 5, 2, 11, 1, 2],
    ["Modèle économique", "en ligne", 1, 5, 2, 11, 1, 3],
    ["Numérique", None, 0, 0, 0, 0, 0, 0],
]


async def add_theme_without_group(fake: FakeDiscord, engine: AsyncEngine) -> None:
    async with session_factory(engine)() as db, db.begin():
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None and cycle.id is not None
        await themes.add(db, Theme(guild_id=fake.guild.id, cycle_id=cycle.id, title="Numérique",
                                   description="Aucun groupe encore.", emoji="5️⃣",
                                   created_at=SEEDED, updated_at=SEEDED))  # fmt: skip


async def test_participation_counts_every_theme_in_a_workbook_and_a_csv(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await seed(fake, sqlite_engine)
    await add_theme_without_group(fake, sqlite_engine)
    clock.set(datetime(2021, 5, 3, 9, 0, tzinfo=UTC))
    res = await fake.slash("report export", user=fake.owner, locale="en-US")
    assert "The .xlsx workbook opens as is in Excel and LibreOffice" in (res.content or "")
    files = dict(res.attachments)
    book = openpyxl.load_workbook(io.BytesIO(files["sipbot-2020-2021.xlsx"]))
    assert book.sheetnames == ["Participation", "Suivi"]  # the server's language, not the reader's
    sheet = book["Participation"]
    assert [c.value for c in sheet[1]] == HEADERS and sheet.freeze_panes == "A2"
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert body == ROWS
    assert all(isinstance(v, int) for row in body for v in row[2:])  # counts are numbers
    table = list(
        csv.reader(
            io.StringIO(files["sipbot-2020-2021-participation.csv"].decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert table[0] == HEADERS
    assert table[1:] == [["" if v is None else str(v) for v in row] for row in ROWS]
    assert table[-1] == ["Numérique", "", "0", "0", "0", "0", "0", "0"]


async def test_a_theme_without_groups_alone_is_a_row_of_zeros(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await seed(fake, sqlite_engine)
    await add_theme_without_group(fake, sqlite_engine)
    res = await fake.slash(
        "report export", user=fake.owner, locale="fr", options={"theme": "Numérique"}
    )
    assert "séparateur point-virgule" in (res.content or "")
    files = dict(res.attachments)
    (name,) = [n for n in files if n.endswith(".xlsx")]
    assert name.startswith("sipbot-2020-2021-theme-")
    assert name.replace(".xlsx", "-participation.csv") in files
    sheet = openpyxl.load_workbook(io.BytesIO(files[name]))["Participation"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [ROWS[-1]]
