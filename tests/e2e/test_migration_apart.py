"""The first start's migrations run in a child process (storage/upgrade.py): the schema
is brought to the latest before the bot serves, the serving process never imports
alembic (nor what only some commands or settings need, tests/e2e/serving_probe.py) and
runs with its own collector thresholds and orjson, and a migration that fails stops the
start saying which database."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import sys
from pathlib import Path

from bot.app import COLLECTOR_THRESHOLDS
from storage.database import head_revision
from tests.e2e.process import bot_environment, finish, start_bot
from tests.fakediscord import FakeDiscord


async def test_the_first_start_migrates_in_a_child_and_serves_without_alembic(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.e2e.serving_probe", cwd=tmp_path,
            env=bot_environment(fake, tmp_path), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        await fake.wait_for(
            lambda: fake.connected_clients == 1 and fake.commands(fake.guild.id),
            timeout=30,
            what="the bot process to connect and sync",
        )
        assert (await fake.slash("setup show", user=fake.owner, timeout=10)).ephemeral
        process.send_signal(signal.SIGTERM)
        code, out, err = await finish(process)
    assert code == 0, err
    report = json.loads(out.splitlines()[-1])
    assert report["imported"] == []  # over its whole life
    assert report["collector"] == list(COLLECTOR_THRESHOLDS)  # set once set up (bot/app.py)
    assert report["orjson"] is True  # discord.py's JSON in C
    assert "alembic.runtime.migration: Running upgrade  -> 0001" in err  # the child's log
    with sqlite3.connect(tmp_path / "sipbot.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (head_revision(),)
        ]


async def test_a_migration_that_fails_stops_the_start_naming_the_database(
    tmp_path: Path,
) -> None:
    """At 0016 with the table 0017 creates already there: the child's migration fails,
    and the bot neither connects nor moves the revision."""
    database = tmp_path / "sipbot.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        db.execute("INSERT INTO alembic_version VALUES ('0016')")
        db.execute("CREATE TABLE gateway_lease (shard INTEGER)")
    async with FakeDiscord() as fake:
        code, _out, err = await finish(await start_bot(bot_environment(fake, tmp_path), tmp_path))
        assert fake.connected_clients == 0
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        f"sipbot: cannot open the database sqlite+aiosqlite:///{database}: OperationalError"
    )
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0016",)]
