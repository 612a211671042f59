"""A guild the cooperative's size: 30,000 members and an interest poll of 30,000 respondents.

30,000 members with the member role (smoke: 600) are in the fake before the bot first
starts; the guild is `large`, so its GUILD_CREATE carries only the bot and the members
come when asked for, by GUILD_MEMBERS_CHUNK of 1,000 (the bot asks once, when its
start-up reconciliation first needs to tell members from others: bot/kit/reactions.py).
The bot opens the poll through commands and stops; while it is offline every member
reacts with one to three of the four themes (seeded; about 60,000 reactions, smoke:
1,200), put on the fake's message without events. The bot starts again on the same
database (`LOG_LEVEL=INFO`): time to ready, RSS, the reconciliation (its log line), the
REST calls and member chunks it took; the stored votes must then equal the reactions.
Then the floor (`benchmarks.floor_client` with SIPBOT_BENCH_READ) starts in the same
fake and reads the same: the message, the member list, every reaction page, storing
nothing. Targets (issue 15): the bot's RSS <= 160 MB once reconciled (its member
list cached), its poll reconciled
within the floor's read + 1 s (both from the gateway session going live: both include
discord.py's 2 s wait for guilds before ready).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import BenchmarkError, Row, at_most
from benchmarks.polls import BOT_READY, SQLITE, members, open_poll
from benchmarks.processes import Program, Running, launched, wait_logged, workspace
from tests.fakediscord import FakeDiscord, Member, Message

NAME = "cooperative"
DONE = r"poll (\d+) reconciled: (\d+) added, (\d+) removed"
FLOOR_READY = r"connected to \d+ server"
FLOOR_READ = r"read (\d+) reactions, (\d+) members"
RSS_MB = 160.0
SLACK = 1.0  # seconds the bot's reconciliation may take beyond the floor's read
SEED = 15
POLL_EVERY = 0.005  # seconds between two looks at the program's output
BOT = Program("bot", "bot", env={"LOG_LEVEL": "INFO"})


@dataclass(frozen=True)
class Sizes:
    members: int
    timeout: float


FULL = Sizes(members=30_000, timeout=180.0)
SMOKE = Sizes(members=600, timeout=60.0)


@dataclass(frozen=True)
class Started:
    """One program's start on the big guild, all seconds from the process being created
    unless said otherwise."""

    ready: float  # its "connected" line
    done: float  # its "reconciled" (bot) or "read" (floor) line
    connected: float  # the gateway session live
    rss_ready_mb: float
    rss_done_mb: float
    rest_calls: int
    reaction_pages: int
    member_chunks: int
    cpu: float  # the program's CPU seconds, spawn to done
    from_fetch: float  # its GET of the poll message -> done
    reading: float  # that GET -> its last reaction page asked for

    @property
    def connected_to_done(self) -> float:
        return self.done - self.connected


def choices(people: list[Member], emojis: list[str]) -> list[tuple[str, int]]:
    """One to three themes each, two on average: 60,000 reactions for 30,000 members."""
    rng = random.Random(SEED)
    pairs = []
    for person in people:
        for emoji in rng.sample(emojis, rng.choice((1, 2, 2, 3))):
            pairs.append((emoji, person.id))
    return pairs


async def watch(run: Running, done: str, within: float) -> Started:
    """Polls the program's output every 5 ms until `done`; RSS when ready and when done."""
    fake = run.fake
    ready_pattern = BOT_READY if run.program.name == "bot" else FLOOR_READY
    connected = ready = None
    rss_ready = 0.0
    chunks_before = fake.gateway.member_chunks
    while True:
        now = time.monotonic()
        if connected is None and fake.connected_clients:
            connected = now
        text = run.log.read_text(encoding="utf-8", errors="replace")
        if ready is None and re.search(ready_pattern, text):
            ready, rss_ready = now, run.rss_mb()
        if ready is not None and connected is not None and re.search(done, text):
            break
        run.check_alive()
        if now - run.spawned_at > within:
            raise BenchmarkError(
                f"{run.program.name}: not done after {within:.0f} s; its last REST calls: "
                f"{fake.describe_requests(4)}\n{run.log_tail()}"
            )
        await asyncio.sleep(POLL_EVERY)
    seen_wall = time.time()  # the fake stamps requests with time.time()
    fetches = fake.matching("GET", r"/channels/\d+/messages/\d+$")
    pages = fake.matching("GET", r"/reactions/")
    if not fetches:
        raise BenchmarkError(f"{run.program.name} never fetched the poll message")
    fetched = fetches[0].timestamp
    return Started(
        ready=ready - run.spawned_at,
        done=now - run.spawned_at,
        connected=connected - run.spawned_at,
        rss_ready_mb=rss_ready,
        rss_done_mb=run.rss_mb(),
        rest_calls=len(fake.requests),
        reaction_pages=fake.count("GET", r"/reactions/"),
        member_chunks=fake.gateway.member_chunks - chunks_before,
        cpu=run.cpu_seconds(),
        from_fetch=seen_wall - fetched,
        reading=(pages[-1].timestamp if pages else fetched) - fetched,
    )


