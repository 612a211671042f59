"""An alarm clock: it only wakes the bot; the database decides.

Features register a *waker* (an async callable that does whatever is due now
and returns the next instant it wants to be woken at, or None). The scheduler
keeps one timer of the event loop per waker at that instant, and re-plans when a
feature says its plan changed. Nothing lives only in memory: at start-up every
waker runs once, which rebuilds the plan from the tables.

The timers were APScheduler date jobs, one per waker, until it was found that the
bot used nothing else of it and that its modules cost 1.2 MB of resident memory:
`loop.call_later` does what a date job did (and, as APScheduler's own loop, runs
late after a suspended machine: `clock_moved` says what is due then).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.kit.clock import Clock

log = logging.getLogger(__name__)

Waker = Callable[[], Awaitable[datetime | None]]
RETRY_AFTER_FAILURE = timedelta(seconds=30)
MIN_GAP = timedelta(seconds=1)


class Scheduler:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._wakers: dict[str, Waker] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._planned: dict[str, datetime | None] = {}
        self._waking: set[asyncio.Task[None]] = set()
        self.running = False

    def register(self, name: str, waker: Waker) -> None:
        self._wakers[name] = waker
        self._locks[name] = asyncio.Lock()

    def start(self) -> None:
        self.running = True

    async def shutdown(self) -> None:
        self.running = False
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
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

    def _kick(self, name: str) -> None:
        """The timer: the wake-up runs as a task of its own."""
        self._timers.pop(name, None)
        task = asyncio.create_task(self.wake(name), name=f"wake:{name}")
        self._waking.add(task)
        task.add_done_callback(self._waking.discard)

    def planned(self, name: str) -> datetime | None:
        return self._planned.get(name)

    def _plan(self, name: str, when: datetime | None) -> None:
        self._planned[name] = when
        timer = self._timers.pop(name, None)
        if timer is not None:
            timer.cancel()
        if not self.running or when is None:
            return
        delay = max((when - self.clock.now()).total_seconds(), 0.0)
        self._timers[name] = asyncio.get_running_loop().call_later(delay, self._kick, name)
