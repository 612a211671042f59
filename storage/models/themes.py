"""Themes of a cycle and their Discord objects. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class Theme(Base):
    """A theme of a cycle and the Discord objects made for it."""

    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("cycle_id", "title_key", name="uq_theme_cycle_title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(100))
    title_key: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(default="")
    countries: Mapped[str] = mapped_column(String(8), default="FR,BE")
    prolonged: Mapped[bool] = mapped_column(default=False)
    # the theme of the previous cycle this one carries on (its forum and synthesis). An id,
    # not a foreign key: one would make SQLite rebuild this table, which every feature's
    # rows point at ON DELETE CASCADE; themes are archived, never deleted, and an id that
    # no longer finds its theme simply has no history (storage/themes.py `history_of`).
    prolonged_from: Mapped[int | None]
    link: Mapped[str | None] = mapped_column(String(500))
    emoji: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active, archived
    category_id: Mapped[int | None] = mapped_column(BigInteger)
    info_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    info_message_id: Mapped[int | None] = mapped_column(BigInteger)
    forum_id: Mapped[int | None] = mapped_column(BigInteger)
    role_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def country_list(self) -> list[str]:
        return [c for c in self.countries.split(",") if c]
