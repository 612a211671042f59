"""A draft's status tag is must-happen work: when Discord makes it wait, the writer is
told so at once, the engine applies it after its back-off, a restart in between applies
it exactly once; refused for good, or the post deleted by hand, `/setup check` says so."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.drafts import jobs
from storage import work as work_store
from storage.database import session_factory
from storage.models import WorkItem
from tests.clock import MovableClock
from tests.drafts.helpers import drafts, tag_names, write_draft
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel
from tests.harness import eventually, running_bot
from tests.sessions.helpers import Group, published_group

TEXT = "Chaque membre devrait pouvoir être accompagné par un·e pair·e."
WAITING = (
    "**Un pair pour chacun** is now “open for comment”.\n"
    "⏳ Discord has not accepted the post's new tag yet: it follows as soon as Discord "
    "accepts it."
)


async def tag_items(engine: AsyncEngine) -> list[WorkItem]:
    async with session_factory(engine)() as db:
        return await work_store.items(db, kind="draft_tag")


async def open_draft(fake: FakeDiscord, group: Group, draft_id: int) -> str:
    res = await fake.slash(
        "draft status", user=group.facilitator, channel=group.channel,
        options={"draft": f"#{draft_id}", "status": "status.open"}, locale="en-US",
    )  # fmt: skip
    assert res.ephemeral
    return res.content or ""


async def written(fake: FakeDiscord, engine: AsyncEngine, clock: MovableClock) -> tuple[Group, Channel, int]:  # fmt: skip
    group = await published_group(fake, engine, clock)
    thread = await write_draft(fake, group, group.members[3], "Un pair pour chacun", TEXT)
    (draft,) = await drafts(engine)
    return group, thread, draft.id


async def test_a_tag_discord_makes_wait_is_applied_after_the_back_off(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group, thread, draft_id = await written(fake, sqlite_engine, clock)
    fake.inject_fault("PATCH", rf"/channels/{thread.id}$", 429, times=5)
    assert await open_draft(fake, group, draft_id) == WAITING
    assert tag_names(fake, thread) == ["brouillon"]
    (item,) = await tag_items(sqlite_engine)
    assert (item.state, item.attempts) == ("pending", 1) and "429" in item.last_error
    clock.advance(seconds=30)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()
    await fake.wait_for(lambda: tag_names(fake, thread) == ["ouverte aux avis"], what="the tag")
    await eventually(lambda: _done(sqlite_engine), "the tag item to finish")
    (item,) = await tag_items(sqlite_engine)
    assert (item.state, item.attempts, item.result_id) == ("done", 2, thread.id)


async def _done(engine: AsyncEngine) -> bool:
    return [i.state for i in await tag_items(engine)] == ["done"]


async def test_a_restart_between_refusals_applies_the_tag_exactly_once(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        group, thread, draft_id = await written(fake, sqlite_engine, clock)
        fake.inject_fault("PATCH", rf"/channels/{thread.id}$", 429, times=5)
        assert await open_draft(fake, group, draft_id) == WAITING
    clock.advance(minutes=1)
    async with running_bot(fake, sqlite_engine, clock):
        await fake.wait_for(lambda: tag_names(fake, thread) == ["ouverte aux avis"], what="tag")
        await eventually(lambda: _done(sqlite_engine), "the tag item to finish")
    async with running_bot(fake, sqlite_engine, clock) as third:  # and once more: nothing new
        assert third.services.scheduler is not None
        await third.services.scheduler.wake("work")
    edits = fake.matching("PATCH", rf"/channels/{thread.id}$")
    assert [r.status for r in edits] == [429] * 5 + [200]


async def test_a_tag_refused_for_good_or_a_post_deleted_by_hand_is_listed_by_setup_check(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group, thread, draft_id = await written(fake, sqlite_engine, clock)
    fake.inject_fault("PATCH", rf"/channels/{thread.id}$", 403, code=50013, times=1)
    assert await open_draft(fake, group, draft_id) == (
        "**Un pair pour chacun** is now “open for comment”.\n"
        "Discord refused the action: I am probably missing a permission. An organiser can "
        "run /setup check to see what to fix."
    )
    (item,) = await tag_items(sqlite_engine)
    assert item.state == "failed" and item.note.startswith("Discord 403")
    check = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert "⚠️ Status tag of a draft's forum post, due <t:" in check.text
    assert "given up (“Discord 403: Missing Permissions”)" in check.text
    # a status another feature stores (the synthesis) with the post deleted meanwhile
    fake.remove_channel(thread)
    await fake.wait_for(lambda: bot.get_channel(thread.id) is None, what="the bot to see it")
    (draft,) = await drafts(sqlite_engine)
    async with session_factory(sqlite_engine)() as db, db.begin():
        key = await jobs.follow_tag(db, bot.services.work, draft)
    outcome = await bot.services.work.run_now(key)
    assert outcome is not None and (outcome.state, outcome.note) == ("failed", jobs.POST_DELETED)
    french = await fake.slash("setup check", user=fake.owner, locale="fr")
    assert "L'étiquette de statut d'une proposition, à faire <t:" in french.text
    assert "the forum post was deleted by hand" in french.text
