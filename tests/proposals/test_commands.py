"""`/proposal` through the fake Discord: posted in the forum the bot made for the cycle,
listed, decided on (tag, note under the post, the author told by DM)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import proposals as store
from storage.database import session_factory
from tests.clock import MovableClock
from tests.drafts.helpers import tag_names
from tests.fakediscord import FakeDiscord
from tests.proposals.helpers import decide, proposals, propose, proposing_cycle

MOBILITY = "Se déplacer pour travailler : voitures partagées, vélos, trains de nuit.\n\nUn fonds ?"


async def test_a_proposal_is_posted_in_the_forum_the_bot_made_for_the_cycle(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    coop = await proposing_cycle(fake, clock)
    author = coop.members[0]
    thread = await propose(fake, author, "Mobilité", MOBILITY)
    forum = fake.channel(thread.parent_id or 0)
    assert forum is not None and forum.type == 15
    assert forum.name == "prochaines-thématiques-2020-2021"
    assert [t["name"] for t in forum.available_tags] == [
        "proposée", "retenue pour le vote", "fusionnée", "non retenue",
    ]  # fmt: skip
    assert tag_names(fake, thread) == ["proposée"]
    starter = fake.message(thread.id)
    assert starter is not None and starter.content == MOBILITY and thread.name == "Mobilité"
    assert starter.embeds[0]["description"].startswith(f"Proposée par <@{author.id}>")
    (stored,) = await proposals(sqlite_engine)
    assert (stored.title, stored.description, stored.status, stored.thread_id, stored.created_by) == (
        "Mobilité", MOBILITY, "open", thread.id, author.id,
    )  # fmt: skip
    async with session_factory(sqlite_engine)() as db:
        call = await store.call_of(db, stored.cycle_id)
    assert call is not None and call.forum_id == forum.id and call.mode == "calendar"
    second = await propose(fake, coop.members[1], "Logement", "Se loger quand on est freelance.")
    assert second.parent_id == forum.id  # the same forum: made once
    assert sum(1 for c in fake.world.channels.values() if c.type == 15) == 3  # 2 themes + 1
    listing = await fake.slash("proposal list", user=coop.members[2], locale="en-US")
    lines = listing.text.splitlines()
    assert lines[0].startswith("🟢 Proposals are taken with /proposal new until <t:")
    assert lines[1] == "Next themes proposed in cycle 2020-2021 (2)"
    assert lines[2] == f"• **Mobilité** — proposed — 👍 0 — <#{thread.id}>"


async def test_decisions_follow_on_the_post_and_reach_the_author_by_dm(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    coop = await proposing_cycle(fake, clock)
    alice, bob, chloe = coop.members[:3]
    mobility = await propose(fake, alice, "Mobilité", MOBILITY)
    trains = await propose(fake, bob, "Trains de nuit", "Voyager la nuit pour les missions.")
    housing = await propose(fake, chloe, "Logement", "Se loger quand on est freelance.")
    first, second, third = await proposals(sqlite_engine)
    note = "Un thème large, que l'assemblée pourra préciser."
    assert await decide(fake, first.id, "shortlisted", note) == (
        "**Mobilité** is now “shortlisted”.\nIts author was told by DM."
    )
    assert tag_names(fake, mobility) == ["retenue pour le vote"]
    told = fake.messages_in(mobility.id)[-1].content
    assert told == (
        "✅ **Mobilité** est retenue pour le vote de l'assemblée générale.\n"
        f"📝 La note des organisateur·ices : {note}"
    )
    (dm,) = fake.dm_messages(alice)
    link = f"https://discord.com/channels/{fake.guild.id}/{mobility.id}"
    assert dm.content == f"Au sujet de la thématique que vous avez proposée ({link}) :\n{told}"
    merged = await decide(fake, second.id, "merged", into=first.id)
    assert merged.startswith("**Trains de nuit** is now “merged”.")
    assert tag_names(fake, trains) == ["fusionnée"]
    assert fake.messages_in(trains.id)[-1].content == (
        f"🔀 **Trains de nuit** est fusionnée avec **Mobilité** (<#{mobility.id}>) : c'est "
        "celle-ci qui continue ; soutenez-la là-bas."
    )
    chloe.dms_open = False
    declined = await decide(fake, third.id, "not_retained", "Hors du champ de la coopérative.")
    assert declined.endswith("(DMs closed, or no longer in the server): the post says it.")
    assert tag_names(fake, housing) == ["non retenue"]
    assert fake.dm_messages(chloe) == []
    stored = {p.title: (p.status, p.merged_into_id) for p in await proposals(sqlite_engine)}
    assert stored == {"Mobilité": ("shortlisted", None), "Trains de nuit": ("merged", first.id),
                      "Logement": ("not_retained", None)}  # fmt: skip
    async with session_factory(sqlite_engine)() as db:
        history = await store.decisions_of(db, first.id)
    assert [(d.status, d.note, d.decided_by) for d in history] == [
        ("shortlisted", note, fake.owner.id)
    ]
    listing = await fake.slash("proposal list", user=alice, locale="en-US",
                               options={"status": "proposal.merged"})  # fmt: skip
    assert f"• **Trains de nuit** — merged — 👍 0 — <#{trains.id}> → Mobilité" in listing.text
    assert "Logement" not in listing.text
