"""The scheduler's timers, on the real clock: a planned wake-up happens at its instant,
a new plan replaces the old one, and nothing wakes once the scheduler is shut down."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.kit.clock import SystemClock
from bot.kit.scheduler import Scheduler, Waker

SOON = timedelta(milliseconds=50)


async def test_a_waker_is_woken_again_at_the_instant_it_asked_for() -> None:
    clock = SystemClock()
    scheduler = Scheduler(clock)
    woken: list[datetime] = []
    again = asyncio.Event()

    async def waker() -> datetime | None:
        woken.append(clock.now())
        if len(woken) == 1:
            return clock.now() + SOON
        again.set()
        return None

    scheduler.register("test", waker)
    scheduler.start()
    await scheduler.wake_all()
    assert len(woken) == 1 and scheduler.planned("test") is not None
    await asyncio.wait_for(again.wait(), 5)
    assert woken[1] - woken[0] >= SOON - timedelta(milliseconds=5)
    assert scheduler.planned("test") is None
    await scheduler.shutdown()


async def test_a_new_plan_replaces_the_old_and_shutdown_stops_them_all() -> None:
    clock = SystemClock()
    scheduler = Scheduler(clock)
    woken: list[str] = []
    plans: dict[str, datetime | None] = {"a": clock.now() + SOON, "b": clock.now() + SOON}

    def waker_of(name: str) -> Waker:
        async def waker() -> datetime | None:
            woken.append(name)
            return plans[name]

        return waker

    for name in plans:
        scheduler.register(name, waker_of(name))
    scheduler.start()
    await scheduler.wake_all()
    plans["a"] = None
    await scheduler.wake("a")  # "a" wants no more wake-up: its timer is gone
    await scheduler.shutdown()  # and "b"'s with the scheduler
    await asyncio.sleep(3 * SOON.total_seconds())
    assert woken == ["a", "b", "a"]
