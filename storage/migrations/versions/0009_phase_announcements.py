"""phase start announcements move to the work table

Every phase's announcement becomes a work item of kind "phase_start", key
`phase:<phase id>:<unix start>`, due at the phase's start:
- pending or sending (claimed, not recorded as sent) -> pending, with the nonce the old
  code posted with, so a message Discord accepted just before the upgrade is not posted
  a second time; one left pending in a closed cycle (never announced by the old code)
  -> cancelled;
- sent -> done, result_id the message, finished_at when it was sent, late kept;
- skipped, failed, cancelled -> the same state with its note.
Then the phase table loses its outbox columns. The downgrade does the reverse.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TYPE = storage.types.UTCDateTime(timezone=True)
KIND = "phase_start"
CHUNK = 500

cycle = sa.table(
    "cycle",
    sa.column("id", sa.Integer),
    sa.column("guild_id", sa.BigInteger),
    sa.column("status", sa.String),
    sa.column("created_at", UTC_TYPE),
    sa.column("closed_at", UTC_TYPE),
)
phase = sa.table(
    "phase",
    sa.column("id", sa.Integer),
    sa.column("cycle_id", sa.Integer),
    sa.column("starts_at", UTC_TYPE),
    sa.column("announce_state", sa.String),
    sa.column("announced_at", UTC_TYPE),
    sa.column("announce_message_id", sa.BigInteger),
    sa.column("announce_note", sa.String),
)
work_item = sa.table(
    "work_item",
    sa.column("id", sa.Integer),
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


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _item(row: Any) -> dict[str, Any]:
    """The work item for one phase row (joined with its cycle)."""
    starts_at: datetime = row.starts_at
    state = was = row.announce_state
    open_ = state in ("pending", "sending")
    note = row.announce_note or ""
    finished_at = row.announced_at
    if open_ and row.status == "closed":
        state, note, open_ = "cancelled", "cycle closed", False
    if state == "cancelled":
        finished_at = finished_at or row.closed_at or row.created_at
    elif not open_:
        finished_at = finished_at or row.created_at
    payload: dict[str, Any] = {"phase_id": row.id}
    if open_:
        payload["nonce"] = f"sipph{row.id}v0"  # storage.outbox.nonce("ph", phase.id)
    return {
        "kind": KIND,
        "key": f"phase:{row.id}:{int(starts_at.timestamp())}",
        "guild_id": row.guild_id,
        "due_at": starts_at,
        "next_at": starts_at,
        "state": "pending" if open_ else {"sent": "done"}.get(state, state),
        "attempts": 0 if was == "pending" else 1,  # a claimed or finished one was tried
        "payload": json.dumps(payload),
        "last_error": "",
        "result_id": row.announce_message_id if state == "sent" else None,
        "late": state == "sent" and note == "late",
        "note": note[:200],
        "created_at": row.created_at,
        "finished_at": None if open_ else finished_at,
    }


def upgrade() -> None:
    bind = op.get_bind()
    found = bind.execute(
        sa.select(
            phase.c.id, phase.c.starts_at, phase.c.announce_state, phase.c.announced_at,
            phase.c.announce_message_id, phase.c.announce_note, cycle.c.guild_id,
            cycle.c.status, cycle.c.created_at, cycle.c.closed_at,
        )
        .select_from(phase.join(cycle, cycle.c.id == phase.c.cycle_id))
        .order_by(phase.c.id)
    )  # fmt: skip
    items = [_item(row) for row in found]
    for chunk in _chunks(items):
        bind.execute(work_item.insert(), chunk)
    with op.batch_alter_table("phase", schema=None) as batch_op:
        batch_op.drop_index("ix_phase_announce_due")
        batch_op.drop_column("announce_note")
        batch_op.drop_column("announce_message_id")
        batch_op.drop_column("announced_at")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("announce_state")


def _phase_values(item: Any) -> dict[str, Any]:
    """The old outbox columns from a phase's work item."""
    state = {"running": "pending", "done": "sent"}.get(item.state, item.state)
    finished = state not in ("pending", "cancelled")
    return {
        "b_id": int(item.key.split(":")[1]),
        "announce_state": state,
        "announced_at": item.finished_at if finished else None,
        "announce_message_id": item.result_id if state == "sent" else None,
        "announce_note": item.note or "",
    }


def downgrade() -> None:
    with op.batch_alter_table("phase", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("announce_state", sa.String(length=16), nullable=False,
                      server_default="pending")
        )  # fmt: skip
        batch_op.add_column(sa.Column("claimed_at", UTC_TYPE, nullable=True))
        batch_op.add_column(sa.Column("announced_at", UTC_TYPE, nullable=True))
        batch_op.add_column(sa.Column("announce_message_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("announce_note", sa.String(length=200), nullable=False, server_default="")
        )
    bind = op.get_bind()
    found = bind.execute(
        sa.select(
            work_item.c.key, work_item.c.state, work_item.c.finished_at,
            work_item.c.result_id, work_item.c.note,
        ).where(work_item.c.kind == KIND)
    )  # fmt: skip
    values = [_phase_values(item) for item in found]
    # executemany: the SET clause is taken from the other keys of each row
    restore = phase.update().where(phase.c.id == sa.bindparam("b_id"))
    for chunk in _chunks(values):
        bind.execute(restore, chunk)
    bind.execute(work_item.delete().where(work_item.c.kind == KIND))
    with op.batch_alter_table("phase", schema=None) as batch_op:
        batch_op.alter_column("announce_state", server_default=None)
        batch_op.alter_column("announce_note", server_default=None)
        batch_op.create_index(
            "ix_phase_announce_due", ["announce_state", "starts_at"], unique=False
        )
