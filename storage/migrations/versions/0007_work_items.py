"""one table of scheduled work

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TYPE = storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "work_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("due_at", UTC_TYPE, nullable=False),
        sa.Column("next_at", UTC_TYPE, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", UTC_TYPE, nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("payload", sa.String(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("result_id", sa.BigInteger(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC_TYPE, nullable=False),
        sa.Column("finished_at", UTC_TYPE, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_item_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index("ix_work_item_next", ["state", "next_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.drop_index("ix_work_item_next")
        batch_op.drop_index(batch_op.f("ix_work_item_guild_id"))
    op.drop_table("work_item")
