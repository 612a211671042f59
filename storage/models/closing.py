"""Experiments, the general assembly's vote, and privacy opt-outs. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Experiment(SQLModel, table=True):
    """A group's experiment, followed by the follow-up circle; nudges are an outbox."""

    __tablename__ = "experiment"
    __table_args__ = (Index("ix_experiment_nudge_due", "nudge_state", "next_nudge_at"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    title: str = Field(max_length=100)
    goal: str = Field(default="")
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    thread_id: int | None = Field(default=None, sa_type=BigInteger)
    status: str = Field(default="running", max_length=16)  # running, ended, evaluated
    # the next nudge (check-in every 14 days, then the evaluation request at the end)
    next_nudge_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    nudge_kind: str = Field(default="checkin", max_length=16)  # checkin, evaluate
    nudge_number: int = 0
    nudge_state: str = Field(default="pending", max_length=16)  # pending, sending, done
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ExperimentCheckin(SQLModel, table=True):
    __tablename__ = "experiment_checkin"

    id: int = Field(default=None, primary_key=True)
    experiment_id: int = Field(foreign_key="experiment.id", ondelete="CASCADE", index=True)
    text: str
    author_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class ExperimentEvaluation(SQLModel, table=True):
    __tablename__ = "experiment_evaluation"

    id: int = Field(default=None, primary_key=True)
    experiment_id: int = Field(foreign_key="experiment.id", ondelete="CASCADE", unique=True)
    done: str = ""
    worked: str = ""
    failed: str = ""
    lessons: str = ""
    author_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class AssemblyVote(SQLModel, table=True):
    """The general assembly's vote on next cycle's themes; results hidden until closed."""

    __tablename__ = "assembly_vote"
    __table_args__ = (Index("ix_assembly_vote_close_due", "close_state", "deadline"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    title: str = Field(max_length=100)
    options: str  # JSON list of option labels, in the order given
    method: str = Field(default="approval", max_length=16)  # approval, ranked
    deadline: datetime = Field(sa_type=UTCDateTime)
    channel_id: int = Field(sa_type=BigInteger)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    status: str = Field(default="open", max_length=16)  # open, closed
    close_state: str = Field(default="pending", max_length=16)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    results_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Ballot(SQLModel, table=True):
    """One per member and vote, changeable until the vote closes."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("vote_id", "member_id", name="uq_ballot"),)

    id: int = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="assembly_vote.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    choices: str  # JSON list of option indexes (ranked: in order of preference)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class PrivacyOptOut(SQLModel, table=True):
    """A member who asked to be forgotten: their reactions are ignored until they opt in
    again. Only a keyed hash of the member is kept, so no table holds their id."""

    __tablename__ = "privacy_opt_out"
    __table_args__ = (UniqueConstraint("guild_id", "member_key", name="uq_privacy_opt_out"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    member_key: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
