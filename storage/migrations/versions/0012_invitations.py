"""invitations to working groups, and the server's way of joining them

A table of invitations (one row per group and member, opened again with the next version
after a decline or an expiry) and two server settings: `group_join` ("consent", the
default for every server, also those already running: placed members are invited and
join on accepting; "direct": placed members are joined at once, as before) and
`invitation_days` (how long an invitation waits for an answer, 7).

guild_config gains its columns in place (ALTER TABLE, recreate="never"): a copy of the
table would gain nothing and SQLite can add a column with a default directly.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TYPE = storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("invited_by", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("deadline", UTC_TYPE, nullable=False),
        sa.Column("dm_status", sa.String(length=16), nullable=False),
        sa.Column("dm_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("dm_message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC_TYPE, nullable=False),
        sa.Column("answered_at", UTC_TYPE, nullable=True),
        sa.ForeignKeyConstraint(["group_id"], ["work_group.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id", "member_id", name="uq_invitation_group_member"),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_group_id"), ["group_id"], unique=False)
        batch_op.create_index("ix_invitation_guild_member", ["guild_id", "member_id"])
    with op.batch_alter_table("guild_config", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("group_join", sa.String(length=16), nullable=False, server_default="consent")
        )
        batch_op.add_column(
            sa.Column("invitation_days", sa.Integer(), nullable=False, server_default="7")
        )


def downgrade() -> None:
    with op.batch_alter_table("guild_config", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("invitation_days")
        batch_op.drop_column("group_join")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index("ix_invitation_guild_member")
        batch_op.drop_index(batch_op.f("ix_invitation_group_id"))
    op.drop_table("invitation")
