"""`/meeting attendees`: the registrations as a workbook and a CSV (bot/kit/sheets.py),
in the server's language: one row per member who ever registered, in queue order.

Columns: Discord id (text: 19 digits survive every spreadsheet), display name (as
shown when they last clicked), mode, state (registered, waitlisted, cancelled), seat,
position on the waitlist, registered at, and what the last DM to them found (sent,
DMs closed, or nothing sent yet)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.kit.i18n import Tr
from bot.kit.sheets import Column, Kind, Table
from bot.meetings import rules
from storage.models import Meeting, MeetingRegistration


def attendees(tr: Tr, meeting: Meeting, rows: Sequence[MeetingRegistration]) -> Table:
    columns = [
        Column(tr("meeting.sheet.member_id")),
        Column(tr("meeting.sheet.display_name")),
        Column(tr("meeting.sheet.mode")),
        Column(tr("meeting.sheet.state")),
        Column(tr("meeting.sheet.seat"), Kind.INTEGER),
        Column(tr("meeting.sheet.position"), Kind.INTEGER),
        Column(tr("meeting.sheet.registered_at"), Kind.MOMENT),
        Column(tr("meeting.sheet.dm_status")),
    ]
    position = 0
    cells = []
    for row in sorted(rows, key=lambda r: r.seq):
        waiting = row.state == rules.WAITLISTED
        position += 1 if waiting else 0
        cells.append([
            str(row.member_id), row.display_name, tr(f"meeting.mode.{row.mode}"),
            tr(f"meeting.state.{row.state}"), row.seat, position if waiting else None,
            row.registered_at, tr(f"meeting.dm.{row.dm_status or 'none'}"),
        ])  # fmt: skip
    return Table("attendees", tr("meeting.sheet.title"), columns, cells)
