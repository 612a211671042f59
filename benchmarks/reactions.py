"""10,000 reactions on one interest poll: how fast the bot stores them as votes.

2,500 members with the member role (smoke: 100) each react with the four theme emojis,
in a shuffled order: 10,000 MESSAGE_REACTION_ADD events (smoke: 400), all queued by the
fake at once. The bot (`python -m bot`, SQLite, then PostgreSQL) is done when the
benchmark, reading the database every 10 ms, counts every vote; the floor (a bare
discord.py client, `benchmarks.floor_client` counting the event type) is done when it
prints that it has received them all. Both get the same events on the same message
(bot-authored, cached by the client, the bot's four reactions on it), built before the
clock starts. The three programs run at once, each with its own fake, and take 5 rounds
in turn (floor, SQLite, PostgreSQL, floor...): each round of the bot's is another 2,500
members' reactions; the figures are each program's median round, the ratios the median
over rounds of bot/floor, since the machine's speed drifts between one program's run and
the next's. Targets (issue 15): the bot stores votes at least 0.6 x as fast as the floor
receives the events, on SQLite and on PostgreSQL (the 5,000 per second of issue 4 is shown
on SQLite too).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
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
ROUNDS = 5  # each program takes its rounds in turn with the others: the median counts


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


@dataclass
class Side:
    """One program with its own fake, taking its rounds in turn with the others."""

    who: str
    run: Running
    rounds: list[list[dict[str, Any]]]  # each round's events, built before any clock ran
    done: Callable[[int], Awaitable[bool]]  # all of round N (from 0) handled
    ingests: list[Ingest] = field(default_factory=list)

    async def round(self, number: int, within: float) -> None:
        async def done() -> bool:
            return await self.done(number)

        self.ingests.append(await timed(self.run, self.rounds[number], done, within))

    @property
    def median(self) -> Ingest:
        return sorted(self.ingests, key=lambda i: i.rate)[len(self.ingests) // 2]


@contextlib.asynccontextmanager
async def bot_side(who: str, database: Database, sizes: Sizes) -> AsyncIterator[Side]:
    """The bot on an open poll; each round, another `sizes.members` members react with the
    four emojis (so each round adds as many votes as the one before)."""
    async with workspace(f"{NAME}-{database.label}") as (fake, folder):
        role = fake.add_role("Sociétaires")
        people = members(fake, sizes.members * ROUNDS, role)
        program = Program("bot", "bot", env={**database.env(), "LOG_LEVEL": "INFO"})
        async with launched(program, fake, folder) as run:
            await wait_logged(run, BOT_READY)
            message, emojis = await open_poll(fake, role)
            rounds = [
                fake.add_reactions(
                    message,
                    shuffled_pairs(people[n * sizes.members : (n + 1) * sizes.members], emojis),
                    dispatch=False,
                )
                for n in range(ROUNDS)
            ]
            async with database.votes(folder) as votes:
                poll_id, _themes = await votes.poll()

                async def stored(number: int) -> bool:
                    return await votes.count(poll_id) >= (number + 1) * sizes.events

                side = Side(who, run, rounds, stored)
                yield side
                expected = ROUNDS * sizes.events
                if await votes.count(poll_id) != expected:
                    raise BenchmarkError(f"{await votes.count(poll_id)} votes for {expected}")


def floor_message(fake: FakeDiscord) -> Message:
    """What the bot's poll is to the client: its own message, cached, its reactions on it."""
    bot_id = fake.bot_user.id
    body = {"embeds": [{"title": "🗳️ Sondage", "description": "Réagissez"}]}
    message = fake.create_message(fake.default_channel, bot_id, body, dispatch=False)
    fake.add_reactions(message, [(emoji, bot_id) for emoji in EMOJIS], dispatch=False)
    fake.dispatch("MESSAGE_CREATE", fake.message_payload(message))
    return message


@contextlib.asynccontextmanager
async def floor_side(sizes: Sizes) -> AsyncIterator[Side]:
    """The floor, sent the same events every round (it counts them, stores nothing)."""
    async with workspace(f"{NAME}-floor") as (fake, folder):
        role = fake.add_role("Sociétaires")
        people = members(fake, sizes.members, role)
        count = f"{COUNTED}:{sizes.events}"
        program = Program("floor", "benchmarks.floor_client", env={"SIPBOT_BENCH_COUNT": count})
        async with launched(program, fake, folder) as run:
            message = floor_message(fake)
            events = fake.add_reactions(message, shuffled_pairs(people, EMOJIS), dispatch=False)

            async def received(number: int) -> bool:
                line = f"counted {(number + 1) * sizes.events} {COUNTED}"
                return line in run.log.read_text(encoding="utf-8", errors="replace")

            yield Side("floor", run, [events] * ROUNDS, received)


def figures(who: str, ingest: Ingest, target: bool = False) -> list[Row]:
    metric = f"{who}: events/s until all handled (median of {ROUNDS} rounds)"
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


def ratio(bot: Side, floor: Side) -> float:
    """The median over rounds of bot/floor, each round's pair measured back to back."""
    return statistics.median(
        b.rate / f.rate for b, f in zip(bot.ingests, floor.ingests, strict=True)
    )


async def run(smoke: bool) -> list[Row]:
    sizes = SMOKE if smoke else FULL
    async with contextlib.AsyncExitStack() as stack:
        floor = await stack.enter_async_context(floor_side(sizes))
        sides = [floor, await stack.enter_async_context(bot_side("bot SQLite", SQLITE, sizes))]
        problem = await postgres_problem()
        if problem is None:
            database = await stack.enter_async_context(postgres_database())
            sides.append(
                await stack.enter_async_context(bot_side("bot PostgreSQL", database, sizes))
            )
        for number in range(ROUNDS):
            for side in sides:
                await side.round(number, sizes.timeout)
        rows = figures("floor", floor.median)
        for bot in sides[1:]:
            rows += figures(bot.who, bot.median, target=bot.who == "bot SQLite")
            rows.append(
                at_least(
                    NAME, f"bot/floor events/s, {bot.who.removeprefix('bot ')} "
                    f"(median of {ROUNDS} rounds)", ratio(bot, floor), "x", FLOOR_RATIO,
                )
            )  # fmt: skip
    if problem is not None:
        rows.append(
            Row(NAME, f"bot PostgreSQL: skipped, unreachable ({problem})", float("nan"), "/s")
        )
    return rows
