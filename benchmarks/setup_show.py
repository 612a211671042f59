"""`/setup show` paced at 100/s and as a burst, for the bot and for the floor client.

Latency runs from the fake sending INTERACTION_CREATE to it receiving the callback.
Both programs run at once, each against its own fake, and take each phase in turn. Each
first answers a few interactions one at a time; then the paced phase in rounds, one
unmeasured burst, then the measured bursts (throughput: their median, and the ratio the
median over rounds of bot/floor, since one burst's figure varies with the machine's
scheduling; latencies: all bursts pooled).
Targets (issue 15): paced p99 <= 1.2 x the floor's; burst throughput >= 0.85 x the
floor's; the bot's resident memory after start-up <= 80 MB, on a fresh database and on one
migrated before (the floor's is printed beside).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field

from benchmarks import load
from benchmarks.common import Row, at_least, at_most, collector_quiet, own_cpu_seconds, percentile
from benchmarks.floor_client import ANSWER, CARD_TITLE
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
FLOOR_CARD = Program("floor-card", "benchmarks.floor_client", env={"SIPBOT_BENCH_ANSWER": "card"})


@dataclass(frozen=True)
class Sizes:
    warm_up: int  # one at a time, then one unmeasured burst
    paced: int
    paced_rounds: int  # the paced interactions in this many rounds, taken in turn
    burst: int
    bursts: int  # measured bursts (rounds) of each program; throughput is their median


FULL = Sizes(warm_up=20, paced=1000, paced_rounds=2, burst=500, bursts=11)
SMOKE = Sizes(warm_up=5, paced=50, paced_rounds=1, burst=50, bursts=1)


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


def answered_card(pending: PendingInteraction) -> bool:
    embeds = (pending.callback_data or {}).get("embeds") or [{}]
    return pending.callback_type == 4 and embeds[0].get("title") == CARD_TITLE


async def spent(run: Running, phase: Awaitable[load.Phase]) -> Spent:
    with collector_quiet():
        program, fake, wall = run.cpu_seconds(), own_cpu_seconds(), time.monotonic()
        measured = await phase
    run.check_alive()
    return Spent(
        measured,
        run.cpu_seconds() - program,
        own_cpu_seconds() - fake,
        time.monotonic() - wall,
    )


@dataclass
class Side:
    """One program under load, and what its phases measured."""

    run: Running
    check: load.Check
    paced: list[Spent] = field(default_factory=list)
    bursts: list[Spent] = field(default_factory=list)
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    answer_bytes: int = 0  # the JSON of one answer, as the fake received it

    def measured(self) -> Measured:
        phases = [p.phase for p in self.paced]
        paced = Spent(  # the paced rounds pooled into one phase
            load.Phase(
                count=sum(p.count for p in phases),
                latencies=[latency for p in phases for latency in p.latencies],
                # the rounds' spans end to end, so the send rate is the pacing's
                first_sent=phases[0].first_sent,
                last_sent=phases[0].first_sent + sum(p.last_sent - p.first_sent for p in phases),
                last_answer=phases[-1].last_answer,
            ),
            sum(p.program_cpu for p in self.paced),
            sum(p.fake_cpu for p in self.paced),
            sum(p.wall for p in self.paced),
        )
        return Measured(paced, self.bursts, self.rss_start_mb, self.rss_end_mb)

    @property
    def burst_throughput(self) -> float:
        return statistics.median(b.phase.throughput for b in self.bursts)

    def ratio(self, other: Side) -> float:
        """The median over the rounds of this side's burst throughput over the other's."""
        return statistics.median(
            mine.phase.throughput / theirs.phase.throughput
            for mine, theirs in zip(self.bursts, other.bursts, strict=True)
        )


async def measure(sizes: Sizes) -> tuple[Side, Side, Side]:
    """The three programs up at once, each against its own fake, their phases taken in
    turn (floor, bot, floor, bot...): the machine's speed drifts by a quarter or more over
    a minute, and in turn they all see the same machine. The floor answering a card (of
    the bot's answer's size) takes the bursts only."""
    async with (
        running(FLOOR) as floor_run,
        running(FLOOR_CARD) as card_run,
        running(BOT) as bot_run,
    ):
        floor = Side(floor_run, answered_constant, rss_start_mb=floor_run.rss_mb())
        card = Side(card_run, answered_card, rss_start_mb=card_run.rss_mb())
        bot = Side(bot_run, answered_settings, rss_start_mb=bot_run.rss_mb())
        sides = [floor, card, bot]
        within = 60.0 + sizes.burst * 0.5
        for side in sides:
            await load.warm_up(side.run.fake, COMMAND, sizes.warm_up, side.check)
            answer = await side.run.fake.slash(COMMAND, timeout=30)
            side.answer_bytes = len(json.dumps(answer.pending.callback_data))
        per_round = max(sizes.paced // sizes.paced_rounds, 1)
        for _ in range(sizes.paced_rounds):
            for side in (floor, bot):
                fake = side.run.fake
                phase = load.paced(fake, COMMAND, per_round, RATE, side.check, within)
                side.paced.append(await spent(side.run, phase))
        # An unmeasured burst first: its cost of opening connections to the fake is not
        # what the measured bursts are about (a busy bot keeps its connections open).
        for side in sides:
            await load.burst(side.run.fake, COMMAND, sizes.burst, side.check, within)
        for _ in range(sizes.bursts):
            for side in sides:
                await asyncio.sleep(0.5)  # let the previous phase's tail settle
                phase = load.burst(side.run.fake, COMMAND, sizes.burst, side.check, within)
                side.bursts.append(await spent(side.run, phase))
        for side in sides:
            side.rss_end_mb = side.run.rss_mb()
        return floor, card, bot


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


def ratios(bot: Side, floor: Side, card: Side) -> list[Row]:
    b, f = bot.measured(), floor.measured()
    rounds = f"median of {len(bot.bursts)} rounds"
    return [
        at_most(NAME, "paced p99 bot/floor", b.paced.phase.p99_ms / f.paced.phase.p99_ms, "x",
                PACED_P99_RATIO),
        Row(NAME, "burst p99 bot/floor",
            percentile(b.burst_latencies, 99) / percentile(f.burst_latencies, 99), "x"),
        at_least(NAME, f"burst throughput bot/floor ({rounds})", bot.ratio(floor), "x",
                 THROUGHPUT_RATIO),
        Row(NAME, "bot answer (JSON)", bot.answer_bytes, "bytes"),
        Row(NAME, "floor answer (JSON)", floor.answer_bytes, "bytes"),
        Row(NAME, "floor answering a card: answer (JSON)", card.answer_bytes, "bytes"),
        Row(NAME, f"floor answering a card: burst throughput (median of {len(card.bursts)})",
            card.burst_throughput, "/s"),
        Row(NAME, f"burst throughput bot/floor answering a card ({rounds})", bot.ratio(card),
            "x"),
    ]  # fmt: skip


async def run(smoke: bool) -> list[Row]:
    sizes = SMOKE if smoke else FULL
    floor, card, bot = await measure(sizes)
    restarted = [
        at_most(NAME, "bot RSS after start-up, database migrated before", await restarted_rss(BOT),
                "MB", RSS_MB),
        Row(NAME, "floor RSS after start-up, second start", await restarted_rss(FLOOR), "MB"),
    ]  # fmt: skip
    return (
        figures("bot", bot.measured()) + figures("floor", floor.measured()) + restarted
        + ratios(bot, floor, card)
    )  # fmt: skip
