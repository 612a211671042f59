"""The schema at a start or at `sipbot migrate`: migrated to this version's latest, and
refused when a newer version migrated it. Without click, as the start is
(bot/cli/__init__.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli.common import Failure
from storage.database import current_revision, head_revision, known_revision, migrate, sqlite_path
from storage.upgrade import upgrade_apart


def unknown_revision(revision: str) -> Failure:
    return Failure(
        f"the database is at revision {revision}, which this version does not know: a newer "
        "sipbot migrated it. Install that version again, or restore a backup made before"
    )


async def migrate_known(engine: AsyncEngine, *, apart_at: int | None = None) -> str | None:
    """Migrate to this version's latest; a schema from a newer version is left alone.
    The revision found before is returned. With `apart_at` (a logging level), alembic
    runs in a child process logging at that level (storage/upgrade.py says why), unless
    the database is in this process's memory, where no other process sees it."""
    before = await current_revision(engine)
    if before is not None and not known_revision(before):
        raise unknown_revision(before)
    if before == head_revision():  # at the latest already: alembic is not even imported
        return before
    url = engine.url.render_as_string(hide_password=False)
    in_memory = engine.dialect.name == "sqlite" and sqlite_path(url) is None
    if apart_at is None or in_memory:
        await migrate(engine)
    else:
        await upgrade_apart(url, apart_at)
    return before
