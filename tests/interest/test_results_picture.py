"""The interest poll's results as a picture, through the fake: `/interest results` and the
closing post attach it (read back by Pillow), its alt text lists every theme's figures,
and a closing retried with its nonce still posts one message with one picture."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.interest.jobs import key
from bot.kit.charts.model import BLUE, GREEN, MUTED, ORANGE
from storage import interest
from storage import work as work_store
from storage.database import session_factory
from storage.models.work import WorkItem
from tests.charts.images import count_near, keep, png
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel, Message
from tests.interest.helpers import DEADLINE, NOW, eventually_equal, open_poll, prepare, theme_ids
from tests.interest.test_closing import closing_item, results_in

# who answers: (office, mode) or None without a profile, and the themes' emojis
PEOPLE = {
    "anne": (("Rennes", "in_person"), ["1️⃣", "2️⃣"]),
    "bram": (("Nantes", "online"), ["1️⃣"]),
    "chloé": (("Lyon", "either"), ["1️⃣", "3️⃣"]),
    "daan": (("Gent", "in_person"), ["2️⃣"]),
    "emma": (("Paris", "online"), ["1️⃣"]),
    "fred": (None, ["1️⃣", "4️⃣"]),
}
FIGURES_FR = [
    "Répondants par thématique, par région et par mode : 6 sociétaires ont répondu.",
    "Accompagnement : 5 (Centre-Est 1, Ouest 2, Île-de-France 1, sans bureau 1 ; "
    "en présentiel 1, en visio 2, indifférent 1, sans profil 1).",
    "Horizon post-crise : 2 (Ouest 1, Vlaanderen 1 ; en présentiel 2).",
    "Égalité de genre : 1 (Centre-Est 1 ; indifférent 1).",
    "Modèle économique : 1 (sans bureau 1 ; sans profil 1).",
]


async def answered(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, engine: AsyncEngine
) -> Channel:
    annonces, societaires = await prepare(fake, clock)
    message: Message = await open_poll(fake, annonces)
    ids = await theme_ids(engine, fake.guild.id)
    expected: dict[int, set[int]] = {}
    for name, (profile, emojis) in PEOPLE.items():
        member = fake.add_member(name, roles=[societaires])
        for emoji in emojis:
            await fake.react(message, emoji, member)
        expected[member.id] = {ids[e] for e in emojis}
        if profile is not None:
            async with session_factory(engine)() as db, db.begin():
                office, mode = profile
                await interest.save_profile(
                    db, fake.guild.id, member.id, NOW, office=office, mode=mode
                )
    await eventually_equal(bot, engine, fake.guild.id, expected)
    return annonces


async def test_results_come_with_respondents_per_theme_by_region_and_by_mode(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await answered(fake, bot, clock, sqlite_engine)
    res = await fake.slash("interest results", user=fake.owner, locale="fr")
    assert res.ephemeral and res.embeds[0]["title"] == "Résultats du sondage d'intérêt"
    (file,) = res.files
    assert file.filename == "interest-results.png"
    image = png(file.data)
    assert image.size == (1000, 200 + 44 * 4)
    for colour in (BLUE, ORANGE, GREEN, MUTED):
        assert count_near(image, colour) > 300, colour
    keep("interest-results.png", file.data)
    assert file.description == " ".join(FIGURES_FR)
    # one theme asked for: one row
    only = await fake.slash(
        "interest results", user=fake.owner, locale="en-US", options={"theme": "Égalité de genre"}
    )
    (one,) = only.files
    assert png(one.data).size == (1000, 200 + 44)
    assert one.description == (
        "Respondents per theme, by region and by mode: 6 members answered. "
        "Égalité de genre: 1 (Centre-Est 1; either 1)."
    )


async def test_nobody_answered_means_no_picture(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock
) -> None:
    annonces, _societaires = await prepare(fake, clock)
    await open_poll(fake, annonces)
    res = await fake.slash("interest results", user=fake.owner, locale="en-US")
    assert res.files == [] and "0 member(s) answered" in res.text


async def test_the_closing_post_carries_the_picture_once_even_when_retried(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces = await answered(fake, bot, clock, sqlite_engine)
    clock.set(DEADLINE)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()
    (results,) = results_in(fake, annonces)
    (picture,) = results.attachments
    assert picture.filename == "interest-results.png"
    assert png(picture.data).size == (1000, 200 + 44 * 4)
    assert picture.description == " ".join(FIGURES_FR)  # the guild's language: French
    done = await closing_item(sqlite_engine)
    # as if the process died after Discord took the post but before it was recorded
    async with session_factory(sqlite_engine)() as db, db.begin():
        await db.execute(
            update(WorkItem).where(WorkItem.id == done.id).values(state="pending", next_at=DEADLINE)
        )
    assert (
        await bot.services.work.run_now(key(int(work_store.payload_of(done)["poll_id"])))
        is not None
    )
    assert results_in(fake, annonces) == [results]
    assert [a.filename for a in results.attachments] == ["interest-results.png"]
    (attempts,) = fake.posts_by_nonce(f"sipw{done.id}").values()
    assert len(attempts) == 2
    assert [[name for name, _data, _type in a.files] for a in attempts] == [
        ["interest-results.png"]
    ] * 2
    again = await closing_item(sqlite_engine)
    assert (again.state, again.result_id) == ("done", results.id)
