"""next themes proposed by members; assembly options linked to them; prolonged themes

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 09:00:00

New tables: proposal_call (a cycle's call for next themes: calendar, opened or closed by
hand, and its forum), proposal, proposal_endorsement, proposal_decision (each status an
organiser gave, with the note the author is told), assembly_option (where an option of a
vote came from: a proposal or a theme to prolong). The theme table gains prolonged_from,
the theme of the previous cycle a theme carries on: a plain column, added and dropped with
ALTER TABLE (recreate="never", SQLite 3.35 or later), since a foreign key would make SQLite
rebuild the theme table, and dropping the old copy, with foreign keys on, would delete or
refuse the rows of every table that points at themes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TYPE = storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("title_key", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTC_TYPE, nullable=False),
        sa.Column("updated_at", UTC_TYPE, nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["merged_into_id"], ["proposal.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "title_key", name="uq_proposal_cycle_title"),
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "proposal_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("forum_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", UTC_TYPE, nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id"),
    )
    with op.batch_alter_table("proposal_call", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_call_guild_id"), ["guild_id"], unique=False)

    op.create_table(
        "assembly_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["vote_id"], ["assembly_vote.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vote_id", "position", name="uq_assembly_option"),
    )
    op.create_table(
        "proposal_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", UTC_TYPE, nullable=False),
        sa.ForeignKeyConstraint(["merged_into_id"], ["proposal.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposal_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_decision_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "proposal_endorsement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTC_TYPE, nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposal_id", "member_id", name="uq_proposal_endorsement"),
    )
    with op.batch_alter_table("theme", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("prolonged_from", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("theme", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("prolonged_from")
    op.drop_table("proposal_endorsement")
    with op.batch_alter_table("proposal_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_decision_proposal_id"))
    op.drop_table("proposal_decision")
    op.drop_table("assembly_option")
    with op.batch_alter_table("proposal_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_call_guild_id"))
    op.drop_table("proposal_call")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_thread_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_guild_id"))
    op.drop_table("proposal")
