"""APScheduler as an alarm clock: it only wakes the bot; the database decides.

Features register a *waker* (an async callable that does whatever is due now
and returns the next instant it wants to be woken at, or None). The scheduler
keeps one APScheduler job per waker at that instant, and re-plans when a
feature says its plan changed. Nothing lives only in memory: at start-up every
waker runs once, which rebuilds the plan from the tables.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.kit.clock import Clock

log = logging.getLogger(__name__)

Waker = Callable[[], Awaitable[datetime | None]]
RETRY_AFTER_FAILURE = timedelta(seconds=30)
MIN_GAP = timedelta(seconds=1)


class Scheduler:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._apscheduler = AsyncIOScheduler(timezone="UTC")
        self._wakers: dict[str, Waker] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._planned: dict[str, datetime | None] = {}
        self._waking: set[asyncio.Task[None]] = set()
        self.running = False

    def register(self, name: str, waker: Waker) -> None:
        self._wakers[name] = waker
        self._locks[name] = asyncio.Lock()

    def start(self) -> None:
        if not self.running:
            self._apscheduler.start()
            self.running = True

    async def shutdown(self) -> None:
        if self.running:
            self._apscheduler.shutdown(wait=False)
            self.running = False
        for task in list(self._waking):
            task.cancel()
        if self._waking:
            await asyncio.gather(*self._waking, return_exceptions=True)

    async def wake_all(self) -> None:
        for name in list(self._wakers):
            await self.wake(name)

    async def wake(self, name: str) -> None:
        """Run the waker now (it does what is due) and plan its next wake-up."""
        waker = self._wakers[name]
        async with self._locks[name]:
            try:
                next_at = await waker()
            except Exception:
                log.exception("scheduled work %s failed; retrying later", name)
                next_at = self.clock.now() + RETRY_AFTER_FAILURE
            # Something due but held by another process (its claim not yet expired):
            # look again shortly rather than spin.
            now = self.clock.now()
            if next_at is not None and next_at <= now:
                next_at = now + MIN_GAP
            self._plan(name, next_at)

    async def clock_moved(self) -> None:
        """Time jumped (a suspended machine, or a test moving its clock): wake what is
        now due and re-plan the rest against the new "now"."""
        now = self.clock.now()
        for name, when in list(self._planned.items()):
            if when is not None and when <= now:
                await self.wake(name)
            else:
                self._plan(name, when)

    async def _kick(self, name: str) -> None:
        """The APScheduler job: start the wake-up as a task of its own and return at once.
        A job still running when its successor falls due makes APScheduler skip the
        successor (max_instances=1), and a skipped date job never runs: the plan is lost."""
        task = asyncio.create_task(self.wake(name), name=f"wake:{name}")
        self._waking.add(task)
        task.add_done_callback(self._waking.discard)

    def planned(self, name: str) -> datetime | None:
        return self._planned.get(name)

    def _plan(self, name: str, when: datetime | None) -> None:
        self._planned[name] = when
        job_id = f"wake:{name}"
        if not self.running:
            return
        if when is None:
            if self._apscheduler.get_job(job_id) is not None:
                self._apscheduler.remove_job(job_id)
            return
        delay = max((when - self.clock.now()).total_seconds(), 0.0)
        run_at = datetime.now(when.tzinfo) + timedelta(seconds=delay)
        self._apscheduler.add_job(
            self._kick,
            "date",
            run_date=run_at,
            args=[name],
            id=job_id,
            replace_existing=True,
            misfire_grace_time=None,
        )
