"""Experiments, their check-ins and evaluation. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Experiment(SQLModel, table=True):
    """A group's experiment, followed by the follow-up circle."""

    __tablename__ = "experiment"

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    title: str = Field(max_length=100)
    goal: str = Field(default="")
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    thread_id: int | None = Field(default=None, sa_type=BigInteger)
    # running; ended once the evaluation was asked for; evaluated. Its nudges are work
    # items ("experiment:<id>:<number>"), the next one pending.
    status: str = Field(default="running", max_length=16)
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
