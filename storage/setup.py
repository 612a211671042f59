"""Guild configuration (created with the default offices on first use) and the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditLog, Base, GuildConfig, Office
from storage.upsert import insert_ignore, table_of


def _table(model: type[Base]) -> Any:
    return table_of(model)


CONFIG_FIELDS = frozenset(
    c.name for c in _table(GuildConfig).columns if c.name not in {"guild_id", "created_at"}
)


async def ensure_guild(
    db: AsyncSession,
    guild_id: int,
    now: datetime,
    offices: Iterable[tuple[str, str, str]] = (),
) -> GuildConfig:
    """The guild's configuration, created with defaults (and the default offices) once."""
    inserted = await insert_ignore(
        db,
        _table(GuildConfig),
        [{**_defaults(), "guild_id": guild_id, "created_at": now, "updated_at": now}],
        ["guild_id"],
    )
    if inserted:
        rows = [
            {"guild_id": guild_id, "name": name, "country": country, "region": region}
            for name, country, region in offices
        ]
        await insert_ignore(db, _table(Office), rows, ["guild_id", "name"])
    config = await db.get(GuildConfig, guild_id, populate_existing=True)
    assert config is not None  # noqa: S101 - inserted or already there just above
    return config


def _defaults() -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for column in _table(GuildConfig).columns:
        if column.name in CONFIG_FIELDS and column.name != "updated_at":
            defaults[column.name] = column.default.arg if column.default is not None else None
    return defaults


async def update_config(
    db: AsyncSession, guild_id: int, now: datetime, **changes: Any
) -> GuildConfig:
    unknown = set(changes) - CONFIG_FIELDS
    if unknown:
        raise ValueError(f"unknown configuration fields: {sorted(unknown)}")
    config = await db.get(GuildConfig, guild_id, populate_existing=True)
    if config is None:
        raise LookupError(f"guild {guild_id} has no configuration yet")
    for name, value in changes.items():
        setattr(config, name, value)
    config.updated_at = now
    await db.flush()
    return config


async def audit(
    db: AsyncSession,
    guild_id: int,
    actor_id: int | None,
    action: str,
    now: datetime,
    **detail: Any,
) -> None:
    db.add(
        AuditLog(
            guild_id=guild_id,
            actor_id=actor_id,
            action=action,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
            at=now,
        )
    )


async def audit_entries(db: AsyncSession, guild_id: int) -> list[AuditLog]:
    result = await db.execute(
        select(AuditLog).where(AuditLog.guild_id == guild_id).order_by(AuditLog.id)
    )
    return list(result.scalars())
