"""A running bot holds the database shared; a restore needs it alone. The lock goes with
the process however it ends (kill -9 included), on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import instance
from storage.database import create_engine
from tests.e2e.process import REPO

HOLDER = """
import asyncio, sys
from storage import instance
from storage.database import create_engine
async def main():
    await instance.hold(create_engine(sys.argv[1]), who="a test")
    print("held", flush=True)
    await asyncio.sleep(60)
asyncio.run(main())
"""


async def test_bots_hold_the_database_and_a_restore_waits_for_them(engine: AsyncEngine) -> None:
    other = create_engine(engine.url.render_as_string(hide_password=False))
    sqlite = engine.dialect.name == "sqlite"
    try:
        assert await instance.in_use(engine) is None
        first = await instance.hold(engine, who="sipbot run")
        if sqlite:  # SQLite serves one process
            with pytest.raises(instance.Busy, match=r"pid \d+ on .*: sipbot run, holding "):
                await instance.hold(other)
            second = None
        else:  # a standby, another shard: they share it
            second = await instance.hold(other)
        with pytest.raises(instance.Busy):
            await instance.hold(engine, exclusive=True)
        assert await instance.in_use(engine) is not None
        await first.release()
        if second is not None:
            assert await instance.in_use(engine) is not None
            await second.release()
        assert await instance.in_use(engine) is None
        restore = await instance.hold(engine, exclusive=True, who="sipbot restore")
        with pytest.raises(instance.Busy):
            await instance.hold(other)  # no bot starts while a restore runs
        await restore.release()
        await (await instance.hold(other)).release()
    finally:
        await other.dispose()


async def test_a_bot_killed_with_sigkill_leaves_no_lock_behind(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'sipbot.db'}"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, url, cwd=REPO, stdout=asyncio.subprocess.PIPE,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert process.stdout is not None
    assert await asyncio.wait_for(process.stdout.readline(), timeout=20) == b"held\n"
    engine = create_engine(url)
    try:
        who = await instance.in_use(engine)
        assert (
            who
            == f"pid {process.pid} on {socket.gethostname()}: a test, holding {tmp_path}/sipbot.db.lock"
        )
        process.send_signal(signal.SIGKILL)
        await process.wait()
        assert await instance.in_use(engine) is None
    finally:
        await engine.dispose()
