"""`/setup show` paced at 100/s and as a burst, for the bot and for the floor client.

Latency runs from the fake sending INTERACTION_CREATE to it receiving the callback.
Each program first answers a few interactions one at a time and one unmeasured burst;
then the paced phase, then the measured bursts (throughput: their median, since one
burst's figure varies with the machine's scheduling; latencies: all bursts pooled).
Targets (issue 15): paced p99 <= 1.2 x the floor's; burst throughput >= 0.85 x the
floor's; the bot's resident memory after start-up <= 80 MB, on a fresh database and on one
migrated before (the floor's is printed beside).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable
from dataclasses import dataclass

from benchmarks import load
from benchmarks.common import Row, at_least, at_most, own_cpu_seconds, percentile
from benchmarks.floor_client import ANSWER
from benchmarks.processes import Program, Running, launched, running, workspace
from tests.fakediscord.results import PendingInteraction

NAME = "setup_show"
COMMAND = "setup show"
RATE = 100.0  # interactions per second in the paced phase
PACED_P99_RATIO = 1.2  # bot/floor
THROUGHPUT_RATIO = 0.85
RSS_MB = 80.0
BOT = Program("bot", "bot")
FLOOR = Program("floor", "benchmarks.floor_client")


@dataclass(frozen=True)
class Sizes:
    warm_up: int  # one at a time, then one unmeasured burst
    paced: int
    burst: int
    bursts: int  # measured bursts; throughput is their median


FULL = Sizes(warm_up=20, paced=1000, burst=500, bursts=3)
SMOKE = Sizes(warm_up=5, paced=50, burst=50, bursts=1)


@dataclass(frozen=True)
class Spent:
    """One phase, with the CPU seconds the program and the fake (this process) spent on it."""

    phase: load.Phase
    program_cpu: float
    fake_cpu: float
    wall: float


@dataclass(frozen=True)
class Measured:
    paced: Spent
    bursts: list[Spent]
    rss_start_mb: float
    rss_end_mb: float

    @property
    def burst_latencies(self) -> list[float]:
        return [latency for b in self.bursts for latency in b.phase.latencies]

    @property
    def burst_throughput(self) -> float:
        return statistics.median(b.phase.throughput for b in self.bursts)

    @property
    def burst_count(self) -> int:
        return self.bursts[0].phase.count


def answered_settings(pending: PendingInteraction) -> bool:
    """The bot's settings card (an ephemeral embed), not an error message."""
    data = pending.callback_data or {}
    return (
        pending.callback_type == 4
        and bool(data.get("embeds"))
        and bool(int(data.get("flags") or 0) & 64)
    )


def answered_constant(pending: PendingInteraction) -> bool:
    return pending.callback_type == 4 and (pending.callback_data or {}).get("content") == ANSWER


async def spent(run: Running, phase: Awaitable[load.Phase]) -> Spent:
    program, fake, wall = run.cpu_seconds(), own_cpu_seconds(), time.monotonic()
    measured = await phase
    run.check_alive()
    return Spent(
        measured,
        run.cpu_seconds() - program,
        own_cpu_seconds() - fake,
        time.monotonic() - wall,
    )


async def measure(program: Program, sizes: Sizes, check: load.Check) -> Measured:
    async with running(program) as run:
        rss_start = run.rss_mb()
        fake = run.fake
        within = 60.0 + sizes.burst * 0.5
        await load.warm_up(fake, COMMAND, sizes.warm_up, check)
        paced = await spent(run, load.paced(fake, COMMAND, sizes.paced, RATE, check, within))
        # An unmeasured burst first: its cost of opening connections to the fake is not
        # what the measured bursts are about (a busy bot keeps its connections open).
        await load.burst(fake, COMMAND, sizes.burst, check, within)
        bursts = []
        for _ in range(sizes.bursts):
            await asyncio.sleep(0.5)  # let the previous phase's tail settle
            bursts.append(await spent(run, load.burst(fake, COMMAND, sizes.burst, check, within)))
        return Measured(paced, bursts, rss_start, run.rss_mb())


