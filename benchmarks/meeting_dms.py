"""Meeting reminders by DM: 1,000 registrants of one meeting (smoke: 100), all reminded
at once, under Discord's global rate limit.

The rows are written straight into the bot's SQLite database before it starts (what
`/meeting schedule` and the registration buttons would have stored: one meeting, one
online registration per member, each one's one-hour reminder pending, all due `lead`
seconds after writing; `tests/e2e/meeting_setup.py`), then `python -m bot` runs against
the fake on the real clock. The fake enforces Discord's documented global limit, 50
requests a second (`fake.limit_globally(50)`: 429 with `"global": true` and
`retry_after` beyond it; interaction answers are not counted). Each DM to someone the
bot has not written to in this process takes two requests: opening the DM channel,
then the message.

- delivered: from the due time to the fake receiving the last DM (wall clock on both
  sides), and the DMs per second that makes.
- 429s: how many requests the fake refused for the global limit (the bot's pace,
  bot/meetings/jobs.py DM_PER_SECOND, is meant to keep this at 0).
- busiest second: the most requests the fake accepted within one second.
- duplicates: registrants who got more than one DM (must be 0), and POSTs beyond one
  per reminder (a retry the nonce made harmless would show here).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.common import BenchmarkError, Row, at_most
from benchmarks.processes import Program, launched, workspace
from storage.database import create_engine, migrate
from tests.e2e.meeting_setup import reminder_states, seed_meeting_reminders
from tests.fakediscord import FakeDiscord

NAME = "meeting_dms"
BOT = Program("bot", "bot")
GLOBAL_LIMIT = 50  # requests a second, as Discord documents


@dataclass(frozen=True)
class Sizes:
    registrants: int
    lead: float  # seconds from seeding to the due time (the bot starts meanwhile)
    drain: float  # seconds allowed after the due time


FULL = Sizes(registrants=1000, lead=10.0, drain=180.0)
SMOKE = Sizes(registrants=100, lead=8.0, drain=60.0)


@dataclass(frozen=True)
class Delivery:
    seconds: float  # due time -> the last DM received
    refused: int  # 429s answered
    busiest: int  # requests accepted within the busiest second
    doubled: int  # registrants with more than one DM
    extra_posts: int  # DM POSTs beyond one per reminder
    cpu: float  # the bot's CPU seconds while delivering


async def database(folder: Path) -> AsyncEngine:
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'sipbot.db'}")
    await migrate(engine)
    return engine


def busiest_second(fake: FakeDiscord, since: float) -> int:
    stamps = sorted(r.timestamp for r in fake.requests if r.timestamp >= since and r.status != 429)
    best, start = 0, 0
    for end, stamp in enumerate(stamps):
        while stamp - stamps[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def deliver(sizes: Sizes) -> Delivery:
    async with workspace(NAME) as (fake, folder):
        engine = await database(folder)
        try:
            due = datetime.now(UTC) + timedelta(seconds=sizes.lead)
            owners = await seed_meeting_reminders(engine, fake, [due] * sizes.registrants)
            limit = fake.limit_globally(GLOBAL_LIMIT)
            async with launched(BOT, fake, folder, log_name="dms.log") as run:
                cpu_before = run.cpu_seconds()
                deadline = time.monotonic() + sizes.lead + sizes.drain
                while (await reminder_states(engine))["done"] < sizes.registrants:
                    run.check_alive()
                    if time.monotonic() > deadline:
                        raise BenchmarkError(f"not all sent: {dict(await reminder_states(engine))}")
                    await asyncio.sleep(0.1)
                cpu = run.cpu_seconds() - cpu_before
            posts = fake.posts_by_nonce("sipw")
            if set(posts) != {f"sipw{rid}" for rid in owners}:
                raise BenchmarkError("some reminders never reached the fake")
            last = max(attempts[-1].timestamp for attempts in posts.values())
            per_member = Counter(
                len(fake.world.messages_in(fake.world.dm_channels[m])) for m in owners.values()
            )
            return Delivery(
                seconds=last - due.timestamp(),
                refused=limit.refused,
                busiest=busiest_second(fake, due.timestamp()),
                doubled=sum(n for count, n in per_member.items() if count > 1),
                extra_posts=sum(len(p) - 1 for p in posts.values()),
                cpu=cpu,
            )
        finally:
            await engine.dispose()


async def run(smoke: bool) -> list[Row]:
    sizes = SMOKE if smoke else FULL
    found = await deliver(sizes)
    what = f"{sizes.registrants:,} DM reminders"
    return [
        Row(NAME, f"{what}: due to the last received", found.seconds, "s"),
        Row(NAME, f"{what}: DMs per second", sizes.registrants / found.seconds, "/s"),
        at_most(NAME, f"{what}: 429s (global limit {GLOBAL_LIMIT}/s)", found.refused, "count", 0),
        at_most(NAME, f"{what}: busiest second", found.busiest, "count", GLOBAL_LIMIT),
        at_most(NAME, f"{what}: registrants with more than one", found.doubled, "count", 0),
        Row(NAME, f"{what}: POSTs beyond one per reminder", found.extra_posts, "count"),
        Row(NAME, f"{what}: bot CPU while delivering", found.cpu, "s"),
    ]
