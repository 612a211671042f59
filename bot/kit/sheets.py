"""Tables people open in a spreadsheet and scripts read: one `.xlsx` (a sheet per table)
and one `.csv` per table, written from the same typed rows. A feature builds `Table`s
(headers and values already in the guild's language) and attaches them in one call:
`files=await sheets.attachments(stem, [table], sheets.Style.of(tr, config.timezone))`,
with `tr("sheet.formats", zone=...)` in the reply to say what the files are.

What the files guarantee, by construction rather than per export:
- Types are checked: a TEXT cell is a `str` (so an id, given as text, keeps its 19
  digits in every program), an INTEGER cell an `int` (a count: a number people can sum),
  a MOMENT cell an aware `datetime`. Anything else raises before a byte is written.
- xlsx (xlsxwriter): text is written with `write_string`, never read as a formula; a
  text that would become one when edited (`=1+1 Günther`) also carries Excel's quote
  prefix. Moments are real date cells in the guild's time zone: Excel has no time
  zones, so the aware instant becomes local wall time here, at the edge, and the
  column header names the zone. Bold header row, frozen, with a filter; widths from
  the content; "number stored as text" not flagged on ids.
- csv: UTF-8 with a BOM and `;` between cells, CRLF line ends (what Excel set to French
  or Dutch, as in France and Belgium, opens by double-click with its accents and
  columns right). Every text cell is quoted and one starting with `=`, `+`, `-`, `@`,
  tab or CR gets a leading `'` (OWASP, CSV injection); integers are bare numbers;
  moments are ISO 8601 with their offset in the guild's time zone.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord

from bot.kit.i18n import Tr

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

Cell = str | int | datetime | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_SEPARATOR = ";"
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a BOM: how Excel knows it is not the ANSI code page
SHEET_NAME_MAX = 31  # Excel refuses longer sheet names
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
WIDTH_MIN, WIDTH_MAX = 8, 60
EXACT_INTEGER = 2**53  # beyond this a spreadsheet's number (a double) loses digits


class Kind(Enum):
    TEXT = "text"
    INTEGER = "integer"
    MOMENT = "moment"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Table:
    """`key` names the CSV file when there are several tables ("participation"); `title`
    is the sheet's name in the guild's language."""

    key: str
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]


@dataclass(frozen=True)
class Style:
    """How one guild reads its files: its time zone and its way of writing a date."""

    zone: ZoneInfo
    datetime_format: str  # an Excel number format, e.g. "dd/mm/yyyy hh:mm"

    @classmethod
    def of(cls, tr: Tr, zone: str) -> Style:
        return cls(ZoneInfo(zone), tr("sheet.datetime_format"))

    def header(self, column: Column) -> str:
        if column.kind is Kind.MOMENT:
            return f"{column.header} ({self.zone.key})"
        return column.header

    def local(self, moment: datetime) -> datetime:
        """Wall time in the guild's zone, without tzinfo: what a date cell can hold."""
        return moment.astimezone(self.zone).replace(tzinfo=None)


async def attachments(stem: str, tables: Sequence[Table], style: Style) -> list[discord.File]:
    """`files`, written in a thread: 10,000 rows take a while, and the bot keeps answering."""
    return await asyncio.to_thread(files, stem, tables, style)


def files(stem: str, tables: Sequence[Table], style: Style) -> list[discord.File]:
    """`stem.xlsx` with a sheet per table, then `stem.csv` (or `stem-<key>.csv` each)."""
    made = [discord.File(io.BytesIO(xlsx(tables, style)), filename=f"{stem}.xlsx")]
    for table in tables:
        name = f"{stem}.csv" if len(tables) == 1 else f"{stem}-{table.key}.csv"
        made.append(discord.File(io.BytesIO(csv_bytes(table, style)), filename=name))
    return made


