"""`python -m storage.upgrade LEVEL`: the migrations in a process of their own.

A start that finds the schema behind (the first start, an upgrade's) migrates it with
alembic, and a process that has imported alembic keeps its modules for its life (about
11 MB of the bot's resident memory, for nothing once the schema is at the latest). The
bot's process hands the migration to this child instead and waits for it before it
serves: the child reads the database URL on its standard input (never on its command
line, where `ps` shows a password), migrates with `storage.database.migrate`, and exits.
Its log lines (at LEVEL, a logging level number, but never below INFO: at DEBUG aiosqlite
and asyncpg log every call, which the bot keeps at INFO too, bot/kit/logs.py) and a
failure's traceback go to the standard error it shares with the bot.

Exit codes: 0 migrated; UNREACHABLE when the database could not be opened or answered
with an error, the error's type printed on standard output; anything else is a failure
whose traceback is on standard error.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from storage.database import create_engine, migrate

UNREACHABLE = 3
ROOT = Path(__file__).resolve().parents[1]  # where `storage` is imported from
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # as the bot's (bot/kit/logs.py)


class UpgradeFailed(Exception):
    """The child did not migrate; `unreachable` when the database could not be opened."""

    def __init__(self, reason: str, *, unreachable: bool) -> None:
        super().__init__(reason)
        self.unreachable = unreachable


async def upgrade_apart(url: str, log_level: int) -> None:
    """Migrate the database at `url` in a child process, and wait for it."""
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}  # not the child's
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "storage.upgrade", str(log_level), env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await child.communicate(url.encode())
    if child.returncode == 0:
        return
    if child.returncode == UNREACHABLE:
        raise UpgradeFailed(out.decode().strip() or "unknown error", unreachable=True)
    raise UpgradeFailed(
        f"the migration exited with {child.returncode} (its error is above)", unreachable=False
    )


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


def main() -> int:
    level = max(int(sys.argv[1]), logging.INFO)
    logging.basicConfig(level=level, format=FORMAT, stream=sys.stderr)
    url = sys.stdin.readline().strip()
    try:
        asyncio.run(_migrate(url))
    except (SQLAlchemyError, OSError) as exc:
        print(type(exc).__name__)  # noqa: T201 - read by upgrade_apart
        return UNREACHABLE
    return 0


if __name__ == "__main__":
    sys.exit(main())
