"""Backups and restores of the database.

SQLite keeps recent writes in `sipbot.db-wal` until a checkpoint: copying `sipbot.db`
alone may lose them or tear a page. A backup goes through SQLite's online backup API
(`sqlite3.Connection.backup`) in one step, which reads one consistent snapshot while
the bot goes on writing (in WAL mode a reader never blocks a writer): every row
committed before it began is in the copy. The copy is written beside its target and
renamed into place, so a target never holds half a backup; it is one self-contained
file (rollback journal, not WAL), at mode 600, checked (`PRAGMA quick_check`) before
it is called done. A restore takes such a file back the same way, into the database's
own file, after keeping the database it replaces.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean`; the commands are built
here (without the password, which goes in PGPASSWORD), for the command line to run or
to print when the tools are not installed.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(Exception):
    """The copy could not be made or read; the message says what and where."""


@dataclass(frozen=True)
class Copy:
    path: Path
    size: int
    revision: str | None  # the schema's migration, None for a database never migrated


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=10000")
    return connection


def revision_of(connection: sqlite3.Connection) -> str | None:
    tables = connection.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).fetchall()
    if not tables:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def _check(connection: sqlite3.Connection, path: Path) -> str | None:
    verdict = connection.execute("PRAGMA quick_check").fetchone()
    if verdict is None or verdict[0] != "ok":
        raise BackupError(f"{path} is damaged: {verdict[0] if verdict else 'no answer'}")
    return revision_of(connection)


def _private_file(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def backup_sqlite(database: Path, target: Path) -> Copy:
    """Copy a live database to `target` (replaced when it exists)."""
    if not database.is_file():
        raise BackupError(f"no database at {database}")
    partial = target.with_name(target.name + ".partial")
    _private_file(partial)
    source = _connect(database)
    try:
        copy = _connect(partial)
        try:
            source.backup(copy)  # all pages in one step: one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")
            revision = _check(copy, partial)
        finally:
            copy.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"could not copy {database}: {exc}") from exc
    finally:
        source.close()
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    return Copy(target, target.stat().st_size, revision)


def read_backup(path: Path) -> Copy:
    """What a backup holds, checked; `BackupError` when it is no sound SQLite database."""
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database")
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            revision = _check(connection, path)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot read {path}: {exc}") from exc
    return Copy(path, path.stat().st_size, revision)


def restore_sqlite(backup: Path, database: Path) -> Copy:
    """Replace the database's content with the backup's, in the database's own file
    (its mode and owner stay). The caller holds the lock that keeps bots away."""
    read_backup(backup)
    if not database.exists():
        if not database.parent.exists():
            database.parent.mkdir(mode=0o700, parents=True)
        _private_file(database)
    try:
        source = sqlite3.connect(f"{backup.absolute().as_uri()}?mode=ro", uri=True)
        try:
            target = _connect(database)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode=WAL")
                target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                revision = _check(target, database)
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"could not restore into {database}: {exc}") from exc
    return Copy(database, database.stat().st_size, revision)


# ------------------------------------------------------------------ PostgreSQL
@dataclass(frozen=True)
class Command:
    argv: list[str]
    password: str | None  # passed as PGPASSWORD, never on the command line

    def env(self) -> dict[str, str]:
        return {**os.environ, **({"PGPASSWORD": self.password} if self.password else {})}

    def shell(self) -> str:
        """The line to type, the password shown as a placeholder."""
        line = shlex.join(self.argv)
        if self.password:
            return f"PGPASSWORD='<the password in DATABASE_URL>' {line}"
        return line


def libpq_url(url: str) -> tuple[str, str | None]:
    """`postgresql+asyncpg://u:p@h:5432/db` -> (`postgresql://u@h:5432/db`, "p")."""
    parsed = make_url(url)
    plain = URL.create(
        "postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database
    )
    return plain.render_as_string(hide_password=False), parsed.password


def pg_dump(url: str, target: Path) -> Command:
    dsn, password = libpq_url(url)
    argv = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={dsn}"]
    return Command(argv, password)


def pg_restore(url: str, backup: Path) -> Command:
    dsn, password = libpq_url(url)
    argv = [
        "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
        "--exit-on-error", f"--dbname={dsn}", str(backup),
    ]  # fmt: skip
    return Command(argv, password)
