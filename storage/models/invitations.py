"""Invitations to a working group, in the server's `consent` mode (SPEC §9): composing
groups proposes them; only an accepted invitation makes a member of the group. Discord
ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

PENDING, ACCEPTED, DECLINED, EXPIRED, WITHDRAWN = (
    "pending", "accepted", "declined", "expired", "withdrawn",
)  # fmt: skip
# the DM: not sent yet, sent, or refused by Discord (the member's DMs are closed)
DM_WAITING, DM_SENT, DM_CLOSED = "waiting", "sent", "closed"
REASON_MAX = 500


class Invitation(SQLModel, table=True):
    """One member's invitation to one group. One row per (group, member): inviting again
    after a decline or an expiry opens the same row once more, with the next version (the
    work items of the earlier version then find it changed and do nothing)."""

    __tablename__ = "invitation"
    __table_args__ = (
        UniqueConstraint("group_id", "member_id", name="uq_invitation_group_member"),
        Index("ix_invitation_guild_member", "guild_id", "member_id"),
    )

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE", index=True)
    member_id: int = Field(sa_type=BigInteger)
    state: str = Field(default=PENDING, max_length=16)
    version: int = 1  # grows each time the invitation is opened again
    source: str = Field(default="publish", max_length=16)  # publish, invite, move
    invited_by: int | None = Field(default=None, sa_type=BigInteger)
    reason: str = Field(default="", max_length=REASON_MAX)  # why they declined, if they said
    deadline: datetime = Field(sa_type=UTCDateTime)
    dm_status: str = Field(default=DM_WAITING, max_length=16)
    dm_channel_id: int | None = Field(default=None, sa_type=BigInteger)
    dm_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)  # when this version was opened
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
