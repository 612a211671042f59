"""Working groups, their members and their guests. Discord ids are 64-bit snowflakes,
stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint, text
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


class GroupGuest(SQLModel, table=True):
    """Someone outside a group (an expert, a partner, a member of another group) who may
    read and write in its channel until `until`. Never a member: the group's role means
    membership, so a guest's access is a permission overwrite of its own. At most one
    active row per group and person (a partial unique index); ended and removed rows
    stay, so the group's history and the person's export say who came and when."""

    __tablename__ = "group_guest"
    __table_args__ = (
        Index(
            "uq_group_guest_active",
            "group_id",
            "member_id",
            unique=True,
            sqlite_where=text("state = 'active'"),
            postgresql_where=text("state = 'active'"),
        ),
    )

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE", index=True)
    member_id: int = Field(sa_type=BigInteger, index=True)
    added_by: int | None = Field(default=None, sa_type=BigInteger)
    note: str | None = Field(default=None, max_length=200)
    until: datetime = Field(sa_type=UTCDateTime)
    state: str = Field(default="active", max_length=16)  # active, ended, removed
    created_at: datetime = Field(sa_type=UTCDateTime)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
