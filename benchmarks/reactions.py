"""10,000 reactions on one interest poll: how fast the bot stores them as votes.

2,500 members with the member role (smoke: 100) each react with the four theme emojis,
in a shuffled order: 10,000 MESSAGE_REACTION_ADD events (smoke: 400), all queued by the
fake at once. The bot (`python -m bot`, SQLite, then PostgreSQL) is done when the
benchmark, reading the database every 10 ms, counts every vote; the floor (a bare
discord.py client, `benchmarks.floor_client` counting the event type) is done when it
prints that it has received them all. Both get the same events on the same message
(bot-authored, cached by the client, the bot's four reactions on it), built before the
clock starts. Targets (issue 15): the bot stores votes at least 0.6 x as fast as the floor
receives the events, on SQLite and on PostgreSQL (the 5,000 per second of issue 4 is shown
on SQLite too).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.common import BenchmarkError, Row, at_least, collector_quiet, own_cpu_seconds
from benchmarks.polls import (
    BOT_READY,
    SQLITE,
    Database,
    members,
    open_poll,
    postgres_database,
    postgres_problem,
)
from benchmarks.processes import Program, Running, launched, wait_logged, workspace
from tests.fakediscord import FakeDiscord, Member, Message

NAME = "reactions"
EVENT = "MESSAGE_REACTION_ADD"
COUNTED = "raw_reaction_add"  # what discord.py makes of EVENT; the floor counts it
EMOJIS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣")
TARGET = 5000.0  # votes stored per second, SQLite (issue 4)
FLOOR_RATIO = 0.6  # bot/floor, SQLite and PostgreSQL (issue 15)
POLL_EVERY = 0.01  # seconds between two looks at the database (or the floor's output)
SETTLE = 0.5  # seconds for the set-up's own events to be handled before the clock starts
SEED = 4
FLOOR_ROUNDS = 3


@dataclass(frozen=True)
class Sizes:
    members: int
    timeout: float  # seconds for all events to be handled

    @property
    def events(self) -> int:
        return self.members * len(EMOJIS)


FULL = Sizes(members=2500, timeout=120.0)
SMOKE = Sizes(members=100, timeout=30.0)


@dataclass(frozen=True)
class Ingest:
    events: int
    seconds: float
    program_cpu: float
    fake_cpu: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def shuffled_pairs(
    people: list[Member], emojis: list[str] | tuple[str, ...]
) -> list[tuple[str, int]]:
    pairs = [(emoji, person.id) for person in people for emoji in emojis]
    random.Random(SEED).shuffle(pairs)
    return pairs


async def timed(
    run: Running, events: list[dict[str, Any]], done: Callable[[], Awaitable[bool]], within: float
) -> Ingest:
    """From the first dispatch until `done`; CPU of the program and of the fake meanwhile."""
    await asyncio.sleep(SETTLE)
    fake = run.fake
    with collector_quiet():
        program_cpu, fake_cpu = run.cpu_seconds(), own_cpu_seconds()
        start = time.monotonic()
        fake.dispatch_many(EVENT, events)
        while not await done():
            run.check_alive()
            if time.monotonic() - start > within:
                raise BenchmarkError(
                    f"{run.program.name}: {len(events)} events not handled within"
                    f" {within:.0f} s\n{run.log_tail()}"
                )
            await asyncio.sleep(POLL_EVERY)
        seconds = time.monotonic() - start
    ingest = Ingest(
        len(events), seconds, run.cpu_seconds() - program_cpu, own_cpu_seconds() - fake_cpu
    )
    if fake.unhandled:
        raise BenchmarkError(f"the fake got unimplemented calls: {fake.unhandled[:5]}")
    if fake.count("GET", r"/reactions/"):  # votes must come from the events, not a re-read
        raise BenchmarkError(f"{run.program.name} listed the reactions during the run")
    return ingest


async def measure_bot(database: Database, sizes: Sizes) -> Ingest:
    async with workspace(f"{NAME}-bot") as (fake, folder):
        role = fake.add_role("Sociétaires")
        people = members(fake, sizes.members, role)
        program = Program("bot", "bot", env={**database.env(), "LOG_LEVEL": "INFO"})
        async with launched(program, fake, folder) as run:
            await wait_logged(run, BOT_READY)
            message, emojis = await open_poll(fake, role)
            events = fake.add_reactions(message, shuffled_pairs(people, emojis), dispatch=False)
            async with database.votes(folder) as votes:
                poll_id, _themes = await votes.poll()

                async def stored() -> bool:
                    return await votes.count(poll_id) >= len(events)

                ingest = await timed(run, events, stored, sizes.timeout)
                if await votes.count(poll_id) != len(events):
                    raise BenchmarkError(f"{await votes.count(poll_id)} votes for {len(events)}")
                return ingest


def floor_message(fake: FakeDiscord) -> Message:
    """What the bot's poll is to the client: its own message, cached, its reactions on it."""
    bot_id = fake.bot_user.id
    body = {"embeds": [{"title": "🗳️ Sondage", "description": "Réagissez"}]}
    message = fake.create_message(fake.default_channel, bot_id, body, dispatch=False)
    fake.add_reactions(message, [(emoji, bot_id) for emoji in EMOJIS], dispatch=False)
    fake.dispatch("MESSAGE_CREATE", fake.message_payload(message))
    return message


