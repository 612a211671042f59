"""`sipbot migrate`, and `backup` / `restore` refusing what they cannot do, saying why;
PostgreSQL through pg_dump and pg_restore, or the exact command when they are absent."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import instance
from storage.database import create_engine, head_revision
from tests.cli.helpers import clean_environment, in_process, sipbot, use_environment
from tests.databases import postgres_required, postgres_scratch_database


async def test_migrate_creates_a_private_database_and_says_where_it_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    use_environment(monkeypatch, tmp_path, SIPBOT_HOME=str(home))
    ran = await in_process(capsys, "migrate")
    database = home / "data" / "sipbot.db"
    assert ran.code == 0, ran.err
    assert ran.out == (
        f"Migrated the database sqlite+aiosqlite:///{database}: empty → {head_revision()} "
        "(the latest).\n"
    )
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    ran = await in_process(capsys, "migrate")
    assert ran.out == (
        f"The database sqlite+aiosqlite:///{database} is already at revision "
        f"{head_revision()}, this version's latest.\n"
    )
    assert not (tmp_path / "data").exists()  # the home, not the working directory


async def test_backup_and_restore_refuse_what_they_cannot_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_environment(monkeypatch, tmp_path)
    ran = await in_process(capsys, "backup", str(tmp_path / "copy.db"))
    assert (ran.code, ran.err) == (1, f"sipbot: no database at {tmp_path}/data/sipbot.db\n")
    assert (await in_process(capsys, "migrate")).code == 0
    ran = await in_process(capsys, "backup", str(tmp_path / "no" / "such" / "copy.db"))
    assert ran.code == 1
    assert ran.err == (
        f"sipbot: cannot write {tmp_path}/no/such/copy.db: the folder {tmp_path}/no/such "
        "does not exist\n"
    )
    backups = tmp_path / "backups"
    backups.mkdir()
    ran = await in_process(capsys, "backup", str(backups))
    assert ran.code == 0, ran.err
    (dated,) = backups.iterdir()
    assert dated.name.startswith("sipbot-") and dated.suffix == ".db"
    ran = await in_process(capsys, "backup", str(dated))
    assert (ran.code, ran.err) == (
        1,
        f"sipbot: {dated} exists: name another file, give a folder, or add --force\n",
    )
    assert (await in_process(capsys, "backup", "--force", str(dated))).code == 0

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all")
    ran = await in_process(capsys, "restore", str(junk))
    assert (ran.code, ran.err) == (1, f"sipbot: {junk} is not a SQLite database\n")
    dump = tmp_path / "pg.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00")
    ran = await in_process(capsys, "restore", str(dump))
    assert ran.err == f"sipbot: {dump} is a PostgreSQL backup, and DATABASE_URL names SQLite\n"
    ran = await in_process(capsys, "restore", str(tmp_path / "missing.db"))
    assert ran.err == f"sipbot: no backup at {tmp_path}/missing.db\n"


async def test_postgresql_backup_and_restore_go_through_pg_dump_and_pg_restore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        missing = "pg_dump and pg_restore are not installed (Debian: postgresql-client)"
        if postgres_required():
            pytest.fail(f"PostgreSQL required (SIPBOT_REQUIRE_POSTGRES=1) but {missing}")
        pytest.skip(missing)
    async with postgres_scratch_database() as (url, engine):
        use_environment(monkeypatch, tmp_path, DATABASE_URL=url)
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO office (guild_id, name, country, region) VALUES (1, 'Kept', 'FR', 'Test')"
                )
            )
        ran = await in_process(capsys, "backup", str(tmp_path / "db.dump"))
        assert ran.code == 0, ran.err
        assert (tmp_path / "db.dump").read_bytes()[:5] == b"PGDMP"
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM office"))
        other = create_engine(url)
        held = await instance.hold(other)  # as a running bot holds it
        try:
            ran = await in_process(capsys, "restore", str(tmp_path / "db.dump"))
        finally:
            await held.release()
            await other.dispose()
        assert ran.code == 1
        assert "a bot is running on the database" in ran.err
        assert "PostgreSQL sessions pid " in ran.err
        ran = await in_process(capsys, "restore", str(tmp_path / "db.dump"))
        assert ran.code == 0, ran.err
        async with engine.connect() as connection:
            names = (await connection.execute(text("SELECT name FROM office"))).scalars().all()
        assert names == ["Kept"]
        assert "The database as it was is kept as" in ran.err


async def test_without_pg_dump_the_exact_command_is_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+asyncpg://sipbot:s3cret@db.example:5433/sipbot"
    use_environment(monkeypatch, tmp_path, DATABASE_URL=url, PATH=str(tmp_path))
    ran = await in_process(capsys, "backup", str(tmp_path / "db.dump"))
    assert ran.code == 1
    assert ran.out == (
        "PGPASSWORD='<the password in DATABASE_URL>' pg_dump --format=custom --no-owner "
        f"--file={tmp_path}/db.dump --dbname=postgresql://sipbot@db.example:5433/sipbot\n"
    )
    assert ran.err.startswith("sipbot: pg_dump is not installed here")
    assert "s3cret" not in ran.out + ran.err


async def test_a_schema_from_a_newer_version_is_left_alone_by_migrate_and_by_the_bot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_environment(monkeypatch, tmp_path)
    assert (await in_process(capsys, "migrate")).code == 0
    database = tmp_path / "data" / "sipbot.db"
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    refusal = (
        "sipbot: the database is at revision 9999, which this version does not know: a newer "
        "sipbot migrated it. Install that version again, or restore a backup made before\n"
    )
    ran = await in_process(capsys, "migrate")
    assert (ran.code, ran.err) == (1, refusal)
    env = clean_environment(DISCORD_TOKEN="MTIz.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB")
    started = await sipbot("run", env=env, cwd=tmp_path)
    assert (started.code, started.err.splitlines()[-1]) == (1, refusal.rstrip())
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("9999",)
        ]
