"""assembly closings and experiment nudges become work items

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-02 10:00:00

Every vote's closing becomes one "assembly_close" item (key assembly_close:<vote>, due at
the deadline) and every experiment's next nudge one "experiment_nudge" item (key
experiment:<id>:<number>). What was pending or being sent is pending again, with the
nonce the old code sent it with ("sipav<vote>v0", "sipxn<id>v<number>"), so a message
posted just before the upgrade is not posted twice. The outbox columns go.

SQLite: the columns are dropped with ALTER TABLE (recreate="never", SQLite 3.35 or
later), not by copying the table: dropping the old copy would delete the ballots,
check-ins and evaluations that reference it ON DELETE CASCADE, foreign keys being on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TYPE = storage.types.UTCDateTime(timezone=True)
CHUNK = 500
CLOSE, NUDGE = "assembly_close", "experiment_nudge"
OPEN = ("pending", "sending")  # the old outbox states of what was not sent yet

assembly_vote = sa.table(
    "assembly_vote",
    sa.column("id", sa.Integer()),
    sa.column("guild_id", sa.BigInteger()),
    sa.column("deadline", UTC_TYPE),
    sa.column("status", sa.String()),
    sa.column("close_state", sa.String()),
    sa.column("results_message_id", sa.BigInteger()),
    sa.column("created_at", UTC_TYPE),
    sa.column("closed_at", UTC_TYPE),
)
experiment = sa.table(
    "experiment",
    sa.column("id", sa.Integer()),
    sa.column("guild_id", sa.BigInteger()),
    sa.column("ends_at", UTC_TYPE),
    sa.column("status", sa.String()),
    sa.column("next_nudge_at", UTC_TYPE),
    sa.column("nudge_kind", sa.String()),
    sa.column("nudge_number", sa.Integer()),
    sa.column("nudge_state", sa.String()),
    sa.column("created_at", UTC_TYPE),
    sa.column("updated_at", UTC_TYPE),
)
work_item = sa.table(
    "work_item",
    sa.column("kind", sa.String()),
    sa.column("key", sa.String()),
    sa.column("guild_id", sa.BigInteger()),
    sa.column("due_at", UTC_TYPE),
    sa.column("next_at", UTC_TYPE),
    sa.column("state", sa.String()),
    sa.column("attempts", sa.Integer()),
    sa.column("payload", sa.String()),
    sa.column("last_error", sa.String()),
    sa.column("result_id", sa.BigInteger()),
    sa.column("late", sa.Boolean()),
    sa.column("note", sa.String()),
    sa.column("created_at", UTC_TYPE),
    sa.column("finished_at", UTC_TYPE),
)


def _item(
    kind: str, key: str, guild_id: int, due_at: Any, created_at: Any, payload: dict[str, Any],
    state: str = "pending", finished_at: Any = None, result_id: int | None = None, note: str = "",
) -> dict[str, Any]:  # fmt: skip
    return {
        "kind": kind, "key": key, "guild_id": guild_id, "due_at": due_at, "next_at": due_at,
        "state": state, "attempts": 0, "payload": json.dumps(payload), "last_error": "",
        "result_id": result_id, "late": False, "note": note, "created_at": created_at,
        "finished_at": finished_at,
    }  # fmt: skip


def _closings(bind: sa.Connection) -> Iterator[dict[str, Any]]:
    for vote in bind.execute(sa.select(assembly_vote)).mappings():
        payload: dict[str, Any] = {"vote_id": vote["id"]}
        key = f"assembly_close:{vote['id']}"
        if vote["close_state"] in OPEN:
            payload["nonce"] = f"sipav{vote['id']}v0"  # storage.outbox.nonce("av", id)
            yield _item(CLOSE, key, vote["guild_id"], vote["deadline"], vote["created_at"],
                        payload)  # fmt: skip
        else:  # sent: closed, its results posted (or refused for good)
            yield _item(
                CLOSE, key, vote["guild_id"], vote["deadline"], vote["created_at"], payload,
                "done", vote["closed_at"] or vote["deadline"], vote["results_message_id"],
                "carried over",
            )  # fmt: skip


def _nudges(bind: sa.Connection) -> Iterator[dict[str, Any]]:
    """The one nudge each experiment's row knew of: the next one, or the last one."""
    for row in bind.execute(sa.select(experiment)).mappings():
        number, kind = row["nudge_number"], row["nudge_kind"]
        key = f"experiment:{row['id']}:{number}"
        payload: dict[str, Any] = {"experiment_id": row["id"], "kind": kind, "number": number}
        due_at = row["next_nudge_at"] or (
            row["ends_at"] if kind == "evaluate" else row["updated_at"]
        )
        waiting = row["nudge_state"] in OPEN and row["next_nudge_at"] is not None
        if waiting and row["status"] == "running":
            payload["nonce"] = f"sipxn{row['id']}v{number}"  # outbox.nonce("xn", id, number)
            yield _item(NUDGE, key, row["guild_id"], due_at, row["created_at"], payload)
            continue
        if row["status"] == "ended":  # the evaluation request went out
            state, note = "done", "carried over"
        elif row["status"] == "evaluated":  # the evaluation ended the series
            state, note = "cancelled", "carried over: the experiment was evaluated"
        else:
            state, note = "cancelled", "carried over: no nudge was planned"
        yield _item(NUDGE, key, row["guild_id"], due_at, row["created_at"], payload, state,
                    row["updated_at"], None, note)  # fmt: skip


