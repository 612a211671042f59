"""Working groups, their members and their guests. Discord ids are 64-bit snowflakes,
stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, partial_unique
from storage.types import UTCDateTime


class WorkGroup(Base):
    """A working group of a theme: proposed (rows only) then published (Discord objects)."""

    __tablename__ = "work_group"
    __table_args__ = (UniqueConstraint("theme_id", "name", name="uq_work_group_theme_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    mode: Mapped[str] = mapped_column(String(16))  # in_person, online
    office: Mapped[str | None] = mapped_column(String(80))
    region: Mapped[str | None] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="proposed")  # proposed, published
    facilitator_id: Mapped[int | None] = mapped_column(BigInteger)
    secretary_id: Mapped[int | None] = mapped_column(BigInteger)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    role_id: Mapped[int | None] = mapped_column(BigInteger)
    welcome_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # how many sessions were numbered: the next one takes this + 1 (storage.sessions.add_session)
    sessions_numbered: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GroupMember(Base):
    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("group_id", "member_id", name="uq_group_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("work_group.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    source: Mapped[str] = mapped_column(String(16), default="proposal")  # proposal, move, invite
    role_granted: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GroupGuest(Base):
    """Someone outside a group (an expert, a partner, a member of another group) who may
    read and write in its channel until `until`. Never a member: the group's role means
    membership, so a guest's access is a permission overwrite of its own. At most one
    active row per group and person (a partial unique index); ended and removed rows
    stay, so the group's history and the person's export say who came and when."""

    __tablename__ = "group_guest"
    __table_args__ = (
        partial_unique("uq_group_guest_active", "group_id", "member_id", where="state = 'active'"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("work_group.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(String(200))
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default="active")  # active, ended, removed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
