"""The board's answers and the follow-up's updates on SQLite and PostgreSQL: an answer only
while the draft is submitted (the last one current), an update only for an adopted
draft, 64-bit authors, texts stored whole, and the server's drafts found across cycles."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from storage import cycles, followup
from storage import drafts as store
from storage.database import session_factory
from storage.models import Draft, DraftAnswer
from tests.drafts.test_store import BIG, GUILD, NOW, a_draft


def an_answer(draft: Draft, decision: str, text: str, hours: int = 0) -> DraftAnswer:
    return DraftAnswer(draft_id=draft.id, decision=decision, text=text, author_id=BIG,
                       created_at=NOW + timedelta(hours=hours))  # fmt: skip


async def test_answers_go_in_only_while_the_draft_is_submitted(engine: AsyncEngine) -> None:
    draft = await a_draft(engine)
    async with session_factory(engine)() as db, db.begin():
        assert await store.add_answer(db, an_answer(draft, "under_study", "Tôt."), "submitted", NOW) is None  # fmt: skip
        assert await store.move(db, draft.id, "draft", "submitted", NOW)
        first = await store.add_answer(db, an_answer(draft, "under_study", "À l'étude."), "submitted", NOW)  # fmt: skip
        whole = "Réponse. " * 888  # 7,992 characters
        last = await store.add_answer(db, an_answer(draft, "adopted", whole, 5), "adopted", NOW)
        late = await store.add_answer(db, an_answer(draft, "not_retained", "Non.", 6), "not_retained", NOW)  # fmt: skip
    assert first is not None and last is not None and late is None
    async with session_factory(engine)() as db:
        found = await store.get(db, draft.id)
        answers = await store.answers(db, [draft.id, draft.id + 1])
        current = await store.current_answers(db, [draft.id, draft.id + 1])
    assert found is not None and found.status == "adopted"
    assert [(a.decision, a.author_id) for a in answers[draft.id]] == [
        ("under_study", BIG), ("adopted", BIG)
    ]  # fmt: skip
    assert answers[draft.id + 1] == []
    assert list(current) == [draft.id] and current[draft.id].text == whole
    assert current[draft.id].created_at == NOW + timedelta(hours=5)


async def test_updates_only_for_adopted_drafts_and_found_across_cycles(engine: AsyncEngine) -> None:
    draft = await a_draft(engine)
    async with session_factory(engine)() as db, db.begin():
        assert await followup.add_update(db, draft.id, "planned", "Trop tôt.", BIG, NOW) is None
        assert await store.move(db, draft.id, "draft", "adopted", NOW)
        for hours, state in enumerate(("planned", "in_progress", "in_progress", "done")):
            added = await followup.add_update(db, draft.id, state, f"Étape {hours}.", BIG,
                                              NOW + timedelta(hours=hours))  # fmt: skip
            assert added is not None and added.id is not None
        await cycles.close_cycle(db, draft.cycle_id, NOW)
    async with session_factory(engine)() as db:
        timeline = (await followup.updates(db, [draft.id]))[draft.id]
        followed = await followup.followed_of_cycle(db, draft.cycle_id)
        every = await cycles.of_guild(db, GUILD)
        by_title = await store.find_in_guild(db, GUILD, "UNE IDÉE".lower(), ["adopted"])
        by_id = await store.find_in_guild(db, GUILD, f"#{draft.id}")
        elsewhere = await store.find_in_guild(db, GUILD + 1, f"#{draft.id}")
        not_that = await store.find_in_guild(db, GUILD, "une idée", ["submitted"])
        adopted = await store.drafts_in_guild(db, GUILD, ["adopted"])
    assert [(u.state, u.note, u.author_id) for u in timeline] == [
        ("planned", "Étape 0.", BIG), ("in_progress", "Étape 1.", BIG),
        ("in_progress", "Étape 2.", BIG), ("done", "Étape 3.", BIG),
    ]  # fmt: skip
    assert [d.id for d in followed] == [draft.id] and [c.name for c in every] == ["2020-2021"]
    assert by_title is not None and by_id is not None and by_title.id == by_id.id == draft.id
    assert elsewhere is None and not_that is None  # another server; not in those statuses
    assert [d.id for d in adopted] == [draft.id]  # the cycle closed: still followed
