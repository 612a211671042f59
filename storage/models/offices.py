"""The cooperative's offices (bureaux). Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel


class Office(SQLModel, table=True):
    __tablename__ = "office"
    __table_args__ = (UniqueConstraint("guild_id", "name", name="uq_office_guild_name"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    name: str = Field(max_length=80)
    country: str = Field(max_length=2)
    region: str = Field(max_length=80)
