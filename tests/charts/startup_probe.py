"""Run by tests/charts/test_startup.py in a fresh interpreter: start the bot against the
fake, list which of the picture libraries are imported, draw the calendar through
`/cycle calendar`, list them again; print both as JSON."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from tests.clock import MovableClock
from tests.databases import sqlite_database
from tests.fakediscord import FakeDiscord
from tests.harness import running_bot

HEAVY = ("matplotlib", "numpy", "PIL", "jinja2", "markdown_it", "fpdf", "fontTools")


def loaded() -> list[str]:
    return [name for name in HEAVY if name in sys.modules]


async def probe() -> dict[str, list[str] | int]:
    clock = MovableClock(datetime(2020, 10, 15, 10, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as folder:
        async with (
            FakeDiscord() as fake,
            sqlite_database(Path(folder)) as (_url, engine),
            running_bot(fake, engine, clock),
        ):
            started = loaded()
            await fake.slash("cycle create", user=fake.owner, options={"name": "2020-2021"})
            res = await fake.slash("cycle calendar", user=fake.owner, timeout=30)
            return {"started": started, "drawn": loaded(), "files": len(res.files)}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(probe())))  # noqa: T201 - read by the test
