from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kit.dates import parse_future, parse_moment
from bot.kit.user_error import UserError

NOW = datetime(2021, 1, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2021-03-31 18:00",
        "2021-03-31T18:00",
        "31/03/2021 18h00",
        "31/03/2021 18h",
        "31/03/2021 à 18h00",
        "31.03.2021 18:00",
    ],
)
def test_iso_and_french_forms_mean_the_same_instant(text: str) -> None:
    moment = parse_moment(text, "Europe/Paris", now=NOW)
    assert moment.at == datetime(2021, 3, 31, 16, 0, tzinfo=UTC)  # CEST is UTC+2
    assert moment.has_time


def test_date_alone_takes_the_default_time_in_the_zone() -> None:
    winter = parse_moment("01/11/2020", "Europe/Brussels", time(9, 0), now=NOW)
    assert winter.at == datetime(2020, 11, 1, 8, 0, tzinfo=UTC) and not winter.has_time
    assert parse_moment("2021-05-30", "Europe/Paris", time(23, 59), now=NOW).at == datetime(
        2021, 5, 30, 21, 59, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("tomorrow", "error.date.format"),
        ("31/02/2021", "error.date.invalid"),
        ("2021-13-01", "error.date.invalid"),
        ("31/03/2021 25h", "error.date.invalid"),
        ("31/03/2021 18h00 extra", "error.date.format"),
        ("28/03/2021 02h30", "error.date.nonexistent"),  # clocks go forward in Paris
    ],
)
def test_unreadable_dates_say_the_accepted_forms(text: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_moment(text, "Europe/Paris", now=NOW)
    assert caught.value.key == key


def test_the_past_is_refused() -> None:
    now = datetime(2021, 3, 31, 16, 0, tzinfo=UTC)
    with pytest.raises(UserError) as caught:
        parse_future("31/03/2021 18h00", "Europe/Paris", now)
    assert caught.value.key == "error.date.past"
    assert parse_future("31/03/2021 18h01", "Europe/Paris", now).at > now


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))  # noqa: DTZ001 - local wall-clock times
def test_french_and_iso_round_trip(local: datetime) -> None:
    local = local.replace(second=0, microsecond=0)
    iso = local.strftime("%Y-%m-%d %H:%M")
    french = local.strftime("%d/%m/%Y %Hh%M")
    now = local.replace(tzinfo=UTC)
    try:
        a = parse_moment(iso, "Europe/Brussels", now=now)
    except UserError as error:
        assert error.key == "error.date.nonexistent"
        return
    assert parse_moment(french, "Europe/Brussels", now=now) == a


@pytest.mark.parametrize(
    "text", ["9999-12-31 23:59", "31/12/9999 23h59", "0001-01-01", "2023-01-20", "2031-06-01"]
)
def test_dates_more_than_two_years_away_are_refused_before_any_arithmetic(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_moment(text, "America/Los_Angeles", now=NOW)
    assert caught.value.key == "error.date.range"
    assert caught.value.params["forms"]
    with pytest.raises(UserError):
        parse_future(text, "Europe/Paris", NOW)


def test_dates_within_two_years_either_way_are_read() -> None:
    assert parse_moment("2019-02-01", "Europe/Paris", now=NOW).at.year == 2019
    assert parse_future("2023-01-14 10:00", "Europe/Paris", NOW).at.year == 2023


def test_the_repeated_autumn_hour_is_the_first_of_the_two() -> None:
    now = datetime(2027, 10, 1, tzinfo=UTC)
    moment = parse_moment("2027-10-31 02:30", "Europe/Paris", now=now)
    assert moment.at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
