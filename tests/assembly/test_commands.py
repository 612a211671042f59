"""The general assembly's vote through the fake Discord: ballots by select menu, secret
until the close, results equal to an independent count, persistent across a restart."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit.work import WAKER
from storage import assembly as store
from storage import work as work_store
from storage.database import session_factory
from storage.models import WorkItem
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel, Member, Message, Role
from tests.harness import running_bot

NOW = datetime(2021, 5, 20, 10, 0, tzinfo=UTC)
DEADLINE = datetime(2021, 6, 12, 16, 0, tzinfo=UTC)  # 18:00 in Paris
THEMES = ["Accompagnement", "Horizon post-crise", "Égalité de genre", "Modèle économique"]
APPROVAL_LINE = re.compile(r"^\*\*(\d+)\.\*\* (.+) — (\d+) approbation\(s\)$")
RANKED_LINE = re.compile(
    r"^\*\*(\d+)\.\*\* (.+) — (\d+) point\(s\) · premier choix de (\d+) · classée par (\d+)$"
)


async def prepare(fake: FakeDiscord, clock: MovableClock) -> tuple[Channel, Role]:
    clock.set(NOW)
    annonces = fake.add_text_channel("annonces")
    societaires = fake.add_role("Sociétaires")
    await fake.slash("setup channel", user=fake.owner, options={"announcements": annonces})
    await fake.slash("setup roles", user=fake.owner, options={"member": societaires})
    return annonces, societaires


async def open_vote(
    fake: FakeDiscord, annonces: Channel, method: str, options: list[str] = THEMES
) -> tuple[Message, int]:
    res = await fake.slash(
        "assembly open",
        user=fake.owner,
        options={"title": "Thématiques 2021-2022", "options": "; ".join(options),
                 "deadline": "12/06/2021 18h00", "method": method},
    )  # fmt: skip
    assert res.ephemeral and (res.content or "").startswith("Vote publié dans"), res.content
    message = vote_message(fake, annonces)
    custom_id = message.components[0]["components"][0]["custom_id"]
    return message, int(custom_id.split(":")[2])


def vote_message(fake: FakeDiscord, annonces: Channel) -> Message:
    (message,) = [
        m
        for m in fake.messages_in(annonces.id)
        if m.embeds and m.embeds[0]["title"].startswith("🗳️ Vote de l'assemblée")
    ]
    return fake.world.messages[message.id]


def results_lines(fake: FakeDiscord, annonces: Channel) -> list[str]:
    posts = [
        m
        for m in fake.messages_in(annonces.id)
        if m.embeds and m.embeds[0]["title"].startswith("Résultats : ")
    ]
    assert len(posts) == 1, "the results are posted once"
    return "\n".join(e["description"] for e in posts[0].embeds).splitlines()


def members(fake: FakeDiscord, count: int, role: Role) -> list[Member]:
    return [fake.add_member(f"m{i}", roles=[role]) for i in range(count)]


async def stored_ballots(engine: AsyncEngine, vote_id: int) -> int:
    async with session_factory(engine)() as db:
        return await store.count_ballots(db, vote_id)


def approval_count(ballots: dict[int, set[int]], n: int) -> list[tuple[str, int]]:
    counts = [sum(i in chosen for chosen in ballots.values()) for i in range(n)]
    order = sorted(range(n), key=lambda i: (-counts[i], i))
    return [(THEMES[i], counts[i]) for i in order]


def borda_count(ballots: dict[int, list[int]], n: int) -> list[tuple[str, int, int, int]]:
    points, firsts, named = [0] * n, [0] * n, [0] * n
    for ranking in ballots.values():
        for position, option in enumerate(ranking):
            points[option] += n - 1 - position
            named[option] += 1
        firsts[ranking[0]] += 1
    order = sorted(range(n), key=lambda i: (-points[i], -firsts[i], -named[i], i))
    return [(THEMES[i], points[i], firsts[i], named[i]) for i in order]


async def test_approval_vote_of_100_members_with_changes_of_mind(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message, vote_id = await open_vote(fake, annonces, "approval")
    card = list(message.embeds)
    approve, mine = f"sip:av:{vote_id}:approve", f"sip:av:{vote_id}:mine"
    chance = random.Random(2021)
    expected: dict[int, set[int]] = {}
    people = members(fake, 100, societaires)
    for person in people:
        chosen = set(chance.sample(range(4), chance.randint(1, 4)))
        res = await fake.click(message, approve, user=person, values=sorted(chosen))
        assert res.ephemeral and (res.content or "").startswith("**Votre bulletin**")
        expected[person.id] = chosen
        if chance.random() < 0.25:  # changes their mind
            chosen = set(chance.sample(range(4), chance.randint(1, 4)))
            await fake.click(message, approve, user=person, values=sorted(chosen))
            expected[person.id] = chosen
    for person in people[:3]:  # withdraws
        shown = await fake.click(message, mine, user=person)
        assert shown.ephemeral and shown.message is not None
        assert all(THEMES[i] in (shown.content or "") for i in expected[person.id])
        gone = await fake.click(shown.message, f"sip:av:{vote_id}:withdraw", user=person)
        assert (gone.content or "").startswith("Votre bulletin est retiré")
        del expected[person.id]
    for outsider in (fake.add_member("visiteur"), fake.add_member("robot", bot=True)):
        refused = await fake.click(message, approve, user=outsider, values=[0])
        assert refused.ephemeral and (refused.content or "").startswith("Seuls les sociétaires")
    assert await stored_ballots(sqlite_engine, vote_id) == len(expected) == 97

    # before the close: nothing to see for members, a count for organisers, a still card
    assert vote_message(fake, annonces).embeds == card
    hidden = await fake.slash("assembly results", user=people[50], options={"vote": f"#{vote_id}"})
    assert hidden.ephemeral and (hidden.content or "").startswith(
        "Les résultats restent cachés jusqu'à la clôture du vote"
    )
    assert "97" not in hidden.text and not hidden.embeds
    counts = await fake.slash("assembly results", user=fake.owner, options={"vote": f"#{vote_id}"})
    assert (counts.content or "").startswith("97 bulletin(s) déposé(s) pour l'instant.")
    assert not any(t in counts.text for t in THEMES)

    # the deadline passes: refused even before the scheduler wakes, then closed once
    scheduler = bot.services.scheduler
    assert scheduler is not None
    await fake.wait_for(lambda: scheduler.planned(WAKER) == DEADLINE, what="the close plan")
    clock.set(DEADLINE)
    late = await fake.click(message, approve, user=people[10], values=[0, 1, 2, 3])
    assert (late.content or "").startswith("Ce vote s'est clos")
    await scheduler.clock_moved()
    lines = results_lines(fake, annonces)
    shown_counts = [
        (m[2], int(m[3])) for m in (APPROVAL_LINE.match(line) for line in lines) if m is not None
    ]
    assert shown_counts == approval_count(expected, 4)
    assert "97 bulletin(s) déposé(s)." in lines
    assert vote_message(fake, annonces).components == []
    await scheduler.clock_moved()
    assert len(results_lines(fake, annonces)) == len(lines)
    after = await fake.slash("assembly results", user=people[50], options={"vote": f"#{vote_id}"})
    assert after.ephemeral and after.embeds[0]["description"].splitlines() == lines
    assert await stored_ballots(sqlite_engine, vote_id) == 97


async def test_ranked_vote_of_100_members_with_changes_of_mind(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message, vote_id = await open_vote(fake, annonces, "ranked")
    chance = random.Random(1921)
    expected: dict[int, list[int]] = {}
    ballot_of: dict[int, Message] = {}
    people = {p.id: p for p in members(fake, 100, societaires)}
    for person in people.values():
        opened = await fake.click(message, f"sip:av:{vote_id}:rank", user=person)
        assert opened.ephemeral and opened.message is not None
        assert (opened.content or "").startswith("Vous n'avez encore rien classé")
        ballot = ballot_of[person.id] = opened.message
        ranking = chance.sample(range(4), chance.randint(1, 4))
        for option in ranking:
            res = await fake.click(ballot, f"sip:av:{vote_id}:next", user=person, values=[option])
        assert f"1. {THEMES[ranking[0]]}" in (res.content or "")
        if chance.random() < 0.2 and len(ranking) > 1:  # takes the last choice back
            await fake.click(ballot, f"sip:av:{vote_id}:undo", user=person)
            ranking.pop()
        if chance.random() < 0.15:  # starts over with another order
            await fake.click(ballot, f"sip:av:{vote_id}:restart", user=person)
            ranking = chance.sample(range(4), chance.randint(1, 4))
            for option in ranking:
                await fake.click(ballot, f"sip:av:{vote_id}:next", user=person, values=[option])
        expected[person.id] = ranking
    assert await stored_ballots(sqlite_engine, vote_id) == 100
    hidden = await fake.slash("assembly results", user=fake.add_member("x", roles=[societaires]),
                              options={"vote": f"#{vote_id}"})  # fmt: skip
    assert (hidden.content or "").startswith("Les résultats restent cachés")
    closed = await fake.slash("assembly close", user=fake.owner, options={"vote": f"#{vote_id}"})
    assert closed.content == (
        "Le vote « Thématiques 2021-2022 » est clos ; les résultats sont publiés en dessous."
    )
    lines = results_lines(fake, annonces)
    shown = [
        (m[2], int(m[3]), int(m[4]), int(m[5]))
        for m in (RANKED_LINE.match(line) for line in lines)
        if m is not None
    ]
    assert shown == borda_count(expected, 4)
    assert sum(points for _, points, _, _ in shown) <= 100 * 6
    assert "100 bulletin(s) déposé(s)." in lines
    # after the close ballots cannot change, even from a ballot message still open
    someone, ballot = next(iter(ballot_of.items()))
    member = people[someone]
    for custom_id, values in (("undo", None), ("restart", None)):
        late = await fake.click(ballot, f"sip:av:{vote_id}:{custom_id}", user=member, values=values)
        assert (late.content or "").startswith("Ce vote s'est clos")
    async with session_factory(sqlite_engine)() as db:
        assert await store.ballot_of(db, vote_id, someone) == expected[someone]
    again = await fake.slash("assembly close", user=fake.owner, options={"vote": f"#{vote_id}"})
    assert (again.content or "").startswith("Le vote « Thématiques 2021-2022 » est déjà clos")


async def test_ballots_and_components_survive_a_restart(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    expected: dict[int, list[int]] = {}
    async with running_bot(fake, sqlite_engine, clock):
        annonces, societaires = await prepare(fake, clock)
        message, vote_id = await open_vote(fake, annonces, "ranked")
        people = members(fake, 12, societaires)
        for n, person in enumerate(people[:6]):
            opened = await fake.click(message, f"sip:av:{vote_id}:rank", user=person)
            assert opened.message is not None
            await fake.click(opened.message, f"sip:av:{vote_id}:next", user=person, values=[n % 4])
            expected[person.id] = [n % 4]
        keeps_open = opened.message
    assert keeps_open is not None
    async with running_bot(fake, sqlite_engine, clock) as bot:
        assert await stored_ballots(sqlite_engine, vote_id) == 6
        # the ballot message opened before the restart still works
        last = people[5]
        await fake.click(keeps_open, f"sip:av:{vote_id}:next", user=last, values=[(5 + 1) % 4])
        expected[last.id].append((5 + 1) % 4)
        for n, person in enumerate(people[6:]):
            opened = await fake.click(message, f"sip:av:{vote_id}:rank", user=person)
            assert opened.message is not None
            expected[person.id] = [3 - n % 4, n % 4]
            for option in expected[person.id]:
                await fake.click(
                    opened.message, f"sip:av:{vote_id}:next", user=person, values=[option]
                )
        mine = await fake.click(message, f"sip:av:{vote_id}:mine", user=last)
        assert f"1. {THEMES[1]}\n2. {THEMES[2]}" in (mine.content or "")
        scheduler = bot.services.scheduler
        assert scheduler is not None
        await fake.wait_for(lambda: scheduler.planned(WAKER) == DEADLINE, what="the plan")
        clock.set(DEADLINE)
        await scheduler.clock_moved()
        lines = results_lines(fake, annonces)
        shown = [
            (m[2], int(m[3]), int(m[4]), int(m[5]))
            for m in (RANKED_LINE.match(line) for line in lines)
            if m is not None
        ]
        assert shown == borda_count(expected, 4)
        assert "12 bulletin(s) déposé(s)." in lines


async def test_bad_input_stores_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    clock.set(NOW)
    base = {"title": "AG 2021", "options": "A; B", "deadline": "12/06/2021 18h00"}
    no_channel = await fake.slash("assembly open", user=fake.owner, options=base, locale="en-US")
    assert no_channel.content == (
        "No announcements channel to post the vote in: set it with /setup channel, "
        "then open the vote again."
    )
    annonces, societaires = await prepare(fake, clock)
    cases = [
        ({"options": "Accompagnement; Égalité; accompagnement "},
         "“accompagnement” is given twice. Each option must be different (case does not count)."),
        ({"options": "; ".join(f"Theme {i}" for i in range(26))},
         "26 options is too many: a vote holds at most 25. Merge or drop some."),
        ({"options": "Only one"},
         "Give at least 2 options, separated by semicolons: Theme A; Theme B; Theme C."),
        ({"deadline": "01/05/2021 18h00"}, "“01/05/2021 18h00” is in the past."),
        ({"deadline": "someday"}, "“someday” is not a date I can read."),
    ]  # fmt: skip
    for change, text in cases:
        res = await fake.slash(
            "assembly open", user=fake.owner, options={**base, **change}, locale="en-US"
        )
        assert res.ephemeral and (res.content or "").startswith(text), res.content
    member = fake.add_member("sacha", roles=[societaires])
    refused = await fake.slash("assembly open", user=member, options=base, locale="en-US")
    assert (refused.content or "").startswith("This command is for organisers")
    refused = await fake.slash("assembly close", user=member, options={"vote": "#1"})
    assert (refused.content or "").startswith("Cette commande est réservée")
    assert fake.messages_in(annonces.id) == []
    async with session_factory(sqlite_engine)() as db:
        assert await store.votes_of(db, fake.guild.id) == []
    unknown = await fake.slash("assembly results", user=member, options={"vote": "#42"})
    assert unknown.content == "Je ne connais aucun vote « 42 ». Choisissez-en un dans la liste."
    _message, vote_id = await open_vote(fake, annonces, "approval", ["A", "B", "C"])
    choices = await fake.autocomplete("assembly results", focused="vote", value="thém", user=member)
    assert choices == [{"name": "Thématiques 2021-2022 — ouvert", "value": f"#{vote_id}"}]


async def closing(engine: AsyncEngine, vote_id: int) -> WorkItem:
    async with session_factory(engine)() as db:
        item = await work_store.get(db, f"assembly_close:{vote_id}")
    assert item is not None
    return item


async def test_a_vote_whose_channel_was_deleted_still_closes_once(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message, vote_id = await open_vote(fake, annonces, "approval")
    await fake.click(message, f"sip:av:{vote_id}:approve", user=members(fake, 1, societaires)[0],
                     values=[1])  # fmt: skip
    scheduler = bot.services.scheduler
    assert scheduler is not None
    await fake.wait_for(lambda: scheduler.planned(WAKER) == DEADLINE, what="the close plan")
    fake.remove_channel(annonces)
    clock.set(DEADLINE)
    await scheduler.clock_moved()
    item = await closing(sqlite_engine, vote_id)
    assert (item.state, item.result_id, item.note) == (
        "done", None, "closed; results not posted (Discord 404)",
    )  # fmt: skip
    assert scheduler.planned(WAKER) is None  # closed for good: no retry loop
    async with session_factory(sqlite_engine)() as db:
        vote = await store.get(db, vote_id)
    assert vote is not None and (vote.status, vote.closed_at) == ("closed", DEADLINE)
    res = await fake.slash("assembly results", user=fake.owner, options={"vote": f"#{vote_id}"})
    assert res.ephemeral and res.embeds[0]["title"].startswith("Résultats : ")
    assert "1 bulletin(s) déposé(s)." in res.embeds[0]["description"]


async def test_closing_now_while_discord_fails_stops_ballots_and_posts_the_results_later_once(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message, vote_id = await open_vote(fake, annonces, "ranked")
    voter = members(fake, 1, societaires)[0]
    ballot = (await fake.click(message, f"sip:av:{vote_id}:rank", user=voter)).message
    assert ballot is not None
    await fake.click(ballot, f"sip:av:{vote_id}:next", user=voter, values=[2])
    fake.inject_fault("POST", rf"/channels/{annonces.id}/messages$", 503, times=1)
    res = await fake.slash("assembly close", user=fake.owner, options={"vote": f"#{vote_id}"})
    assert res.content == (
        "Le vote « Thématiques 2021-2022 » est clos ; Discord n'a pas répondu, "
        "les résultats seront publiés dans un instant."
    )
    late = await fake.click(ballot, f"sip:av:{vote_id}:next", user=voter, values=[0])
    assert (late.content or "").startswith("Ce vote s'est clos")  # closed before the results
    item = await closing(sqlite_engine, vote_id)
    assert (item.state, item.attempts, item.next_at) == ("pending", 1, NOW + timedelta(seconds=30))
    scheduler = bot.services.scheduler
    assert scheduler is not None
    await fake.wait_for(
        lambda: scheduler.planned(WAKER) == NOW + timedelta(seconds=30), what="the retry plan"
    )
    again = await fake.slash("assembly close", user=fake.owner, options={"vote": f"#{vote_id}"})
    assert (again.content or "").startswith("Le vote « Thématiques 2021-2022 » est déjà clos")
    clock.set(NOW + timedelta(seconds=30))
    await scheduler.clock_moved()
    lines = results_lines(fake, annonces)  # posted once
    assert "1 bulletin(s) déposé(s)." in lines
    (attempts,) = fake.posts_by_nonce("sipw").values()
    assert len(attempts) == 2  # the failed try and the retry carried the same nonce
    item = await closing(sqlite_engine, vote_id)
    assert (item.state, item.result_id) == ("done", fake.messages_in(annonces.id)[-1].id)
