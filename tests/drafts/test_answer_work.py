"""Posting the board's answer is must-happen work: when Discord makes it wait, the board
member is told so at once and the engine posts it after its back-off, across a restart,
each part exactly once (a part a dead process had posted is not posted again: same
nonce); the group's note follows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.drafts import posts
from bot.kit.work import Job
from storage import drafts as store
from storage import work as work_store
from storage.database import session_factory
from tests.clock import MovableClock
from tests.drafts.answering import answer, submitted_draft
from tests.fakediscord import FakeDiscord
from tests.harness import eventually, running_bot

LONG = ("Le conseil d'administration a examiné la proposition point par point. " * 70).strip()
HEAD = "🏛️ **Réponse du conseil d'administration : "


async def test_an_answer_discord_makes_wait_is_posted_later_each_part_exactly_once(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as bot:
        s = await submitted_draft(fake, sqlite_engine, clock)
        thread = rf"/channels/{s.thread.id}/messages$"
        fake.inject_fault("POST", thread, 429, times=5)
        cut = LONG.rindex(" ", 0, 4000) + 1
        done = await answer(fake, s.draft_id, s.member, "adopted", LONG[:cut], LONG[cut:])
        assert (done.content or "").endswith(
            "⏳ Discord has not accepted everything yet (the post, the tag or the group's note): "
            "it follows as soon as Discord accepts it."
        )
        async with session_factory(sqlite_engine)() as db:
            (item,) = await work_store.items(db, kind="draft_answer")
            (stored,) = (await store.answers(db, [s.draft_id]))[s.draft_id]
        assert item.state == "pending" and "429" in item.last_error
        # a process that died after Discord took the first part, before recording it
        chunks = posts.answer_chunks(bot.services.public(await bot.services.config(fake.guild.id)), stored)  # fmt: skip
        assert len(chunks) >= 3
        channel = bot.get_partial_messageable(s.thread.id)
        await channel.send(chunks[0], nonce=Job(item, {}).nonce(0))
    clock.advance(minutes=1)
    async with running_bot(fake, sqlite_engine, clock):
        await eventually(lambda: _done(sqlite_engine), "the answer's items to finish")
    shown = [m.content for m in fake.messages_in(s.thread.id) if not m.ephemeral]
    start = next(i for i, text in enumerate(shown) if text.startswith(HEAD))
    assert shown[start:] == chunks  # every part once, in order, nothing cut
    assert "".join(chunks).endswith("\n\n" + LONG)
    note = fake.messages_in(s.group.channel.id)[-1]
    assert note.content.startswith("🏛️ Le conseil d'administration a répondu")


async def _done(engine: AsyncEngine) -> bool:
    async with session_factory(engine)() as db:
        items = [i for i in await work_store.items(db) if i.kind.startswith("draft_answer")]
    return len(items) == 2 and all(i.state == "done" for i in items)


async def test_a_post_deleted_by_hand_is_made_again_and_the_answer_goes_in_it(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as bot:
        s = await submitted_draft(fake, sqlite_engine, clock)
        fake.remove_channel(s.thread)
        await fake.wait_for(lambda: bot.get_channel(s.thread.id) is None, what="the bot to see it")
        done = await answer(fake, s.draft_id, s.member, "not_retained", "Hors mandat.")
        async with session_factory(sqlite_engine)() as db:
            draft = await store.get(db, s.draft_id)
        assert draft is not None and draft.thread_id not in (None, s.thread.id)
        assert done.content == (
            "Answer recorded: **Un pair pour chacun** — not retained. Posted in "
            f"<#{draft.thread_id}>; the group is told in its channel."
        )
        again = fake.channel(draft.thread_id)
        assert again is not None and again.name == "Un pair pour chacun"
        texts = [m.content for m in fake.messages_in(again.id)]
        assert texts[0].startswith("Chaque membre devrait")  # the draft's text, made again
        assert texts[-1].startswith(HEAD + "non retenue**") and texts[-1].endswith("Hors mandat.")
        assert f"/{draft.thread_id}/" in fake.messages_in(s.group.channel.id)[-1].content
