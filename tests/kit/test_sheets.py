"""The shared table writer, read back by independent readers: openpyxl for the .xlsx,
Python's csv module for the .csv."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kit.i18n import Catalog
from bot.kit.sheets import (
    Column,
    Kind,
    Style,
    Table,
    csv_bytes,
    files,
    neutralised,
    sheet_names,
    xlsx,
)

CATALOG = Catalog.load()
PARIS = Style.of(CATALOG.bind("fr"), "Europe/Paris")
BIG_ID = 1577234687460376600  # a float would read it as ...376576 or ...376600: not exact
MOMENT = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30, the first of the repeated hour
COLUMNS = [Column("Identifiant"), Column("Nom"), Column("Votes", Kind.INTEGER),
           Column("Le", Kind.MOMENT)]  # fmt: skip
HOSTILE = ["=1+1 Günther", "+33 6 12", "-2+3", "@SUM(A1)", "\tTab", "\rCR", 'ok ; "quoted"']


def wall(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """Wall time as a date cell holds it: no zone (the column header names it)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC).replace(tzinfo=None)


def people(rows: int = 0) -> Table:
    data: list[list[str | int | datetime | None]] = [
        [str(BIG_ID), "=1+1 Günther", 3, MOMENT],
        [str(BIG_ID + 1), None, 0, None],
    ]
    data += [[str(BIG_ID + 2 + n), name, n, MOMENT] for n, name in enumerate(HOSTILE)]
    data += [[str(n), f"m{n}", n, MOMENT] for n in range(rows)]
    return Table("people", "Réponses", COLUMNS, data)


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def parsed(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8, not the ANSI page
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_workbook_has_typed_cells_a_frozen_header_and_local_dates() -> None:
    book = workbook(xlsx([people()], PARIS))
    sheet = book["Réponses"]
    assert [c.value for c in sheet[1]] == ["Identifiant", "Nom", "Votes", "Le (Europe/Paris)"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D10"
    ident, name, votes, when = sheet[2]
    assert ident.value == str(BIG_ID) and ident.data_type == "s"
    assert name.value == "=1+1 Günther" and name.data_type == "s"  # text, not a formula
    assert name.quotePrefix  # stays text when someone edits the cell
    assert votes.value == 3 and isinstance(votes.value, int)
    assert when.value == wall(2027, 10, 31, 2, 30)  # wall time in Paris, naive
    assert when.is_date and when.number_format == "dd/mm/yyyy hh:mm"
    empty = sheet[3]
    assert empty[1].value is None and empty[2].value == 0 and empty[3].value is None
    texts = [row[1].value for row in sheet.iter_rows(min_row=4)]
    # a CR is stored as OOXML's _x000D_ escape, which Excel decodes and openpyxl does not
    assert texts == [h.replace("\r", "_x000D_") for h in HOSTILE]
    assert all(r[1].data_type == "s" for r in sheet.iter_rows(min_row=2) if r[1].value)
    assert sheet.column_dimensions["A"].width >= len(str(BIG_ID))
    assert 8 <= sheet.column_dimensions["B"].width <= 61


def test_dates_follow_the_guild_language_and_zone() -> None:
    english = Style.of(CATALOG.bind("en"), "America/New_York")
    sheet = workbook(xlsx([people()], english)).active
    assert sheet is not None
    assert sheet["D1"].value == "Le (America/New_York)"
    assert sheet["D2"].value == wall(2027, 10, 30, 20, 30)
    assert sheet["D2"].number_format == "yyyy-mm-dd hh:mm"


def test_one_sheet_per_table() -> None:
    other = Table("counts", "Participation", [Column("Thème"), Column("n", Kind.INTEGER)],
                  [["Accompagnement", 0]])  # fmt: skip
    book = workbook(xlsx([people(), other], PARIS))
    assert book.sheetnames == ["Réponses", "Participation"]
    assert [c.value for c in book["Participation"][2]] == ["Accompagnement", 0]


def test_the_csv_neutralises_formulas_and_keeps_ids_exact() -> None:
    data = csv_bytes(people(), PARIS)
    rows = parsed(data)
    assert rows[0] == ["Identifiant", "Nom", "Votes", "Le (Europe/Paris)"]
    assert rows[1] == [str(BIG_ID), "'=1+1 Günther", "3", "2027-10-31T02:30:00+02:00"]
    assert rows[2] == [str(BIG_ID + 1), "", "0", ""]
    assert [r[1] for r in rows[3:]] == [neutralised(h) for h in HOSTILE]
    assert [r[1] for r in rows[3:]] == ["'=1+1 Günther", "'+33 6 12", "'-2+3", "'@SUM(A1)",
                                        "'\tTab", "'\rCR", "ok ; \"quoted\""]  # fmt: skip
    assert {int(r[0]) for r in rows[1:]} == {BIG_ID + n for n in range(len(HOSTILE) + 2)}
    text = data.decode("utf-8-sig")
    assert text.startswith('"Identifiant";"Nom";"Votes";"Le (Europe/Paris)"\r\n')
    assert f'"{BIG_ID}";"\'=1+1 Günther";3;' in text  # text quoted, counts bare


@given(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("=+-@\t\r\n;\"'"))
)
def test_no_csv_cell_can_start_a_formula(text: str) -> None:
    table = Table("t", "t", [Column("x")], [[text]])
    (_header, (cell,)) = parsed(csv_bytes(table, PARIS))
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell == text or cell == "'" + text


@pytest.mark.parametrize(
    ("column", "value", "error"),
    [
        (Column("id"), BIG_ID, TypeError),  # an id must be given as text
        (Column("n", Kind.INTEGER), "3", TypeError),
        (Column("n", Kind.INTEGER), True, TypeError),
        (Column("n", Kind.INTEGER), BIG_ID, ValueError),  # a number would lose its digits
        (Column("le", Kind.MOMENT), datetime(2021, 1, 1), TypeError),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_cells_of_the_wrong_type_are_refused(column: Column, value: object, error: type) -> None:
    table = Table("t", "t", [column], [[value]])  # type: ignore[list-item]
    with pytest.raises(error):
        xlsx([table], PARIS)
    with pytest.raises(error):
        csv_bytes(table, PARIS)


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="row 1 has 1 cells, not 4"):
        csv_bytes(Table("t", "t", COLUMNS, [["1"]]), PARIS)


def test_sheet_names_follow_excels_rules() -> None:
    titles = ["Q1/Q2 [brouillon]: *?", "x" * 40, "x" * 40, "Réponses", "réponses", "'"]
    names = sheet_names([Table(str(n), t, [], []) for n, t in enumerate(titles)])
    assert names[0] == "Q1 Q2  brouillon"
    assert names[1] == "x" * 31 and names[2] == "x" * 27 + " (2)"
    assert names[3:] == ["Réponses", "réponses (2)", "6"]
    assert all(len(n) <= 31 for n in names)


def test_files_are_one_workbook_and_a_csv_per_table() -> None:
    one = files("interest-3", [people()], PARIS)
    assert [f.filename for f in one] == ["interest-3.xlsx", "interest-3.csv"]
    two = files("sipbot", [people(), Table("counts", "Comptes", COLUMNS, [])], PARIS)
    assert [f.filename for f in two] == ["sipbot.xlsx", "sipbot-people.csv", "sipbot-counts.csv"]
    assert workbook(two[0].fp.read()).sheetnames == ["Réponses", "Comptes"]


def test_an_empty_table_still_has_its_header() -> None:
    empty = Table("t", "Vide", COLUMNS, [])
    sheet = workbook(xlsx([empty], PARIS))["Vide"]
    assert [c.value for c in sheet[1]][:2] == ["Identifiant", "Nom"] and sheet.max_row == 1
    assert parsed(csv_bytes(empty, PARIS)) == [["Identifiant", "Nom", "Votes", "Le (Europe/Paris)"]]


def test_the_zone_is_the_guilds() -> None:
    assert PARIS.zone == ZoneInfo("Europe/Paris")
    assert PARIS.local(MOMENT) == wall(2027, 10, 31, 2, 30)