def checked(column: Column, value: Cell) -> Cell:
    kind = column.kind
    if value is None:
        return None
    if kind is Kind.TEXT and isinstance(value, str):
        return value
    if kind is Kind.INTEGER and isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= EXACT_INTEGER:
            raise ValueError(
                f"{column.header}: {value} is too large for a number; write it as text"
            )
        return value
    if kind is Kind.MOMENT and isinstance(value, datetime) and value.utcoffset() is not None:
        return value
    raise TypeError(f"{column.header}: {value!r} is not a {kind.value} value")


def rows_of(table: Table) -> list[list[Cell]]:
    width = len(table.columns)
    rows = []
    for number, row in enumerate(table.rows, start=1):
        if len(row) != width:
            raise ValueError(f"{table.key}: row {number} has {len(row)} cells, not {width}")
        rows.append([checked(c, v) for c, v in zip(table.columns, row, strict=True)])
    return rows


def neutralised(text: str) -> str:
    """A text a spreadsheet would run as a formula, made plain (OWASP)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(table: Table, style: Style) -> bytes:
    buffer = io.StringIO()
    # QUOTE_NONNUMERIC: text (ids included) quoted, integers bare; the reader's default
    # dialect gives every cell back as the exact text.
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([neutralised(style.header(c)) for c in table.columns])
    for row in rows_of(table):
        writer.writerow([csv_cell(value, style) for value in row])
    return buffer.getvalue().encode(CSV_ENCODING)


def csv_cell(value: Cell, style: Style) -> str | int:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(style.zone).isoformat(timespec="seconds")
    if isinstance(value, str):
        return neutralised(value)
    return value


def sheet_names(tables: Sequence[Table]) -> list[str]:
    """Excel's rules: at most 31 characters, none of []:*?/\\, no quote at either end,
    unique ignoring case."""
    names: list[str] = []
    for number, table in enumerate(tables, start=1):
        base = SHEET_NAME_FORBIDDEN.sub(" ", table.title).strip().strip("'").strip()
        base = base[:SHEET_NAME_MAX].strip() or str(number)
        name, copy = base, 1
        while name.casefold() in {n.casefold() for n in names}:
            copy += 1
            suffix = f" ({copy})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        names.append(name)
    return names


def xlsx(tables: Sequence[Table], style: Style) -> bytes:
    # Imported on the first export, in the sheets thread: about 2 MB the bot's start-up
    # need not hold (most processes never export).
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    formats = {
        "header": book.add_format({"bold": True, "bottom": 1}),
        "moment": book.add_format({"num_format": style.datetime_format}),
        "quoted": book.add_format({"quote_prefix": True}),
    }
    for table, name in zip(tables, sheet_names(tables), strict=True):
        write_sheet(book.add_worksheet(name), table, style, formats)
    book.close()
    return output.getvalue()


def write_sheet(ws: Worksheet, table: Table, style: Style, formats: dict[str, Format]) -> None:
    rows = rows_of(table)
    headers = [style.header(c) for c in table.columns]
    widths = [len(h) + 3 for h in headers]  # room for the filter's button
    for col, header in enumerate(headers):
        ws.write_string(0, col, header, formats["header"])
    moment_width = len(style.datetime_format)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                quoted = value.startswith(FORMULA_STARTS)
                ws.write_string(r, col, value, formats["quoted"] if quoted else None)
                size = len(value)
            elif isinstance(value, datetime):
                ws.write_datetime(r, col, style.local(value), formats["moment"])
                size = moment_width
            else:
                ws.write_number(r, col, value)
                size = len(str(value))
            widths[col] = max(widths[col], size)
    for col, width in enumerate(widths):
        ws.set_column(col, col, min(max(width + 1, WIDTH_MIN), WIDTH_MAX))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    from xlsxwriter.utility import xl_rowcol_to_cell  # loaded by xlsx() already

    last = xl_rowcol_to_cell(max(len(rows), 1), len(headers) - 1)
    ws.ignore_errors({"number_stored_as_text": f"A1:{last}"})
