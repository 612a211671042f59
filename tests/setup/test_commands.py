"""`/setup` through the fake Discord with the real client."""

from __future__ import annotations

import discord
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import setup as setup_store
from storage.database import session_factory
from storage.models import GuildConfig
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Overwrite

MANAGE_GUILD = 1 << 5


async def set_bot_permissions(fake: FakeDiscord, bot: SipBot, value: int) -> None:
    """Change the bot's role and wait until the bot has seen it."""
    fake.bot_permissions = value

    def seen() -> bool:
        guild = bot.get_guild(fake.guild.id)
        return guild is not None and guild.me.guild_permissions.value == value

    await fake.wait_for(seen, what="the bot to see its new permissions")


async def stored(engine: AsyncEngine, guild_id: int) -> GuildConfig:
    async with session_factory(engine)() as db:
        config = await db.get(GuildConfig, guild_id, populate_existing=True)
    assert config is not None
    return config


async def audit_actions(engine: AsyncEngine, guild_id: int) -> list[str]:
    async with session_factory(engine)() as db:
        return [entry.action for entry in await setup_store.audit_entries(db, guild_id)]


async def test_show_lists_every_setting_in_the_readers_language(
    fake: FakeDiscord, bot: SipBot
) -> None:
    french = await fake.slash("setup show", user=fake.owner, locale="fr")
    dutch = await fake.slash("setup show", user=fake.owner, locale="nl")
    english = await fake.slash("setup show", user=fake.owner, locale="en-GB")
    assert french.ephemeral and dutch.ephemeral and english.ephemeral
    assert "Réglages de sipbot pour Smart in Progress" in french.text
    assert "Rappels de séance 7d, 24h, 1h" in french.text
    assert "Bureaux 22 (voir /bureau liste)" in french.text
    assert "Instellingen van sipbot" in dutch.text
    assert "Groepsgrootte 5 tot 12 personen" in dutch.text
    assert "Session reminders 7d, 24h, 1h" in english.text
    assert "Time zone Europe/Paris" in english.text


