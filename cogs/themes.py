"""`/theme`: add, list, edit and archive the cycle's themes and their Discord objects."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.app import SipBot
from bot.kit import choices, ui
from bot.kit.checks import ORGANISERS, OrganiserCog
from bot.kit.checkup import Finding
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from bot.themes import objects, rules
from bot.themes.service import ThemeBuilder
from storage import cycles
from storage import setup as setup_store
from storage import themes as store
from storage.models import Cycle, GuildConfig, Theme

log = logging.getLogger(__name__)
COUNTRY_CHOICES = [
    app_commands.Choice(name="France + Belgique", value="FR,BE"),
    app_commands.Choice(name="France", value="FR"),
    app_commands.Choice(name="Belgique / België", value="BE"),
]


class ThemeCog(OrganiserCog):
    theme = app_commands.Group(
        name="theme",
        description=_("The cycle's themes and their channels"),
        default_permissions=ORGANISERS,
        guild_only=True,
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.builder = ThemeBuilder(bot.services)

    async def cog_load(self) -> None:
        self.services.checkup.register("themes", self._checkup)

    async def cog_unload(self) -> None:
        self.services.checkup.unregister("themes")

    async def _checkup(self, guild: discord.Guild, config: GuildConfig) -> list[Finding]:
        async with self.services.db() as db:
            cycle = await cycles.open_cycle(db, guild.id)
            found = await store.themes_of(db, cycle.id) if cycle is not None else []
        return objects.checkup(guild, found)

    async def _context(
        self, interaction: discord.Interaction
    ) -> tuple[discord.Guild, GuildConfig, Tr, Cycle]:
        return await self.services.cycle_context(interaction)

    async def _theme(self, cycle: Cycle, value: str) -> Theme:
        async with self.services.db() as db:
            theme = await store.find(db, cycle.id, value)
        if theme is None:
            raise UserError("error.theme.unknown", value=value.lstrip("#"))
        return theme

    @theme.command(
        name="add", description=_("Add a theme with its category, channels, forum and role")
    )
    @app_commands.describe(
        title=_("Title of the theme (at most 100 characters)"),
        description=_("What the theme is about"),
        countries=_("Where it is discussed (default: France and Belgium)"),
        prolonged=_("Prolonged from last cycle"),
        link=_("A link to read more (http or https)"),
        emoji=_("Emoji members react with in the interest poll (default: the next number)"),
    )
    @app_commands.choices(countries=COUNTRY_CHOICES)
    async def add(
        self,
        interaction: discord.Interaction,
        title: str,
        description: str,
        countries: str | None = None,
        prolonged: bool = False,
        link: str | None = None,
        emoji: str | None = None,
    ) -> None:
        guild, config, tr, cycle = await self._context(interaction)
        now = self.services.clock.now()
        fields: dict[str, Any] = {
            "title": rules.clean_title(title),
            "description": rules.clean_description(description),
            "countries": rules.countries(countries),
            "link": rules.clean_link(link),
            "prolonged": prolonged,
        }
        async with self.services.db() as db:
            if await store.find(db, cycle.id, fields["title"]) is not None:
                raise UserError("error.theme.duplicate", title=fields["title"])
            chosen = rules.choose_emoji(emoji, await store.used_emojis(db, cycle.id))
        if chosen.custom_id is not None and guild.get_emoji(chosen.custom_id) is None:
            raise UserError("error.theme.emoji_unusable", emoji=chosen.text)
        draft = Theme(
            guild_id=guild.id,
            cycle_id=cycle.id,
            emoji=chosen.text,
            created_at=now,
            updated_at=now,
            **fields,
        )
        objects.check_can_create(guild, objects.present(guild, draft))
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.services.db() as db, db.begin():
            try:
                theme = await store.add(db, draft)
            except store.DuplicateTheme as exc:
                raise UserError("error.theme.duplicate", title=fields["title"]) from exc
            theme.created_by = interaction.user.id
            await setup_store.audit(
                db, guild.id, interaction.user.id, "theme.add", now, title=theme.title
            )
        await self._build(interaction, guild, config, tr, theme, "theme.added")

    async def _build(
        self,
        interaction: discord.Interaction,
        guild: discord.Guild,
        config: GuildConfig,
        tr: Tr,
        theme: Theme,
        done_key: str,
    ) -> None:
        """Create what is missing; on a Discord refusal say what is left for /theme edit."""
        built = await self.builder.build(guild, config, theme)
        if not built.complete:
            names = ", ".join(tr(f"theme.object.{kind}") for kind in built.missing) or "—"
            await ui.reply(interaction, tr("theme.partial", title=theme.title, missing=names))
            return
        theme = built.theme
        await ui.reply(
            interaction,
            tr(
                done_key,
                emoji=theme.emoji,
                title=theme.title,
                info=ui.channel_mention(theme.info_channel_id) or "—",
                forum=ui.channel_mention(theme.forum_id) or "—",
                role=ui.role_mention(theme.role_id) or "—",
                created=", ".join(tr(f"theme.object.{kind}") for kind in built.created) or "—",
            ),
        )

    @theme.command(name="list", description=_("List the cycle's themes"))
    async def list_(self, interaction: discord.Interaction) -> None:
        guild, _config, tr, cycle = await self._context(interaction)
        async with self.services.db() as db:
            all_themes = await store.themes_of(db, cycle.id)
            counts = await store.activity(db, cycle.id)
        if not all_themes:
            await ui.reply(interaction, tr("theme.list.empty", cycle=cycle.name))
            return
        lines = []
        for theme in all_themes:
            flags = [" · ".join(tr(f"country.{c}") for c in theme.country_list)]
            if theme.prolonged:
                flags.append(tr("theme.list.prolonged"))
            groups, drafts = counts.get(theme.id, (0, 0))
            flags.append(tr("theme.list.counts", groups=groups, drafts=drafts))
            if theme.status == "archived":
                flags.append(tr("theme.list.archived"))
            missing = objects.present(guild, theme).missing
            if missing and theme.status == "active":
                flags.append(
                    tr(
                        "theme.list.missing",
                        missing=", ".join(tr(f"theme.object.{m}") for m in missing),
                    )
                )
            lines.append(f"{theme.emoji} **{theme.title}** — {' · '.join(flags)}")
        await ui.reply(
            interaction,
            embed=ui.embed(
                tr("theme.list.title", cycle=cycle.name, count=len(all_themes)),
                "\n".join(lines)[:4096],
            ),
        )

    @theme.command(
        name="edit", description=_("Edit a theme; recreates its channels if deleted by hand")
    )
    @app_commands.describe(
        theme=_("The theme to edit"),
        title=_("New title"),
        description=_("New description"),
        countries=_("Where it is discussed"),
        prolonged=_("Prolonged from last cycle"),
        link=_("New link (http or https)"),
        emoji=_("New emoji for the interest poll"),
    )
    @app_commands.choices(countries=COUNTRY_CHOICES)
    async def edit(
        self,
        interaction: discord.Interaction,
        theme: str,
        title: str | None = None,
        description: str | None = None,
        countries: str | None = None,
        prolonged: bool | None = None,
        link: str | None = None,
        emoji: str | None = None,
    ) -> None:
        guild, config, tr, cycle = await self._context(interaction)
        current = await self._theme(cycle, theme)
        if current.status == "archived":
            raise UserError("error.theme.archived", title=current.title)
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = rules.clean_title(title)
        if description is not None:
            changes["description"] = rules.clean_description(description)
        if countries is not None:
            changes["countries"] = rules.countries(countries)
        if prolonged is not None:
            changes["prolonged"] = prolonged
        if link is not None:
            changes["link"] = rules.clean_link(link)
        if emoji is not None:
            async with self.services.db() as db:
                used = await store.used_emojis(db, cycle.id) - {current.emoji}
            chosen = rules.choose_emoji(emoji, used)
            if chosen.custom_id is not None and guild.get_emoji(chosen.custom_id) is None:
                raise UserError("error.theme.emoji_unusable", emoji=chosen.text)
            changes["emoji"] = chosen.text
        objects.check_can_create(guild, objects.present(guild, current))
        now = self.services.clock.now()
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.services.db() as db, db.begin():
            try:
                updated = await store.update_theme(db, current.id, now, **changes)
            except store.DuplicateTheme as exc:
                raise UserError("error.theme.duplicate", title=changes.get("title", "")) from exc
            await setup_store.audit(
                db,
                guild.id,
                interaction.user.id,
                "theme.edit",
                now,
                theme=current.id,
                **changes,
            )
        try:
            await self.builder.refresh(
                guild, config, updated, renamed="title" in changes or "emoji" in changes
            )
        except discord.NotFound:
            pass  # deleted by hand meanwhile: ensure() below recreates it
        await self._build(interaction, guild, config, tr, updated, "theme.edited")

    @theme.command(name="archive", description=_("Archive a theme: its channels become read-only"))
    @app_commands.describe(theme=_("The theme to archive"))
    async def archive(self, interaction: discord.Interaction, theme: str) -> None:
        guild, _config, tr, cycle = await self._context(interaction)
        current = await self._theme(cycle, theme)
        if current.status == "archived":
            raise UserError("error.theme.archived", title=current.title)
        now = self.services.clock.now()
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.services.db() as db, db.begin():
            await store.update_theme(db, current.id, now, status="archived")
            await setup_store.audit(
                db, guild.id, interaction.user.id, "theme.archive", now, theme=current.id
            )
        locked = await objects.archive(guild, current)
        await ui.reply(interaction, tr("theme.archived", title=current.title, count=locked))

    @edit.autocomplete("theme")
    @archive.autocomplete("theme")
    async def theme_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.themes(self.services, interaction.guild_id, current)


async def setup(bot: SipBot) -> None:
    await bot.add_cog(ThemeCog(bot))
