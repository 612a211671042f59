"""Whether a bot runs on this database: every running bot holds a lock, which a restore
must take alone.

- SQLite serves one process: an exclusive `flock` on `<database>.lock` beside the
  database file, the file bot/kit/standby.py's guard locks for a running bot. The
  kernel drops it when the process ends, however it ends (kill -9 included), so no
  stale lock outlives a crash. A holder writes who it is into the file, for the refusal
  to name it. (Not a lock on the database file itself: SQLite's own POSIX locks on it
  would be released by closing any other descriptor of that file in the process.)
- PostgreSQL: a session-level advisory lock on a connection the bot keeps for its life,
  shared by every process (a standby, the shards); the server drops it when that
  connection ends. A restore takes it exclusively.

A bot that finds the lock taken by a restore does not start; a restore that finds it
held at all does not begin.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.database import sqlite_path

ADVISORY_KEY = int.from_bytes(b"sipbot", "big")  # one bigint, the same in every process


class Busy(Exception):
    """The lock is held by someone else; the message says by whom, when known."""


@dataclass
class Hold:
    """A lock held until `release` (or the end of the process)."""

    descriptor: int | None = None
    connection: AsyncConnection | None = None

    async def release(self) -> None:
        if self.descriptor is not None:
            os.close(self.descriptor)  # closing drops the flock
            self.descriptor = None
        if self.connection is not None:
            # Closed for real, not handed back to the pool: the lock is the session's.
            with contextlib.suppress(Exception):
                await self.connection.invalidate()
                await self.connection.close()
            self.connection = None


def lock_file(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def _flock(path: Path, exclusive: bool) -> int:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise
    return descriptor


def _holder(path: Path) -> str:
    try:
        who = path.read_text("utf-8").strip()
    except OSError:
        who = ""
    return f"{who}, holding {path}" if who else f"holding {path}"


async def hold(engine: AsyncEngine, *, exclusive: bool = False, who: str | None = None) -> Hold:
    """Take the lock, shared (a bot, on PostgreSQL) or exclusive (a restore; on SQLite,
    always); `Busy` when refused. `who` is written beside a SQLite database."""
    database = sqlite_path(str(engine.url))
    if database is not None:
        return _hold_sqlite(database, who)
    if engine.dialect.name != "postgresql":
        return Hold()  # an in-memory SQLite database: nothing else can reach it
    connection = await engine.connect()
    await connection.execution_options(isolation_level="AUTOCOMMIT")
    function = "pg_try_advisory_lock" if exclusive else "pg_try_advisory_lock_shared"
    got = await connection.execute(text(f"SELECT {function}(:key)"), {"key": ADVISORY_KEY})
    if not got.scalar():
        who = await _postgres_holders(connection)
        await connection.close()
        raise Busy(who)
    return Hold(connection=connection)


def _hold_sqlite(database: Path, who: str | None) -> Hold:
    path = lock_file(database)
    try:
        descriptor = _flock(path, exclusive=True)
    except BlockingIOError:
        raise Busy(_holder(path)) from None
    if who is not None:
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"pid {os.getpid()} on {socket.gethostname()}: {who}".encode(), 0)
    return Hold(descriptor=descriptor)


async def _postgres_holders(connection: AsyncConnection) -> str:
    rows = await connection.execute(
        text(
            "SELECT a.pid, a.client_addr FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.classid = :high AND l.objid = :low AND l.objsubid = 1"
        ),
        {"high": ADVISORY_KEY >> 32, "low": ADVISORY_KEY & 0xFFFFFFFF},
    )
    holders = [f"pid {pid}" + (f" from {addr}" if addr else "") for pid, addr in rows]
    return "PostgreSQL sessions " + ", ".join(holders) if holders else "another session"


async def in_use(engine: AsyncEngine) -> str | None:
    """Who runs on this database (a bot or a restore), or None; changes nothing."""
    database = sqlite_path(str(engine.url))
    if database is not None and not lock_file(database).exists():
        return None
    try:
        held = await hold(engine, exclusive=True)
    except Busy as busy:
        return str(busy)
    await held.release()
    return None
