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


def test_starting_the_bot_does_not_import_alembic() -> None:
    code = "import sys, bot.cli, storage.database; print('alembic' in sys.modules)"
    found = subprocess.run(  # noqa: S603 - this interpreter, a constant program
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "False"
