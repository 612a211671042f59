"""Server settings, offices and the audit log. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

DEFAULT_OFFSETS = "10080,1440,60"


class GuildConfig(SQLModel, table=True):
    __tablename__ = "guild_config"

    guild_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    organiser_role_id: int | None = Field(default=None, sa_type=BigInteger)
    member_role_id: int | None = Field(default=None, sa_type=BigInteger)
    announcements_channel_id: int | None = Field(default=None, sa_type=BigInteger)
    language: str = Field(default="fr", max_length=8)
    timezone: str = Field(default="Europe/Paris", max_length=64)
    # Reminder offsets in minutes, largest first, comma separated.
    reminder_offsets: str = Field(default=DEFAULT_OFFSETS, max_length=64)
    session_minutes: int = Field(default=180)
    group_min_size: int = Field(default=5)
    group_max_size: int = Field(default=12)
    max_groups_per_member: int = Field(default=1)
    # consent: a placed member is invited and joins on accepting; direct: placed is joined
    group_join: str = Field(default="consent", max_length=16)
    invitation_days: int = Field(default=7)  # how long an invitation waits for an answer
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)

    @property
    def offsets_minutes(self) -> list[int]:
        return [int(part) for part in self.reminder_offsets.split(",") if part]


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_guild_at", "guild_id", "at"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    actor_id: int | None = Field(default=None, sa_type=BigInteger)
    action: str = Field(max_length=64)
    detail: str = Field(default="")
    at: datetime = Field(sa_type=UTCDateTime)
