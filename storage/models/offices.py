"""The cooperative's offices (bureaux). Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Office(Base):
    __tablename__ = "office"
    __table_args__ = (UniqueConstraint("guild_id", "name", name="uq_office_guild_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(80))
