"""Guests on SQLite and PostgreSQL (storage/guests.py), and how long they stay
(bot/groups/guest_rules.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.groups import guest_rules as rules
from bot.kit.user_error import UserError
from storage import groups as group_store
from storage import guests as store
from storage.database import session_factory
from storage.models import GroupGuest, WorkGroup
from tests.groups.test_store import BIG, GUILD, NOW, cycle_with_themes

PARIS = ZoneInfo("Europe/Paris")
HOST = 2**62 + 1


async def a_group(engine: AsyncEngine) -> int:
    cycle_id, (theme_id,) = await cycle_with_themes(engine, ["Accompagnement"])
    async with session_factory(engine)() as db, db.begin():
        group = WorkGroup(guild_id=GUILD, cycle_id=cycle_id, theme_id=theme_id, name="Ouest",
                          mode="online", facilitator_id=HOST, created_at=NOW, updated_at=NOW)  # fmt: skip
        db.add(group)
        await db.flush()
        return group.id


async def add(engine: AsyncEngine, group_id: int, until: datetime, note: str | None = None,
              at: datetime = NOW) -> store.Added:  # fmt: skip
    async with session_factory(engine)() as db, db.begin():
        return await store.add_or_extend(
            db, guild_id=GUILD, group_id=group_id, member_id=BIG, added_by=HOST, until=until,
            note=note, now=at,
        )  # fmt: skip


async def rows(engine: AsyncEngine) -> list[tuple[str, datetime, str | None]]:
    async with session_factory(engine)() as db:
        found = (await db.execute(select(GroupGuest).order_by(GroupGuest.id))).scalars()
        return [(g.state, g.until, g.note) for g in found]


async def test_adding_twice_moves_the_date_of_the_one_active_stay(engine: AsyncEngine) -> None:
    group_id = await a_group(engine)
    first = await add(engine, group_id, NOW + timedelta(days=3), "Experte")
    assert not first.extended and first.guest.member_id == BIG  # 64-bit ids kept whole
    again = await add(engine, group_id, NOW + timedelta(days=9))  # no new note: kept
    assert again.extended and again.guest.id == first.guest.id
    assert await rows(engine) == [("active", NOW + timedelta(days=9), "Experte")]
    async with session_factory(engine)() as db:
        assert (await store.guest_of(db, group_id, BIG, NOW)) is not None
        assert await store.guest_of(db, group_id, BIG, NOW + timedelta(days=9)) is None  # over
        assert await store.guest_of(db, group_id, HOST, NOW) is None
        assert await group_store.member_ids(db, group_id) == set()  # a guest is no member
    async with session_factory(engine)() as db, db.begin():  # invited into the group since
        await group_store.add_members(db, group_id, [BIG], "invite", NOW)
    async with session_factory(engine)() as db:
        assert await store.guest_of(db, group_id, BIG, NOW) is None  # a member, no guest
        assert await store.guests_of(db, [group_id], NOW) == {group_id: []}
        assert await group_store.runs_a_group(db, GUILD, HOST)
        assert not await group_store.runs_a_group(db, GUILD, BIG)


async def test_a_stay_ends_on_time_or_by_hand_and_a_new_one_may_follow(
    engine: AsyncEngine,
) -> None:
    group_id = await a_group(engine)
    until = NOW + timedelta(days=2)
    stay = (await add(engine, group_id, until)).guest
    async with session_factory(engine)() as db, db.begin():
        assert not await store.end_if_due(db, stay.id, NOW)  # not yet
        assert await store.end_if_due(db, stay.id, until)
        assert not await store.end_if_due(db, stay.id, until)  # once
    later = await add(engine, group_id, until + timedelta(days=5), at=until)
    assert not later.extended and later.guest.id != stay.id  # the unique index is for active ones
    async with session_factory(engine)() as db, db.begin():
        removed = await store.remove(db, group_id, BIG, until)
        assert removed is not None and removed.id == later.guest.id
        assert await store.remove(db, group_id, BIG, until) is None
    assert [(state, note) for state, _until, note in await rows(engine)] == [
        ("ended", None), ("removed", None),
    ]  # fmt: skip
    async with session_factory(engine)() as db:
        assert await store.guests_of(db, [group_id, group_id + 1], until) == {
            group_id: [], group_id + 1: [],
        }  # fmt: skip


def test_the_default_stay_ends_with_the_next_session_day() -> None:
    now = datetime(2027, 1, 10, 10, 0, tzinfo=UTC)
    evening = (datetime(2027, 1, 20, 17, 0, tzinfo=UTC), datetime(2027, 1, 20, 20, 0, tzinfo=UTC))
    assert rules.default_until(now, evening, PARIS) == datetime(2027, 1, 20, 22, 59, tzinfo=UTC)
    late = (datetime(2027, 1, 20, 21, 0, tzinfo=UTC), datetime(2027, 1, 21, 0, 0, tzinfo=UTC))
    assert rules.default_until(now, late, PARIS) == late[1]  # past midnight: until it ends
    assert rules.default_until(now, None, PARIS) == now + timedelta(days=14)
    far = (now + timedelta(days=90), now + timedelta(days=90, hours=3))
    assert rules.default_until(now, far, PARIS) == rules.latest_until(now, PARIS)


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),  # noqa: DTZ001 - bounds are naive in hypothesis
                 timezones=st.just(UTC)),
    st.integers(min_value=0, max_value=24 * 90),
)  # fmt: skip
def test_a_stay_is_sixty_calendar_days_at_most(now: datetime, hours: int) -> None:
    until = now + timedelta(hours=hours)
    days = (until.astimezone(PARIS).date() - now.astimezone(PARIS).date()).days
    if days <= rules.MAX_DAYS:
        rules.check_until(until, now, PARIS, "typed")
    else:
        with pytest.raises(UserError) as refused:
            rules.check_until(until, now, PARIS, "typed")
        assert refused.value.params["days"] == rules.MAX_DAYS
    session = (until, until + timedelta(hours=3))
    chosen = rules.default_until(now, session, PARIS)
    assert now < chosen <= rules.latest_until(now, PARIS)


def test_notes_are_kept_whole_or_refused() -> None:
    assert rules.clean_note("  ") is None and rules.clean_note(None) is None
    assert rules.clean_note("x" * 200) == "x" * 200
    with pytest.raises(UserError):
        rules.clean_note("x" * 201)