async def test_roles_are_stored_audited_and_shown(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    organisers = fake.add_role("Pôle vie coopérative")
    members = fake.add_role("Sociétaires")
    res = await fake.slash(
        "setup roles", user=fake.owner, options={"organiser": organisers, "member": members}
    )
    assert res.ephemeral
    assert f"<@&{organisers.id}>" in res.text and f"<@&{members.id}>" in res.text
    config = await stored(sqlite_engine, fake.guild.id)
    assert (config.organiser_role_id, config.member_role_id) == (organisers.id, members.id)
    assert await audit_actions(sqlite_engine, fake.guild.id) == ["setup.roles"]
    # @everyone as the member role means: every non-bot member
    everyone = fake.guild.roles[fake.guild.id]
    await fake.slash("setup roles", user=fake.owner, options={"member": everyone})
    config = await stored(sqlite_engine, fake.guild.id)
    assert (config.organiser_role_id, config.member_role_id) == (organisers.id, None)


async def test_roles_refuses_everyone_as_organiser_and_managed_roles(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    everyone = fake.guild.roles[fake.guild.id]
    bot_role = next(role for role in fake.guild.roles.values() if role.managed)
    for options in ({"organiser": everyone}, {"member": bot_role}, {}):
        res = await fake.slash("setup roles", user=fake.owner, options=options, locale="en-US")
        assert res.ephemeral
        assert res.content and (
            "@everyone" in res.content
            or "integration" in res.content
            or "at least one" in res.content
        )
    config = await stored(sqlite_engine, fake.guild.id)
    assert (config.organiser_role_id, config.member_role_id) == (None, None)
    assert await audit_actions(sqlite_engine, fake.guild.id) == []


async def test_channel_is_stored_and_missing_permissions_named(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    annonces = fake.add_text_channel("annonces")
    res = await fake.slash(
        "setup channel", user=fake.owner, options={"announcements": annonces}, locale="fr"
    )
    assert (
        res.ephemeral
        and res.content == f"Les annonces et sondages seront publiés dans <#{annonces.id}>."
    )
    assert (await stored(sqlite_engine, fake.guild.id)).announcements_channel_id == annonces.id
    # deny Send Messages to the bot's role in that channel only
    bot_role = next(role for role in fake.guild.roles.values() if role.managed)
    annonces.overwrites[bot_role.id] = Overwrite(id=bot_role.id, type=0, allow=0, deny=1 << 11)
    fake.channel_updated(annonces)

    def denied() -> bool:
        channel = bot.get_channel(annonces.id)
        return (
            isinstance(channel, discord.TextChannel)
            and not channel.permissions_for(channel.guild.me).send_messages
        )

    await fake.wait_for(denied, what="the overwrite to reach the bot")
    res = await fake.slash(
        "setup channel", user=fake.owner, options={"announcements": annonces}, locale="en-US"
    )
    assert "cannot post there yet" in (res.content or "")
    assert "**Send Messages**" in (res.content or "")


async def test_locale_and_timezone(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    res = await fake.slash(
        "setup locale",
        user=fake.owner,
        options={"language": "nl", "timezone": "europe/brussels"},
        locale="fr",
    )
    assert res.ephemeral
    assert "Europe/Brussels" in (res.content or "")
    assert "(il y est 10:00)" in (res.content or "")  # the test clock says 09:00 UTC
    config = await stored(sqlite_engine, fake.guild.id)
    assert (config.language, config.timezone) == ("nl", "Europe/Brussels")


async def test_timezone_autocomplete_offers_the_cooperatives_zones_first(
    fake: FakeDiscord, bot: SipBot
) -> None:
    choices = await fake.autocomplete("setup locale", focused="timezone", value="europe/")
    names = [choice["value"] for choice in choices]
    assert names[:2] == ["Europe/Paris", "Europe/Brussels"]
    assert len(names) == 25
    assert [
        c["value"]
        for c in await fake.autocomplete("setup locale", focused="timezone", value="bruss")
    ] == ["Europe/Brussels"]


async def test_bad_locale_input_changes_nothing(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    before = await stored(sqlite_engine, fake.guild.id) if False else None  # config not created yet
    assert before is None
    res = await fake.slash(
        "setup locale",
        user=fake.owner,
        options={"language": "en", "timezone": "Mars/Olympus"},
        locale="en-US",
    )
    assert res.ephemeral
    assert res.content == (
        "“Mars/Olympus” is not a time zone I know. Use an IANA name such as Europe/Paris or "
        "Europe/Brussels (suggestions appear as you type)."
    )
    res = await fake.slash("setup locale", user=fake.owner, options={}, locale="en-US")
    assert res.content == "Give a language, a time zone, or both."
    config = await stored(sqlite_engine, fake.guild.id)
    assert (config.language, config.timezone) == ("fr", "Europe/Paris")
    assert await audit_actions(sqlite_engine, fake.guild.id) == []


async def test_reminders(fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine) -> None:
    res = await fake.slash(
        "setup reminders", user=fake.owner, options={"offsets": "2d, 30m,3h"}, locale="en-US"
    )
    assert res.content == "Members will be reminded 2d, 3h, 30m before each session."
    assert (await stored(sqlite_engine, fake.guild.id)).offsets_minutes == [2880, 180, 30]
    for bad, expected in [
        ("7x", "“7x” is not a delay I understand."),
        ("45d", "“45d” is out of range"),
        ("1h,60m", "“60m” is given twice"),
        ("1m,2m,3m,4m,5m,6m", "6 delays is too many"),
    ]:
        res = await fake.slash(
            "setup reminders", user=fake.owner, options={"offsets": bad}, locale="en-US"
        )
        assert res.ephemeral
        assert (res.content or "").startswith(expected), res.content
    assert (await stored(sqlite_engine, fake.guild.id)).offsets_minutes == [2880, 180, 30]
    assert await audit_actions(sqlite_engine, fake.guild.id) == ["setup.reminders"]


async def test_non_organiser_is_refused_with_the_role_named(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    member = fake.add_member("camille", locale="fr")
    res = await fake.slash("setup reminders", user=member, options={"offsets": "1h"})
    assert res.ephemeral
    assert res.content and "Gérer le serveur" in res.content
    organisers = fake.add_role("Pôle vie coopérative")
    await fake.slash("setup roles", user=fake.owner, options={"organiser": organisers})
    res = await fake.slash("setup show", user=member, locale="nl")
    assert res.ephemeral
    assert res.content == (
        f"Deze opdracht is voor de organisatie: je hebt de rol <@&{organisers.id}> of de machtiging "
        "Server beheren nodig."
    )
    assert (await stored(sqlite_engine, fake.guild.id)).offsets_minutes == [10080, 1440, 60]
    # with the organiser role, the same person may
    fake.set_member_roles(member, [organisers])
    res = await fake.slash("setup reminders", user=member, options={"offsets": "1h"})
    assert res.content and "1h" in res.content
    assert (await stored(sqlite_engine, fake.guild.id)).offsets_minutes == [60]


async def test_manage_server_is_enough_to_organise(fake: FakeDiscord, bot: SipBot) -> None:
    managers = fake.add_role("Admins", permissions=MANAGE_GUILD)
    member = fake.add_member("dominique", roles=[managers], locale="en-US")
    res = await fake.slash("setup show", user=member)
    assert res.embeds and res.embeds[0]["title"] == "sipbot settings for Smart in Progress"


async def test_check_reports_what_to_fix_then_all_clear(fake: FakeDiscord, bot: SipBot) -> None:
    await set_bot_permissions(fake, bot, fake.bot_permissions & ~(1 << 28))  # no Manage Roles
    res = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert res.ephemeral
    text = res.text
    assert "2 problem(s) to fix" in text
    assert "Missing permission **Manage Roles**: to create theme and group roles" in text
    assert "No announcements channel. Fix: /setup channel." in text
    assert "No organiser role" in text
    await set_bot_permissions(fake, bot, fake.bot_permissions | (1 << 28))
    annonces = fake.add_text_channel("annonces")
    organisers = fake.add_role("Pôle vie coopérative")
    await fake.slash("setup channel", user=fake.owner, options={"announcements": annonces})
    await fake.slash("setup roles", user=fake.owner, options={"organiser": organisers})
    res = await fake.slash("setup check", user=fake.owner, locale="fr")
    assert "✅ Tout est prêt." in res.text
    assert "Aucun rôle de sociétaire" in res.text  # information, not a problem


async def test_check_reports_a_deleted_announcements_channel(
    fake: FakeDiscord, bot: SipBot
) -> None:
    annonces = fake.add_text_channel("annonces")
    await fake.slash("setup channel", user=fake.owner, options={"announcements": annonces})
    fake.remove_channel(annonces)
    await fake.wait_for(
        lambda: bot.get_channel(annonces.id) is None, what="the deletion to reach the bot"
    )
    res = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert "The announcements channel was deleted. Fix: /setup channel." in res.text


async def test_check_reports_a_group_channel_deleted_by_hand(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    from tests.clock import MovableClock
    from tests.sessions.helpers import published_group

    group = await published_group(fake, sqlite_engine, MovableClock())
    fake.remove_channel(group.channel)
    await fake.wait_for(
        lambda: bot.get_channel(group.channel.id) is None, what="the deletion to reach the bot"
    )
    res = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert (
        "Group “Ouest – Rennes”: channel deleted by hand. Fix: /groups publish recreates it."
        in res.text
    )


async def test_defaults_for_sessions_and_groups(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    res = await fake.slash(
        "setup defaults", user=fake.owner, locale="en-US",
        options={"session_minutes": 150, "group_min": 4, "group_max": 10, "groups_per_member": 2},
    )  # fmt: skip
    assert res.ephemeral and res.content == (
        "Saved: sessions of 150 minutes, groups of 4 to 10 people, at most 2 group(s) per member across themes."
    )
    config = await stored(sqlite_engine, fake.guild.id)
    assert (
        config.session_minutes,
        config.group_min_size,
        config.group_max_size,
        config.max_groups_per_member,
    ) == (150, 4, 10, 2)
    shown = await fake.slash("setup show", user=fake.owner, locale="fr")
    assert "Groupes par sociétaire 2 au plus, toutes thématiques confondues" in shown.text
    assert "Taille des groupes de 4 à 10 personnes" in shown.text
    for options, expected in [
        (
            {"group_min": 11},
            "The smallest group size (11) must be at least 1 and no larger than the largest (10).",
        ),
        ({}, "Give at least one value: session length, group sizes or groups per member."),
    ]:
        res = await fake.slash("setup defaults", user=fake.owner, options=options, locale="en-US")
        assert res.ephemeral and (res.content or "").startswith(expected), res.content
    member = fake.add_member("sam")
    res = await fake.slash("setup defaults", user=member, options={"group_min": 3}, locale="en-US")
    assert (res.content or "").startswith("This command is for organisers")
    config = await stored(sqlite_engine, fake.guild.id)
    assert (config.group_min_size, config.group_max_size) == (4, 10)
    assert await audit_actions(sqlite_engine, fake.guild.id) == ["setup.defaults"]
