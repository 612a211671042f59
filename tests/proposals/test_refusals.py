"""Bad input for every `/proposal` command: a clear ephemeral message, nothing changed; and
Discord's refusals: a forum deleted by hand is made again, a refused post leaves nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import proposals as store
from storage.database import session_factory
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Member
from tests.fuzz.helpers import changed_tables, snapshot
from tests.proposals.helpers import decide, proposals, propose, proposing_cycle

BEFORE_THE_PHASE = datetime(2021, 2, 10, 10, 0, tzinfo=UTC)


async def new(fake: FakeDiscord, who: Member) -> str:
    res = await fake.slash("proposal new", user=who, locale="en-US")
    assert res.modal is None and res.ephemeral
    return res.text


async def submit(fake: FakeDiscord, who: Member, title: str, text: str) -> str:
    opened = await fake.slash("proposal new", user=who, locale="en-US")
    assert opened.modal is not None, opened.text
    res = await fake.submit_modal(f"sip:proposal:new:{who.id}", {"title": title, "text": text},
                                  user=who, locale="en-US")  # fmt: skip
    assert res.ephemeral
    return res.text


async def test_proposing_is_refused_clearly_when_it_cannot_be_done(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    early = await fake.slash("proposal list", locale="en-US")
    assert early.text.startswith("There is no open cycle")
    coop = await proposing_cycle(fake, clock)
    member, stranger = coop.members[0], fake.add_member("de-passage")
    thread = await propose(fake, member, "Mobilité", "Se déplacer.")
    before = await snapshot(sqlite_engine)
    threads = sum(1 for c in fake.world.channels.values() if c.is_thread)
    assert (await new(fake, stranger)).startswith("Only members propose next themes.")
    refusals = {
        ("  ", "Un texte."): "The proposed theme needs a title.",
        ("Logement", " \n "): "Say in a few words what the theme is about",
        ("  mobilité ", "Encore."): f"“Mobilité” is already proposed (<#{thread.id}>)",
    }
    for (title, text), expected in refusals.items():
        assert (await submit(fake, member, title, text)).startswith(expected)
    clock.set(BEFORE_THE_PHASE)
    assert (await new(fake, member)).startswith(
        "Next themes are proposed during the phase “Proposing the next step”, from <t:"
    )
    assert changed_tables(before, await snapshot(sqlite_engine)) == []
    assert sum(1 for c in fake.world.channels.values() if c.is_thread) == threads


async def test_organisers_open_and_close_the_call_by_hand_whatever_the_calendar(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    coop = await proposing_cycle(fake, clock)
    clock.set(BEFORE_THE_PHASE)
    listed = await fake.slash("proposal list", user=coop.members[0], locale="en-US")
    assert listed.text.startswith("⏸️ Proposals are taken from <t:")
    opened = await fake.slash("proposal open", locale="en-US")
    forum = fake.channel_named("prochaines-thématiques-2020-2021")
    assert forum is not None and opened.text.startswith("The call for next themes is open")
    assert f"<#{forum.id}>" in opened.text  # made at opening, before any proposal
    assert (await fake.slash("proposal open", locale="en-US")).text == (
        "The call for next themes is already open."
    )
    thread = await propose(fake, coop.members[0], "Mobilité", "Se déplacer.")
    assert thread.parent_id == forum.id
    closed = await fake.slash("proposal close", locale="en-US")
    assert closed.text.startswith("The call for next themes is closed, whatever the calendar")
    assert (await fake.slash("proposal close", locale="en-US")).text == (
        "The call for next themes is already closed."
    )
    assert (await new(fake, coop.members[1])).startswith("Organisers have closed the call")
    refused = await fake.slash("proposal open", user=coop.members[1], locale="en-US")
    assert refused.ephemeral and "organiser" in refused.text
    assert len(await proposals(sqlite_engine)) == 1


async def test_decisions_that_make_no_sense_are_refused_and_change_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    coop = await proposing_cycle(fake, clock)
    await propose(fake, coop.members[0], "Mobilité", "Se déplacer.")
    await propose(fake, coop.members[1], "Logement", "Se loger.")
    mobility, housing = await proposals(sqlite_engine)
    await decide(fake, housing.id, "not_retained")
    before = await snapshot(sqlite_engine)
    dms = [len(fake.dm_messages(m)) for m in coop.members[:2]]
    refusals = [
        ((mobility.id, "merged"), {}, "To merge a proposal, say which one it joins"),
        ((mobility.id, "merged"), {"into": mobility.id}, "A proposal cannot be merged into itself."),
        ((mobility.id, "merged"), {"into": housing.id}, "A proposal can only join one that is "
                                                        "still in play; that one is “not retained”."),
        ((mobility.id, "shortlisted"), {"into": housing.id}, "The option into is for a merge only"),
        ((housing.id, "not_retained"), {}, "The proposal is already “not retained”."),
        ((mobility.id, "shortlisted"), {"note": "x" * 1001}, "The note is 1001 characters long"),
        ((999, "shortlisted"), {}, "There is no proposal “999” in this cycle."),
    ]  # fmt: skip
    for (proposal_id, state), extra, expected in refusals:
        told = await decide(fake, proposal_id, state, **extra)  # type: ignore[arg-type]
        assert told.startswith(expected), told
    member = await decide(fake, mobility.id, "shortlisted", user=coop.members[2])
    assert "organiser" in member
    assert changed_tables(before, await snapshot(sqlite_engine)) == []
    assert [len(fake.dm_messages(m)) for m in coop.members[:2]] == dms


async def test_a_forum_deleted_by_hand_is_made_again_and_a_refused_post_leaves_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    coop = await proposing_cycle(fake, clock)
    first = await propose(fake, coop.members[0], "Mobilité", "Se déplacer.")
    old_forum = fake.channel(first.parent_id or 0)
    assert old_forum is not None
    fake.remove_channel(old_forum)
    await fake.wait_for(lambda: bot.get_channel(old_forum.id) is None, what="the deletion")
    second = await propose(fake, coop.members[1], "Logement", "Se loger.")
    assert second.parent_id not in (None, old_forum.id)
    async with session_factory(sqlite_engine)() as db:
        call = await store.call_of(db, (await proposals(sqlite_engine))[0].cycle_id)
    assert call is not None and call.forum_id == second.parent_id
    fake.inject_fault("POST", r"/channels/\d+/threads$", 403, times=1)
    refused = await submit(fake, coop.members[2], "Retraites", "Préparer sa retraite.")
    assert refused.startswith("Discord refused"), refused
    assert [p.title for p in await proposals(sqlite_engine)] == ["Mobilité", "Logement"]
