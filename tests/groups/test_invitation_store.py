"""Invitations on SQLite and PostgreSQL (storage/invitations.py): one row per group and
member, opened again with the next version; answers, expiries and withdrawals are
conditional, so a second click or a late job changes nothing; a pending invitation holds
its seat in the count of a member's groups."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from storage import groups as group_store
from storage import invitations as store
from storage.database import session_factory
from storage.models import WorkGroup
from tests.groups.test_store import BIG, GUILD, NOW, cycle_with_themes, draft

WEEK = NOW + timedelta(days=7)


async def two_groups(engine: AsyncEngine) -> tuple[int, WorkGroup, WorkGroup]:
    cycle_id, (theme_a, theme_b) = await cycle_with_themes(engine, ["A", "B"])
    async with session_factory(engine)() as db, db.begin():
        (a,) = await group_store.replace_proposal(
            db, theme_a, [(draft(cycle_id, "A1"), [1, BIG])], NOW
        )
        (b,) = await group_store.replace_proposal(db, theme_b, [(draft(cycle_id, "B1"), [2])], NOW)
    return cycle_id, a, b


async def test_a_proposal_becomes_invitations_that_hold_their_seats(engine: AsyncEngine) -> None:
    cycle_id, a, b = await two_groups(engine)
    sessions = session_factory(engine)
    async with sessions() as db, db.begin():
        taken = await store.take_proposal(db, a.id)
        made = await store.open_many(db, a, [*taken, 1], source="publish", invited_by=None,
                                     deadline=WEEK, now=NOW)  # fmt: skip
        again = await store.open_many(db, a, taken, source="publish", invited_by=None,
                                      deadline=WEEK, now=NOW)  # fmt: skip
    assert (taken, made, again) == ([1, BIG], 2, 0)
    async with sessions() as db:
        assert await group_store.members_of(db, [a.id]) == {a.id: []}
        pending = await store.pending_of(db, [a.id, b.id])
        waiting = await store.waiting_to_send(db, a.id)
        seats = await group_store.placed_themes(db, cycle_id, except_theme=b.theme_id)
        held = await store.pending_groups_of_member(db, cycle_id, BIG)
        mine = await store.of_member(db, cycle_id, BIG)
        anyone = await store.has_any(db, GUILD, BIG), await store.has_any(db, GUILD, 3)
    assert pending == {a.id: [1, BIG], b.id: []}
    assert [(i.member_id, i.version, i.dm_status) for i in waiting] == [(1, 1, "waiting"),
                                                                        (BIG, 1, "waiting")]  # fmt: skip
    assert seats == {1: frozenset({a.theme_id}), BIG: frozenset({a.theme_id})}  # pending counts
    assert [g.id for g in held] == [a.id]
    assert [(i.member_id, g.name) for i, g in mine] == [(BIG, "A1")]
    assert anyone == (True, False)


async def test_answers_are_conditional_and_an_opened_again_version_starts_over(
    engine: AsyncEngine,
) -> None:
    cycle_id, a, _b = await two_groups(engine)
    sessions = session_factory(engine)
    later = NOW + timedelta(days=1)
    async with sessions() as db, db.begin():
        first = await store.open_one(db, a, 5, source="invite", invited_by=BIG, deadline=WEEK,
                                     now=NOW)  # fmt: skip
        assert first is not None
        assert await store.open_one(db, a, 5, source="invite", invited_by=BIG, deadline=WEEK,
                                    now=NOW) is None  # pending already  # fmt: skip
        await store.record_dm(db, first.id, 1, "sent", channel_id=BIG - 1, message_id=BIG - 2)
        assert await store.answer(db, first.id, 1, "declined", later, reason="Non.")
        assert not await store.answer(db, first.id, 1, "accepted", later)  # answered already
        assert not await store.expire(db, first.id, 1, later)
    async with sessions() as db, db.begin():
        reopened = await store.open_one(db, a, 5, source="move", invited_by=None,
                                        deadline=WEEK + timedelta(days=1), now=later)  # fmt: skip
        assert reopened is not None
        await store.record_dm(db, first.id, 1, "closed")  # a late job of version 1: ignored
    assert (reopened.id, reopened.version, reopened.state, reopened.reason) == (
        first.id,
        2,
        "pending",
        "",
    )
    assert (reopened.dm_status, reopened.dm_message_id, reopened.answered_at) == (
        "waiting",
        None,
        None,
    )
    assert (reopened.source, reopened.invited_by, reopened.created_at) == ("move", None, later)
    async with sessions() as db, db.begin():
        assert not await store.answer(db, first.id, 1, "accepted", later)  # the old version
        assert not await store.answer(db, first.id, 2, "accepted", WEEK + timedelta(days=1))
        assert await store.withdraw(db, a.id, 5, later)
        assert not await store.withdraw(db, a.id, 5, later)
        assert not await store.expire(db, first.id, 2, later)
    async with sessions() as db:
        stored = await store.get(db, first.id)
        held = await store.pending_groups_of_member(db, cycle_id, 5)
    assert stored is not None and stored.state == "withdrawn" and held == []


async def test_expiry_and_deleting_a_group_take_its_invitations(engine: AsyncEngine) -> None:
    _cycle, a, b = await two_groups(engine)
    sessions = session_factory(engine)
    async with sessions() as db, db.begin():
        one = await store.open_one(
            db, b, 7, source="invite", invited_by=None, deadline=WEEK, now=NOW
        )
        assert one is not None
        assert await store.answer(db, one.id, 1, "accepted", WEEK) is False  # too late
        assert await store.expire(db, one.id, 1, WEEK)
        await store.open_one(db, a, 8, source="invite", invited_by=None, deadline=WEEK, now=NOW)
    async with sessions() as db, db.begin():
        await group_store.delete_groups(db, [a.id])
    async with sessions() as db:
        found = await store.of_groups(db, [a.id, b.id])
        assert await store.find(db, b.id, 7) is not None
    assert found[a.id] == [] and [(i.member_id, i.state) for i in found[b.id]] == [(7, "expired")]
