"""`/group guest add` and `/group guest remove`: experts, partners and members of other
groups invited into a group's channel until a date (bot/groups/guests.py does the
Discord side, bot/groups/guest_rules.py decides the dates).

Discord does not let "guest" be both a subcommand and a subcommand group under `/group`,
so the issue's `/group guest user` and `/group guest remove user` became a small group:
`/group guest add user [until] [note] [group]` and `/group guest remove user [group]`.
Adding someone who is a guest already moves their date (and their note, if one is given).
Who may: the group's facilitator, its secretary, or an organiser (bot/kit/access.py). Where:
the group's channel, or anywhere with the `group` option.

The commands live in this mixin, inherited by the `/group` cog (cogs/groups/_members.py),
which attaches the `guest` subgroup to its `group` group: discord.py copies a group's
subcommands onto the cog whatever class body defined them.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.groups import guest_rules as rules
from bot.groups import guests
from bot.kit import ui, work
from bot.kit.access import check_manager
from bot.kit.checks import AUDIENCE, GROUP_MANAGERS, member_is_organiser
from bot.kit.dates import parse_future
from bot.kit.user_error import UserError
from cogs.groups._base import GroupsBase
from storage import groups as store
from storage import guests as guest_store
from storage import sessions as session_store
from storage import setup as setup_store
from storage.models import GuildConfig, WorkGroup


class GuestCommands(GroupsBase):
    guest = app_commands.Group(
        name="guest", description=_("A group's guests: experts, partners, members of other groups")
    )

    async def _hosting_group(
        self, interaction: discord.Interaction, value: str | None
    ) -> tuple[discord.Guild, GuildConfig, WorkGroup]:
        """The group named, else this channel's; published, and managed by the caller."""
        guild, config, _tr, cycle = await self._context(interaction)
        async with self.services.db() as db:
            if value is not None:
                row = await store.find(db, cycle.id, value)
                if row is None:
                    raise UserError("error.groups.unknown_group", group=value.lstrip("#"))
            else:
                row = await store.by_channel(db, interaction.channel_id or 0)
                if row is None:
                    raise UserError("error.guests.not_group_channel")
        check_manager(interaction, config, row, refusal="error.guests.not_allowed")
        if row.status != "published" or row.channel_id is None:
            raise UserError("error.guests.not_published", group=row.name)
        return guild, config, row

    @guest.command(
        name="add",
        description=_("Open a group's channel to a guest until a date"),
        extras={AUDIENCE: GROUP_MANAGERS},
    )
    @app_commands.describe(
        user=_("Who comes as a guest (a member of this server)"),
        until=_("Until when (default: end of the next session's day; 60 days at most)"),
        note=_("Why they come, told to the group (200 characters at most)"),
        group=_("The group (default: this channel's group)"),
    )
    async def guest_add(
        self,
        interaction: discord.Interaction,
        user: discord.Member | discord.User,
        until: str | None = None,
        note: str | None = None,
        group: str | None = None,
    ) -> None:
        guild, config, row = await self._hosting_group(interaction, group)
        tr = self.services.reader(interaction, config)
        now, zone = self.services.clock.now(), ZoneInfo(config.timezone)
        await self._check_guest(row, user)
        kept_note = rules.clean_note(note)
        if until is not None:
            ends = parse_future(until, config.timezone, now, rules.END_OF_DAY).at
            rules.check_until(ends, now, zone, until)
        else:
            async with self.services.db() as db:
                session = await session_store.next_scheduled(db, row.id, now)
            window = (
                (session.starts_at, session.starts_at + timedelta(minutes=session.minutes))
                if session is not None
                else None
            )
            ends = rules.default_until(now, window, zone)
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.services.db() as db, db.begin():
            added = await guest_store.add_or_extend(
                db, guild_id=guild.id, group_id=row.id, member_id=user.id,
                added_by=interaction.user.id, until=ends, note=kept_note, now=now,
            )  # fmt: skip
            notice = guests.EXTENDED if added.extended else guests.ARRIVAL
            key = await guests.plan_stay(db, self.services.work, added.guest, notice)
            await setup_store.audit(
                db, guild.id, interaction.user.id, "group.guest.add", now, group=row.id,
                guest=user.id, until=ends.isoformat(), extended=added.extended,
            )  # fmt: skip
        access = (await self.services.work.in_order().run([key]))[key]
        done = "groups.guest.extended" if added.extended else "groups.guest.added"
        text = tr(done, guest=user.mention, group=row.name, until=ui.timestamp(ends))
        if access == "failed":
            text += "\n" + tr("error.discord_forbidden")
        elif access not in work.SETTLED:
            text += "\n" + tr("groups.guest.waiting", guest=user.mention)
        await ui.reply(interaction, text)

    async def _check_guest(self, row: WorkGroup, user: discord.Member | discord.User) -> None:
        """Refuse whom Discord cannot let in, or who is there already."""
        if not isinstance(user, discord.Member):
            raise UserError("error.guests.not_in_server", guest=user.mention)
        if user.bot:
            raise UserError("error.guests.bot", guest=user.mention)
        async with self.services.db() as db:
            members = await store.member_ids(db, row.id)
            present = await guest_store.guests_of(db, [row.id], self.services.clock.now())
        if user.id in members | {row.facilitator_id, row.secretary_id}:
            raise UserError("error.groups.already_member", member=user.mention, group=row.name)
        already = {g.member_id for g in present[row.id]}
        if user.id not in already and len(already) >= rules.MAX_GUESTS:
            raise UserError("error.guests.full", group=row.name, limit=rules.MAX_GUESTS)

    @guest.command(
        name="remove",
        description=_("Close a group's channel to one of its guests now"),
        extras={AUDIENCE: GROUP_MANAGERS},
    )
    @app_commands.describe(
        user=_("The guest"), group=_("The group (default: this channel's group)")
    )
    async def guest_remove(
        self,
        interaction: discord.Interaction,
        user: discord.Member | discord.User,
        group: str | None = None,
    ) -> None:
        guild, config, row = await self._hosting_group(interaction, group)
        tr = self.services.reader(interaction, config)
        now = self.services.clock.now()
        async with self.services.db() as db:
            if await guest_store.guest_of(db, row.id, user.id, now) is None:
                raise UserError("error.guests.not_a_guest", guest=user.mention, group=row.name)
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.services.db() as db, db.begin():
            removed = await guest_store.remove(db, row.id, user.id, now)
            key = await guests.plan_removal(db, self.services.work, removed) if removed else None
            await setup_store.audit(
                db, guild.id, interaction.user.id, "group.guest.remove", now, group=row.id,
                guest=user.id,
            )  # fmt: skip
        states = await self.services.work.in_order().run([key] if key else [])
        text = tr("groups.guest.removed", guest=user.mention, group=row.name)
        if key is not None and states[key] == "failed":
            text += "\n" + tr("error.discord_forbidden")
        elif key is not None and states[key] not in work.SETTLED:
            text += "\n" + tr("groups.guest.removal_waiting", guest=user.mention)
        await ui.reply(interaction, text)

    @guest_add.autocomplete("group")
    @guest_remove.autocomplete("group")
    async def _managed_group(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Organisers may pick any group; others the groups they are in."""
        own = True
        if interaction.guild_id is not None and isinstance(interaction.user, discord.Member):
            config = await self.services.config(interaction.guild_id)
            own = not member_is_organiser(interaction.user, config, interaction.permissions)
        return await self.group_choices(interaction, current, only_own=own)
