"""`/office` through the fake Discord."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import offices as offices_store
from storage import setup as setup_store
from storage.database import session_factory
from tests.fakediscord import FakeDiscord


async def office_names(engine: AsyncEngine, guild_id: int) -> list[str]:
    async with session_factory(engine)() as db:
        return sorted(o.name for o in await offices_store.list_offices(db, guild_id))


async def test_default_offices_cover_france_and_belgium(fake: FakeDiscord, bot: SipBot) -> None:
    res = await fake.slash("office list", user=fake.owner, locale="fr")
    assert res.ephemeral
    card = res.embeds[0]
    assert card["title"] == "Bureaux (22)"
    assert "**Belgique · Bruxelles** — Bruxelles" in card["description"]
    assert "**France · Ouest** — Nantes, Rennes" in card["description"]
    assert "**Belgique · Vlaanderen** — Antwerpen, Gent, Hasselt, Leuven" in card["description"]


async def test_add_and_remove(fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine) -> None:
    res = await fake.slash(
        "office add",
        user=fake.owner,
        options={"name": "  Tours ", "country": "FR", "region": "Centre"},
        locale="en-US",
    )
    assert res.ephemeral and res.content == "Office Tours (FR, Centre) added."
    assert "Tours" in await office_names(sqlite_engine, fake.guild.id)
    res = await fake.slash("office remove", user=fake.owner, options={"name": "tours"}, locale="nl")
    assert res.content == "Kantoor Tours verwijderd."
    assert "Tours" not in await office_names(sqlite_engine, fake.guild.id)
    async with session_factory(sqlite_engine)() as db:
        actions = [e.action for e in await setup_store.audit_entries(db, fake.guild.id)]
    assert actions == ["office.add", "office.remove"]


async def test_bad_input_changes_nothing(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    await fake.slash("office list", user=fake.owner)  # first use seeds the defaults
    before = await office_names(sqlite_engine, fake.guild.id)
    assert len(before) == 22
    cases = [
        (
            {"name": "Rennes", "country": "FR", "region": "Ouest"},
            "There is already an office called “Rennes”.",
        ),
        (
            {"name": "x" * 81, "country": "FR", "region": "Ouest"},
            "The office name is too long: at most 80 characters.",
        ),
        (
            {"name": "   ", "country": "BE", "region": "Wallonie"},
            "The office name cannot be empty.",
        ),
    ]
    for options, expected in cases:
        res = await fake.slash("office add", user=fake.owner, options=options, locale="en-US")
        assert res.ephemeral
        assert (res.content or "").startswith(expected), res.content
    res = await fake.slash(
        "office remove", user=fake.owner, options={"name": "Atlantis"}, locale="fr"
    )
    assert (
        res.content == "Aucun bureau ne s'appelle « Atlantis ». Voir /bureau liste pour les noms."
    )
    assert await office_names(sqlite_engine, fake.guild.id) == before


async def test_autocomplete_offers_offices_and_regions(fake: FakeDiscord, bot: SipBot) -> None:
    await fake.slash("office list", user=fake.owner)  # first use seeds the defaults
    names = [
        c["value"] for c in await fake.autocomplete("office remove", focused="name", value="an")
    ]
    assert names == ["Antwerpen", "Nantes"]  # by country (BE, FR), region, name
    regions = [
        c["value"] for c in await fake.autocomplete("office add", focused="region", value="ouest")
    ]
    assert regions == ["Ouest", "Sud-Ouest"]


async def test_members_may_not_edit_offices(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    member = fake.add_member("alex", locale="en-GB")
    res = await fake.slash(
        "office add", user=member, options={"name": "Tours", "country": "FR", "region": "Centre"}
    )
    assert res.ephemeral
    assert (res.content or "").startswith("This command is for organisers")
    assert "Tours" not in await office_names(sqlite_engine, fake.guild.id)
