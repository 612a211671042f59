"""Working groups and their members. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class WorkGroup(SQLModel, table=True):
    """A working group of a theme: proposed (rows only) then published (Discord objects)."""

    __tablename__ = "work_group"
    __table_args__ = (UniqueConstraint("theme_id", "name", name="uq_work_group_theme_name"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE")
    name: str = Field(max_length=100)
    mode: str = Field(max_length=16)  # in_person, online
    office: str | None = Field(default=None, max_length=80)
    region: str | None = Field(default=None, max_length=80)
    position: int = 0
    status: str = Field(default="proposed", max_length=16)  # proposed, published
    facilitator_id: int | None = Field(default=None, sa_type=BigInteger)
    secretary_id: int | None = Field(default=None, sa_type=BigInteger)
    channel_id: int | None = Field(default=None, sa_type=BigInteger)
    role_id: int | None = Field(default=None, sa_type=BigInteger)
    welcome_message_id: int | None = Field(default=None, sa_type=BigInteger)
    # how many sessions were numbered: the next one takes this + 1 (storage.sessions.add_session)
    sessions_numbered: int = 0
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class GroupMember(SQLModel, table=True):
    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("group_id", "member_id", name="uq_group_member"),)

    id: int = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger, index=True)
    source: str = Field(default="proposal", max_length=16)  # proposal, move, invite
    role_granted: bool = False
    added_at: datetime = Field(sa_type=UTCDateTime)
