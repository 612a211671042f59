"""Invitations to a working group, in the server's `consent` mode (SPEC §9): composing
groups proposes them; only an accepted invitation makes a member of the group. Discord
ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime

PENDING, ACCEPTED, DECLINED, EXPIRED, WITHDRAWN = (
    "pending", "accepted", "declined", "expired", "withdrawn",
)  # fmt: skip
# the DM: not sent yet, sent, or refused by Discord (the member's DMs are closed)
DM_WAITING, DM_SENT, DM_CLOSED = "waiting", "sent", "closed"
REASON_MAX = 500


class Invitation(Base):
    """One member's invitation to one group. One row per (group, member): inviting again
    after a decline or an expiry opens the same row once more, with the next version (the
    work items of the earlier version then find it changed and do nothing)."""

    __tablename__ = "invitation"
    __table_args__ = (
        UniqueConstraint("group_id", "member_id", name="uq_invitation_group_member"),
        Index("ix_invitation_guild_member", "guild_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("work_group.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    version: Mapped[int] = mapped_column(
        default=1
    )  # grows each time the invitation is opened again
    source: Mapped[str] = mapped_column(String(16), default="publish")  # publish, invite, move
    invited_by: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(
        String(REASON_MAX), default=""
    )  # why they declined, if they said
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    dm_status: Mapped[str] = mapped_column(String(16), default=DM_WAITING)
    dm_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    dm_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when this version was opened
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
