"""Experiments: their window, and when the follow-up circle nudges the group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.kit.user_error import UserError

CHECKIN_EVERY = timedelta(days=14)
LATE_AFTER = timedelta(days=3)  # a check-in later than its nudge by this much is late
TITLE_MAX = 100
GOAL_MAX = 1000
TEXT_MAX = 4000


@dataclass(frozen=True)
class Nudge:
    at: datetime
    kind: str  # checkin or evaluate
    number: int


def check_window(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise UserError("error.experiment.order")
    if ends_at <= now:
        raise UserError("error.experiment.end_past")


def clean(text: str, limit: int, empty_key: str, long_key: str) -> str:
    value = text.strip()
    if not value:
        raise UserError(empty_key)
    if len(value) > limit:
        raise UserError(long_key, max=limit, length=len(value))
    return value


def first_nudge(starts_at: datetime, ends_at: datetime) -> Nudge:
    return following(Nudge(starts_at, "checkin", 0), ends_at, starts_at)


def following(current: Nudge, ends_at: datetime, now: datetime) -> Nudge:
    """The next nudge after `current`: every 14 days until the end, then the request
    for the evaluation. Nudges missed while the bot was down are not all sent: the
    next one is the first still ahead of `now`."""
    number = current.number + 1
    at = current.at + CHECKIN_EVERY
    while at <= now and at < ends_at:
        at += CHECKIN_EVERY
        number += 1
    if at >= ends_at:
        return Nudge(ends_at, "evaluate", number)
    return Nudge(at, "checkin", number)


def is_late(last_checkin: datetime | None, starts_at: datetime, now: datetime) -> bool:
    """Late when no check-in came within 14 days (plus a little grace) of the last one,
    or of the start."""
    since = last_checkin or starts_at
    return now - since > CHECKIN_EVERY + LATE_AFTER
