"""Engine, session factory and migrations.

One AsyncSession per unit of work: `async with factory() as s, s.begin():`.
A SQLite database is created private: its folder at mode 700, the file at 600 (SQLite
gives its -wal and -shm files the database file's mode).
"""

from __future__ import annotations

import functools
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# A migration's header, as every script in migrations/versions/ writes it.
HEADER = re.compile(r'^(down_revision|revision)\b[^=\n]*=\s*(?:"([^"]+)"|None)\s*$', re.M)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL or an in-memory database."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def create_private(path: Path) -> None:
    """The database's folder (700) and file (600), made before SQLite makes them 644."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(descriptor)


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """Build the engine; SQLite gets its directory and its per-connection pragmas."""
    if make_url(url).get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            create_private(path)
        engine = create_async_engine(url, **options)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    from storage.models.base import on_postgresql  # the dialect is loaded by now

    on_postgresql()
    options.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **options)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


# Alembic is imported only to migrate: a start on a schema already at the latest
# revision (every start but an upgrade's) reads the revision from the database and the
# scripts' headers, and the process does not keep alembic's ~8 MB of modules.
def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _move(connection: Connection, revision: str, down: bool) -> None:
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(cfg, revision)


async def migrate(engine: AsyncEngine, revision: str = "head", *, down: bool = False) -> None:
    """Apply every pending migration (or move to `revision`); safe to run at each start.

    On SQLite, foreign keys are off while it runs: a batch migration rebuilds a table
    (copy, drop, rename), and with foreign keys on, the drop would first delete the
    table's rows and cascade to their children (every vote of a poll whose table gains
    or loses a column). They are checked once the migration is done, then on again."""
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, or SQLite ignores it
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await connection.commit()
        try:
            async with connection.begin():
                await connection.run_sync(_move, revision, down)
                if sqlite:
                    broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                await connection.commit()
    log.info("database schema is at %s", revision)


@functools.cache
def shipped_revisions() -> dict[str, str | None]:
    """revision -> down_revision of the migrations shipped with this code, from the
    scripts' headers (one linear chain: tests/storage checks it is alembic's own)."""
    chain: dict[str, str | None] = {}
    for script in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = dict((name, value or None) for name, value in HEADER.findall(script.read_text()))
        if "revision" in found:
            chain[str(found["revision"])] = found.get("down_revision")
    return chain


def head_revision() -> str:
    chain = shipped_revisions()
    heads = set(chain) - set(chain.values())
    assert len(heads) == 1, heads  # noqa: S101 - the migrations ship with the code
    return heads.pop()


def known_revision(revision: str) -> bool:
    """Whether this code knows the revision (a newer version may have gone further)."""
    return revision in shipped_revisions()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The schema's revision; None for a database never migrated."""

    def read(connection: Connection) -> str | None:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        if len(rows) > 1:
            raise RuntimeError(f"the schema has several heads: {[r[0] for r in rows]}")
        return str(rows[0][0]) if rows else None

    async with engine.connect() as connection:
        return await connection.run_sync(read)


def describe(url: str) -> str:
    """The URL without its password, for log lines."""
    return make_url(url).render_as_string(hide_password=True)
