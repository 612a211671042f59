"""Experiments, their check-ins and evaluation. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class Experiment(Base):
    """A group's experiment, followed by the follow-up circle."""

    __tablename__ = "experiment"

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("work_group.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(100))
    goal: Mapped[str] = mapped_column(default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    # running; ended once the evaluation was asked for; evaluated. Its nudges are work
    # items ("experiment:<id>:<number>"), the next one pending.
    status: Mapped[str] = mapped_column(String(16), default="running")
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExperimentCheckin(Base):
    __tablename__ = "experiment_checkin"

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiment.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str]
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExperimentEvaluation(Base):
    __tablename__ = "experiment_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiment.id", ondelete="CASCADE"), unique=True
    )
    done: Mapped[str] = mapped_column(default="")
    worked: Mapped[str] = mapped_column(default="")
    failed: Mapped[str] = mapped_column(default="")
    lessons: Mapped[str] = mapped_column(default="")
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
