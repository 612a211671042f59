"""Themes of a cycle and their Discord objects. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Theme(SQLModel, table=True):
    """A theme of a cycle and the Discord objects made for it."""

    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("cycle_id", "title_key", name="uq_theme_cycle_title"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    title: str = Field(max_length=100)
    title_key: str = Field(default="", max_length=100)
    description: str = Field(default="")
    countries: str = Field(default="FR,BE", max_length=8)
    prolonged: bool = False
    # the theme of the previous cycle this one carries on (its forum and synthesis). An id,
    # not a foreign key: one would make SQLite rebuild this table, which every feature's
    # rows point at ON DELETE CASCADE; themes are archived, never deleted, and an id that
    # no longer finds its theme simply has no history (storage/themes.py `history_of`).
    prolonged_from: int | None = Field(default=None)
    link: str | None = Field(default=None, max_length=500)
    emoji: str = Field(max_length=80)
    position: int = 0
    status: str = Field(default="active", max_length=16)  # active, archived
    category_id: int | None = Field(default=None, sa_type=BigInteger)
    info_channel_id: int | None = Field(default=None, sa_type=BigInteger)
    info_message_id: int | None = Field(default=None, sa_type=BigInteger)
    forum_id: int | None = Field(default=None, sa_type=BigInteger)
    role_id: int | None = Field(default=None, sa_type=BigInteger)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)

    @property
    def country_list(self) -> list[str]:
        return [c for c in self.countries.split(",") if c]
