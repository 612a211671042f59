"""gateway leases: one row per shard naming the process that holds its gateway

Revision ID: 0018
Revises: 0011
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0018"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TYPE = storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "gateway_lease",
        sa.Column("shard_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("shard_count", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("acquired_at", UTC_TYPE, nullable=False),
        sa.Column("renewed_at", UTC_TYPE, nullable=False),
        sa.Column("expires_at", UTC_TYPE, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gateway_lease")
