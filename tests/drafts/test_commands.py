"""Drafts in forum posts: writing, revising, history, status with tags, long texts."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.drafts.helpers import (
    add_group,
    drafts,
    revise,
    tag_names,
    theme_of,
    thread_text,
    versions,
    write_draft,
)
from tests.fakediscord import FakeDiscord
from tests.sessions.helpers import published_group

TEXT = "Chaque membre devrait pouvoir être accompagné par un·e pair·e.\n\nUn budget est réservé."


async def test_new_then_two_revisions_keep_three_versions_with_their_authors(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    theme = await theme_of(sqlite_engine)
    writer, reviser, secretary = group.members[3], group.members[4], group.secretary
    thread = await write_draft(fake, group, writer, "Un pair pour chacun", TEXT)
    assert thread.parent_id == theme.forum_id and thread.name == "Un pair pour chacun"
    starter = fake.message(thread.id)
    assert starter is not None and starter.content == TEXT
    assert starter.embeds[0]["title"] == "Groupe Ouest – Rennes"
    assert tag_names(fake, thread) == ["brouillon"]
    (draft,) = await drafts(sqlite_engine)
    clock.advance(days=2)
    assert await revise(fake, draft.id, reviser, TEXT + "\n\nDeuxième version.", group.channel) == (
        "**Un pair pour chacun** is now at version 2."
    )
    clock.advance(days=3)
    third = TEXT + "\n\nTroisième version, relue par le secrétariat."
    await revise(fake, draft.id, secretary, third, group.channel)
    stored = await versions(sqlite_engine, draft.id)
    assert [(v.number, v.author_id) for v in stored] == [
        (1, writer.id),
        (2, reviser.id),
        (3, secretary.id),
    ]
    assert fake.message(thread.id).content == third  # type: ignore[union-attr]
    notes = [m.content for m in fake.messages_in(thread.id) if m.content.startswith("✏️")]
    assert notes == [
        f"✏️ Révisée par <@{reviser.id}> (v2).",
        f"✏️ Révisée par <@{secretary.id}> (v3).",
    ]
    history = await fake.slash(
        "draft history", user=group.members[5], channel=group.channel,
        options={"draft": f"#{draft.id}"}, locale="en-US",
    )  # fmt: skip
    assert history.ephemeral
    lines = (history.content or "").splitlines()
    assert lines[0] == "**Un pair pour chacun** — 3 version(s)"
    for line, version in zip(lines[1:], stored, strict=True):
        stamp = int(version.created_at.timestamp())
        assert line.startswith(f"v{version.number} · <@{version.author_id}> · <t:{stamp}:F>"), line
    diff = await fake.slash(
        "draft history", user=group.members[5], channel=group.channel,
        options={"draft": f"#{draft.id}", "compare_from": 1, "compare_to": 3}, locale="en-US",
    )  # fmt: skip
    shown = (await diff.wait_followup(1)).content
    assert "+Troisième version, relue par le secrétariat." in shown
    assert "```diff" in shown


async def test_a_long_draft_is_shown_whole_and_stored_whole(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    whole = ("Les membres isolés ont besoin d'un lieu pour se retrouver. " * 110)[:5999] + "."
    cut = whole.rindex(" ", 0, 4000) + 1  # the form's first field holds 4000 characters
    thread = await write_draft(fake, group, group.members[2], "Des lieux", whole[:cut], whole[cut:])
    assert len(whole) == 6000
    (draft,) = await drafts(sqlite_engine)
    (stored,) = await versions(sqlite_engine, draft.id)
    assert stored.text == whole
    assert len(draft.extra_message_ids.split(",")) >= 2  # 6,000 characters, 2,000 a message
    assert thread_text(fake, thread, draft.extra_message_ids) == whole
    assert all(len(m.content) <= 2000 for m in fake.messages_in(thread.id))
    shorter = "Finalement, une seule phrase."
    await revise(fake, draft.id, group.members[2], shorter, group.channel)
    (draft,) = await drafts(sqlite_engine)
    assert draft.extra_message_ids == ""
    assert thread_text(fake, thread, "") == shorter
    longer = ("Retour au texte long. " * 300)[:5000].strip()
    cut = longer.rindex(" ", 0, 4000) + 1
    await revise(fake, draft.id, group.members[2], longer[:cut], group.channel, longer[cut:])
    (draft,) = await drafts(sqlite_engine)
    assert thread_text(fake, thread, draft.extra_message_ids) == longer


async def test_status_moves_as_the_domain_allows_and_the_tag_follows(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    theme = await theme_of(sqlite_engine)
    thread = await write_draft(fake, group, group.members[3], "Un pair pour chacun", TEXT)
    (draft,) = await drafts(sqlite_engine)

    async def move(status: str, user: object) -> str:
        res = await fake.slash(
            "draft status", user=user, channel=group.channel,  # type: ignore[arg-type]
            options={"draft": f"#{draft.id}", "status": f"status.{status}"}, locale="en-US",
        )  # fmt: skip
        assert res.ephemeral
        return res.content or ""

    assert await move("open", group.members[3]) == (
        "Only the facilitator, the secretary of Ouest – Rennes or an organiser can change "
        "the status of its drafts."
    )
    assert (
        await move("open", group.facilitator)
        == "**Un pair pour chacun** is now “open for comment”."
    )
    assert tag_names(fake, thread) == ["ouverte aux avis"]
    (announce,) = fake.messages_in(theme.info_channel_id)[-1:]
    assert announce.content.startswith("📣 La proposition **Un pair pour chacun** du groupe Ouest")
    assert f"<#{thread.id}>" in announce.content
    assert await move("submitted", group.facilitator) == (
        "A draft that is “open for comment” cannot become “submitted to board”. Nothing was changed."
    )
    assert await move("open", group.facilitator) == "The draft is already “open for comment”."
    assert await move("withdrawn", group.secretary) == (
        "Only an organiser can mark a draft “withdrawn”."
    )
    assert (await drafts(sqlite_engine))[0].status == "open"
    assert tag_names(fake, thread) == ["ouverte aux avis"]
    assert (
        await move("synthesised", group.secretary)
        == "**Un pair pour chacun** is now “synthesised”."
    )
    assert await move("submitted", group.secretary) == (
        "**Un pair pour chacun** is now “submitted to board”."
    )
    assert await move("adopted", fake.owner) == "**Un pair pour chacun** is now “adopted”."
    assert tag_names(fake, thread) == ["adoptée"]
    assert await move("withdrawn", fake.owner) == (
        "A draft that is “adopted” cannot become “withdrawn”. Nothing was changed."
    )
    refused = await fake.slash(
        "draft revise", user=group.members[3], channel=group.channel,
        options={"draft": f"#{draft.id}"}, locale="en-US",
    )  # fmt: skip
    assert refused.content == "This draft is “adopted”: its text can no longer be revised."


async def test_a_status_another_feature_stored_retags_the_post_unless_it_moved_on(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    """What the synthesis does: the status and its tag item stored together. An item a
    newer change superseded does nothing; the newest one is taken over by the engine when
    the command that stored it did not run it (its process died)."""
    from bot.drafts import jobs
    from storage import drafts as store
    from storage import work as work_store
    from storage.database import session_factory

    group = await published_group(fake, sqlite_engine, clock)
    thread = await write_draft(fake, group, group.members[3], "Un pair pour chacun", TEXT)
    (draft,) = await drafts(sqlite_engine)
    works = bot.services.work
    async with session_factory(sqlite_engine)() as db, db.begin():
        assert await store.move(db, draft.id, "draft", "synthesised", clock.now())
        stale = await jobs.follow_tag(db, works, draft)
        newest = await jobs.follow_tag(db, works, draft)
    fake.clear_requests()
    assert await works.run_now(stale) is None  # stale: a newer change took over
    assert fake.count("PATCH", rf"/channels/{thread.id}$") == 0
    clock.advance(seconds=30)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()
    await fake.wait_for(
        lambda: tag_names(fake, thread) == ["synthétisée"], what="the tag to follow the status"
    )
    async with session_factory(sqlite_engine)() as db:
        items = {i.key: i.state for i in await work_store.items(db, kind="draft_tag")}
    assert (items[stale], items[newest]) == ("cancelled", "done")


async def test_bad_input_is_refused_and_changes_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    theme = await theme_of(sqlite_engine)
    other = await add_group(fake, sqlite_engine, theme, "Sud – Lyon")
    thread = await write_draft(fake, group, group.members[3], "Un pair pour chacun", TEXT)
    (draft,) = await drafts(sqlite_engine)
    outsider = await fake.slash(
        "draft revise", user=other.members[2], channel=other.channel,
        options={"draft": f"#{draft.id}"}, locale="en-US",
    )  # fmt: skip
    assert outsider.ephemeral and outsider.content == (
        "Only the members of Ouest – Rennes, its facilitator, its secretary or an organiser can "
        "write its drafts."
    )
    choices = await fake.autocomplete(
        "draft revise", focused="draft", user=other.members[2], channel=other.channel
    )
    assert choices == []
    elsewhere = await fake.slash(
        "draft new", user=other.members[2], channel=group.channel, options={"title": "Intrus"},
        locale="en-US",
    )  # fmt: skip
    assert elsewhere.content and elsewhere.content.startswith("Only the members of Ouest – Rennes")
    lobby = await fake.slash(
        "draft new", user=group.members[2], options={"title": "Ailleurs"}, locale="en-US"
    )
    assert lobby.content == "Use this command in your working group's channel."
    long_title = await fake.slash(
        "draft new", user=group.members[2], channel=group.channel, options={"title": "x" * 101},
        locale="en-US",
    )  # fmt: skip
    assert (long_title.content or "").startswith("The title is 101 characters long: at most 100")
    opened = await fake.slash(
        "draft new", user=group.members[2], channel=group.channel, options={"title": "Vide"}
    )
    assert opened.modal is not None
    empty = await fake.submit_modal(
        f"sip:draft:new:{group.members[2].id}", {"text": "   \n ", "more": ""},
        user=group.members[2], channel=group.channel, locale="en-US",
    )  # fmt: skip
    assert empty.ephemeral and (empty.content or "").startswith("The text is empty")
    blank = await revise(fake, draft.id, group.members[4], "  \n ", group.channel)
    assert blank.startswith("The text is empty")
    assert [d.title for d in await drafts(sqlite_engine)] == ["Un pair pour chacun"]
    assert [v.number for v in await versions(sqlite_engine, draft.id)] == [1]
    assert fake.message(thread.id).content == TEXT  # type: ignore[union-attr]
    unknown = await fake.slash(
        "draft history", user=group.members[2], channel=group.channel,
        options={"draft": "#999", "compare_from": 1}, locale="en-US",
    )  # fmt: skip
    assert unknown.content == "There is no draft “999” in this cycle. Pick one from the list."
    missing = await fake.slash(
        "draft history", user=group.members[2], channel=group.channel,
        options={"draft": f"#{draft.id}", "compare_from": 4}, locale="en-US",
    )  # fmt: skip
    assert missing.content == "There is no version 4: this draft has 1 version(s)."
