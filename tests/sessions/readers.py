"""Two independent readers of the calendar files: icalendar (Python) and Mozilla's
ical.js (JavaScript, the parser of Thunderbird), run with node on the file itself.

ical.js is installed from npm into tests/sessions/icaljs/ (`npm ci --prefix
tests/sessions/icaljs`, as `.ci/run` does). Without node or the module the tests
that need it skip, saying why; with SIPBOT_REQUIRE_ICALJS=1 they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
from icalendar import Calendar, Event

HERE = Path(__file__).parent / "icaljs"


@dataclass(frozen=True)
class Read:
    """One VEVENT as a reader understood it."""

    uid: str
    sequence: int
    status: str
    start: datetime  # aware UTC
    end: datetime  # aware UTC
    minutes: float  # the length the reader itself reports


def _missing(why: str) -> None:
    if os.environ.get("SIPBOT_REQUIRE_ICALJS") == "1":
        pytest.fail(f"ical.js required (SIPBOT_REQUIRE_ICALJS=1): {why}")
    pytest.skip(f"ical.js not available ({why}): run npm ci --prefix tests/sessions/icaljs")


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        _missing("node is not on PATH")
    elif not (HERE / "node_modules" / "ical.js" / "package.json").exists():
        _missing("the ical.js module is not installed")
    assert node is not None
    return node


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def read_with_icaljs(data: bytes) -> tuple[str | None, dict[str, Read]]:
    """(METHOD, events by UID) as ical.js reads the file."""
    node = _node()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sessions.ics"
        path.write_bytes(data)
        done = subprocess.run(  # noqa: S603 - a fixed argument list
            [node, str(HERE / "read.mjs"), str(path)],
            capture_output=True,
            check=False,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    found = json.loads(done.stdout)
    events = {
        e["uid"]: Read(
            e["uid"], e["sequence"], e["status"], _utc(e["start"]), _utc(e["end"]), e["minutes"]
        )
        for e in found["events"]
    }
    return found["method"], events


def read_with_icalendar(data: bytes) -> tuple[str | None, dict[str, Read]]:
    """(METHOD, events by UID) as icalendar reads the file; the length is what Python
    computes from the two decoded ends (wall-clock arithmetic within one zone)."""
    calendar = Calendar.from_ical(data)
    events: dict[str, Read] = {}
    for component in calendar.walk("VEVENT"):
        event = cast(Event, component)
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        events[str(event["UID"])] = Read(
            str(event["UID"]), int(event.get("SEQUENCE", 0)), str(event["STATUS"]),
            start.astimezone(UTC), end.astimezone(UTC), (end - start) / timedelta(minutes=1),
        )  # fmt: skip
    method = calendar.get("METHOD")
    return (str(method) if method is not None else None), events


def read_both(data: bytes) -> dict[str, Read]:
    """The events, after checking that both readers understood exactly the same."""
    by_icalendar, by_icaljs = read_with_icalendar(data), read_with_icaljs(data)
    assert by_icalendar == by_icaljs
    return by_icalendar[1]
