"""Reminders: start-up with 10,000 pending in the database, and 1,000 falling due in a minute.

Both write the rows straight into the bot's SQLite database before it starts (what
`/session schedule` would have stored: published groups with a channel and a role in the
fake, sessions, one pending reminder each; `tests/e2e/reminder_setup.py`), then run
`python -m bot` against the fake on the real clock.

- start-up: from spawning the process to the fake receiving its gateway IDENTIFY, with an
  empty reminder table and with 10,000 pending (smoke: 500). The bot rebuilds its reminder
  plan in `setup_hook` (every waker runs once), which discord.py runs before it opens the
  gateway: connected means rebuilt. The earliest reminder is due a few seconds after the
  spawn; the fake receiving it proves the plan was rebuilt (its lateness is shown).
- lateness: 1,000 reminders (smoke: 50) due at random instants over 60 s (smoke: 5 s),
  spread over 50 group channels; for each, from its due time to the fake receiving its
  POST (both wall clock: `due_at` is stored in UTC, the fake stamps requests with
  `time.time()`). Every reminder must arrive once and be recorded sent.
"""

from __future__ import annotations

import asyncio
import math
import random
import statistics
import time
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.common import BenchmarkError, Row, at_most, percentile
from benchmarks.processes import Program, Running, launched, wait_logged, workspace
from storage.database import create_engine, migrate
from tests.e2e.reminder_setup import NONCE_PREFIX, Seeded, reminder_states, seed_reminders
from tests.fakediscord import FakeDiscord

NAME = "reminders"
BOT = Program("bot", "bot", env={"LOG_LEVEL": "INFO"})  # on_ready logs "connected as …"
READY = r"connected as .* to \d+ server"
SEED = 1000
POLL = 0.001  # seconds between two looks at the fake during start-up
DRAIN = 30.0  # seconds allowed after the last due time for every reminder to arrive


@dataclass(frozen=True)
class Sizes:
    pending: int  # start-up: reminders in the database, none due yet
    due: int  # lateness: reminders falling due …
    window: float  # … within this many seconds
    groups: int  # channels they are spread over
    lead: float  # seconds from seeding to the first due time (the bot starts meanwhile)
    starts: int  # start-up: starts measured, the median is shown


FULL = Sizes(pending=10_000, due=1000, window=60.0, groups=50, lead=6.0, starts=3)
LATENESS_P99_MS = 50.0  # issue 15 (500 ms before)
SMOKE = Sizes(pending=500, due=50, window=5.0, groups=10, lead=3.0, starts=1)


@dataclass(frozen=True)
class Startup:
    identify: float  # spawn -> IDENTIFY
    rebuild: float  # the fake answering the command sync -> IDENTIFY
    ready: float  # spawn -> on_ready logged
    first_lateness: float  # the earliest reminder: due -> received (NaN without reminders)


async def database(folder: Path) -> AsyncEngine:
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'sipbot.db'}")
    await migrate(engine)
    return engine


async def wait_received(fake: FakeDiscord, nonces: set[str], deadline: float) -> None:
    while not nonces <= set(fake.posts_by_nonce(NONCE_PREFIX)):
        if time.monotonic() > deadline:
            missing = len(nonces - set(fake.posts_by_nonce(NONCE_PREFIX)))
            raise BenchmarkError(f"{missing} of {len(nonces)} reminders never reached the fake")
        await asyncio.sleep(0.05)


def received_at(fake: FakeDiscord) -> dict[str, float]:
    """Nonce -> when the fake received its first POST (time.time())."""
    return {n: posts[0].timestamp for n, posts in fake.posts_by_nonce(NONCE_PREFIX).items()}


async def check_sent_once(engine: AsyncEngine, fake: FakeDiscord, seeded: Seeded) -> int:
    """All recorded sent, one message each; returns the POSTs beyond one per reminder."""
    states = await reminder_states(engine)
    if states["done"] != len(seeded.reminders):
        raise BenchmarkError(f"reminder states after the run: {dict(states)}")
    messages = [m for m in fake.world.messages.values() if str(m.nonce).startswith(NONCE_PREFIX)]
    if len(messages) != len(seeded.reminders):
        raise BenchmarkError(f"{len(messages)} messages for {len(seeded.reminders)} reminders")
    posts = fake.posts_by_nonce(NONCE_PREFIX)
    return sum(len(p) for p in posts.values()) - len(posts)


async def until_identified(run: Running) -> tuple[float, float]:
    """Seconds from spawning the process, and from the fake answering its command sync,
    to the fake receiving its IDENTIFY. Between the two: `setup_hook` waking every waker
    (the reminder plan rebuilt), then discord.py opening the gateway."""
    fake = run.fake
    while fake.gateway.identify_count == 0:
        run.check_alive()
        if time.monotonic() - run.spawned_at > 60:
            raise BenchmarkError(f"no IDENTIFY within 60 s\n{run.log_tail()}")
        await asyncio.sleep(POLL)
    seconds, wall = time.monotonic() - run.spawned_at, time.time()
    syncs = fake.matching("PUT", rf"^/applications/\d+/guilds/{fake.guild.id}/commands$")
    if not syncs:
        raise BenchmarkError("connected before its commands were synced")
    return seconds, wall - syncs[-1].timestamp


