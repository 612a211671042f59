"""The clock tests move by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class MovableClock:
    """A clock tests move by hand: no sleeping on wall-clock time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def set(self, moment: datetime) -> None:
        assert moment.tzinfo is not None
        self.current = moment
