"""The one engine for scheduled and must-happen work.

Features never write a loop: they add work items (kind, unique key, due time, a small
payload of ids) inside their own transaction, and register one handler per kind:

    services.work.register("reminder", jobs.remind)

The engine's loop: claim what is due (storage/work.py: one conditional update, SKIP
LOCKED on PostgreSQL, one lease), renew the lease of an item that waited in a slow
batch (and every few seconds while a handler runs), call the handler, then finish the
item — or release it with back-off when Discord failed transiently. What a handler
posts carries `job.nonce()`, the same at every attempt, so a crash between Discord
accepting a message and the database recording it never doubles the message. APScheduler only
wakes the loop at the next due time (bot/kit/scheduler.py); the table is the truth and
is read again at start-up, so a restart loses nothing.

A handler returns an Outcome (done, skipped, failed, cancelled), raises Retry for a
transient failure of its own, or lets a Discord error through: 403 and 404 fail the
item for good (the channel was closed or deleted: retrying would never end), anything
else is retried after 30 s, 1 min, 2 min, … up to one hour between attempts. Items of
one kind run one after the other, in due order; kinds run side by side, so a slow kind
(an event Discord keeps refusing) never holds up another (reminders).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.kit.clock import Clock
from storage import work as store
from storage.models.work import WorkItem

if TYPE_CHECKING:
    from bot.kit.scheduler import Scheduler

log = logging.getLogger(__name__)

WAKER = "work"
# A claim older than this is taken over: its process died. Short, because what is sent
# carries a nonce (a second sender gets the same message back) and a running handler's
# lease is renewed every HEARTBEAT.
LEASE = timedelta(seconds=10)
HEARTBEAT = 3.0
BATCH = 100
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
TRANSIENT = (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError)
# what a command may report as done; cancelled: a newer change took the item over
SETTLED = frozenset({"done", "skipped", "cancelled"})


@dataclass(frozen=True)
class Outcome:
    state: str = "done"  # done, skipped, failed, cancelled
    result_id: int | None = None
    note: str = ""
    late: bool = False


def done(result_id: int | None = None, *, note: str = "", late: bool = False) -> Outcome:
    return Outcome("done", result_id, note, late)


def skipped(note: str) -> Outcome:
    return Outcome("skipped", note=note)


def failed(note: str) -> Outcome:
    return Outcome("failed", note=note)


class Retry(Exception):
    """Transient: the engine tries the item again later, with back-off."""


@dataclass(frozen=True)
class Job:
    """What a handler is given: the claimed item and its payload."""

    item: WorkItem
    payload: Mapping[str, Any]

    @property
    def attempt(self) -> int:
        return self.item.attempts

    def nonce(self, part: int = 0) -> str:
        """A Discord message nonce (at most 25 characters), the same at every attempt;
        `part` tells apart several messages of one item. Items carried over from the
        tables before this engine keep the nonce they were first sent with."""
        legacy = self.payload.get("nonce")
        if isinstance(legacy, str) and part == 0:
            return legacy
        return f"sipw{self.item.id}" + (f"p{part}" if part else "")


Handler = Callable[[Job], Awaitable[Outcome]]


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most one hour."""
    doublings = min(max(attempts - 1, 0), 8)  # 30 s x 2^7 is past the hour already
    return min(FIRST_RETRY * 2**doublings, LONGEST_RETRY)


