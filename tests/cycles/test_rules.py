from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cycles import rules as calendar
from bot.kit.user_error import UserError
from config.data import cycle_template

PARIS = "Europe/Paris"


def test_template_reproduces_the_2020_21_calendar() -> None:
    planned = {p.key: p for p in calendar.plan(cycle_template(), 2020, PARIS)}
    assert list(planned) == [
        "preparation", "appropriation", "emergence", "expertise", "formulation", "experiments", "next_step",
    ]  # fmt: skip
    local = {
        k: (
            p.starts_at.astimezone(calendar.ZoneInfo(PARIS)),
            p.ends_at.astimezone(calendar.ZoneInfo(PARIS)),
        )
        for k, p in planned.items()
    }
    as_text = {
        k: (s.strftime("%d/%m/%Y %H:%M"), e.strftime("%d/%m/%Y %H:%M"))
        for k, (s, e) in local.items()
    }
    assert as_text == {
        "preparation": ("01/11/2020 09:00", "31/12/2020 23:59"),
        "appropriation": ("01/01/2021 09:00", "31/01/2021 23:59"),
        "emergence": ("20/01/2021 09:00", "20/02/2021 23:59"),
        "expertise": ("01/02/2021 09:00", "15/02/2021 23:59"),
        "formulation": ("20/02/2021 09:00", "20/03/2021 23:59"),
        "experiments": ("15/01/2021 09:00", "15/04/2021 23:59"),
        "next_step": ("01/03/2021 09:00", "30/05/2021 23:59"),
    }


def test_first_year_from_argument_name_or_today() -> None:
    november = datetime(2026, 11, 30, tzinfo=UTC)
    march = datetime(2027, 3, 1, tzinfo=UTC)
    assert calendar.first_year_for("2020-2021", None, november, PARIS) == 2020
    assert calendar.first_year_for("SiP", 2024, november, PARIS) == 2024
    assert calendar.first_year_for("SiP", None, november, PARIS) == 2026
    assert calendar.first_year_for("SiP", None, march, PARIS) == 2026
    with pytest.raises(UserError):
        calendar.first_year_for("x", 1850, november, PARIS)


def test_phase_dates_rules() -> None:
    now = datetime(2021, 1, 10, tzinfo=UTC)
    start = datetime(2021, 1, 20, 8, tzinfo=UTC)
    end = datetime(2021, 2, 20, 22, tzinfo=UTC)
    calendar.check_phase_dates(start, end, 2020, PARIS, now, current_start=start)
    cases = [
        (end, start, "error.phase.order"),
        (start, datetime(2021, 9, 15, tzinfo=UTC), "error.phase.outside"),
        (datetime(2020, 8, 1, tzinfo=UTC), end, "error.phase.outside"),
        (datetime(2021, 1, 5, tzinfo=UTC), end, "error.phase.start_past"),
    ]
    for new_start, new_end, key in cases:
        with pytest.raises(UserError) as caught:
            calendar.check_phase_dates(new_start, new_end, 2020, PARIS, now, current_start=start)
        assert caught.value.key == key
    # an already started phase keeps its past start and may move its end
    started = datetime(2021, 1, 1, 8, tzinfo=UTC)
    calendar.check_phase_dates(started, end, 2020, PARIS, now, current_start=started)
    with pytest.raises(UserError) as caught:
        calendar.check_phase_dates(
            started, datetime(2021, 1, 9, tzinfo=UTC), 2020, PARIS, now, current_start=started
        )
    assert caught.value.key == "error.phase.end_past"


def test_current_phases_overlap() -> None:
    planned = calendar.plan(cycle_template(), 2020, PARIS)
    assert calendar.current(planned, datetime(2021, 1, 25, 12, tzinfo=UTC)) == [
        "appropriation",
        "emergence",
        "experiments",
    ]
    assert calendar.current(planned, datetime(2021, 7, 1, tzinfo=UTC)) == []


# ------------------------------------------------------------------ from the assembly's vote
@given(st.integers(min_value=1, max_value=19) | st.none(), st.integers(min_value=0, max_value=19))
def test_seats_are_those_asked_else_as_many_as_the_closed_cycle_had(
    given_seats: int | None, previous: int
) -> None:
    if given_seats is None and previous == 0:
        with pytest.raises(UserError) as refused:
            calendar.seats_for(given_seats, previous)
        assert refused.value.key == "error.cycle.seats_unknown"
    else:
        assert calendar.seats_for(given_seats, previous) == (given_seats or previous)


titles = st.sampled_from(["Logement", "logement ", "Mobilité", "LOGEMENT", "Égalité", "Mobilité  "])


@given(st.lists(titles, max_size=12))
def test_one_theme_per_title_the_better_placed_winner_keeping_it(names: list[str]) -> None:
    candidates = [calendar.Candidate(name, f"place {i}") for i, name in enumerate(names)]
    kept, dropped = calendar.next_themes(candidates)
    keys = [" ".join(c.title.split()).casefold() for c in kept]
    assert len(keys) == len(set(keys))
    assert sorted([*kept, *dropped], key=candidates.index) == candidates
    for candidate in dropped:  # the same title came earlier, and that one is kept
        key = " ".join(candidate.title.split()).casefold()
        first = next(c for c in candidates if " ".join(c.title.split()).casefold() == key)
        assert first in kept and candidates.index(first) < candidates.index(candidate)
