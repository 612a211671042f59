"""`/synthesis build`: one forum post per theme, updated in place when built again; the
tags of the drafts it moves follow even when Discord makes them wait."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import work as work_store
from storage.database import session_factory
from storage.models import Synthesis, SynthesisDraft
from tests.clock import MovableClock
from tests.drafts.helpers import add_group, drafts, revise, tag_names, theme_of, write_draft
from tests.fakediscord import FakeDiscord
from tests.harness import eventually, running_bot
from tests.sessions.helpers import published_group

LONG = ("Une mutuelle de trésorerie pour passer les mois creux sans s'endetter. " * 40).strip()


async def status(
    fake: FakeDiscord, user: object, channel: object, draft_id: int, code: str
) -> None:
    res = await fake.slash(
        "draft status", user=user, channel=channel,  # type: ignore[arg-type]
        options={"draft": f"#{draft_id}", "status": f"status.{code}"}, locale="en-US",
    )  # fmt: skip
    assert (res.content or "").startswith("**"), res.content


async def test_three_groups_drafts_gathered_in_one_post_updated_in_place(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    rennes = await published_group(fake, sqlite_engine, clock)
    theme = await theme_of(sqlite_engine)
    lyon = await add_group(fake, sqlite_engine, theme, "Sud – Lyon", region="Sud")
    visio = await add_group(fake, sqlite_engine, theme, "100% visio 1", region=None)
    empty = await fake.slash(
        "synthesis build", user=fake.owner, options={"theme": f"#{theme.id}"}, locale="en-US"
    )
    assert empty.ephemeral and (empty.content or "").startswith(
        "No draft of “Accompagnement” is open for comment yet"
    )
    threads_before = {c.id for c in fake.world.channels.values() if c.is_thread}
    assert threads_before == set()
    for group, title, text in (
        (rennes, "Un pair pour chacun", "Un binôme pour chaque nouveau membre."),
        (lyon, "Mutuelle de trésorerie", LONG),
        (visio, "Permanences en visio", "Une permanence en ligne chaque mois."),
    ):
        await write_draft(fake, group, group.members[2], title, text)
    await write_draft(fake, visio, visio.members[3], "Brouillon privé", "Pas encore prêt.")
    found = await drafts(sqlite_engine)
    for draft, group in zip(found[:3], (rennes, lyon, visio), strict=True):
        await status(fake, group.facilitator, group.channel, draft.id, "open")
    built = await fake.slash(
        "synthesis build", user=fake.owner, options={"theme": f"#{theme.id}"}, locale="en-US"
    )
    assert (built.content or "").startswith("Synthesis of “Accompagnement” posted:"), built.content
    assert "3 draft(s), 3 moved to “synthesised”" in (built.content or "")
    async with session_factory(sqlite_engine)() as db:
        (synthesis,) = (await db.execute(select(Synthesis))).scalars().all()
        gathered = {
            r.draft_id: r.version for r in (await db.execute(select(SynthesisDraft))).scalars()
        }
    assert gathered == {d.id: 1 for d in found[:3]}
    post = fake.channel(synthesis.thread_id or 0)
    assert post is not None and post.parent_id == theme.forum_id
    assert post.name == "Synthèse — Accompagnement"
    messages = fake.messages_in(post.id)
    assert len(messages) == 4 and messages[0].id == post.id
    assert "3 recommandation(s) de 3 groupe(s)" in messages[0].content
    assert "## 2. Mutuelle de trésorerie\n*Sud – Lyon*" in messages[2].content
    assert len(LONG) > 2000 and messages[2].attachments[0].data.decode().endswith(LONG + "\n")
    assert "Un binôme pour chaque nouveau membre." in messages[1].content
    for draft in await drafts(sqlite_engine):
        expected = "draft" if draft.title == "Brouillon privé" else "synthesised"
        assert draft.status == expected
    rennes_thread = fake.channel(found[0].thread_id or 0)
    assert rennes_thread is not None
    # the synthesis stored the drafts feature's tag item with the status and ran it
    await fake.wait_for(
        lambda: tag_names(fake, rennes_thread) == ["synthétisée"], what="the synthesised tag"
    )

    await revise(
        fake, found[0].id, rennes.members[3], "Un binôme, revu en séance 4.", rennes.channel
    )
    ids_before = [m.id for m in messages]
    again = await fake.slash(
        "synthesis build", user=fake.owner, options={"theme": f"#{theme.id}"}, locale="en-US"
    )
    assert (again.content or "").startswith("Synthesis of “Accompagnement” updated in place")
    assert [
        c.id for c in fake.world.channels.values() if c.is_thread and c.name.startswith("Synth")
    ] == [post.id]
    after = fake.messages_in(post.id)
    assert [m.id for m in after] == ids_before
    assert "Un binôme, revu en séance 4." in after[1].content and "v2" in after[1].content
    refused = await fake.slash(
        "synthesis build",
        user=rennes.facilitator,
        options={"theme": f"#{theme.id}"},
        locale="en-US",
    )
    assert refused.ephemeral and "organiser" in (refused.content or "").lower()


async def test_a_tag_discord_makes_wait_is_said_and_applied_once_after_a_restart(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        rennes = await published_group(fake, sqlite_engine, clock)
        theme = await theme_of(sqlite_engine)
        thread = await write_draft(
            fake, rennes, rennes.members[2], "Un pair pour chacun", "Un binôme."
        )
        (draft,) = await drafts(sqlite_engine)
        await status(fake, rennes.facilitator, rennes.channel, draft.id, "open")
        fake.inject_fault("PATCH", rf"/channels/{thread.id}$", 429, times=5)
        built = await fake.slash(
            "synthesis build", user=fake.owner, options={"theme": f"#{theme.id}"}, locale="en-US"
        )
        assert (built.content or "").endswith(
            "1 draft(s), 1 moved to “synthesised”.\n"
            "⏳ 1 post tag(s) waiting for Discord: each follows as soon as Discord accepts it."
        ), built.content
    assert tag_names(fake, thread) == ["ouverte aux avis"]
    assert (await drafts(sqlite_engine))[0].status == "synthesised"
    clock.advance(minutes=1)
    async with running_bot(fake, sqlite_engine, clock):
        await fake.wait_for(lambda: tag_names(fake, thread) == ["synthétisée"], what="the tag")
        await eventually(lambda: _tag_done(sqlite_engine), "the tag item to finish")
    async with running_bot(fake, sqlite_engine, clock) as third:  # and once more: nothing new
        assert third.services.scheduler is not None
        await third.services.scheduler.wake("work")
    edits = fake.matching("PATCH", rf"/channels/{thread.id}$")
    # the open status' tag, then the synthesised one: refused five times, accepted once
    assert [r.status for r in edits] == [200] + [429] * 5 + [200]


async def _tag_done(engine: AsyncEngine) -> bool:
    async with session_factory(engine)() as db:
        items = await work_store.items(db, kind="draft_tag")
    return [i.state for i in items] == ["done", "done"]
