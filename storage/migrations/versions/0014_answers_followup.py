"""the board's answers and the follow-up of adopted recommendations

A board role in the server's settings (none: the organisers answer); the board's
answers to submitted drafts (several over time, the last one current); the dated
follow-up updates of adopted ones. Nothing existing changes: the new column is empty
and the new tables start empty.

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-05 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TYPE = storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    # recreate="never": an ALTER TABLE, never a copy of the settings table
    with op.batch_alter_table("guild_config", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("board_role_id", sa.BigInteger(), nullable=True))
    op.create_table(
        "draft_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=24), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC_TYPE, nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["draft.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("draft_answer", schema=None) as batch_op:
        batch_op.create_index("ix_draft_answer_draft", ["draft_id", "id"], unique=False)
    op.create_table(
        "followup_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC_TYPE, nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["draft.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("followup_update", schema=None) as batch_op:
        batch_op.create_index("ix_followup_update_draft", ["draft_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("followup_update", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_update_draft")
    op.drop_table("followup_update")
    with op.batch_alter_table("draft_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_draft_answer_draft")
    op.drop_table("draft_answer")
    with op.batch_alter_table("guild_config", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("board_role_id")
