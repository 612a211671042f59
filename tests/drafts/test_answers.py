"""The board's answer to a submitted recommendation, through the fake with the real client:
posted in the draft's forum post, the tag following, the group told, kept with its author
and time, shown by /draft list and /draft history; refused to whoever is not on the board
and to drafts not submitted; a 6,000-character answer stored and shown whole."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import work as work_store
from storage.database import session_factory
from tests.clock import MovableClock
from tests.drafts.answering import (
    answer,
    posted_after,
    stored_answers,
    submitted_draft,
)
from tests.drafts.helpers import drafts, tag_names, write_draft
from tests.fakediscord import FakeDiscord
from tests.harness import eventually

ANSWER = "Le CA adopte la recommandation.\n\nUn budget pilote est ouvert dès avril."
POST_FR = "🏛️ **Réponse du conseil d'administration : "


async def test_a_board_member_answers_the_post_the_tag_and_the_group_follow(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    s = await submitted_draft(fake, sqlite_engine, clock)
    assert s.board.permissions == 0  # no Manage Server: on the board by its role alone
    done = await answer(fake, s.draft_id, s.member, "adopted_with_changes", ANSWER)
    assert done.ephemeral
    assert done.content == (
        f"Answer recorded: **Un pair pour chacun** — adopted with changes. Posted in "
        f"<#{s.thread.id}>; the group is told in its channel."
    )
    (draft,) = await drafts(sqlite_engine)
    assert draft.status == "adopted"
    assert tag_names(fake, s.thread) == ["adoptée"]
    (stored,) = await stored_answers(sqlite_engine, draft.id)
    assert (stored.decision, stored.text, stored.author_id) == (
        "adopted_with_changes",
        ANSWER,
        s.member.id,
    )
    assert stored.created_at == clock.now()
    shown = posted_after(fake, s.thread, POST_FR)
    stamp = int(stored.created_at.timestamp())
    assert shown == (
        f"{POST_FR}adoptée avec modifications** — <@{s.member.id}>, <t:{stamp}:F> "
        f"(<t:{stamp}:R>)\n\n{ANSWER}"
    )
    (note,) = fake.messages_in(s.group.channel.id)[-1:]
    first = next(m for m in fake.messages_in(s.thread.id) if m.content.startswith(POST_FR))
    assert note.content == (
        "🏛️ Le conseil d'administration a répondu à votre proposition **Un pair pour chacun** : "
        f"adoptée avec modifications. Lire la réponse : https://discord.com/channels/"
        f"{fake.guild.id}/{s.thread.id}/{first.id}"
    )
    assert all(m.nonce for m in (first, note))  # sent by the engine's items
    async with session_factory(sqlite_engine)() as db:
        items = await work_store.items(db)
    assert {i.kind: i.state for i in items if i.kind.startswith("draft_answer")} == {
        "draft_answer": "done", "draft_answer_note": "done",
    }  # fmt: skip
    listed = await fake.slash("draft list", user=s.group.members[5], locale="en-US")
    assert " — adopted — v1 — 👍 0 — " in listed.text
    assert f" — 🏛️ adopted with changes (<t:{stamp}:D>)" in listed.text
    history = await fake.slash(
        "draft history", user=s.group.members[5], options={"draft": f"#{draft.id}"},
        locale="en-US",
    )  # fmt: skip
    await history.wait_followup(1)
    told = "\n".join(m.content for m in history.followups)
    assert "🏛️ **The board's answer**\n**adopted with changes** · " in told
    assert ANSWER in told
    again = await answer(fake, s.draft_id, s.member, "not_retained", "Finalement non.")
    assert again.content == (
        "The board has decided already: this draft is “adopted”, a final decision. Nothing "
        "was saved."
    )
    assert len(await stored_answers(sqlite_engine, draft.id)) == 1


async def test_under_study_keeps_the_draft_submitted_then_a_decision_follows(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    s = await submitted_draft(fake, sqlite_engine, clock)
    first = await answer(fake, s.draft_id, s.member, "under_study", "Nous l'étudions.")
    assert (first.content or "").startswith("Answer recorded: **Un pair pour chacun** — under")
    (draft,) = await drafts(sqlite_engine)
    assert draft.status == "submitted" and tag_names(fake, s.thread) == ["remise au CA"]
    clock.advance(days=20)
    await answer(fake, s.draft_id, fake.owner, "not_retained", "Hors de notre mandat.")
    stored = await stored_answers(sqlite_engine, s.draft_id)
    assert [(a.decision, a.author_id) for a in stored] == [
        ("under_study", s.member.id), ("not_retained", fake.owner.id)
    ]  # fmt: skip
    assert (await drafts(sqlite_engine))[0].status == "not_retained"
    assert tag_names(fake, s.thread) == ["non retenue"]
    posts = [m.content for m in fake.messages_in(s.thread.id) if m.content.startswith(POST_FR)]
    assert [p.split("**")[1] for p in posts] == [
        "Réponse du conseil d'administration : à l'étude",
        "Réponse du conseil d'administration : non retenue",
    ]


async def test_who_is_not_on_the_board_and_drafts_not_submitted_are_refused(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    s = await submitted_draft(fake, sqlite_engine, clock)

    def public() -> tuple[int, int]:
        return tuple(  # type: ignore[return-value]
            sum(not m.ephemeral for m in fake.messages_in(c.id))
            for c in (s.thread, s.group.channel)
        )

    before = public()
    for user in (s.group.facilitator, s.group.members[3]):
        refused = await answer(fake, s.draft_id, user, "adopted", ANSWER)
        assert refused.ephemeral and refused.modal is None
        assert refused.content == (
            f"This command is for the board: you need the <@&{s.board.id}> role, or to be an "
            "organiser."
        )
    other = await write_draft(fake, s.group, s.group.members[2], "Encore ouverte", "Texte.")
    (fresh,) = [d for d in await drafts(sqlite_engine) if d.title == "Encore ouverte"]
    early = await answer(fake, fresh.id, s.member, "adopted", ANSWER)
    assert early.modal is None and early.content == (
        "This draft is “draft”: the board answers only drafts submitted to it (/draft status). "
        "Nothing was saved."
    )
    unknown = await answer(fake, 999, s.member, "adopted", ANSWER)
    assert unknown.content == (
        "There is no draft “999” submitted to the board. Pick one from the list."
    )
    empty = await answer(fake, s.draft_id, s.member, "adopted", "   \n  ")
    assert empty.ephemeral and (empty.content or "").startswith("The answer is empty")
    bogus = await fake.slash(
        "draft answer", user=s.member, locale="en-US",
        options={"draft": f"#{s.draft_id}", "decision": "decision.maybe"}, raw=True,
    )  # fmt: skip
    assert bogus.content == "“maybe” is not a decision. Pick one from the list."
    assert await stored_answers(sqlite_engine, s.draft_id) == []
    assert (await drafts(sqlite_engine))[0].status == "submitted"
    assert tag_names(fake, other) == ["brouillon"]
    assert public() == before
    # without a board role, the organisers are the board
    await fake.slash("setup roles", user=fake.owner, options={"board": fake.guild.roles[fake.guild.id]})  # fmt: skip
    alone = await answer(fake, s.draft_id, s.member, "adopted", ANSWER)
    assert alone.content == (
        "This command is for the board; no board role is set, so the organisers answer (an "
        "organiser can set one with /setup roles)."
    )
    by_owner = await answer(fake, s.draft_id, fake.owner, "adopted", ANSWER)
    assert (by_owner.content or "").startswith("Answer recorded")


async def test_a_6000_character_answer_is_stored_and_shown_whole(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    s = await submitted_draft(fake, sqlite_engine, clock)
    whole = ("Le conseil a lu chaque ligne de la recommandation avec soin. " * 100)[:5999] + "."
    cut = whole.rindex(" ", 0, 4000) + 1  # the first field holds 4,000 characters
    assert len(whole) == 6000
    done = await answer(fake, s.draft_id, s.member, "adopted", whole[:cut], whole[cut:])
    assert (done.content or "").startswith("Answer recorded")
    (stored,) = await stored_answers(sqlite_engine, s.draft_id)
    assert stored.text == whole
    messages = fake.messages_in(s.thread.id)
    start = next(i for i, m in enumerate(messages) if m.content.startswith(POST_FR))
    posted = messages[start:]
    assert len(posted) >= 4 and all(len(m.content) <= 2000 for m in posted)  # 6,000 and a head
    assert posted_after(fake, s.thread, POST_FR).endswith("\n\n" + whole)
    history = await fake.slash(
        "draft history", user=s.group.members[4], options={"draft": f"#{s.draft_id}"},
        locale="en-US",
    )  # fmt: skip

    async def shown_whole() -> bool:
        return whole in "".join(m.content for m in history.followups)

    await eventually(shown_whole, "the whole answer across follow-ups")
    assert "· 6000 characters\n" in history.followups[0].content
    assert all(len(m.content) <= 2000 for m in history.followups)