async def startup(count: int, sizes: Sizes) -> Startup:
    """One start of the bot on a database holding `count` pending reminders (0: only the
    groups), the earliest due `sizes.lead` seconds after they are written."""
    async with workspace(NAME) as (fake, folder):
        engine = await database(folder)
        try:
            now = datetime.now(UTC)
            first = now + timedelta(seconds=sizes.lead)
            later = [now + timedelta(days=1, seconds=30 * i) for i in range(count - 1)]
            due = [first, *later] if count else []
            seeded = await seed_reminders(engine, fake, due, groups=sizes.groups)
            log_name = f"start-{count}.log"
            async with launched(BOT, fake, folder, log_name=log_name, wait=False) as run:
                identify, rebuild = await until_identified(run)
                await wait_logged(run, READY)
                ready = time.monotonic() - run.spawned_at
                if not count:
                    return Startup(identify, rebuild, ready, math.nan)
                earliest = seeded.reminders[0]
                deadline = time.monotonic() + sizes.lead + DRAIN
                await wait_received(fake, {earliest.nonce}, deadline)
                lateness = received_at(fake)[earliest.nonce] - earliest.due_at.timestamp()
                return Startup(identify, rebuild, ready, lateness)
        finally:
            await engine.dispose()


async def startups(count: int, sizes: Sizes) -> Startup:
    """The median of `sizes.starts` starts, figure by figure (one start moves by ±30%
    with the machine's scheduling)."""
    found = [await startup(count, sizes) for _ in range(sizes.starts)]
    return Startup(*(statistics.median(getattr(s, f.name) for s in found) for f in fields(Startup)))


@dataclass(frozen=True)
class Lateness:
    values: list[float]  # seconds, one per reminder
    margin: float  # seconds between the bot connecting and the first due time
    extra_posts: int
    cpu: float  # the bot's CPU seconds from connection to the last reminder


async def lateness(sizes: Sizes) -> Lateness:
    rng = random.Random(SEED)
    async with workspace(NAME) as (fake, folder):
        engine = await database(folder)
        try:
            start = datetime.now(UTC) + timedelta(seconds=sizes.lead)
            offsets = sorted(rng.uniform(0, sizes.window) for _ in range(sizes.due))
            due = [start + timedelta(seconds=s) for s in offsets]
            seeded = await seed_reminders(engine, fake, due, groups=sizes.groups)
            async with launched(BOT, fake, folder, log_name="lateness.log") as run:
                margin = start.timestamp() - time.time()
                cpu_before = run.cpu_seconds()
                deadline = time.monotonic() + margin + sizes.window + DRAIN
                await wait_received(fake, {r.nonce for r in seeded.reminders}, deadline)
                cpu = run.cpu_seconds() - cpu_before
                while (await reminder_states(engine))["done"] < sizes.due:
                    run.check_alive()
                    if time.monotonic() > deadline:
                        break
                    await asyncio.sleep(0.05)
            extra = await check_sent_once(engine, fake, seeded)
            received = received_at(fake)
            values = [received[r.nonce] - r.due_at.timestamp() for r in seeded.reminders]
            return Lateness(values, margin, extra, cpu)
        finally:
            await engine.dispose()


def startup_rows(sizes: Sizes, empty: Startup, full: Startup) -> list[Row]:
    n = f"{sizes.pending:,} pending"
    return [
        Row(NAME, "start-up, no reminders: spawn to IDENTIFY", empty.identify, "s"),
        at_most(NAME, f"start-up, {n}: spawn to IDENTIFY", full.identify, "s", 3.0),
        Row(
            NAME, "start-up, no reminders: commands synced to IDENTIFY", empty.rebuild * 1000, "ms"
        ),
        Row(NAME, f"start-up, {n}: commands synced to IDENTIFY", full.rebuild * 1000, "ms"),
        Row(NAME, "start-up, no reminders: spawn to on_ready", empty.ready, "s"),
        Row(NAME, f"start-up, {n}: spawn to on_ready", full.ready, "s"),
        Row(NAME, f"start-up, {n}: earliest reminder's lateness", full.first_lateness * 1000, "ms"),
    ]


def lateness_rows(sizes: Sizes, found: Lateness) -> list[Row]:
    ms = [v * 1000 for v in found.values]
    what = f"{sizes.due} due in {sizes.window:g} s"
    return [
        Row(NAME, f"{what}: bot connected before the first", found.margin, "s"),
        Row(NAME, f"{what}: lateness p50", percentile(ms, 50), "ms"),
        at_most(NAME, f"{what}: lateness p99", percentile(ms, 99), "ms", LATENESS_P99_MS),
        Row(NAME, f"{what}: lateness max", max(ms), "ms"),
        Row(NAME, f"{what}: lateness min", min(ms), "ms"),
        Row(NAME, f"{what}: POSTs beyond one per reminder", found.extra_posts, "count"),
        Row(NAME, f"{what}: bot CPU while they fell due", found.cpu, "s"),
    ]


async def run(smoke: bool) -> list[Row]:
    sizes = SMOKE if smoke else FULL
    empty = await startups(0, sizes)
    full = await startups(sizes.pending, sizes)
    rows = startup_rows(sizes, empty, full)
    return rows + lateness_rows(sizes, await lateness(sizes))