async def check_votes(folder_log: Running, message: Message, respondents: int) -> int:
    """Stored votes == the message's reactions (the bot's own excepted), exactly."""
    async with SQLITE.votes(folder_log.log.parent) as votes:
        poll_id, themes = await votes.poll()
        stored = await votes.pairs(poll_id)
    bot_id = folder_log.fake.bot_user.id
    truth = {
        (user, themes[emoji])
        for emoji, reaction in message.reactions.items()
        for user in reaction.users
        if user != bot_id
    }
    voters = {user for user, _theme in truth}
    if stored != truth or len(voters) != respondents:
        raise BenchmarkError(
            f"after reconciliation {len(stored)} votes stored, {len(truth)} reactions of "
            f"{len(voters)} respondents; {len(stored - truth)} extra, {len(truth - stored)} missing"
        )
    return len(truth)


async def started(
    fake: FakeDiscord, folder: Path, program: Program, log_name: str, done: str, sizes: Sizes
) -> Started:
    fake.clear_requests()
    async with launched(program, fake, folder, log_name=log_name, wait=False) as run:
        return await watch(run, done, sizes.timeout)


async def measure(sizes: Sizes) -> tuple[Started, Started, int]:
    async with workspace(NAME) as (fake, folder):
        role = fake.add_role("Sociétaires")
        people = members(fake, sizes.members, role)
        async with launched(BOT, fake, folder, log_name="first.log") as first:
            await wait_logged(first, BOT_READY, within=sizes.timeout)
            message, emojis = await open_poll(fake, role)
        fake.add_reactions(message, choices(people, emojis), dispatch=False)
        bot = await started(fake, folder, BOT, "restart.log", DONE, sizes)
        reactions = await check_votes(first, message, sizes.members)
        reader = Program(
            "floor",
            "benchmarks.floor_client",
            env={"SIPBOT_BENCH_READ": f"{message.channel_id}:{message.id}"},
        )
        floor = await started(fake, folder, reader, "floor.log", FLOOR_READ, sizes)
        return bot, floor, reactions


def figures(who: str, s: Started, limit_rss: bool) -> list[Row]:
    finished = "reconciled" if who == "bot" else "read"
    rss = f"{who}: RSS once {finished} (members cached)"
    return [
        Row(NAME, f"{who}: spawn to ready", s.ready, "s"),
        Row(NAME, f"{who}: spawn to gateway connected", s.connected, "s"),
        Row(NAME, f"{who}: RSS when ready", s.rss_ready_mb, "MB"),
        at_most(NAME, rss, s.rss_done_mb, "MB", RSS_MB) if limit_rss else Row(NAME, rss, s.rss_done_mb, "MB"),
        Row(NAME, f"{who}: gateway connected to poll {finished}", s.connected_to_done, "s"),
        Row(NAME, f"{who}: poll message fetched to {finished}", s.from_fetch, "s"),
        Row(NAME, f"{who}:   of which to the last reaction page asked", s.reading, "s"),
        Row(NAME, f"{who}: REST calls, start to {finished}", s.rest_calls, "count"),
        Row(NAME, f"{who}: of which reaction pages (100 users)", s.reaction_pages, "count"),
        Row(NAME, f"{who}: GUILD_MEMBERS_CHUNK received", s.member_chunks, "count"),
        Row(NAME, f"{who}: CPU, spawn to {finished}", s.cpu, "s"),
    ]  # fmt: skip


async def run(smoke: bool) -> list[Row]:
    sizes = SMOKE if smoke else FULL
    bot, floor, reactions = await measure(sizes)
    label = f"{sizes.members} members, {reactions} reactions"
    limit = floor.connected_to_done + SLACK
    return [
        Row(NAME, f"poll of {label}", reactions, "count"),
        *figures("bot", bot, limit_rss=True),
        *figures("floor", floor, limit_rss=False),
        at_most(
            NAME, "bot: poll reconciled (from gateway connected)", bot.connected_to_done, "s",
            limit, f"floor + {SLACK:g} = {limit:.2f}",
        ),
        Row(NAME, "bot/floor RSS once done", bot.rss_done_mb / floor.rss_done_mb, "x"),
    ]  # fmt: skip
