"""interest and time poll closings become work items

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02 10:00:00

Each poll's closing (interest_poll.close_state, time_poll.close_state) becomes a work
item of kind "interest_close" or "timepoll_close", keyed by the poll, due at its
deadline. A closing not finished yet (pending, or claimed by a process that may have
posted already) is pending again, with the nonce the old code sent its results with,
so a message posted just before the upgrade is not posted a second time; a finished one
is done, with the results message id when it was stored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TYPE = storage.types.UTCDateTime(timezone=True)
CHUNK = 500
UNFINISHED = ("pending", "sending")
# (table, work kind, the old nonce's kind as storage.outbox.nonce built it, results column)
POLLS = (
    ("interest_poll", "interest_close", "ipc", "results_message_id"),
    ("time_poll", "timepoll_close", "tp", "result_message_id"),
)
INDEXES = {"interest_poll": "ix_interest_poll_close_due", "time_poll": "ix_time_poll_close_due"}

work_item = sa.table(
    "work_item",
    sa.column("kind", sa.String),
    sa.column("key", sa.String),
    sa.column("guild_id", sa.BigInteger),
    sa.column("due_at", UTC_TYPE),
    sa.column("next_at", UTC_TYPE),
    sa.column("state", sa.String),
    sa.column("attempts", sa.Integer),
    sa.column("payload", sa.String),
    sa.column("last_error", sa.String),
    sa.column("result_id", sa.BigInteger),
    sa.column("late", sa.Boolean),
    sa.column("note", sa.String),
    sa.column("created_at", UTC_TYPE),
    sa.column("finished_at", UTC_TYPE),
)


def poll_table(name: str, results: str) -> Any:
    return sa.table(
        name,
        sa.column("id", sa.Integer),
        sa.column("guild_id", sa.BigInteger),
        sa.column("deadline", UTC_TYPE),
        sa.column("close_state", sa.String),
        sa.column("claimed_at", UTC_TYPE),
        sa.column(results, sa.BigInteger),
        sa.column("created_at", UTC_TYPE),
    )


def old_nonce(kind: str, poll_id: int) -> str:
    """What storage.outbox.nonce(kind, poll_id) gave: the old closings' message nonce."""
    return f"sip{kind}{poll_id}v0"


def work_row(poll: Any, kind: str, nonce_kind: str, results: str) -> dict[str, Any]:
    unfinished = poll.close_state in UNFINISHED
    payload: dict[str, Any] = {"poll_id": poll.id}
    if unfinished:
        payload["nonce"] = old_nonce(nonce_kind, poll.id)
    return {
        "kind": kind, "key": f"{kind}:{poll.id}", "guild_id": poll.guild_id,
        "due_at": poll.deadline, "next_at": poll.deadline,
        "state": "pending" if unfinished else "done", "attempts": 0,
        "payload": json.dumps(payload), "last_error": "",
        "result_id": None if unfinished else getattr(poll, results),
        "late": False, "note": "" if unfinished else "carried over",
        "created_at": poll.created_at, "finished_at": None if unfinished else poll.deadline,
    }  # fmt: skip


def upgrade() -> None:
    connection = op.get_bind()
    for name, kind, nonce_kind, results in POLLS:
        table = poll_table(name, results)
        polls = connection.execute(sa.select(table).order_by(table.c.id)).all()
        rows = [work_row(poll, kind, nonce_kind, results) for poll in polls]
        for start in range(0, len(rows), CHUNK):
            connection.execute(sa.insert(work_item), rows[start : start + CHUNK])
        # recreate="never": SQLite (3.35+) drops these columns in place. Recreating the
        # table instead would drop the old one, and with foreign keys on that deletes
        # every poll's options, slots and votes (ON DELETE CASCADE). An older SQLite
        # refuses the statement: the upgrade fails instead of losing data.
        with op.batch_alter_table(name, schema=None, recreate="never") as batch_op:
            batch_op.drop_index(INDEXES[name])
            batch_op.drop_column("claimed_at")
            batch_op.drop_column("close_state")


def downgrade() -> None:
    connection = op.get_bind()
    for name, kind, _nonce_kind, results in POLLS:
        # in place, as in upgrade: never recreate a table its options and votes reference
        with op.batch_alter_table(name, schema=None, recreate="never") as batch_op:
            # a poll with no item left has nothing more to post
            batch_op.add_column(
                sa.Column(
                    "close_state", sa.String(length=16), nullable=False, server_default="sent"
                )
            )
            batch_op.add_column(sa.Column("claimed_at", UTC_TYPE, nullable=True))
        table = poll_table(name, results)
        unfinished = connection.execute(
            sa.select(work_item.c.key).where(
                work_item.c.kind == kind, work_item.c.state.in_(("pending", "running"))
            )
        ).scalars()
        ids = [int(key.rsplit(":", 1)[1]) for key in unfinished]
        for start in range(0, len(ids), CHUNK):
            connection.execute(
                sa.update(table)
                .where(table.c.id.in_(ids[start : start + CHUNK]))
                .values(close_state="pending")
            )
        connection.execute(sa.delete(work_item).where(work_item.c.kind == kind))
        with op.batch_alter_table(name, schema=None, recreate="never") as batch_op:
            if connection.dialect.name != "sqlite":  # SQLite cannot drop a default in place
                batch_op.alter_column(
                    "close_state", existing_type=sa.String(length=16), existing_nullable=False,
                    server_default=None,
                )  # fmt: skip
            batch_op.create_index(INDEXES[name], ["close_state", "deadline"], unique=False)
