"""`/assembly open source:` through the fake Discord: the ballot is the members' own
shortlisted proposals (most endorsed first), and the cycle's themes to prolong if asked;
each option keeps a link to its proposal's post or its theme."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import assembly as store
from storage import cycles, themes
from storage.database import session_factory
from tests.assembly.test_commands import vote_message
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel
from tests.harness import eventually
from tests.proposals.helpers import decide, endorsers, proposals, propose, proposing_cycle

PROPOSED = {
    "Mobilité": "Se déplacer pour travailler : voitures partagées, vélos, trains de nuit.",
    "Logement": "Se loger quand on est freelance et que les banques hésitent.",
    "Retraites": "Préparer sa retraite avec des revenus irréguliers.",
}


async def open_from(fake: FakeDiscord, source: str, **extra: str) -> str:
    res = await fake.slash(
        "assembly open", user=fake.owner, locale="en-US",
        options={"title": "Thématiques 2021-2022", "deadline": "12/06/2021 18h00",
                 "source": f"source.{source}", **extra},
    )  # fmt: skip
    assert res.ephemeral
    return res.text


async def shortlisted_three(
    fake: FakeDiscord, clock: MovableClock, engine: AsyncEngine
) -> tuple[Channel, dict[str, Channel]]:
    """Three proposals: Logement endorsed by 3 members and Retraites by 1, both
    shortlisted (Retraites first); Mobilité not retained."""
    coop = await proposing_cycle(fake, clock)
    posts = {
        title: await propose(fake, coop.members[i], title, text)
        for i, (title, text) in enumerate(PROPOSED.items())
    }
    mobility, housing, pensions = await proposals(engine)
    for post, people in (
        (posts["Logement"], coop.members[:3]),
        (posts["Retraites"], coop.members[3:4]),
    ):
        starter = fake.message(post.id)
        assert starter is not None
        for person in people:
            await fake.react(starter, "👍", person)

    async def counted() -> bool:
        return [len(await endorsers(engine, p.id)) for p in (housing, pensions)] == [3, 1]

    await eventually(counted, "the endorsements to be stored")
    await decide(fake, pensions.id, "shortlisted")
    await decide(fake, housing.id, "shortlisted")
    await decide(fake, mobility.id, "not_retained")
    return coop.annonces, posts


async def test_the_ballot_is_exactly_the_shortlist_with_links_to_the_posts(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, posts = await shortlisted_three(fake, clock, sqlite_engine)
    assert (await open_from(fake, "shortlist")).startswith("Vote posted in")
    message = vote_message(fake, annonces)
    lines = [
        line for line in message.embeds[0]["description"].splitlines() if line.startswith("**")
    ]
    assert lines == [
        f"**1.** Logement — <#{posts['Logement'].id}>",
        f"**2.** Retraites — <#{posts['Retraites'].id}>",
    ]
    menu = message.components[0]["components"][0]
    assert [o["label"] for o in menu["options"]] == ["Logement", "Retraites"]
    _mobility, housing, pensions = await proposals(sqlite_engine)
    async with session_factory(sqlite_engine)() as db:
        (vote,) = await store.votes_of(db, fake.guild.id)
        sources = await store.sources_of(db, vote.id)
    assert store.options_of(vote) == ["Logement", "Retraites"]
    assert [(s.position, s.proposal_id, s.theme_id) for s in sources.values()] == [
        (0, housing.id, None), (1, pensions.id, None),
    ]  # fmt: skip
    closed = await fake.slash("assembly close", user=fake.owner, options={"vote": f"#{vote.id}"})
    assert (closed.content or "").startswith("Le vote « Thématiques 2021-2022 » est clos")
    card = vote_message(fake, annonces).embeds[0]["description"]
    assert "Le vote s'est clos" in card and f"**1.** Logement — <#{posts['Logement'].id}>" in card


async def test_with_the_themes_to_prolong_and_options_typed_after_them(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, _posts = await shortlisted_three(fake, clock, sqlite_engine)
    await open_from(fake, "shortlist_themes", options="Autre chose")
    async with session_factory(sqlite_engine)() as db:
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None
        current = await themes.themes_of(db, cycle.id)
        (vote,) = await store.votes_of(db, fake.guild.id)
        sources = await store.sources_of(db, vote.id)
    assert store.options_of(vote) == [
        "Logement", "Retraites", "Prolonger : Accompagnement", "Prolonger : Égalité de genre",
        "Autre chose",
    ]  # fmt: skip
    assert [sources[i].theme_id for i in (2, 3)] == [t.id for t in current]
    assert 4 not in sources  # typed: from nowhere
    card = vote_message(fake, annonces).embeds[0]["description"]
    assert f"**3.** Prolonger : Accompagnement — <#{current[0].info_channel_id}>" in card
    assert "**5.** Autre chose\n" in card


async def test_a_ballot_from_the_cycle_is_refused_when_it_cannot_be_made(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    coop = await proposing_cycle(fake, clock)
    await propose(fake, coop.members[0], "Mobilité", PROPOSED["Mobilité"])
    (mobility,) = await proposals(sqlite_engine)
    assert (await open_from(fake, "shortlist")).startswith("No proposal is shortlisted yet")
    await decide(fake, mobility.id, "shortlisted")
    assert (await open_from(fake, "shortlist")).startswith(
        "The ballot would hold fewer than 2 options"
    )
    res = await fake.slash("assembly open", user=fake.owner, locale="en-US",
                           options={"title": "Thématiques", "deadline": "12/06/2021 18h00"})  # fmt: skip
    assert res.ephemeral and res.text.startswith("Give the options, separated by semicolons")
    many = "; ".join(f"Option {i}" for i in range(25))
    assert (await open_from(fake, "shortlist", options=many)).startswith("26 options is too many")
    async with session_factory(sqlite_engine)() as db:
        assert await store.votes_of(db, fake.guild.id) == []
    assert not [m for m in fake.messages_in(coop.annonces.id) if m.embeds and
                m.embeds[0]["title"].startswith("🗳️")]  # fmt: skip
