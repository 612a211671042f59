"""guests of working groups

A group's guests (experts, partners, members of other groups), each with the date their
access to the group's channel ends; at most one active guest per group and person.
Their access itself is Discord's (a channel permission overwrite), given and taken back
by work items of kinds "guest_grant" and "guest_revoke": nothing else changes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TYPE = storage.types.UTCDateTime(timezone=True)
ACTIVE = sa.text("state = 'active'")


def upgrade() -> None:
    op.create_table(
        "group_guest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("until", UTC_TYPE, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_TYPE, nullable=False),
        sa.Column("removed_at", UTC_TYPE, nullable=True),
        sa.ForeignKeyConstraint(["group_id"], ["work_group.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("group_guest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_guest_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_group_guest_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_group_guest_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            "uq_group_guest_active",
            ["group_id", "member_id"],
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        )


def downgrade() -> None:
    with op.batch_alter_table("group_guest", schema=None) as batch_op:
        batch_op.drop_index("uq_group_guest_active", sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.drop_index(batch_op.f("ix_group_guest_member_id"))
        batch_op.drop_index(batch_op.f("ix_group_guest_group_id"))
        batch_op.drop_index(batch_op.f("ix_group_guest_guild_id"))
    op.drop_table("group_guest")
    # the guests' access lives on in Discord until its items run: without the table,
    # those items have nothing to read, so they go with it
    op.execute(sa.text("DELETE FROM work_item WHERE kind IN ('guest_grant', 'guest_revoke')"))
