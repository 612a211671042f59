"""`sipbot export-config` / `import-config`: a server's settings and offices to a JSON file
(ids as strings) and back, into the same server or another one (moving servers)."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import guild_settings, setup
from storage.database import session_factory
from storage.models import AuditLog, GuildConfig
from tests.cli.helpers import in_process, use_environment

OLD, NEW = 812345678901234567, 912345678901234599
ROLE, CHANNEL = 1_000_000_000_000_000_001, 1_000_000_000_000_000_002
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


async def configured(engine: AsyncEngine) -> None:
    async with session_factory(engine)() as db, db.begin():
        await setup.ensure_guild(
            db, OLD, NOW, [("Rennes", "FR", "Ouest"), ("Gent", "BE", "Vlaanderen")]
        )
        await setup.update_config(
            db, OLD, NOW, organiser_role_id=ROLE, announcements_channel_id=CHANNEL, language="nl",
            timezone="Europe/Brussels", reminder_offsets="2880,60", session_minutes=150,
        )  # fmt: skip


async def test_settings_move_to_another_server_without_the_old_servers_ids(
    sqlite_engine: AsyncEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await configured(sqlite_engine)
    use_environment(monkeypatch, tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'sipbot.db'}")
    exported = tmp_path / "settings.json"
    ran = await in_process(capsys, "export-config", str(exported), "--guild", str(OLD))
    assert (ran.code, ran.out) == (0, f"Wrote the settings of 1 server(s) to {exported}.\n")
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    document = json.loads(exported.read_text(), parse_int=float)  # as a browser reads numbers
    (server,) = document["servers"]
    assert document["format"] == "sipbot server settings" and document["version"] == 1
    assert server["guild_id"] == str(OLD)
    assert server["settings"]["organiser_role_id"] == str(ROLE)
    assert server["settings"]["announcements_channel_id"] == str(CHANNEL)
    assert server["settings"]["member_role_id"] is None
    assert server["settings"]["reminder_offsets"] == "2d, 1h"
    assert server["settings"]["session_minutes"] == 150
    assert server["offices"] == [
        {"name": "Gent", "country": "BE", "region": "Vlaanderen"},
        {"name": "Rennes", "country": "FR", "region": "Ouest"},
    ]

    ran = await in_process(capsys, "import-config", str(exported), "--guild", str(NEW))
    assert ran.code == 0, ran.err
    assert f"Server {NEW}: " in ran.out and "and 2 office(s) imported." in ran.out
    assert (
        "Left out, as they name the other server's roles and channels: "
        "announcements_channel_id, organiser_role_id. Set them again with /setup channel "
        "and /setup roles."
    ) in ran.out
    async with session_factory(sqlite_engine)() as db:
        moved = await db.get(GuildConfig, NEW)
        found = await guild_settings.read(db, NEW)
        audit = await setup.audit_entries(db, NEW)
    assert moved is not None and found is not None
    assert (moved.language, moved.timezone, moved.reminder_offsets, moved.session_minutes) == (
        "nl", "Europe/Brussels", "2880,60", 150,
    )  # fmt: skip
    assert (moved.organiser_role_id, moved.announcements_channel_id) == (None, None)
    assert [(o.name, o.country, o.region) for o in found[1]] == [
        ("Gent", "BE", "Vlaanderen"), ("Rennes", "FR", "Ouest"),
    ]  # fmt: skip
    assert [a.action for a in audit] == ["config.import"]
    assert isinstance(audit[0], AuditLog) and audit[0].actor_id is None

    document = json.loads(exported.read_text())
    (server,) = document["servers"]
    server["settings"]["timezone"] = "Mars/Olympus_Mons"
    exported.write_text(json.dumps(document))
    ran = await in_process(capsys, "import-config", str(exported))
    assert ran.code == 2
    assert ran.err == (
        f"sipbot: {exported}: servers[0].settings.timezone: 'Mars/Olympus_Mons' is not "
        "accepted by /setup\n"
    )
    document["servers"] = [server, server]
    exported.write_text(json.dumps(document))
    ran = await in_process(capsys, "import-config", str(exported), "--guild", str(NEW))
    assert ran.code == 2
    assert "the file holds 2 servers; --guild takes a file of one" in ran.err