async def restarted_rss(program: Program) -> float:
    """RSS after start-up on a database already migrated: every start but the first and
    an upgrade's (the first one runs the migrations, with alembic, and keeps them)."""
    async with workspace(f"{NAME}-restart") as (fake, folder):
        async with launched(program, fake, folder, log_name="first.log"):
            pass
        async with launched(program, fake, folder, log_name="second.log") as run:
            return run.rss_mb()


def figures(who: str, m: Measured) -> list[Row]:
    paced = m.paced.phase
    n, count = len(m.bursts), m.burst_count
    burst_cpu = sum(b.program_cpu for b in m.bursts) / sum(b.phase.count for b in m.bursts)
    fake_busy = sum(b.fake_cpu for b in m.bursts) / sum(b.wall for b in m.bursts)
    rows = [
        Row(NAME, f"{who} paced send rate", paced.send_rate, "/s"),
        Row(NAME, f"{who} paced p50", paced.p50_ms, "ms"),
        Row(NAME, f"{who} paced p99", paced.p99_ms, "ms"),
        Row(NAME, f"{who} paced max", paced.max_ms, "ms"),
        Row(NAME, f"{who} burst of {count} p50", percentile(m.burst_latencies, 50) * 1000, "ms"),
        Row(NAME, f"{who} burst of {count} p99", percentile(m.burst_latencies, 99) * 1000, "ms"),
        Row(
            NAME,
            f"{who} burst answers later than 3 s",
            sum(b.phase.late for b in m.bursts),
            "count",
        ),
        Row(NAME, f"{who} burst throughput (median of {n})", m.burst_throughput, "/s"),
        Row(
            NAME,
            f"{who} CPU per interaction, paced",
            m.paced.program_cpu / paced.count * 1000,
            "ms",
        ),
        Row(NAME, f"{who} CPU per interaction, burst", burst_cpu * 1000, "ms"),
        Row(NAME, f"{who} bursts: fake Discord busy", fake_busy * 100, "%"),
        target_or_figure(who, f"{who} RSS after start-up", m.rss_start_mb, "MB", RSS_MB),
        Row(NAME, f"{who} RSS after the run", m.rss_end_mb, "MB"),
    ]
    return rows


def target_or_figure(who: str, metric: str, value: float, unit: str, limit: float) -> Row:
    """The targets are the bot's; the floor's same figure is shown without one."""
    if who == "bot":
        return at_most(NAME, metric, value, unit, limit)
    return Row(NAME, metric, value, unit)


def ratios(bot: Measured, floor: Measured) -> list[Row]:
    return [
        at_most(
            NAME,
            "paced p99 bot/floor",
            bot.paced.phase.p99_ms / floor.paced.phase.p99_ms,
            "x",
            PACED_P99_RATIO,
        ),
        Row(
            NAME,
            "burst p99 bot/floor",
            percentile(bot.burst_latencies, 99) / percentile(floor.burst_latencies, 99),
            "x",
        ),
        at_least(
            NAME,
            "burst throughput bot/floor",
            bot.burst_throughput / floor.burst_throughput,
            "x",
            THROUGHPUT_RATIO,
        ),
    ]


async def run(smoke: bool) -> list[Row]:
    sizes = SMOKE if smoke else FULL
    floor = await measure(FLOOR, sizes, answered_constant)
    bot = await measure(BOT, sizes, answered_settings)
    restarted = [
        at_most(NAME, "bot RSS after start-up, database migrated before", await restarted_rss(BOT),
                "MB", RSS_MB),
        Row(NAME, "floor RSS after start-up, second start", await restarted_rss(FLOOR), "MB"),
    ]  # fmt: skip
    return figures("bot", bot) + figures("floor", floor) + restarted + ratios(bot, floor)