async def measure_floor(sizes: Sizes) -> Ingest:
    """The median of FLOOR_ROUNDS rounds of the same events (one round lasts half a second,
    and moves by ±15% with the machine's scheduling; the bot's lasts three times longer)."""
    async with workspace(f"{NAME}-floor") as (fake, folder):
        role = fake.add_role("Sociétaires")
        people = members(fake, sizes.members, role)
        count = f"{COUNTED}:{sizes.events}"
        program = Program("floor", "benchmarks.floor_client", env={"SIPBOT_BENCH_COUNT": count})
        async with launched(program, fake, folder) as run:
            message = floor_message(fake)
            events = fake.add_reactions(message, shuffled_pairs(people, EMOJIS), dispatch=False)
            rounds = []
            for round_number in range(1, FLOOR_ROUNDS + 1):
                line = f"counted {round_number * sizes.events} {COUNTED}"

                async def received(line: str = line) -> bool:
                    return line in run.log.read_text(encoding="utf-8", errors="replace")

                rounds.append(await timed(run, events, received, sizes.timeout))
            return sorted(rounds, key=lambda r: r.rate)[len(rounds) // 2]


def figures(who: str, ingest: Ingest, target: bool = False, rounds: int = 1) -> list[Row]:
    metric = f"{who}: events/s until all handled"
    if rounds > 1:
        metric += f" (median of {rounds})"
    rate = (
        at_least(NAME, metric, ingest.rate, "/s", TARGET)
        if target
        else Row(NAME, metric, ingest.rate, "/s")
    )
    return [
        rate,
        Row(NAME, f"{who}: seconds for {ingest.events} events", ingest.seconds, "s"),
        Row(NAME, f"{who}: CPU per event", ingest.program_cpu / ingest.events * 1e6, "µs"),
        Row(NAME, f"{who}: fake Discord busy", ingest.fake_cpu / ingest.seconds * 100, "%"),
    ]


async def run(smoke: bool) -> list[Row]:
    sizes = SMOKE if smoke else FULL
    floor = await measure_floor(sizes)
    sqlite = await measure_bot(SQLITE, sizes)
    rows = figures("floor", floor, rounds=FLOOR_ROUNDS) + figures("bot SQLite", sqlite, target=True)
    rows.append(
        at_least(NAME, "bot/floor events/s, SQLite", sqlite.rate / floor.rate, "x", FLOOR_RATIO)
    )
    problem = await postgres_problem()
    if problem is not None:
        rows.append(
            Row(NAME, f"bot PostgreSQL: skipped, unreachable ({problem})", float("nan"), "/s")
        )
        return rows
    async with postgres_database() as database:
        postgres = await measure_bot(database, sizes)
    rows += figures("bot PostgreSQL", postgres)
    rows.append(
        at_least(
            NAME, "bot/floor events/s, PostgreSQL", postgres.rate / floor.rate, "x", FLOOR_RATIO
        )
    )
    return rows
