"""A server's settings as a whole (its configuration row and its offices): read for
`sipbot export-config`, written for `sipbot import-config`, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GuildConfig, Office
from storage.setup import CONFIG_FIELDS, audit, ensure_guild, update_config
from storage.upsert import insert_ignore, table_of

# What a file carries: every configuration column but the bookkeeping ones.
TRANSFERRED = sorted(CONFIG_FIELDS - {"updated_at"})


async def configured_guilds(db: AsyncSession) -> list[int]:
    rows = await db.execute(select(GuildConfig.guild_id).order_by(GuildConfig.guild_id))
    return [int(guild_id) for guild_id in rows.scalars()]


async def read(db: AsyncSession, guild_id: int) -> tuple[dict[str, Any], list[Office]] | None:
    config = await db.get(GuildConfig, guild_id)
    if config is None:
        return None
    offices = await db.execute(
        select(Office).where(Office.guild_id == guild_id).order_by(Office.name)
    )
    return {name: getattr(config, name) for name in TRANSFERRED}, list(offices.scalars())


async def write(
    db: AsyncSession,
    guild_id: int,
    values: dict[str, Any],
    offices: Sequence[tuple[str, str, str]],
    now: datetime,
) -> None:
    """The server's settings become `values` (the columns named) and its offices exactly
    `offices`; the audit log records the import."""
    await ensure_guild(db, guild_id, now)
    await update_config(db, guild_id, now, **values)
    await db.execute(delete(Office).where(Office.guild_id == guild_id))
    rows = [
        {"guild_id": guild_id, "name": name, "country": country, "region": region}
        for name, country, region in offices
    ]
    if rows:
        await insert_ignore(db, table_of(Office), rows, ["guild_id", "name"])
    await audit(db, guild_id, None, "config.import", now, fields=sorted(values), offices=len(rows))
