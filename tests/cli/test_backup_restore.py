"""`sipbot backup` while the bot writes, `restore` refused while it runs and done once it
stopped: as an operator runs them, against the bot as a process."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import stat
from pathlib import Path

from tests.cli.helpers import sipbot
from tests.e2e.process import bot_environment, finish, start_bot
from tests.fakediscord import FakeDiscord

ADDED = re.compile(r"^Office (Office \d+) \(FR, Test\) added\.$")


def offices(path: Path) -> list[str]:
    """The offices the test added, read by SQLite itself (not through the bot's code)."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = connection.execute("SELECT name FROM office WHERE region = 'Test' ORDER BY id")
        return [name for (name,) in rows]
    finally:
        connection.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def write_offices(fake: FakeDiscord, committed: list[str], stop: asyncio.Event) -> None:
    """One office after another through the bot; a name is committed once answered."""
    while not stop.is_set():
        name = f"Office {len(committed)}"
        options = {"name": name, "country": "FR", "region": "Test"}
        res = await fake.slash("office add", options=options, locale="en-US", timeout=10)
        match = ADDED.match(res.content or "")
        assert match is not None and match.group(1) == name, res.content
        committed.append(name)


async def test_backup_while_the_bot_writes_then_restore_only_once_it_stopped(
    tmp_path: Path,
) -> None:
    database, copy = tmp_path / "sipbot.db", tmp_path / "backups" / "copy.db"
    copy.parent.mkdir()
    async with FakeDiscord() as fake:
        env = bot_environment(fake, tmp_path)
        process = await start_bot(env, tmp_path)
        committed: list[str] = []
        stop = asyncio.Event()
        try:
            await fake.wait_for(lambda: fake.connected_clients == 1 and fake.commands(fake.guild.id),
                                timeout=20, what="the bot to connect")  # fmt: skip
            writer = asyncio.create_task(write_offices(fake, committed, stop))
            await fake.wait_for(lambda: len(committed) >= 5 or writer.done(), timeout=20)
            before = len(committed)
            backed = await sipbot("backup", str(copy), env=env, cwd=tmp_path)
            during = len(committed)
            await fake.wait_for(lambda: len(committed) >= during + 2 or writer.done(), timeout=20)
            stop.set()
            await writer
            refused = await sipbot("restore", str(copy), env=env, cwd=tmp_path)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            code, _out, err = await finish(process)
        fake.assert_no_unhandled()
    assert code == 0, err
    assert "ERROR" not in err and "Traceback" not in err
    assert during > before, "the bot went on writing while the backup ran"

    assert backed.code == 0, backed.err
    assert backed.out.startswith(f"Backed up {database} to {copy} (")
    assert f"Restore it with: sipbot restore {copy}" in backed.out
    saved = offices(copy)
    assert saved == committed[: len(saved)], "a prefix: one snapshot, nothing torn"
    assert len(saved) >= before, "every row committed before the backup began"
    assert mode(copy) == 0o600
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.db"]  # one file, no -wal

    assert refused.code == 1
    assert refused.out == ""
    assert refused.err == (
        f"sipbot: a bot is running on the database sqlite+aiosqlite:///{database} "
        f"(pid {process.pid}, holding {database}.lock): stop it first (systemctl stop sipbot), "
        "then restore\n"
    )
    assert offices(database) == committed  # refused: nothing changed

    restored = await sipbot("restore", str(copy), env=env, cwd=tmp_path)
    assert restored.code == 0, restored.err
    kept = re.search(r"The database it replaced is kept as (\S+)\.$", restored.out, re.M)
    assert kept is not None, restored.out
    assert f"Restored {copy} into {database} (schema revision " in restored.out
    assert offices(database) == saved
    kept_file = Path(kept.group(1))
    assert offices(kept_file) == committed
    assert mode(kept_file) == 0o600
