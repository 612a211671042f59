"""storage/proposals.py (and where assembly options and prolonged themes point) on SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import assembly, cycles, themes
from storage import proposals as store
from storage.database import session_factory
from storage.models import AssemblyVote, Cycle, Proposal, Synthesis, Theme

GUILD = 2**62 + 16
AUTHOR, ORGANISER = 2**62 + 1, 2**62 + 2
NOW = datetime(2021, 3, 10, 9, 0, tzinfo=UTC)


async def a_cycle(engine: AsyncEngine, name: str = "2020-2021", status: str = "running") -> int:
    async with session_factory(engine)() as db, db.begin():
        cycle = Cycle(guild_id=GUILD, name=name, first_year=2020, status=status, created_at=NOW)
        db.add(cycle)
        await db.flush()
        return cycle.id


async def a_proposal(
    engine: AsyncEngine, cycle_id: int, title: str, thread_id: int | None = None
) -> Proposal:
    async with session_factory(engine)() as db, db.begin():
        return await store.create(db, Proposal(
            guild_id=GUILD, cycle_id=cycle_id, title=title, title_key="", description="…",
            thread_id=thread_id, created_by=AUTHOR, created_at=NOW, updated_at=NOW,
        ))  # fmt: skip


async def test_titles_are_unique_in_a_cycle_spaces_and_case_aside(engine: AsyncEngine) -> None:
    cycle_id, other_id = await a_cycle(engine), await a_cycle(engine, "2019-2020", "closed")
    first = await a_proposal(engine, cycle_id, "Mobilité douce")
    with pytest.raises(store.DuplicateProposal):
        await a_proposal(engine, cycle_id, "  mobilité   DOUCE ")
    elsewhere = await a_proposal(engine, other_id, "Mobilité douce")  # another cycle: fine
    async with session_factory(engine)() as db:
        assert (await store.find(db, cycle_id, f"#{first.id}")).id == first.id  # type: ignore[union-attr]
        assert (await store.find(db, cycle_id, "MOBILITÉ douce")).id == first.id  # type: ignore[union-attr]
        assert await store.find(db, cycle_id, f"#{elsewhere.id}") is None
        assert [p.id for p in await store.of_cycle(db, cycle_id)] == [first.id]


async def test_the_call_is_made_once_and_keeps_its_mode_and_forum(engine: AsyncEngine) -> None:
    cycle_id = await a_cycle(engine)
    async with session_factory(engine)() as db:
        assert await store.call_of(db, cycle_id) is None  # nothing stored until something changes
    for _ in range(2):
        async with session_factory(engine)() as db, db.begin():
            call = await store.ensure_call(db, GUILD, cycle_id, NOW)
    assert (call.mode, call.forum_id) == ("calendar", None)
    async with session_factory(engine)() as db, db.begin():
        await store.set_mode(db, cycle_id, "open", NOW + timedelta(days=1))
        await store.record_forum(db, cycle_id, 2**62 + 99, NOW + timedelta(days=1))
        await store.ensure_call(db, GUILD, cycle_id, NOW + timedelta(days=2))  # changes nothing
    async with session_factory(engine)() as db:
        found = await store.call_of(db, cycle_id)
    assert found is not None and (found.mode, found.forum_id) == ("open", 2**62 + 99)


async def test_a_decision_needs_the_status_it_was_read_in_and_merges_take_theirs_along(
    engine: AsyncEngine,
) -> None:
    cycle_id = await a_cycle(engine)
    a, b, c = [await a_proposal(engine, cycle_id, t) for t in ("A", "B", "C")]
    async with session_factory(engine)() as db, db.begin():
        assert await store.decide(db, a, "merged", b.id, "", ORGANISER, NOW) is not None
    stale = a  # still read as "open"
    async with session_factory(engine)() as db, db.begin():
        assert await store.decide(db, stale, "not_retained", None, "", ORGANISER, NOW) is None
        fresh_b = await store.get(db, b.id)
        assert fresh_b is not None
        later = NOW + timedelta(hours=1)
        assert await store.decide(db, fresh_b, "merged", c.id, "Plus large", ORGANISER, later)
    async with session_factory(engine)() as db:
        merged = {p.title: (p.status, p.merged_into_id) for p in await store.of_cycle(db, cycle_id)}
        history = await store.decisions_of(db, b.id)
    assert merged == {"A": ("merged", c.id), "B": ("merged", c.id), "C": ("open", None)}
    assert [(d.status, d.merged_into_id, d.note, d.decided_by) for d in history] == [
        ("merged", c.id, "Plus large", ORGANISER)
    ]


async def test_endorsements_last_change_wins_and_are_replaced_by_the_messages_truth(
    engine: AsyncEngine,
) -> None:
    cycle_id = await a_cycle(engine)
    one, two = await a_proposal(engine, cycle_id, "Un"), await a_proposal(engine, cycle_id, "Deux")
    people = [2**62 + 100 + i for i in range(5)]
    change = store.EndorsementChange
    async with session_factory(engine)() as db, db.begin():
        await store.apply_endorsements(db, [change(one.id, p, True) for p in people], NOW)
        await store.apply_endorsements(
            db, [change(one.id, people[0], False), change(one.id, people[0], True),
                 change(one.id, people[1], False), change(one.id, people[1], False)], NOW,
        )  # fmt: skip
    async with session_factory(engine)() as db:
        assert await store.endorsers(db, one.id) == set(people) - {people[1]}
    async with session_factory(engine)() as db, db.begin():
        assert await store.replace_endorsements(db, one.id, {people[1], people[2]}, NOW) == (1, 3)
    async with session_factory(engine)() as db:
        assert await store.endorsement_counts(db, [one.id, two.id]) == {one.id: 2, two.id: 0}
        assert await store.endorsement_counts(db, []) == {}


async def test_only_posts_still_in_play_in_an_open_cycle_are_watched(engine: AsyncEngine) -> None:
    running, closed = await a_cycle(engine), await a_cycle(engine, "2019-2020", "closed")
    watched = await a_proposal(engine, running, "Suivie", thread_id=1)
    shortlisted = await a_proposal(engine, running, "Retenue", thread_id=2)
    await a_proposal(engine, running, "Sans post")
    dropped = await a_proposal(engine, running, "Écartée", thread_id=3)
    await a_proposal(engine, closed, "Ancienne", thread_id=4)
    async with session_factory(engine)() as db, db.begin():
        await store.decide(db, shortlisted, "shortlisted", None, "", ORGANISER, NOW)
        await store.decide(db, dropped, "not_retained", None, "", ORGANISER, NOW)
    async with session_factory(engine)() as db:
        found = {p.id for p in await store.counting_with_posts(db)}
        shortlist = [p.id for p in await store.shortlisted(db, running)]
    assert found == {watched.id, shortlisted.id} and shortlist == [shortlisted.id]


async def test_options_point_at_their_proposal_and_theme_and_themes_at_their_history(
    engine: AsyncEngine,
) -> None:
    cycle_id = await a_cycle(engine)
    proposal = await a_proposal(engine, cycle_id, "Logement", thread_id=2**62 + 7)
    async with session_factory(engine)() as db, db.begin():
        old = await themes.add(db, Theme(guild_id=GUILD, cycle_id=cycle_id, title="Égalité",
                                         emoji="1️⃣", forum_id=2**62 + 8, info_channel_id=2**62 + 9,
                                         created_at=NOW, updated_at=NOW))  # fmt: skip
        db.add(Synthesis(guild_id=GUILD, cycle_id=cycle_id, theme_id=old.id, thread_id=2**62 + 10,
                         created_at=NOW, updated_at=NOW))  # fmt: skip
        vote = await assembly.create_vote(db, AssemblyVote(
            guild_id=GUILD, title="Thèmes", options='["Logement", "Autre", "Prolonger : Égalité"]',
            deadline=NOW, channel_id=1, created_at=NOW))  # fmt: skip
        await assembly.set_sources(db, vote.id, [(proposal.id, None), (None, None), (None, old.id)])
    await cycles_after(engine, old)
    async with session_factory(engine)() as db:
        sources = await assembly.sources_of(db, vote.id)
        assert await assembly.closed_votes(db, GUILD) == []  # still open
    assert sources == {
        0: assembly.OptionSource(0, proposal.id, None, 2**62 + 7, None),
        2: assembly.OptionSource(2, None, old.id, None, 2**62 + 9),
    }


async def cycles_after(engine: AsyncEngine, old: Theme) -> None:
    """The next cycle's theme carries `old` on: its history is the old forum and synthesis."""
    async with session_factory(engine)() as db, db.begin():
        await cycles.close_cycle(db, old.cycle_id, NOW)  # one open cycle per server
    next_id = await a_cycle(engine, "2021-2022", "preparing")
    async with session_factory(engine)() as db, db.begin():
        new = await themes.add(db, Theme(guild_id=GUILD, cycle_id=next_id, title="Égalité",
                                         emoji="1️⃣", prolonged=True, prolonged_from=old.id,
                                         created_at=NOW, updated_at=NOW))  # fmt: skip
    async with session_factory(engine)() as db:
        found = await themes.history_of(db, new)
        assert await themes.history_of(db, old) is None
    assert found == themes.History(old.id, "Égalité", "2020-2021", 2**62 + 8, 2**62 + 10)
