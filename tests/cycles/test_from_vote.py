"""`/cycle create from_vote:` through the fake Discord: from the members' proposals to the
assembly's vote to the next cycle, whose themes are the winners with their Discord spaces,
a prolonged theme linking to its history (the previous forum and synthesis post)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import cycles, synthesis, themes
from storage.database import session_factory
from storage.models import Theme
from tests.assembly.test_commands import vote_message
from tests.clock import MovableClock
from tests.drafts.helpers import add_group, drafts, theme_of, write_draft
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Member
from tests.proposals.helpers import Cooperative, decide, proposals, propose, proposing_cycle

AFTER = datetime(2021, 6, 20, 10, 0, tzinfo=UTC)
PROPOSED = {
    "Mobilité": "Se déplacer pour travailler : voitures partagées, vélos, trains de nuit.",
    "Logement": "Se loger quand on est freelance et que les banques hésitent.",
}


@dataclass
class Voted:
    coop: Cooperative
    vote_id: int
    synthesis_thread: int
    old: dict[str, Theme]


async def vote_on(fake: FakeDiscord, coop: Cooperative, ballots: list[list[int]]) -> int:
    """The assembly opened from the shortlist and the themes to prolong; `ballots` cast."""
    res = await fake.slash(
        "assembly open", user=fake.owner,
        options={"title": "Thématiques 2021-2022", "deadline": "12/06/2021 18h00",
                 "source": "source.shortlist_themes"},
    )  # fmt: skip
    assert (res.content or "").startswith("Vote publié"), res.content
    message = vote_message(fake, coop.annonces)
    vote_id = int(message.components[0]["components"][0]["custom_id"].split(":")[2])
    for person, chosen in zip(coop.members, ballots, strict=False):
        await fake.click(message, f"sip:av:{vote_id}:approve", user=person, values=chosen)
    closed = await fake.slash("assembly close", user=fake.owner, options={"vote": f"#{vote_id}"})
    assert (closed.content or "").startswith("Le vote « Thématiques 2021-2022 » est clos")
    return vote_id


async def through_the_year(
    fake: FakeDiscord, clock: MovableClock, engine: AsyncEngine, ballots: list[list[int]]
) -> Voted:
    """Proposals, a synthesis for Égalité de genre, the vote on
    [Mobilité, Logement, Prolonger : Accompagnement, Prolonger : Égalité de genre]."""
    coop = await proposing_cycle(fake, clock, size=8)
    equality = await theme_of(engine, "Égalité de genre")
    group = await add_group(fake, engine, equality, "100% visio 1", region=None, at=clock.now())
    await write_draft(fake, group, group.members[2], "Des salaires publiés", "Publier les grilles.")
    (draft,) = await drafts(engine)
    await fake.slash("draft status", user=group.facilitator, channel=group.channel,
                     options={"draft": f"#{draft.id}", "status": "status.open"})  # fmt: skip
    built = await fake.slash(
        "synthesis build", user=fake.owner, options={"theme": f"#{equality.id}"}
    )
    assert "<#" in (built.content or ""), built.content
    for i, (title, text) in enumerate(PROPOSED.items()):
        await propose(fake, coop.members[i], title, text)
    await propose(fake, coop.members[2], "Retraites", "Préparer sa retraite.")
    mobility, housing, pensions = await proposals(engine)
    await decide(fake, mobility.id, "shortlisted")
    await decide(fake, housing.id, "shortlisted")
    await decide(fake, pensions.id, "not_retained")
    vote_id = await vote_on(fake, coop, ballots)
    async with session_factory(engine)() as db:
        (made,) = await synthesis.of_cycle(db, equality.cycle_id)
        old = {t.title: t for t in await themes.themes_of(db, equality.cycle_id)}
    assert made.thread_id is not None
    return Voted(coop, vote_id, made.thread_id, old)


async def create_from(fake: FakeDiscord, vote_id: int, user: Member | None = None,
                      **extra: object) -> str:  # fmt: skip
    res = await fake.slash("cycle create", user=user or fake.owner, locale="en-US",
                           options={"name": "2021-2022", "from_vote": f"#{vote_id}", **extra})  # fmt: skip
    assert res.ephemeral
    return "\n".join([res.content or "", *(m.content or "" for m in res.followups[1:])])


def card_fields(fake: FakeDiscord, theme: Theme) -> dict[str, str]:
    card = fake.message(theme.info_message_id or 0)
    assert card is not None and card.pinned
    return {f["name"]: f["value"] for f in card.embeds[0].get("fields", [])}


async def test_the_winners_become_the_next_cycles_themes_with_their_spaces_and_history(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    # Logement 5, Prolonger : Égalité 4, Mobilité 3, Prolonger : Accompagnement 1
    ballots = [[1, 3], [1, 3, 0], [1, 3, 0], [1, 3], [1, 0, 2]]
    voted = await through_the_year(fake, clock, sqlite_engine, ballots)
    clock.set(AFTER)
    told = await create_from(fake, voted.vote_id)
    async with session_factory(sqlite_engine)() as db:
        current = await cycles.open_cycle(db, fake.guild.id)
        assert current is not None and current.name == "2021-2022"
        new = await themes.themes_of(db, current.id)
        previous = await cycles.cycle_named(db, fake.guild.id, "2020-2021")
    assert previous is not None and previous.status == "closed"
    assert [(t.title, t.prolonged, t.prolonged_from) for t in new] == [  # two, as 2020-2021 had
        ("Logement", False, None),
        ("Égalité de genre", True, voted.old["Égalité de genre"].id),
    ]
    housing, equality = new
    assert housing.description == PROPOSED["Logement"]
    assert equality.description == voted.old["Égalité de genre"].description
    for theme in new:  # the spaces /theme add makes
        category, forum = fake.channel(theme.category_id or 0), fake.channel(theme.forum_id or 0)
        info = fake.channel(theme.info_channel_id or 0)
        assert category is not None and category.type == 4
        assert category.name == f"{theme.emoji} {theme.title}"
        assert forum is not None and forum.type == 15 and forum.parent_id == category.id
        assert info is not None and info.parent_id == category.id
        assert fake.guild.roles[theme.role_id or 0].name == theme.title
        line = (f"{theme.emoji} **{theme.title}** — <#{info.id}> · <#{forum.id}> · "
                f"<@&{theme.role_id}>")  # fmt: skip
        assert line in told, told
    (post,) = [p for p in await proposals(sqlite_engine) if p.title == "Logement"]
    assert card_fields(fake, housing)["En savoir plus"] == (
        f"https://discord.com/channels/{fake.guild.id}/{post.thread_id}"
    )
    history = card_fields(fake, equality)["Historique (2020-2021)"]
    old_forum = voted.old["Égalité de genre"].forum_id
    assert history == f"recommandations <#{old_forum}> · synthèse <#{voted.synthesis_thread}>"
    assert told.startswith("Cycle **2021-2022** created from the vote “Thématiques 2021-2022”")
    assert (
        "Cycle 2020-2021 is closed" in told and "(prolonged: its card links to its history)" in told
    )


async def test_as_many_themes_as_asked_and_a_tie_at_the_cut_is_said(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    # Mobilité 3, Logement 2, Prolonger : Accompagnement 2, Prolonger : Égalité 0
    ballots = [[0, 1], [0, 2], [0, 1, 2]]
    voted = await through_the_year(fake, clock, sqlite_engine, ballots)
    clock.set(AFTER)
    told = await create_from(fake, voted.vote_id, themes=2)
    assert "⚖️ The last theme taken had as many approvals as the next one" in told
    async with session_factory(sqlite_engine)() as db:
        current = await cycles.open_cycle(db, fake.guild.id)
        assert current is not None
        assert [t.title for t in await themes.themes_of(db, current.id)] == ["Mobilité", "Logement"]
    clock.set(datetime(2022, 6, 20, 10, 0, tzinfo=UTC))
    again = await fake.slash("cycle create", user=fake.owner, locale="en-US",
                             options={"name": "2022-2023", "from_vote": f"#{voted.vote_id}",
                                      "themes": 19})  # fmt: skip
    assert "Fewer options were supported than the 19 themes asked" in again.text
    async with session_factory(sqlite_engine)() as db:
        latest = await cycles.open_cycle(db, fake.guild.id)
        assert latest is not None and latest.name == "2022-2023"
        made = await themes.themes_of(db, latest.id)
    assert [t.title for t in made] == ["Mobilité", "Logement", "Accompagnement"]
    assert made[2].prolonged_from == voted.old["Accompagnement"].id


async def test_a_cycle_from_a_vote_is_refused_clearly_and_nothing_changes(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    coop = await proposing_cycle(fake, clock)
    for title in ("Vide", "En cours"):
        res = await fake.slash("assembly open", user=fake.owner, options={
            "title": title, "options": "A; B", "deadline": "12/06/2021 18h00"})  # fmt: skip
        assert (res.content or "").startswith("Vote publié"), res.content
    empty_id, running_id = 1, 2
    await fake.slash("assembly close", user=fake.owner, options={"vote": f"#{empty_id}"})
    channels = len(fake.world.channels)
    refusals = {
        "#99": "I know no assembly vote “99”. Pick a closed one from the list.",
        f"#{running_id}": "The vote “En cours” is still open: close it with /assembly close",
        f"#{empty_id}": "No option of the vote “Vide” got a single vote",
    }
    for value, expected in refusals.items():
        assert (await create_from(fake, int(value[1:]))).startswith(expected)
    plain = await fake.slash("cycle create", user=fake.owner, locale="en-US",
                             options={"name": "2021-2022", "themes": 3})  # fmt: skip
    assert plain.ephemeral and plain.text.startswith("The option themes says how many themes")
    member = await fake.slash("cycle create", user=coop.members[0], locale="en-US",
                              options={"name": "2021-2022", "from_vote": f"#{empty_id}"})  # fmt: skip
    assert member.ephemeral and "organiser" in member.text
    choices = await fake.autocomplete("cycle create", focused="from_vote",
                                      options={"name": "2021-2022"})  # fmt: skip
    assert [c["value"] for c in choices] == [f"#{empty_id}"]  # closed votes only
    async with session_factory(sqlite_engine)() as db:
        current = await cycles.open_cycle(db, fake.guild.id)
        assert current is not None and current.name == "2020-2021"
        assert await cycles.cycle_named(db, fake.guild.id, "2021-2022") is None
    assert len(fake.world.channels) == channels


async def test_a_cycle_closed_by_hand_first_still_gives_its_number_of_themes(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    voted = await through_the_year(fake, clock, sqlite_engine, [[0, 1, 2], [1, 3], [1]])
    clock.set(AFTER)
    asked = await fake.slash("cycle close", user=fake.owner, locale="en-US")
    assert asked.message is not None
    await fake.click(asked.message, "sip:cycle:close:yes", user=fake.owner, locale="en-US")
    told = await create_from(fake, voted.vote_id)
    assert "is closed" not in told  # nothing was open to close
    async with session_factory(sqlite_engine)() as db:
        current = await cycles.open_cycle(db, fake.guild.id)
        assert current is not None and current.name == "2021-2022"
        titles = [t.title for t in await themes.themes_of(db, current.id)]
    assert titles == ["Logement", "Mobilité"]  # 3 and 1 votes, ties broken by order given
