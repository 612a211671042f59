"""One process per shard on the gateway; the others stand by, ready to take over.

Several processes may run with the same token on one PostgreSQL database: a standby
for when the machine is lost, or the processes of a sharded deployment. Each shard's
gateway is held by the process holding its lease (storage/gateway.py): taken with one
upsert, renewed every second, valid for four. A standby has migrated and opened its
connections already and tries every half second, so it takes over within about four
seconds of the holder's death (at once after a clean stop, which gives the lease back).

The holder fences itself: when a renewal fails or no renewal succeeded for 2 s (the
database is gone, or this process is cut off from it), it closes its gateway at once,
well before its lease could pass to another process. So two processes never hold one
shard's gateway, whatever fails.

SQLite serves one process: a second one is refused with a clear message (an exclusive
lock on a file beside the database), rather than sharing the file unsafely.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Protocol

import aiohttp
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.kit.clock import Clock
from storage import gateway
from storage.work import Shards

log = logging.getLogger(__name__)

TTL = timedelta(seconds=4)
RENEW_EVERY = 1.0
FENCE_AFTER = 2.0  # seconds without a successful renewal: let go of the gateway
TRY_EVERY = 0.5


class AlreadyRunning(RuntimeError):
    """Another process already runs on this SQLite database."""


def holder_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass
class SqliteGuard:
    """An exclusive lock on `<database>.lock`, held for the life of the process."""

    path: Path
    _file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            other = handle.read().strip() or "another process"
            handle.close()
            raise AlreadyRunning(
                f"another sipbot process ({other}) already runs on this SQLite database; "
                f"SQLite serves one process: stop it first, or use PostgreSQL to run a standby "
                f"(lock file {self.path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


@dataclass
class GatewayLeases:
    """The leases of this process's shards on PostgreSQL."""

    db: async_sessionmaker[AsyncSession]
    clock: Clock
    shard_ids: Sequence[int]
    shard_count: int
    holder: str = field(default_factory=holder_name)
    lost: bool = False
    _keeper: asyncio.Task[None] | None = None

    async def _take_all(self) -> bool:
        async with self.db() as db, db.begin():
            now = await gateway.database_now(db, self.clock.now())
            taken = [
                await gateway.take(db, shard, self.shard_count, self.holder, now, TTL)
                for shard in self.shard_ids
            ]
        if all(taken):
            return True
        if any(taken):  # hold all of this process's shards or none
            async with self.db() as db, db.begin():
                await gateway.give_back(db, self.shard_ids, self.holder)
        return False

    async def acquire(self, waiting: Callable[[], object] = lambda: None) -> None:
        """Wait until this process holds every one of its shards; `waiting` is called
        once, when it must wait (systemd then hears this standby is up)."""
        said = False
        while True:
            try:
                if await self._take_all():
                    log.info("holding the gateway for shard(s) %s", list(self.shard_ids))
                    return
            except (SQLAlchemyError, OSError) as exc:
                log.warning("cannot reach the database to take the gateway: %s", type(exc).__name__)
            if not said:
                log.info(
                    "standing by: another process holds the gateway for shard(s) %s",
                    list(self.shard_ids),
                )
                waiting()
                said = True
            await asyncio.sleep(TRY_EVERY)

    def keep(self, on_lost: Callable[[], Awaitable[None]]) -> None:
        """Renew in the background; on a lost lease, call `on_lost` (close the gateway)."""
        self._keeper = asyncio.create_task(self._keep(on_lost), name="gateway-lease")

    async def _keep(self, on_lost: Callable[[], Awaitable[None]]) -> None:
        loop = asyncio.get_running_loop()
        last_ok = loop.time()
        while True:
            await asyncio.sleep(RENEW_EVERY)
            budget = max(FENCE_AFTER - (loop.time() - last_ok), 0.1)
            try:
                held = await asyncio.wait_for(self._take_all(), timeout=budget)
            except (SQLAlchemyError, OSError, TimeoutError) as exc:
                held = None
                log.warning("gateway lease not renewed: %s", type(exc).__name__)
            if held:
                last_ok = loop.time()
                continue
            if held is False or loop.time() - last_ok >= FENCE_AFTER:
                log.error("lost the gateway lease: closing the gateway now")
                self.lost = True
                await on_lost()
                return

    async def release(self) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        with contextlib.suppress(SQLAlchemyError, OSError):
            async with self.db() as db, db.begin():
                await gateway.give_back(db, self.shard_ids, self.holder)


class Guard(Protocol):
    lost: bool

    def keep(self, on_lost: Callable[[], Awaitable[None]]) -> None: ...

    async def release(self) -> None: ...


@dataclass
class SqliteHold:
    guard: SqliteGuard
    lost: bool = False

    def keep(self, on_lost: Callable[[], Awaitable[None]]) -> None:
        """Nothing to renew: the lock lasts as long as the process."""

    async def release(self) -> None:
        self.guard.release()


async def hold(
    database_url: str,
    db: async_sessionmaker[AsyncSession],
    clock: Clock,
    shards: Shards | None,
    waiting: Callable[[], object] = lambda: None,
) -> Guard:
    """Wait until this process may hold its shards' gateway (PostgreSQL), or make sure
    it is the only one on its SQLite file (raises AlreadyRunning)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        guard = SqliteGuard(path.with_name(path.name + ".lock"))
        if url.database and url.database != ":memory:":
            guard.acquire()
        return SqliteHold(guard)
    leases = GatewayLeases(db, clock, shards.ids if shards else (0,), shards.count if shards else 1)
    await leases.acquire(waiting)
    return leases


async def recommended_shards(api_base: str, token: str) -> int:
    """Discord's recommended shard count (GET /gateway/bot), for SIPBOT_SHARD_COUNT=auto."""
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{api_base}/gateway/bot", headers={"Authorization": f"Bot {token}"}
        ) as response:
            response.raise_for_status()
            found = await response.json()
    return max(int(found.get("shards", 1)), 1)
