"""`/theme` through the fake Discord: objects created once, limits, drift repaired."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import cycles, themes
from storage.database import session_factory
from storage.models import Theme
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord

THEMES_2020: list[dict[str, Any]] = [
    {
        "title": "Accompagnement",
        "description": "Comment la coopérative accompagne ses membres dans leurs activités.",
    },
    {
        "title": "Horizon post-crise",
        "description": "Ce que nous voulons pour l'après-crise sanitaire.",
    },
    {
        "title": "Égalité de genre",
        "description": "Lutter contre les inégalités de genre dans nos métiers.",
        "prolonged": True,
    },
    {
        "title": "Modèle économique",
        "description": "Le modèle économique de la coopérative en France.",
        "countries": "FR",
        "prolonged": True,
    },
]
CREATION_ROUTES = [
    ("POST", r"/guilds/\d+/roles$"),
    ("POST", r"/guilds/\d+/channels$"),
    ("POST", r"/channels/\d+/messages$"),
    ("PUT", r"/channels/\d+/(messages/)?pins/\d+$"),
]


def creations(fake: FakeDiscord) -> list[int]:
    return [fake.count(method, path) for method, path in CREATION_ROUTES]


async def open_cycle(fake: FakeDiscord, clock: MovableClock) -> None:
    clock.set(datetime(2020, 10, 15, 10, 0, tzinfo=UTC))
    res = await fake.slash("cycle create", user=fake.owner, options={"name": "2020-2021"})
    assert res.content and "2020-2021" in res.content


async def stored_themes(engine: AsyncEngine, guild_id: int) -> list[Theme]:
    async with session_factory(engine)() as db:
        cycle = await cycles.open_cycle(db, guild_id)
        assert cycle is not None and cycle.id is not None
        return await themes.themes_of(db, cycle.id)


async def add_theme(fake: FakeDiscord, options: dict[str, Any], locale: str = "fr") -> Any:
    return await fake.slash("theme add", user=fake.owner, options=options, locale=locale)


async def test_the_four_2020_21_themes_get_their_objects_with_the_fewest_calls(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await open_cycle(fake, clock)
    for options in THEMES_2020:
        fake.clear_requests()
        res = await add_theme(fake, options)
        assert res.ephemeral and res.content and res.content.startswith("Thématique ")
        # one role, a category, a forum and an info channel, the card and its pin: nothing more
        assert creations(fake) == [1, 3, 1, 1], fake.describe_requests(12)
    stored = await stored_themes(sqlite_engine, fake.guild.id)
    assert [(t.title, t.emoji, t.countries, t.prolonged) for t in stored] == [
        ("Accompagnement", "1️⃣", "FR,BE", False),
        ("Horizon post-crise", "2️⃣", "FR,BE", False),
        ("Égalité de genre", "3️⃣", "FR,BE", True),
        ("Modèle économique", "4️⃣", "FR", True),
    ]
    for theme in stored:
        category = fake.channel(theme.category_id or 0)
        forum = fake.channel(theme.forum_id or 0)
        info = fake.channel(theme.info_channel_id or 0)
        assert (
            category is not None
            and category.type == 4
            and category.name == f"{theme.emoji} {theme.title}"
        )
        assert forum is not None and forum.type == 15 and forum.parent_id == category.id
        assert [t["name"] for t in forum.available_tags] == [
            "brouillon", "ouverte aux avis", "synthétisée", "remise au CA", "adoptée", "non retenue", "retirée",
        ]  # fmt: skip
        assert (
            info is not None
            and info.type == 0
            and info.parent_id == category.id
            and info.name == "infos"
        )
        card = fake.message(theme.info_message_id or 0)
        assert (
            card is not None and card.pinned and card.embeds[0]["description"] == theme.description
        )
        assert fake.guild.roles[theme.role_id or 0].name == theme.title
    france_only = fake.message(stored[3].info_message_id or 0)
    assert france_only is not None
    fields = {f["name"]: f["value"] for f in france_only.embeds[0]["fields"]}
    assert fields["Où"] == "France" and fields["Suite"] == "Prolongée du cycle précédent"
    listing = await fake.slash("theme list", user=fake.owner, locale="en-US")
    assert (
        "3️⃣ **Égalité de genre** — France · Belgium · prolonged · 0 group(s), 0 draft(s)"
        in listing.text
    )
    assert "4️⃣ **Modèle économique** — France · prolonged · 0 group(s), 0 draft(s)" in listing.text


async def test_bad_input_creates_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    res = await add_theme(fake, THEMES_2020[0], locale="en-US")
    assert res.content == "There is no open cycle. An organiser creates one with /cycle create."
    await open_cycle(fake, clock)
    await add_theme(fake, THEMES_2020[0])
    fake.clear_requests()
    member = fake.add_member("ines", locale="en-US")
    cases = [
        (
            fake.owner,
            {**THEMES_2020[0], "title": " accompagnement "},
            "There is already a theme called “accompagnement”",
        ),
        (
            fake.owner,
            {**THEMES_2020[1], "title": "x" * 101},
            "The title is 101 characters long: at most 100",
        ),
        (fake.owner, {**THEMES_2020[1], "link": "ftp://x"}, "“ftp://x” is not a web link"),
        (fake.owner, {**THEMES_2020[1], "emoji": "1️⃣"}, "1️⃣ is already the emoji of another theme"),
        (
            fake.owner,
            {**THEMES_2020[1], "emoji": "<:other:123456789012345678>"},
            "I cannot use <:other:123456789012345678>",
        ),
        (member, THEMES_2020[1], "This command is for organisers"),
    ]
    for user, options, expected in cases:
        res = await fake.slash("theme add", user=user, options=options, locale="en-US")
        assert res.ephemeral
        assert (res.content or "").startswith(expected), res.content
    res = await fake.slash(
        "theme edit", user=fake.owner, options={"theme": "Inconnue", "title": "x"}, locale="en-US"
    )
    assert res.content == "There is no theme “Inconnue” in this cycle. Pick one from the list."
    assert creations(fake) == [0, 0, 0, 0]
    assert len(await stored_themes(sqlite_engine, fake.guild.id)) == 1


async def test_limits_are_checked_before_creating_anything(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await open_cycle(fake, clock)
    while len(fake.guild.channels) < 498:
        fake.add_text_channel(f"salon-{len(fake.guild.channels)}")
    await fake.wait_for(
        lambda: len(bot.guilds[0].channels) == 498, what="the bot to see 498 channels"
    )
    fake.clear_requests()
    res = await add_theme(fake, THEMES_2020[0], locale="en-US")
    assert res.content == (
        "The server already has 498 channels; a theme needs 3 more and Discord allows 500. "
        "Delete unused channels first."
    )
    assert creations(fake) == [0, 0, 0, 0]
    assert await stored_themes(sqlite_engine, fake.guild.id) == []


async def test_deleted_forum_is_reported_then_recreated(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await open_cycle(fake, clock)
    annonces = fake.add_text_channel("annonces")
    await fake.slash("setup channel", user=fake.owner, options={"announcements": annonces})
    await add_theme(fake, THEMES_2020[2])
    (theme,) = await stored_themes(sqlite_engine, fake.guild.id)
    forum = fake.channel(theme.forum_id or 0)
    assert forum is not None
    fake.remove_channel(forum)
    await fake.wait_for(
        lambda: bot.get_channel(forum.id) is None, what="the deletion to reach the bot"
    )
    check = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert (
        "Theme “Égalité de genre”: forum deleted by hand. Fix: /theme edit recreates it."
        in check.text
    )
    fake.clear_requests()
    res = await fake.slash(
        "theme edit", user=fake.owner, options={"theme": f"#{theme.id}"}, locale="en-US"
    )
    assert res.content == "Theme 1️⃣ **Égalité de genre** updated. Recreated: forum."
    (repaired,) = await stored_themes(sqlite_engine, fake.guild.id)
    new_forum = fake.channel(repaired.forum_id or 0)
    assert repaired.forum_id != forum.id and new_forum is not None
    assert new_forum.parent_id == repaired.category_id and len(new_forum.available_tags) == 7
    assert creations(fake) == [0, 1, 0, 0]
    card = fake.message(repaired.info_message_id or 0)
    assert card is not None and f"<#{new_forum.id}>" in str(card.embeds[0]["fields"])
    check = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert "deleted by hand" not in check.text


async def test_edit_renames_category_and_role_and_archive_locks(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await open_cycle(fake, clock)
    await add_theme(fake, THEMES_2020[0])
    (theme,) = await stored_themes(sqlite_engine, fake.guild.id)
    choices = await fake.autocomplete("theme edit", focused="theme", value="accomp")
    assert choices == [{"name": "Accompagnement", "value": f"#{theme.id}"}]
    res = await fake.slash(
        "theme edit",
        user=fake.owner,
        options={"theme": f"#{theme.id}", "title": "Accompagnement des membres", "emoji": "🌱"},
        locale="en-US",
    )
    assert res.content == "Theme 🌱 **Accompagnement des membres** updated. Recreated: —."
    category = fake.channel(theme.category_id or 0)
    assert category is not None and category.name == "🌱 Accompagnement des membres"
    assert fake.guild.roles[theme.role_id or 0].name == "Accompagnement des membres"
    card = fake.message(theme.info_message_id or 0)
    assert card is not None and card.embeds[0]["title"] == "🌱 Accompagnement des membres"
    res = await fake.slash(
        "theme archive", user=fake.owner, options={"theme": f"#{theme.id}"}, locale="en-US"
    )
    assert (
        res.content
        == "Theme **Accompagnement des membres** archived: 3 channel(s) are now read-only, kept for history."
    )
    for channel_id in (theme.category_id, theme.forum_id, theme.info_channel_id):
        channel = fake.channel(channel_id or 0)
        assert channel is not None
        everyone = channel.overwrites[fake.guild.id]
        assert everyone.deny & (1 << 11)  # Send Messages denied
    res = await fake.slash(
        "theme edit",
        user=fake.owner,
        options={"theme": f"#{theme.id}", "title": "x"},
        locale="en-US",
    )
    assert res.content == "“Accompagnement des membres” is archived and read-only."
    async with session_factory(sqlite_engine)() as db:
        count = (await db.execute(select(func.count()).select_from(Theme))).scalar()
    assert count == 1


async def test_a_discord_refusal_half_way_is_finished_by_edit(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await open_cycle(fake, clock)
    fake.inject_fault("POST", r"/guilds/\d+/channels$", status=403, code=50013, times=1)
    res = await add_theme(fake, THEMES_2020[1], locale="en-US")
    assert res.ephemeral
    assert res.content == (
        "The theme **Horizon post-crise** is saved but Discord refused part of it; still missing: "
        "category, forum, info channel. Fix the cause (/setup check) and run /theme edit to finish."
    )
    (theme,) = await stored_themes(sqlite_engine, fake.guild.id)
    assert theme.role_id is not None and theme.category_id is None  # what exists is recorded
    fake.clear_requests()
    res = await fake.slash(
        "theme edit", user=fake.owner, options={"theme": f"#{theme.id}"}, locale="en-US"
    )
    assert (
        res.content
        == "Theme 1️⃣ **Horizon post-crise** updated. Recreated: category, forum, info channel, pinned description."
    )
    assert creations(fake) == [0, 3, 1, 1]  # the role is not created twice


async def test_missing_bot_permissions_are_named_before_anything_is_created(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await open_cycle(fake, clock)
    fake.bot_permissions = fake.bot_permissions & ~(1 << 28)  # Manage Roles

    def seen() -> bool:
        return not bot.guilds[0].me.guild_permissions.manage_roles

    await fake.wait_for(seen, what="the bot to lose Manage Roles")
    fake.clear_requests()
    res = await add_theme(fake, THEMES_2020[0], locale="en-US")
    assert res.content == (
        "I cannot create the theme's channels and role: missing manage_roles. Run /setup check to see how to fix it."
    )
    assert creations(fake) == [0, 0, 0, 0]
    assert await stored_themes(sqlite_engine, fake.guild.id) == []


async def test_list_counts_groups_and_drafts(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    from storage.models import Draft, WorkGroup

    await open_cycle(fake, clock)
    await add_theme(fake, THEMES_2020[0])
    (theme,) = await stored_themes(sqlite_engine, fake.guild.id)
    now = clock.now()
    async with session_factory(sqlite_engine)() as db, db.begin():
        for name in ("Ouest – Rennes", "100% visio 1"):
            db.add(
                WorkGroup(
                    guild_id=fake.guild.id,
                    cycle_id=theme.cycle_id,
                    theme_id=theme.id,
                    name=name,
                    mode="online",
                    created_at=now,
                    updated_at=now,
                )
            )
        await db.flush()
        group = (await db.execute(select(WorkGroup))).scalars().first()
        assert group is not None
        db.add(
            Draft(
                guild_id=fake.guild.id,
                cycle_id=theme.cycle_id,
                theme_id=theme.id,
                group_id=group.id,
                title="P",
                created_at=now,
                updated_at=now,
            )
        )
    listing = await fake.slash("theme list", user=fake.owner, locale="fr")
    assert (
        "1️⃣ **Accompagnement** — France · Belgique · 2 groupe(s), 1 proposition(s)" in listing.text
    )
