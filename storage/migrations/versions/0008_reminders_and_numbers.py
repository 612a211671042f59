"""session reminders carried over into the work table; session numbers allocated by a counter

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 11:00:00

Every reminder row becomes a work item of kind "reminder" with the same due time and
an equivalent state (sending: claimed by a process that is gone, so pending again);
those not yet sent keep the nonce they would have been sent with, so a reminder posted
just before the upgrade is not posted a second time after it.

Each group counts the sessions it numbered (`sessions_numbered`): a new session takes
the next number in one conditional update, so two sessions scheduled at the same
moment get distinct numbers instead of one failing on the unique (group, number).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TYPE = storage.types.UTCDateTime(timezone=True)
STATES = {"pending": "pending", "sending": "pending", "sent": "done"}

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
reminder = sa.table(
    "reminder",
    sa.column("id", sa.Integer()),
    sa.column("session_id", sa.Integer()),
    sa.column("offset_minutes", sa.Integer()),
    sa.column("version", sa.Integer()),
    sa.column("due_at", UTC_TYPE),
    sa.column("state", sa.String()),
    sa.column("late", sa.Boolean()),
    sa.column("sent_at", UTC_TYPE),
    sa.column("sent_message_id", sa.BigInteger()),
    sa.column("note", sa.String()),
)
group_session = sa.table(
    "group_session",
    sa.column("id", sa.Integer()),
    sa.column("group_id", sa.Integer()),
    sa.column("number", sa.Integer()),
    sa.column("guild_id", sa.BigInteger()),
    sa.column("created_at", UTC_TYPE),
)
work_group = sa.table(
    "work_group",
    sa.column("id", sa.Integer()),
    sa.column("sessions_numbered", sa.Integer()),
)


def upgrade() -> None:
    # in place (ALTER TABLE), never a copy of the table: on SQLite dropping the old copy
    # would cascade to every session of every group
    with op.batch_alter_table("work_group", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("sessions_numbered", sa.Integer(), nullable=False, server_default="0")
        )
    highest = (
        sa.select(sa.func.coalesce(sa.func.max(group_session.c.number), 0))
        .where(group_session.c.group_id == work_group.c.id)
        .scalar_subquery()
    )
    op.get_bind().execute(sa.update(work_group).values(sessions_numbered=highest))

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(reminder, group_session.c.guild_id, group_session.c.created_at).join(
            group_session, group_session.c.id == reminder.c.session_id
        )
    ).all()
    items = []
    for r in rows:
        state = STATES.get(r.state, r.state)
        payload: dict[str, object] = {
            "session_id": r.session_id, "version": r.version, "offset": r.offset_minutes,
        }  # fmt: skip
        if state == "pending":
            payload["nonce"] = f"siprm{r.id}v0"  # storage.outbox.nonce("rm", id)
        items.append({
            "kind": "reminder", "key": f"reminder:{r.session_id}:{r.version}:{r.offset_minutes}",
            "guild_id": r.guild_id, "due_at": r.due_at, "next_at": r.due_at, "state": state,
            "attempts": 0, "payload": json.dumps(payload), "last_error": "",
            "result_id": r.sent_message_id, "late": bool(r.late), "note": r.note or "",
            "created_at": r.created_at, "finished_at": None if state == "pending" else r.sent_at,
        })  # fmt: skip
    for start in range(0, len(items), 500):
        connection.execute(sa.insert(work_item), items[start : start + 500])
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_due")
    op.drop_table("reminder")


def downgrade() -> None:
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("due_at", UTC_TYPE, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", UTC_TYPE, nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("sent_at", UTC_TYPE, nullable=True),
        sa.Column("sent_message_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["group_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "offset_minutes", "version", name="uq_reminder"),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_due", ["state", "due_at"], unique=False)
    connection = op.get_bind()
    back = {"pending": "pending", "running": "pending", "done": "sent"}
    rows = connection.execute(sa.select(work_item).where(work_item.c.kind == "reminder")).all()
    for r in rows:
        payload = json.loads(r.payload)
        connection.execute(sa.insert(reminder), [{
            "session_id": payload["session_id"], "offset_minutes": payload["offset"],
            "version": payload["version"], "due_at": r.due_at, "state": back.get(r.state, r.state),
            "late": r.late, "sent_at": r.finished_at, "sent_message_id": r.result_id,
            "note": r.note,
        }])  # fmt: skip
    op.get_bind().execute(sa.delete(work_item).where(work_item.c.kind == "reminder"))
    with op.batch_alter_table("work_group", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("sessions_numbered")
