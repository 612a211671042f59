"""`/office`: the cooperative's offices (bureaux), by country and region."""

from __future__ import annotations

from itertools import groupby

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.app import SipBot
from bot.kit import ui
from bot.kit.checks import ORGANISERS, OrganiserCog
from bot.kit.user_error import UserError
from storage import offices as offices_store
from storage import setup as setup_store

MAX_NAME = 80


def clean_label(raw: str, what: str) -> str:
    value = " ".join(raw.split())
    if not value:
        raise UserError("error.office.empty", what=what)
    if len(value) > MAX_NAME:
        raise UserError("error.office.too_long", what=what, max=MAX_NAME)
    return value


class OfficeCog(OrganiserCog):
    office = app_commands.Group(
        name="office",
        description=_("The cooperative's offices (bureaux)"),
        default_permissions=ORGANISERS,
        guild_only=True,
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services

    @office.command(name="add", description=_("Add an office"))
    @app_commands.describe(
        name=_("Name of the office, e.g. Rennes"),
        country=_("Country of the office"),
        region=_("Region used to merge small groups, e.g. Ouest"),
    )
    @app_commands.choices(
        country=[
            app_commands.Choice(name="France", value="FR"),
            app_commands.Choice(name="Belgique / België", value="BE"),
        ]
    )
    async def add(
        self, interaction: discord.Interaction, name: str, country: str, region: str
    ) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        name = clean_label(name, tr("office.what.name"))
        region = clean_label(region, tr("office.what.region"))
        if country not in ("FR", "BE"):
            raise UserError("error.office.country", value=country)
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            added = await offices_store.add_office(db, interaction.guild_id, name, country, region)
            if added:
                await setup_store.audit(
                    db,
                    interaction.guild_id,
                    interaction.user.id,
                    "office.add",
                    now,
                    name=name,
                    country=country,
                    region=region,
                )
        if not added:
            raise UserError("error.office.exists", name=name)
        self.services.forget("offices", interaction.guild_id)
        await ui.reply(interaction, tr("office.added", name=name, country=country, region=region))

    @add.autocomplete("region")
    async def region_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None  # noqa: S101
        async with self.services.db() as db:
            offices = await offices_store.list_offices(db, interaction.guild_id)
        regions = sorted({o.region for o in offices if current.lower() in o.region.lower()})
        return [app_commands.Choice(name=r, value=r) for r in regions[:25]]

    @office.command(name="remove", description=_("Remove an office"))
    @app_commands.describe(name=_("The office to remove"))
    async def remove(self, interaction: discord.Interaction, name: str) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            removed = await offices_store.remove_office(db, interaction.guild_id, name)
            if removed is not None:
                await setup_store.audit(
                    db,
                    interaction.guild_id,
                    interaction.user.id,
                    "office.remove",
                    now,
                    name=removed.name,
                )
        if removed is None:
            raise UserError("error.office.unknown", name=name)
        self.services.forget("offices", interaction.guild_id)
        await ui.reply(interaction, tr("office.removed", name=removed.name))

    @remove.autocomplete("name")
    async def office_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None  # noqa: S101
        async with self.services.db() as db:
            offices = await offices_store.list_offices(db, interaction.guild_id)
        names = [o.name for o in offices if current.lower() in o.name.lower()]
        return [app_commands.Choice(name=n, value=n) for n in names[:25]]

    @office.command(name="list", description=_("List the offices by country and region"))
    async def list_(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        async with self.services.db() as db:
            offices = await offices_store.list_offices(db, interaction.guild_id)
        if not offices:
            await ui.reply(interaction, tr("office.list.empty"))
            return
        lines = [
            f"**{tr('country.' + country)} · {region}** — " + ", ".join(o.name for o in group)
            for (country, region), group in groupby(offices, key=lambda o: (o.country, o.region))
        ]
        card = ui.embed(tr("office.list.title", count=len(offices)), "\n".join(lines)[:4096])
        await ui.reply(interaction, embed=card)


async def setup(bot: SipBot) -> None:
    await bot.add_cog(OfficeCog(bot))