def _insert(bind: sa.Connection, rows: Iterator[dict[str, Any]]) -> None:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            bind.execute(sa.insert(work_item), chunk)
            chunk = []
    if chunk:
        bind.execute(sa.insert(work_item), chunk)


def upgrade() -> None:
    bind = op.get_bind()
    _insert(bind, _closings(bind))
    _insert(bind, _nudges(bind))
    with op.batch_alter_table("assembly_vote", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("ix_assembly_vote_close_due")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("close_state")
    with op.batch_alter_table("experiment", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("ix_experiment_nudge_due")
        for name in ("claimed_at", "nudge_state", "nudge_number", "nudge_kind", "next_nudge_at"):
            batch_op.drop_column(name)


def _restore_closings(bind: sa.Connection) -> None:
    bind.execute(sa.update(assembly_vote).where(assembly_vote.c.status == "closed")
                 .values(close_state="sent"))  # fmt: skip
    items = bind.execute(
        sa.select(work_item.c.payload, work_item.c.state).where(work_item.c.kind == CLOSE)
    )
    for payload, state in items:
        close_state = "pending" if state in ("pending", "running") else "sent"
        vote_id = json.loads(payload)["vote_id"]
        bind.execute(sa.update(assembly_vote).where(assembly_vote.c.id == vote_id)
                     .values(close_state=close_state))  # fmt: skip


def _restore_nudges(bind: sa.Connection) -> None:
    """Each experiment's row gets its latest nudge back: pending, or done."""
    latest: dict[int, tuple[int, str, Any, str]] = {}
    items = bind.execute(
        sa.select(work_item.c.payload, work_item.c.state, work_item.c.due_at).where(
            work_item.c.kind == NUDGE
        )
    )
    for payload, state, due_at in items:
        values = json.loads(payload)
        number, experiment_id = int(values["number"]), int(values["experiment_id"])
        if experiment_id not in latest or latest[experiment_id][0] < number:
            latest[experiment_id] = (number, str(values["kind"]), due_at, state)
    bind.execute(sa.update(experiment).values(nudge_state="done"))  # none planned
    for experiment_id, (number, kind, due_at, state) in latest.items():
        waiting = state in ("pending", "running")
        bind.execute(
            sa.update(experiment)
            .where(experiment.c.id == experiment_id)
            .values(
                nudge_state="pending" if waiting else "done",
                next_nudge_at=due_at if waiting else None,
                nudge_kind=kind,
                nudge_number=number,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("assembly_vote", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("close_state", sa.String(length=16), nullable=False, server_default="pending")
        )
        batch_op.add_column(sa.Column("claimed_at", UTC_TYPE, nullable=True))
        batch_op.create_index("ix_assembly_vote_close_due", ["close_state", "deadline"])
    with op.batch_alter_table("experiment", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("next_nudge_at", UTC_TYPE, nullable=True))
        batch_op.add_column(
            sa.Column("nudge_kind", sa.String(length=16), nullable=False, server_default="checkin")
        )
        batch_op.add_column(
            sa.Column("nudge_number", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("nudge_state", sa.String(length=16), nullable=False, server_default="pending")
        )
        batch_op.add_column(sa.Column("claimed_at", UTC_TYPE, nullable=True))
        batch_op.create_index("ix_experiment_nudge_due", ["nudge_state", "next_nudge_at"])
    bind = op.get_bind()
    _restore_closings(bind)
    _restore_nudges(bind)
    bind.execute(sa.delete(work_item).where(work_item.c.kind.in_((CLOSE, NUDGE))))
