"""`/privacy export`'s file: everything stored about a member, told so that they can read
it (the right of access asks for an intelligible copy), with the rows themselves beside it.

The file is one JSON object. Its first keys are in the reader's language: what the file
is, who and when, then one section per kind of record, each record saying what it is
about — the theme's title for an interest vote, the group's name for a membership, a
session's date in its server's time zone and in UTC, an assembly vote's title and the
options of the member's own ballot. The last key, `records`, keeps the rows as stored,
table by table, for tools. Every id is a string (bot/kit/jsonout.py): a browser, which
reads numbers as doubles, gets the database's ids back, never a rounded one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.kit import jsonout
from bot.kit.i18n import Tr
from bot.kit.text import MESSAGE_LIMIT, pack
from bot.privacy.sections import SECTIONS, Reader
from storage.privacy import Export

RECORDS = "records"  # the machine-readable part: one fixed key in every language
FORMAT = "sipbot-privacy-export/2"
Row = dict[str, Any]


def _told(r: Reader, table: str, row: Row) -> Row:
    """A row's fields under the reader's words; what is empty is left out."""
    fields = SECTIONS[table](r, row)
    return {
        r.tr(f"privacy.export.field.{name}"): value
        for name, value in fields.items()
        if value is not None and value != "" and value != []
    }


def section_title(tr: Tr, table: str) -> str:
    return tr(f"privacy.export.section.{table}")


def document(export: Export, member_id: int, now: datetime, tr: Tr, timezone: str) -> Row:
    """The export as a JSON-ready mapping (ids still integers: `encode` writes them)."""
    r = Reader(export, member_id, tr, timezone)
    told: Row = {
        tr("privacy.export.about"): tr("privacy.export.note"),
        tr("privacy.export.member"): str(member_id),
        tr("privacy.export.exported_at"): r.local(now, None),
    }
    for table in SECTIONS:
        rows = export.tables.get(table)
        if rows:
            told[section_title(tr, table)] = [_told(r, table, row) for row in rows]
    told[RECORDS] = {
        "format": FORMAT,
        "member_id": member_id,
        "exported_at": Reader.utc(now),
        "language": tr.language,
        "tables": export.tables,
    }
    return told


def encode(told: Row) -> bytes:
    return jsonout.dumps(told).encode("utf-8")


def summary(tr: Tr, found: Export) -> str:
    """The reply: what the file holds, how many records under which section (one message)."""
    if not found.count:
        return tr("privacy.export.nothing")
    lines = [tr("privacy.export.ready", count=found.count)] + [
        tr("privacy.export.line", section=section_title(tr, table), count=len(rows))
        for table in SECTIONS
        if (rows := found.tables.get(table))
    ]
    return pack(lines, MESSAGE_LIMIT)[0]
