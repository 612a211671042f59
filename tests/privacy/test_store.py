"""What `/privacy export` gathers (storage/privacy.py) on SQLite and PostgreSQL, and the
file made of it (bot/privacy/files.py), read back as a browser reads numbers."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kit.i18n import Catalog
from bot.privacy import files
from storage import privacy
from storage.database import session_factory
from storage.upsert import table_of
from tests.privacy.helpers import GUILD, MEMBER, NOW, OTHER, seed_everything

CATALOG = Catalog.load()


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings(v)]]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return [value] if isinstance(value, str) else []


async def test_every_exported_table_comes_with_what_its_rows_point_at(engine: AsyncEngine) -> None:
    seeded = await seed_everything(engine)
    async with session_factory(engine)() as db:
        found = await privacy.export(db, MEMBER)
    assert set(found.tables) == {table_of(model).name for model, _c, _a in privacy.PERSONAL}
    assert len(found.tables["work_group"]) == 1  # facilitator and secretary: the group once
    assert [row["member_id"] for row in found.tables["interest_vote"]] == [MEMBER]
    assert found.tables["ballot"][0]["choices"] == [2, 0]  # JSON text decoded
    assert found.tables["audit_log"][0]["detail"]["facilitator"] == MEMBER
    assert found.related["work_group"][seeded.group_id]["name"] == "Gent"
    assert found.related["group_session"][seeded.session_id]["number"] == 2
    assert {row["title"] for row in found.related["theme"].values()} == {"Mobiliteit"}
    assert found.timezones == {GUILD: "Europe/Brussels"}
    assert found.count == 24
    # their own invitation only: the one they sent OTHER is OTHER's (with OTHER's reason)
    assert [row["member_id"] for row in found.tables["invitation"]] == [MEMBER]
    async with session_factory(engine)() as db:
        nothing = await privacy.export(db, OTHER + 1)
    assert nothing.tables == {} and nothing.count == 0


async def test_the_file_tells_every_table_in_dutch_with_the_servers_time(
    engine: AsyncEngine,
) -> None:
    await seed_everything(engine)
    async with session_factory(engine)() as db:
        found = await privacy.export(db, MEMBER)
    tr = CATALOG.bind("nl")
    text = files.encode(files.document(found, MEMBER, NOW, tr, "Europe/Paris")).decode()
    exported = json.loads(text, parse_int=float)
    assert exported == json.loads(text)  # no number a browser would read differently
    titles = [files.section_title(tr, table) for table in files.SECTIONS]
    assert [key for key in exported if key in titles] == titles  # every table, in order
    assert not [s for s in strings(exported) if "privacy.export." in s]  # no key unworded
    tables = exported["records"]["tables"]
    assert tables["work_group"][0]["facilitator_id"] == str(MEMBER)
    assert tables["work_group"][0]["guild_id"] == str(GUILD) != str(MEMBER)
    assert tables["audit_log"][0]["detail"] == {
        "facilitator": str(MEMBER), "group": "1", "secretary": str(OTHER)}  # fmt: skip
    (answer,) = exported["Je antwoorden op sessies"]
    assert answer == {
        "Groep": "Gent", "Sessie nr.": 2, "Datum": "2027-07-01T18:00:00+02:00",
        "Datum (UTC)": "2027-07-01T16:00:00Z", "Je antwoord": "Online",
        "Laatst gewijzigd": "2027-03-01T10:00:00+01:00",
    }  # fmt: skip
    (roles,) = exported["Groepen die je begeleidt of waarvan je secretaris bent"]
    assert roles["Je rol"] == "begeleider, secretaris"
    (ballot,) = exported["Je stembiljetten bij stemmingen van de algemene vergadering"]
    assert ballot["Je stembiljet"] == ["Mobiliteit", "Wonen"]  # ranked: favourite first
    (membership,) = exported["Je groepen"]
    assert membership["Toegevoegd via"] == "een uitnodiging"


def test_the_reply_lists_every_section_within_one_message_in_every_language() -> None:
    rows = {table: [{"id": i} for i in range(9999)] for table in files.SECTIONS}
    found = privacy.Export(rows, {}, {})
    for language in ("fr", "en", "nl"):
        reply = files.summary(CATALOG.bind(language), found)
        assert len(reply) <= 2000
        assert reply.count("\n") == len(files.SECTIONS)  # nothing dropped to fit
    empty = privacy.Export({}, {}, {})
    assert files.summary(CATALOG.bind("fr"), empty).startswith("sipbot ne conserve rien")


async def test_forgetting_deletes_ones_invitations_and_clears_one_from_those_one_sent(
    engine: AsyncEngine,
) -> None:
    await seed_everything(engine)
    async with session_factory(engine)() as db, db.begin():
        touched = await privacy.forget(db, MEMBER)
    async with session_factory(engine)() as db:
        left = await privacy.holds(db, MEMBER)
        others = await privacy.export(db, OTHER)
    assert touched["invitation"] == 2  # their own deleted, the one they sent cleared
    assert left == []
    (sent,) = others.tables["invitation"]
    assert (sent["invited_by"], sent["reason"], sent["state"]) == (None, "Geen tijd.", "declined")
