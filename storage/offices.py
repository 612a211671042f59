"""The cooperative's offices (bureaux), per guild: name, country, region."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Office
from storage.upsert import insert_ignore, table_of


async def list_offices(db: AsyncSession, guild_id: int) -> list[Office]:
    result = await db.execute(
        select(Office)
        .where(Office.guild_id == guild_id)
        .order_by(Office.country, Office.region, Office.name)
    )
    return list(result.scalars())


async def count_offices(db: AsyncSession, guild_id: int) -> int:
    result = await db.execute(
        select(func.count()).select_from(Office).where(Office.guild_id == guild_id)
    )
    return int(result.scalar() or 0)


async def find_office(db: AsyncSession, guild_id: int, name: str) -> Office | None:
    result = await db.execute(
        select(Office).where(
            Office.guild_id == guild_id,
            func.lower(Office.name) == name.strip().lower(),
        )
    )
    return result.scalars().first()


async def add_office(db: AsyncSession, guild_id: int, name: str, country: str, region: str) -> bool:
    """True when added, False when an office of that name already exists."""
    if await find_office(db, guild_id, name) is not None:
        return False
    row = {"guild_id": guild_id, "name": name, "country": country, "region": region}
    return await insert_ignore(db, table_of(Office), [row], ["guild_id", "name"]) == 1


async def remove_office(db: AsyncSession, guild_id: int, name: str) -> Office | None:
    office = await find_office(db, guild_id, name)
    if office is None:
        return None
    await db.execute(delete(Office).where(Office.id == office.id))
    return office
