"""The .ics file of sessions: stable UIDs, SEQUENCE, CANCELLED, times in UTC that are
the right local hour in Paris and Brussels on both sides of the last Sundays of March
and October (tests/sessions/test_calendar_readers.py reads them with ical.js too).

Each property is checked twice: parsed back with icalendar, and read from the raw
text with the standard library only, so a bug shared by writer and reader shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event

from bot.sessions.files import PRODID, CalendarEntry, build_calendar

ZONES = ("Europe/Paris", "Europe/Brussels")
UPDATED = datetime(2021, 2, 1, 17, 45, 12, tzinfo=UTC)
MARCH_SUNDAY = datetime(2021, 3, 28, 8, 0, tzinfo=UTC)  # 10:00 CEST, after the 02:00 change
OCTOBER_SUNDAY = datetime(2021, 10, 31, 9, 0, tzinfo=UTC)  # 10:00 CET, after the 03:00 change


def entry(
    key: str = "7-42",
    starts_at: datetime = MARCH_SUNDAY,
    *,
    minutes: int = 180,
    status: str = "scheduled",
    sequence: int = 0,
    title: str = "Ouest – Rennes · séance 2",
) -> CalendarEntry:
    return CalendarEntry(
        uid_key=key,
        title=title,
        starts_at=starts_at,
        minutes=minutes,
        status=status,
        sequence=sequence,
        location="Bureau de Rennes, 3 rue de la Coop; salle 2",
        url="https://visio.example.org/sip-ouest",
        description="Thème : le revenu des freelances\nGroupe : Ouest – Rennes",
        updated_at=UPDATED,
    )


def events(data: bytes) -> dict[str, Event]:
    found = Calendar.from_ical(data).walk("VEVENT")
    assert all(isinstance(event, Event) for event in found)
    return {str(event["UID"]): cast(Event, event) for event in found}


def unfolded(data: bytes) -> list[str]:
    """Content lines per RFC 5545 §3.1, with nothing but the standard library."""
    text = data.decode("utf-8")
    assert "\n" not in text.replace("\r\n", ""), "every line must end with CRLF"
    for physical in text.split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75, physical
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]


def vevent_lines(lines: Sequence[str]) -> list[str]:
    """The content lines inside VEVENTs (VTIMEZONE has DTSTART lines of its own)."""
    inside, kept = False, []
    for line in lines:
        inside = (inside or line == "BEGIN:VEVENT") and line != "END:VEVENT"
        if inside:
            kept.append(line)
    return kept


def raw_value(lines: Sequence[str], prefix: str) -> str:
    [line] = [line for line in vevent_lines(lines) if line.startswith(prefix)]
    return line[len(prefix) :]


def instant_from_raw(line: str) -> datetime:
    """`DTSTART:20211031T013000Z` as UTC; any other form (a TZID, a floating time) fails."""
    match = re.fullmatch(r"DT(?:START|END):(\d{8}T\d{6})Z", line)
    assert match, line
    return datetime.strptime(match[1], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)


def test_uids_are_stable_and_output_is_deterministic() -> None:
    entries = [entry("7-42"), entry("7-43", OCTOBER_SUNDAY)]
    first = build_calendar(entries, "Europe/Paris", "SiP – Ouest")
    again = build_calendar(list(reversed(entries)), "Europe/Paris", "SiP – Ouest")
    assert first == again
    assert set(events(first)) == {"session-7-42@sipbot", "session-7-43@sipbot"}
    moved = build_calendar(
        [entry("7-42", MARCH_SUNDAY + timedelta(days=7), sequence=1)], "Europe/Paris", "x"
    )
    assert set(events(moved)) == {"session-7-42@sipbot"}


def test_calendar_and_event_properties() -> None:
    data = build_calendar([entry(sequence=2)], "Europe/Paris", "SiP – Ouest")
    calendar = Calendar.from_ical(data)
    assert str(calendar["PRODID"]) == PRODID == "-//sipbot//sessions//FR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "SiP – Ouest"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Paris"
    event = events(data)["session-7-42@sipbot"]
    assert event["SEQUENCE"] == 2
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Ouest – Rennes · séance 2"
    assert str(event["LOCATION"]) == "Bureau de Rennes, 3 rue de la Coop; salle 2"
    assert str(event["URL"]) == "https://visio.example.org/sip-ouest"
    assert str(event["DESCRIPTION"]).endswith("\nGroupe : Ouest – Rennes")
    assert event.decoded("DTSTAMP") == UPDATED
    assert event.decoded("LAST-MODIFIED") == UPDATED
    lines = unfolded(data)
    assert "DTSTAMP:20210201T174512Z" in lines
    assert "LOCATION:Bureau de Rennes\\, 3 rue de la Coop\\; salle 2" in lines


@pytest.mark.parametrize(
    ("status", "expected"),
    [("scheduled", "CONFIRMED"), ("done", "CONFIRMED"), ("cancelled", "CANCELLED")],
)
def test_status(status: str, expected: str) -> None:
    data = build_calendar([entry(status=status, sequence=3)], "Europe/Paris", "x")
    event = events(data)["session-7-42@sipbot"]
    assert str(event["STATUS"]) == expected
    assert event["SEQUENCE"] == 3
    assert f"STATUS:{expected}" in unfolded(data)


@pytest.mark.parametrize("zone", ZONES)
def test_last_sundays_of_march_and_october_show_ten_o_clock(zone: str) -> None:
    data = build_calendar(
        [entry("march", MARCH_SUNDAY), entry("october", OCTOBER_SUNDAY)], zone, "x"
    )
    parsed = events(data)
    for key, instant in (("march", MARCH_SUNDAY), ("october", OCTOBER_SUNDAY)):
        start = parsed[f"session-{key}@sipbot"].decoded("DTSTART")
        assert start == instant and start.utcoffset() == timedelta(0)
        assert (start.astimezone(ZoneInfo(zone)).hour, start.minute) == (10, 0)
    lines = unfolded(data)
    assert "DTSTART:20210328T080000Z" in lines
    assert "DTSTART:20211031T090000Z" in lines
    assert "DTEND:20210328T110000Z" in lines
    assert "DTEND:20211031T120000Z" in lines


@pytest.mark.parametrize("zone", ZONES)
def test_sessions_crossing_the_changes_end_at_the_right_instant(zone: str) -> None:
    # Saturday 23:00 CET + 3 h = 03:00 CEST (02:00 does not exist that night).
    spring = datetime(2021, 3, 27, 22, 0, tzinfo=UTC)
    # Saturday 23:00 CEST + 4 h = 02:00 CET, the second 02:00 of the night.
    autumn = datetime(2021, 10, 30, 21, 0, tzinfo=UTC)
    data = build_calendar([entry("s", spring), entry("a", autumn, minutes=240)], zone, "x")
    parsed = events(data)
    spring_end = parsed["session-s@sipbot"].decoded("DTEND")
    assert spring_end == datetime(2021, 3, 28, 1, 0, tzinfo=UTC)
    assert spring_end.astimezone(ZoneInfo(zone)).hour == 3
    assert parsed["session-a@sipbot"].decoded("DTEND") == datetime(2021, 10, 31, 1, tzinfo=UTC)
    lines = unfolded(data)
    assert "DTSTART:20210327T220000Z" in lines
    assert "DTEND:20210328T010000Z" in lines
    assert "DTEND:20211031T010000Z" in lines
    for line in vevent_lines(lines):
        if line.startswith(("DTSTART", "DTEND")):
            assert instant_from_raw(line) in {
                spring,
                autumn,
                spring + timedelta(hours=3),
                autumn + timedelta(hours=4),
            }


@pytest.mark.parametrize("zone", ZONES)
def test_no_vtimezone_since_no_time_names_a_zone(zone: str) -> None:
    data = build_calendar([entry("w", datetime(2020, 1, 5, 9, tzinfo=UTC)), entry()], zone, "x")
    assert not Calendar.from_ical(data).walk("VTIMEZONE")
    assert not any(";TZID=" in line for line in unfolded(data))
    assert f"X-WR-TIMEZONE:{zone}" in unfolded(data)


def test_long_text_is_folded_and_escaped() -> None:
    title = "Ouest – Rennes · séance 2; « expérimentation », suite\n" + "é" * 80
    data = build_calendar([entry(title=title)], "Europe/Brussels", "x")
    assert str(events(data)["session-7-42@sipbot"]["SUMMARY"]) == title
    summary = raw_value(unfolded(data), "SUMMARY:")
    assert summary.startswith("Ouest – Rennes · séance 2\\; « expérimentation »\\, suite\\n")


def test_no_sessions_gives_an_empty_valid_calendar() -> None:
    data = build_calendar([], "Europe/Paris", "x")
    lines = unfolded(data)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert not Calendar.from_ical(data).walk("VEVENT")


@pytest.mark.parametrize(
    ("entries", "zone"),
    [
        ([entry()], "Europe/Nowhere"),
        ([entry(starts_at=MARCH_SUNDAY.replace(tzinfo=None))], "Europe/Paris"),
        ([entry(minutes=0)], "Europe/Paris"),
        ([entry(status="postponed")], "Europe/Paris"),
        ([entry(), entry(starts_at=OCTOBER_SUNDAY)], "Europe/Paris"),
    ],
    ids=["unknown-zone", "naive", "zero-length", "bad-status", "duplicate-uid"],
)
def test_bad_input_is_refused(entries: list[CalendarEntry], zone: str) -> None:
    with pytest.raises(ValueError):
        build_calendar(entries, zone, "x")


@settings(deadline=None, max_examples=200)
@given(
    instant=st.datetimes(
        min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2030, 12, 31, 23, 59, 59),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    zone=st.sampled_from(ZONES),
    minutes=st.integers(min_value=1, max_value=12 * 60),
)
@example(instant=MARCH_SUNDAY, zone="Europe/Paris", minutes=180)
@example(instant=datetime(2021, 10, 31, 1, 30, tzinfo=UTC), zone="Europe/Brussels", minutes=30)
@example(instant=datetime(2021, 10, 31, 0, 30, tzinfo=UTC), zone="Europe/Paris", minutes=60)
@example(instant=datetime(2029, 12, 31, 23, 30, tzinfo=UTC), zone="Europe/Paris", minutes=60)
def test_any_instant_round_trips(instant: datetime, zone: str, minutes: int) -> None:
    start = instant.replace(microsecond=0)
    data = build_calendar([entry(starts_at=start, minutes=minutes)], zone, "x")
    event = events(data)["session-7-42@sipbot"]
    assert event.decoded("DTSTART").astimezone(UTC) == start
    # In UTC: Python subtracts two times of the same zone as wall clocks.
    length = event.decoded("DTEND").astimezone(UTC) - event.decoded("DTSTART").astimezone(UTC)
    assert length == timedelta(minutes=minutes)
    lines = unfolded(data)
    for prefix, expected in (("DTSTART", start), ("DTEND", start + timedelta(minutes=minutes))):
        line = prefix + raw_value(lines, prefix)
        assert instant_from_raw(line) == expected
        assert line.endswith("Z")  # an instant, in every zone and at every hour