@dataclass
class WorkEngine:
    db: async_sessionmaker[AsyncSession]
    clock: Clock
    scheduler: Scheduler | None = None
    lease: timedelta = LEASE
    batch: int = BATCH
    shards: store.Shards | None = None  # None: every guild's work (one process, or SQLite)
    handlers: dict[str, Handler] = field(default_factory=dict)
    _after_connect: set[str] = field(default_factory=set)
    _connected: bool = False
    _pokes: set[asyncio.Task[None]] = field(default_factory=set)

    def register(self, kind: str, handler: Handler, *, after_connect: bool = False) -> None:
        """`after_connect`: the handler needs the gateway's guilds in cache (it edits a
        server's events or roles, not just posts in a channel): its items wait until the
        bot is connected, instead of failing at start-up before the first READY."""
        self.handlers[kind] = handler
        if after_connect:
            self._after_connect.add(kind)

    def connected(self) -> None:
        """The gateway is up: the kinds that need it may run now."""
        if not self._connected:
            self._connected = True
            self.poke()

    def _kinds(self) -> list[str]:
        return [k for k in self.handlers if self._connected or k not in self._after_connect]

    async def add(
        self,
        db: AsyncSession,
        *,
        kind: str,
        key: str,
        guild_id: int,
        due_at: datetime,
        payload: Mapping[str, Any] | None = None,
    ) -> bool:
        """Add an item inside the caller's transaction; False when the key exists."""
        return await self.add_many(
            db,
            [store.row(kind=kind, key=key, guild_id=guild_id, due_at=due_at,
                       now=self.clock.now(), payload=payload)],
        ) == 1  # fmt: skip

    async def add_many(self, db: AsyncSession, rows: list[dict[str, Any]]) -> int:
        return await store.add_many(db, rows)

    def row(
        self,
        *,
        kind: str,
        key: str,
        guild_id: int,
        due_at: datetime,
        payload: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        return store.row(
            kind=kind, key=key, guild_id=guild_id, due_at=due_at, now=self.clock.now(),
            payload=payload,
        )  # fmt: skip

    async def supersede(
        self, db: AsyncSession, items: Sequence[tuple[str, dict[str, Any]]], *, note: str
    ) -> list[str]:
        """Converging work, inside the caller's transaction: for each (prefix, row), what
        is still pending under the prefix is cancelled (the new item brings Discord to the
        state stored when it runs), then the rows are added. Returns their keys, in order."""
        now = self.clock.now()
        for prefix, _row in items:
            await store.cancel(db, prefix=prefix, now=now, note=note)
        if items:
            await self.add_many(db, [row for _prefix, row in items])
        return [row["key"] for _prefix, row in items]

    def poke(self) -> None:
        """The plan changed (work added, moved or cancelled): look at the table again
        soon. Returns at once: a command never waits for the loop."""
        if self.scheduler is None or not self.scheduler.running:
            return
        task = asyncio.create_task(self.scheduler.wake(WAKER), name="work:poke")
        self._pokes.add(task)
        task.add_done_callback(self._pokes.discard)

    async def run_due(self) -> datetime | None:
        """The scheduler's waker: do what is due, say when to wake next."""
        kinds = self._kinds()
        looks = 0
        while True:
            async with self.db() as db, db.begin():
                claimed = await store.claim_due(
                    db, self.clock.now(), kinds, self.lease, self.batch, self.shards
                )
            if claimed:
                lanes: dict[str, list[WorkItem]] = {}
                for item in claimed:
                    lanes.setdefault(item.kind, []).append(item)
                await asyncio.gather(*(self._lane(items) for items in lanes.values()))
                continue
            async with self.db() as db:
                next_at = await store.next_wake_at(db, kinds, self.shards)
            # One fell due between the claim and this look: claim it now rather than at
            # the scheduler's next wake-up (a second later). Bounded, for work another
            # process is claiming this very moment (SKIP LOCKED hides it for a while).
            looks += 1
            if next_at is None or next_at > self.clock.now() or looks > 3:
                return next_at

    async def run_now(self, key: str) -> Outcome | None:
        """Do one item now, whatever its due time; None when it is done already or being
        done by another process (whose result will be the same)."""
        async with self.db() as db, db.begin():
            item = await store.claim_key(db, key, self.clock.now(), self.lease)
        if item is None:
            return None
        outcome = await self._handle(item)
        self.poke()
        return outcome

    def in_order(self) -> InOrder:
        """For one command: run its items at once, in order (see InOrder)."""
        return InOrder(self)

    async def _lane(self, items: list[WorkItem]) -> None:
        for item in items:
            await self._handle(item)

    async def _handle(self, item: WorkItem) -> Outcome | None:
        handler = self.handlers.get(item.kind)
        if handler is None:  # pragma: no cover - only registered kinds are claimed
            return None
        if not await self._still_mine(item):
            log.info("work %s (%s) taken over by another process", item.id, item.kind)
            return None
        heartbeat = asyncio.create_task(self._heartbeat(item), name=f"work:lease:{item.id}")
        try:
            outcome = await handler(Job(item, store.payload_of(item)))
        except Retry as exc:
            await self._release(item, str(exc) or "retry")
            return None
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("work %s (%s) refused by Discord: %s", item.id, item.kind, exc.status)
            outcome = failed(f"Discord {exc.status}: {exc.text[:150]}")
        except TRANSIENT as exc:
            log.warning("work %s (%s): Discord unavailable (%s), will retry", item.id, item.kind,
                        type(exc).__name__)  # fmt: skip
            await self._release(item, f"{type(exc).__name__}: {exc}"[:300])
            return None
        except Exception as exc:
            log.exception("work %s (%s) failed; will retry", item.id, item.kind)
            await self._release(item, f"{type(exc).__name__}: {exc}"[:300])
            return None
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        async with self.db() as db, db.begin():
            recorded = await store.finish(
                db, item.id, item.claim_token, outcome.state, self.clock.now(),
                result_id=outcome.result_id, late=outcome.late, note=outcome.note,
            )  # fmt: skip
        if not recorded:
            log.info("work %s (%s) was cancelled or taken over meanwhile", item.id, item.kind)
        return outcome

    async def _still_mine(self, item: WorkItem) -> bool:
        """Before the handler runs: an item claimed moments ago is ours for most of its
        lease still (nobody may take it before the lease runs out); one that waited in a
        slow batch gets its lease renewed, or is found taken over by another process."""
        now = self.clock.now()
        if item.lease_until is not None and item.lease_until - now > self.lease / 2:
            return True
        async with self.db() as db, db.begin():
            return await store.renew(db, item.id, item.claim_token, now, self.lease)

    async def _release(self, item: WorkItem, error: str) -> None:
        retry_at = self.clock.now() + backoff(item.attempts)
        async with self.db() as db, db.begin():
            await store.release(db, item.id, item.claim_token, retry_at, error)

    async def _heartbeat(self, item: WorkItem) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            async with self.db() as db, db.begin():
                if not await store.renew(
                    db, item.id, item.claim_token, self.clock.now(), self.lease
                ):
                    return

    async def close(self) -> None:
        for task in list(self._pokes):
            task.cancel()
        if self._pokes:
            await asyncio.gather(*self._pokes, return_exceptions=True)


@dataclass
class InOrder:
    """Runs a command's items at once, in order, until Discord makes one wait or refuses
    it: the rest are left to the engine, so one command never waits on Discord's
    refusals more than once. One per command; `held_up` says whether that happened."""

    works: WorkEngine
    held_up: bool = False

    async def run(self, keys: Sequence[str]) -> dict[str, str]:
        """key -> the item's state afterwards (done, skipped, failed, pending, ...)."""
        states: dict[str, str] = {}
        for key in keys:
            if not self.held_up:
                await self.works.run_now(key)
            async with self.works.db() as db:
                item = await store.get(db, key)
            states[key] = item.state if item is not None else "cancelled"
            if states[key] not in SETTLED:
                self.held_up = True
        if keys:
            self.works.poke()
        return states
