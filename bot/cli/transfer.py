"""`sipbot export-config [PATH]` and `sipbot import-config PATH [--guild ID]`.

The file's format is bot/cli/configfile.py's. An import replaces, for each server in
the file, the settings it names and the whole list of offices, in one transaction;
a running bot sees the change within its settings cache's 30 seconds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli import configfile
from bot.cli.common import WRONG_SETTINGS, Failure, load_settings, say, warn
from bot.cli.database import with_engine
from bot.kit import jsonout
from bot.kit.clock import SystemClock
from storage import guild_settings
from storage.database import current_revision, describe, head_revision, session_factory

FIX_AFTER_MOVING = {
    "organiser_role_id": "/setup roles",
    "member_role_id": "/setup roles",
    "board_role_id": "/setup roles",
    "announcements_channel_id": "/setup channel",
}


def write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


async def _schema_is_current(engine: AsyncEngine) -> None:
    revision = await current_revision(engine)
    if revision != head_revision():
        raise Failure(
            f"the database is at revision {revision or 'none'}, not {head_revision()}: "
            "run sipbot migrate first"
        )


@click.command("export-config")
@click.argument("path", type=click.Path(path_type=Path, allow_dash=True), default="-")
@click.option("--guild", "guild_id", type=click.IntRange(min=1), help="Only this server.")
def export_command(path: Path, guild_id: int | None) -> int:
    """Write the servers' settings and offices as JSON to PATH (default: the screen)."""
    settings = load_settings(need_token=False)
    servers: list[tuple[int, dict[str, object], list[tuple[str, str, str]]]] = []

    async def work(engine: AsyncEngine) -> None:
        await _schema_is_current(engine)
        async with session_factory(engine)() as db:
            ids = [guild_id] if guild_id else await guild_settings.configured_guilds(db)
            for each in ids:
                found = await guild_settings.read(db, each)
                if found is None:
                    raise Failure(f"server {each} has no settings in {describe(str(engine.url))}")
                values, offices = found
                servers.append((each, values, [(o.name, o.country, o.region) for o in offices]))

    with_engine(settings.database_url, work)
    text = jsonout.dumps(configfile.document(servers, head_revision(), SystemClock().now()))
    if str(path) == "-":
        say(text)
    else:
        write_private(path, text + "\n")
        say(f"Wrote the settings of {len(servers)} server(s) to {path}.")
    return 0


@click.command("import-config")
@click.argument("path", type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--guild",
    "guild_id",
    type=click.IntRange(min=1),
    help="Import into this server (moving servers): the file must hold one.",
)
def import_command(path: Path, guild_id: int | None) -> int:
    """Set servers' settings and offices from a file made by export-config."""
    settings = load_settings(need_token=False)
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text("utf-8")
        servers = configfile.parse(text, guild_id)
    except OSError as exc:
        raise Failure(f"cannot read {path}: {exc.strerror}", WRONG_SETTINGS) from None
    except configfile.BadFile as exc:
        raise Failure(f"{path}: {exc}", WRONG_SETTINGS) from None

    async def work(engine: AsyncEngine) -> None:
        await _schema_is_current(engine)
        now = SystemClock().now()
        async with session_factory(engine)() as db, db.begin():
            for server in servers:
                await guild_settings.write(db, server.guild_id, server.values, server.offices, now)

    with_engine(settings.database_url, work)
    for server in servers:
        say(
            f"Server {server.guild_id}: {len(server.values)} setting(s) and "
            f"{len(server.offices)} office(s) imported."
        )
        if server.cleared:
            fixes = sorted({FIX_AFTER_MOVING.get(key, "/setup") for key in server.cleared})
            say(
                f"  Left out, as they name the other server's roles and channels: "
                f"{', '.join(server.cleared)}. Set them again with {' and '.join(fixes)}."
            )
        if server.ignored:
            warn(f"  Not known to this version, ignored: {', '.join(server.ignored)}.")
    say("A running bot sees the new settings within 30 seconds.")
    return 0
