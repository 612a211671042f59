"""Firing interactions through the fake: paced at a rate, or all at once, and what came back.

Times are the fake's own stamps (time.monotonic, CLOCK_MONOTONIC with ns resolution on
Linux, the same clock as time.perf_counter there): `created` when the fake queues
INTERACTION_CREATE for the gateway, `callback_at` when it handles the callback POST.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.common import BenchmarkError, percentile
from tests.fakediscord import FakeDiscord, InteractionResult
from tests.fakediscord.results import PendingInteraction

Prepared = list[tuple[PendingInteraction, dict[str, Any]]]
Check = Callable[[PendingInteraction], bool]
DISCORD_DEADLINE = 3.0  # seconds Discord gives a bot to answer an interaction


def prepare(fake: FakeDiscord, command: str, count: int) -> Prepared:
    return [fake.prepare_slash(command) for _ in range(count)]


async def send_paced(fake: FakeDiscord, prepared: Prepared, rate: float) -> list[InteractionResult]:
    """Send on a fixed schedule (i / rate after the start), never catching up in bursts."""
    results: list[InteractionResult] = []
    start = time.monotonic()
    for i, (pending, payload) in enumerate(prepared):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        results.append(fake.send_prepared(pending, payload))
    return results


def send_burst(fake: FakeDiscord, prepared: Prepared) -> list[InteractionResult]:
    return [fake.send_prepared(pending, payload) for pending, payload in prepared]


async def wait_answered(results: Sequence[InteractionResult], within: float) -> None:
    """Until every interaction got its callback, or the timeout; polling keeps this cheap."""
    deadline = time.monotonic() + within
    waiting = list(results)
    while waiting and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
        waiting = [r for r in waiting if r.pending.callback_at is None]


@dataclass(frozen=True)
class Phase:
    """What one load phase measured; times in seconds."""

    count: int
    latencies: list[float]
    first_sent: float
    last_sent: float
    last_answer: float

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies, 50) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies, 99) * 1000

    @property
    def max_ms(self) -> float:
        return max(self.latencies) * 1000

    @property
    def throughput(self) -> float:
        """Answers per second from the first send to the last callback."""
        return self.count / (self.last_answer - self.first_sent)

    @property
    def send_rate(self) -> float:
        span = self.last_sent - self.first_sent
        return (self.count - 1) / span if span > 0 else float("nan")

    @property
    def late(self) -> int:
        return sum(1 for latency in self.latencies if latency > DISCORD_DEADLINE)


def summarise(fake: FakeDiscord, results: Sequence[InteractionResult], check: Check) -> Phase:
    """The phase's figures; BenchmarkError when anything went unanswered or was answered wrong."""
    unanswered = [r for r in results if r.pending.callback_at is None]
    wrong = [r for r in results if r.pending.callback_at is not None and not check(r.pending)]
    if unanswered or wrong or fake.unhandled:
        sample = wrong[0].pending.callback_data if wrong else None
        raise BenchmarkError(
            f"{len(unanswered)} unanswered and {len(wrong)} wrong answers out of {len(results)}"
            f" (first wrong answer: {sample}); unhandled by the fake: {fake.unhandled[:5]};"
            f" recent requests: {fake.describe_requests(5)}"
        )
    pendings = [r.pending for r in results]
    answers = [p.callback_at for p in pendings if p.callback_at is not None]
    return Phase(
        count=len(results),
        latencies=[a - p.created for p, a in zip(pendings, answers, strict=True)],
        first_sent=min(p.created for p in pendings),
        last_sent=max(p.created for p in pendings),
        last_answer=max(answers),
    )


async def paced(
    fake: FakeDiscord, command: str, count: int, rate: float, check: Check, within: float
) -> Phase:
    results = await send_paced(fake, prepare(fake, command, count), rate)
    await wait_answered(results, within)
    return summarise(fake, results, check)


async def burst(fake: FakeDiscord, command: str, count: int, check: Check, within: float) -> Phase:
    prepared = prepare(fake, command, count)
    results = send_burst(fake, prepared)
    await wait_answered(results, within)
    return summarise(fake, results, check)


async def warm_up(fake: FakeDiscord, command: str, count: int, check: Check) -> None:
    """One at a time: first-call costs (imports, caches, the guild's first row) happen here."""
    for _ in range(count):
        result = await fake.slash(command, timeout=30)
        if not check(result.pending):
            raise BenchmarkError(f"warm-up answer to /{command} is not the expected one: {result}")
