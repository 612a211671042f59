"""meetings open to every member, and their registrations

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 13:30:00

Two new tables; nothing existing changes. A seat is unique per meeting (a number from
1 to the capacity) and so is a place in the queue, so the database itself refuses two
registrations on one seat.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TYPE = storage.types.UTCDateTime(timezone=True)
MEETING_KINDS = ("meeting_event", "meeting_reminder", "meeting_notice", "meeting_card")


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("starts_at", UTC_TYPE, nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("visio_url", sa.String(length=500), nullable=True),
        sa.Column("voice_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("speaker", sa.String(length=100), nullable=True),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("info_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("info_message_id", sa.BigInteger(), nullable=True),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("recording_url", sa.String(length=500), nullable=True),
        sa.Column("report_message_id", sa.BigInteger(), nullable=True),
        sa.Column("registrations_numbered", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC_TYPE, nullable=False),
        sa.Column("updated_at", UTC_TYPE, nullable=False),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_guild_id"), ["guild_id"], unique=False)

    op.create_table(
        "meeting_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("dm_status", sa.String(length=16), nullable=False),
        sa.Column("registered_at", UTC_TYPE, nullable=False),
        sa.Column("updated_at", UTC_TYPE, nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "member_id", name="uq_meeting_registration"),
        sa.UniqueConstraint("meeting_id", "seat", name="uq_meeting_registration_seat"),
        sa.UniqueConstraint("meeting_id", "seq", name="uq_meeting_registration_seq"),
    )
    with op.batch_alter_table("meeting_registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_registration_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    # the meetings' work (reminders, notices, events) goes with them: no handler is left
    work_item = sa.table("work_item", sa.column("kind", sa.String()))
    op.get_bind().execute(sa.delete(work_item).where(work_item.c.kind.in_(MEETING_KINDS)))
    with op.batch_alter_table("meeting_registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_registration_member_id"))
    op.drop_table("meeting_registration")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_guild_id"))
    op.drop_table("meeting")
