"""`sipbot migrate`, `backup PATH`, `restore PATH`: the database, by hand.

`migrate` does what every start does (the schema brought to this version's latest).
`backup` is safe while the bot runs (storage/backup.py says why); `restore` is not,
and refuses while a bot runs on the database (storage/instance.py says how it knows),
then keeps the database it replaces beside it.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli.common import Failure, load_settings, say, warn
from bot.cli.schema import migrate_known, unknown_revision
from storage import backup as copies
from storage import instance
from storage.database import (
    create_engine,
    describe,
    head_revision,
    known_revision,
    sqlite_path,
)

PG_DUMP_MAGIC = b"PGDMP"


def starts_with(path: Path, magic: bytes) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(magic)) == magic


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def with_engine(url: str, work: Callable[[AsyncEngine], Awaitable[None]]) -> None:
    async def run() -> None:
        engine = create_engine(url)
        try:
            await work(engine)
        except (SQLAlchemyError, OSError) as exc:
            raise Failure(f"cannot open the database {describe(url)}: {exc}") from None
        finally:
            await engine.dispose()

    asyncio.run(run())


@click.command("migrate")
def migrate_command() -> int:
    """Bring the database's schema to this version (every start does it too)."""
    settings = load_settings(need_token=False)
    where = describe(settings.database_url)

    async def work(engine: AsyncEngine) -> None:
        try:
            held = await instance.hold(engine, who="sipbot migrate")
        except instance.Busy as busy:
            raise Failure(
                f"{where} is in use ({busy}): a running bot migrates it at its start "
                "(restart it), and a restore must finish first"
            ) from None
        try:
            before = await migrate_known(engine)
        finally:
            await held.release()
        head = head_revision()
        if before == head:
            say(f"The database {where} is already at revision {head}, this version's latest.")
        else:
            say(f"Migrated the database {where}: {before or 'empty'} → {head} (the latest).")

    with_engine(settings.database_url, work)
    return 0


def _target(path: Path, suffix: str, force: bool) -> Path:
    target = path / f"sipbot-{stamp()}{suffix}" if path.is_dir() else path
    if not target.parent.is_dir():
        raise Failure(f"cannot write {target}: the folder {target.parent} does not exist")
    if target.exists() and not force:
        raise Failure(f"{target} exists: name another file, give a folder, or add --force")
    return target


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH when it exists.")
def backup_command(path: Path, force: bool) -> int:
    """Copy the database to PATH (a file, or a folder for a dated file); safe while the
    bot runs."""
    settings = load_settings(need_token=False)
    database = sqlite_path(settings.database_url)
    if database is None and not is_postgres(settings.database_url):
        raise Failure("DATABASE_URL names an in-memory database: there is nothing to keep")
    if database is None:
        target = _target(path, ".dump", force)
        _run_or_print(copies.pg_dump(settings.database_url, target), "pg_dump")
        say(f"Backed up {describe(settings.database_url)} to {target} (pg_dump, custom format).")
        return 0
    target = _target(path, ".db", force)
    try:
        copy = copies.backup_sqlite(database, target)
    except copies.BackupError as exc:
        raise Failure(str(exc)) from None
    say(
        f"Backed up {database} to {copy.path} ({copy.size:,} bytes, schema revision "
        f"{copy.revision or 'none'}). Restore it with: sipbot restore {copy.path}"
    )
    return 0


def _run_or_print(command: copies.Command, tool: str) -> None:
    if shutil.which(tool) is None:
        say(command.shell())
        raise Failure(
            f"{tool} is not installed here (Debian/Ubuntu: apt install postgresql-client): "
            "run the command above where it is"
        )
    done = subprocess.run(  # noqa: S603 - a fixed tool and arguments built from the settings
        command.argv, env=command.env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise Failure(f"{tool} failed ({done.returncode}): {last}")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
def restore_command(path: Path) -> int:
    """Replace the database with the backup at PATH; refused while a bot runs on it.
    The database replaced is kept beside it."""
    settings = load_settings(need_token=False)
    where = describe(settings.database_url)

    async def work(engine: AsyncEngine) -> None:
        try:
            held = await instance.hold(engine, exclusive=True, who="sipbot restore")
        except instance.Busy as busy:
            raise Failure(
                f"a bot is running on the database {where} ({busy}): stop it first "
                "(systemctl stop sipbot), then restore"
            ) from None
        try:
            database = sqlite_path(settings.database_url)
            if database is not None:
                _restore_sqlite(path, database)
            elif is_postgres(settings.database_url):
                _restore_postgres(settings.database_url, path)
            else:
                raise Failure("DATABASE_URL names an in-memory database: nothing to restore into")
        finally:
            await held.release()

    with_engine(settings.database_url, work)
    return 0


def _restore_sqlite(path: Path, database: Path) -> None:
    if path.is_file() and starts_with(path, PG_DUMP_MAGIC):
        raise Failure(f"{path} is a PostgreSQL backup, and DATABASE_URL names SQLite")
    try:
        backup = copies.read_backup(path)
        if backup.revision is not None and not known_revision(backup.revision):
            raise unknown_revision(backup.revision)
        kept = None
        if database.is_file() and database.stat().st_size > 0:
            kept = copies.backup_sqlite(database, database.with_name(f"{database.name}.{stamp()}"))
        restored = copies.restore_sqlite(path, database)
    except copies.BackupError as exc:
        raise Failure(str(exc)) from None
    say(f"Restored {path} into {database} (schema revision {restored.revision or 'none'}).")
    if kept is not None:
        say(f"The database it replaced is kept as {kept.path}.")
    say("Start the bot: it brings the schema to its version if needed.")


def _restore_postgres(url: str, path: Path) -> None:
    if not path.is_file():
        raise Failure(f"no backup at {path}")
    if not starts_with(path, PG_DUMP_MAGIC):
        raise Failure(f"{path} is not a pg_dump file (custom format, as sipbot backup makes)")
    if shutil.which("pg_dump") is not None:
        kept = path.with_name(f"before-restore-{stamp()}.dump")
        _run_or_print(copies.pg_dump(url, kept), "pg_dump")
        warn(f"The database as it was is kept as {kept}.")
    _run_or_print(copies.pg_restore(url, path), "pg_restore")
    say(f"Restored {path} into {describe(url)}. Start the bot: it migrates the schema if needed.")
