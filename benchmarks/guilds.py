"""One process serving 1,000 small guilds: time to ready and resident memory.

1,000 guilds (smoke: 50) are in the fake before the program starts, each with the bot,
its owner, 20 members (smoke: 5), a member role and three text channels: a hosting of
many cooperatives' servers on one shard. The program runs with no SIPBOT_GUILD_IDS, so
its commands are synced once, globally (per guild it would be 1,000 PUTs). Measured for
the bot (`python -m bot`, SQLite) and then the floor (`benchmarks.floor_client`), each on
a fresh fake with the same world: spawn to the gateway session live, spawn to ready (the
"connected" line: discord.py is ready 2 s after the last GUILD_CREATE), the REST calls
made until then, RSS once ready and 2 s later (what the first minute of serving keeps).
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass

from benchmarks.common import BenchmarkError, Row
from benchmarks.polls import BOT_READY
from benchmarks.processes import Program, Running, launched, workspace
from tests.fakediscord import FakeDiscord

NAME = "guilds"
FLOOR_READY = r"connected to \d+ server"
POLL_EVERY = 0.005
SETTLE = 2.0  # seconds after ready for the second RSS figure
NO_GUILD_IDS = {"SIPBOT_GUILD_IDS": ""}  # commands synced globally, once
BOT = Program("bot", "bot", env={"LOG_LEVEL": "INFO", **NO_GUILD_IDS})
FLOOR = Program("floor", "benchmarks.floor_client", env=NO_GUILD_IDS)


@dataclass(frozen=True)
class Sizes:
    guilds: int
    members: int  # each guild's, beside its owner and the bot
    timeout: float


FULL = Sizes(guilds=1000, members=20, timeout=180.0)
SMOKE = Sizes(guilds=50, members=5, timeout=60.0)


@dataclass(frozen=True)
class Ready:
    connected: float
    ready: float
    servers: int
    rest_calls: int
    rss_ready_mb: float
    rss_settled_mb: float
    cpu: float


def populate(fake: FakeDiscord, sizes: Sizes) -> None:
    """The default guild and sizes.guilds - 1 more, each alike."""
    for n in range(sizes.guilds):
        guild = fake.guild if n == 0 else fake.add_guild(f"Coopérative {n}")
        role = fake.add_role("Sociétaires", guild=guild)
        for name in ("annonces", "échanges"):
            fake.add_text_channel(name, guild=guild)
        for i in range(sizes.members):
            fake.add_member(f"g{n}m{i}", roles=[role], guild=guild)


async def watch(run: Running, pattern: str, within: float) -> Ready:
    fake = run.fake
    connected = None
    while True:
        now = time.monotonic()
        if connected is None and fake.connected_clients:
            connected = now
        found = re.search(pattern, run.log.read_text(encoding="utf-8", errors="replace"))
        if found is not None and connected is not None:
            break
        run.check_alive()
        if now - run.spawned_at > within:
            raise BenchmarkError(f"{run.program.name} not ready after {within:.0f} s")
        await asyncio.sleep(POLL_EVERY)
    rss_ready, calls = run.rss_mb(), len(fake.requests)
    servers = int(re.findall(r"to (\d+) server", found[0])[0])
    await asyncio.sleep(SETTLE)
    return Ready(
        connected - run.spawned_at, now - run.spawned_at, servers, calls, rss_ready,
        run.rss_mb(), run.cpu_seconds(),
    )  # fmt: skip


async def measure(program: Program, pattern: str, sizes: Sizes) -> Ready:
    async with workspace(f"{NAME}-{program.name}") as (fake, folder):
        populate(fake, sizes)
        async with launched(program, fake, folder, wait=False) as run:
            ready = await watch(run, pattern, sizes.timeout)
    if ready.servers != sizes.guilds:
        raise BenchmarkError(f"{program.name} ready in {ready.servers} of {sizes.guilds} guilds")
    return ready


def figures(who: str, r: Ready) -> list[Row]:
    return [
        Row(NAME, f"{who}: spawn to gateway connected", r.connected, "s"),
        Row(NAME, f"{who}: spawn to ready", r.ready, "s"),
        Row(NAME, f"{who}: REST calls until ready", r.rest_calls, "count"),
        Row(NAME, f"{who}: RSS when ready", r.rss_ready_mb, "MB"),
        Row(NAME, f"{who}: RSS {SETTLE:g} s later", r.rss_settled_mb, "MB"),
        Row(NAME, f"{who}: CPU, spawn to {SETTLE:g} s after ready", r.cpu, "s"),
    ]


async def run(smoke: bool) -> list[Row]:
    sizes = SMOKE if smoke else FULL
    floor = await measure(FLOOR, FLOOR_READY, sizes)
    bot = await measure(BOT, BOT_READY, sizes)
    per_guild = (bot.rss_settled_mb - floor.rss_settled_mb) / sizes.guilds * 1024
    return [
        Row(NAME, f"guilds, {sizes.members + 2} members each", sizes.guilds, "count"),
        *figures("bot", bot),
        *figures("floor", floor),
        Row(NAME, "bot/floor spawn to ready", bot.ready / floor.ready, "x"),
        Row(NAME, "bot/floor RSS when ready", bot.rss_ready_mb / floor.rss_ready_mb, "x"),
        Row(NAME, "bot - floor RSS, per guild (whole process)", per_guild, "KB"),
    ]
