"""The revisions a start reads without alembic are alembic's own."""

from __future__ import annotations

import subprocess
import sys

from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import (
    alembic_config,
    current_revision,
    head_revision,
    known_revision,
    shipped_revisions,
)


def test_the_scripts_headers_give_alembics_chain_and_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    chain = {r.revision: r.down_revision for r in script.walk_revisions()}
    assert shipped_revisions() == chain
    assert head_revision() == script.get_current_head()
    assert known_revision("0001") and not known_revision("9999")


async def test_a_migrated_database_is_at_the_head(engine: AsyncEngine) -> None:
    assert await current_revision(engine) == head_revision()


def test_starting_the_bot_imports_neither_alembic_nor_the_file_writers() -> None:
    """What `python -m bot` loads before it serves (the command line, the bot, every cog)
    leaves out alembic (a start at the latest schema never migrates), xlsxwriter and
    icalendar (the first export or calendar imports them)."""
    code = (
        "import importlib, sys, bot.cli, bot.app\n"
        "for name in bot.app.EXTENSIONS: importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'xlsxwriter', 'icalendar'}))"
    )
    found = subprocess.run(  # noqa: S603 - this interpreter, a constant program
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"
