"""Non-members' reactions are removed and the person told once: live, and at start-up
for those added while the bot was offline — and a second restart tells nobody twice."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from storage import work as work_store
from storage.database import session_factory
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Member, Message
from tests.harness import eventually, running_bot
from tests.interest.helpers import members, open_poll, prepare, stored_votes, theme_ids

PREFIXES = ("interest_reject:", "interest_notice:")


async def refusal_items(engine: AsyncEngine) -> list[tuple[str, str]]:
    """(kind, state) of the refusal work, in the order it was planned."""
    async with session_factory(engine)() as db:
        items = [i for p in PREFIXES for i in await work_store.items(db, prefix=p)]
    return [(i.kind, i.state) for i in sorted(items, key=lambda i: i.id)]


def reacted(fake: FakeDiscord, message: Message, person: Member) -> list[str]:
    shown = fake.world.messages[message.id].reactions
    return sorted(emoji for emoji, reaction in shown.items() if person.id in reaction.users)


async def settled(engine: AsyncEngine, expected: list[tuple[str, str]]) -> None:
    async def check() -> bool:
        return await refusal_items(engine) == expected

    await eventually(check, f"refusal work to be {expected}")


async def test_non_member_reacting_while_offline_is_removed_and_told_once_at_start_up(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        annonces, societaires = await prepare(fake, clock)
        message = await open_poll(fake, annonces)
    (member,) = members(fake, 1, societaires)
    visitor = fake.add_member("visiteur")
    await fake.react(message, "1️⃣", member)  # offline from here
    await fake.react(message, "1️⃣", visitor)
    await fake.react(message, "3️⃣", visitor)
    async with running_bot(fake, sqlite_engine, clock) as bot:
        cog: Any = bot.get_cog("InterestCog")
        await fake.wait_for(lambda: cog.reconciled, what="the start-up recount")
        await fake.wait_for(lambda: not reacted(fake, message, visitor), what="the removals")
        await fake.wait_for(lambda: fake.dm_messages(visitor), what="the notice")
        await settled(sqlite_engine, [("interest_reject", "done")] * 2
                      + [("interest_notice", "done")])  # fmt: skip
        ids = await theme_ids(sqlite_engine, fake.guild.id)
        assert await stored_votes(sqlite_engine, fake.guild.id) == {member.id: {ids["1️⃣"]}}
    (notice,) = fake.dm_messages(visitor)
    assert notice.content == (
        f"Votre réaction au sondage d'intérêt sur {fake.guild.name} a été retirée : seuls les sociétaires "
        "(rôle Sociétaires) y participent. Si vous pensez que c'est une erreur, adressez-vous "
        "à l'organisation."
    )
    assert reacted(fake, message, member) == ["1️⃣"]
    async with running_bot(fake, sqlite_engine, clock) as bot:  # a second restart
        cog = bot.get_cog("InterestCog")
        await fake.wait_for(lambda: cog.reconciled, what="the second recount")
        assert await refusal_items(sqlite_engine) == [("interest_reject", "done")] * 2 + [
            ("interest_notice", "done")
        ]
    assert len(fake.dm_messages(visitor)) == 1
    assert await stored_votes(sqlite_engine, fake.guild.id) == {member.id: {ids["1️⃣"]}}


async def test_told_once_per_poll_whether_refused_live_or_at_start_up(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        annonces, _societaires = await prepare(fake, clock)
        message = await open_poll(fake, annonces)
        visitor = fake.add_member("visiteur")
        await fake.react(message, "2️⃣", visitor)  # live
        await fake.wait_for(lambda: fake.dm_messages(visitor), what="the live notice")
        await fake.wait_for(lambda: not reacted(fake, message, visitor), what="the removal")
        await settled(sqlite_engine, [("interest_reject", "done"), ("interest_notice", "done")])
    await fake.react(message, "4️⃣", visitor)  # offline
    async with running_bot(fake, sqlite_engine, clock) as bot:
        cog: Any = bot.get_cog("InterestCog")
        await fake.wait_for(lambda: cog.reconciled, what="the start-up recount")
        await fake.wait_for(lambda: not reacted(fake, message, visitor), what="the removal")
        await settled(sqlite_engine, [("interest_reject", "done"), ("interest_notice", "done"),
                                            ("interest_reject", "done")])  # fmt: skip
    assert len(fake.dm_messages(visitor)) == 1
    assert await stored_votes(sqlite_engine, fake.guild.id) == {}
