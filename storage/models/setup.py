"""Server settings, offices and the audit log. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime

DEFAULT_OFFSETS = "10080,1440,60"


class GuildConfig(Base):
    __tablename__ = "guild_config"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    organiser_role_id: Mapped[int | None] = mapped_column(BigInteger)
    member_role_id: Mapped[int | None] = mapped_column(BigInteger)
    # who answers submitted recommendations; None: the organisers
    board_role_id: Mapped[int | None] = mapped_column(BigInteger)
    announcements_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8), default="fr")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    # Reminder offsets in minutes, largest first, comma separated.
    reminder_offsets: Mapped[str] = mapped_column(String(64), default=DEFAULT_OFFSETS)
    session_minutes: Mapped[int] = mapped_column(default=180)
    group_min_size: Mapped[int] = mapped_column(default=5)
    group_max_size: Mapped[int] = mapped_column(default=12)
    max_groups_per_member: Mapped[int] = mapped_column(default=1)
    # consent: a placed member is invited and joins on accepting; direct: placed is joined
    group_join: Mapped[str] = mapped_column(String(16), default="consent")
    invitation_days: Mapped[int] = mapped_column(
        default=7
    )  # how long an invitation waits for an answer
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def offsets_minutes(self) -> list[int]:
        return [int(part) for part in self.reminder_offsets.split(",") if part]


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_guild_at", "guild_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime)
