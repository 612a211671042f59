"""`/group`: who runs a group (organisers), what a group is (anyone), inviting someone
into it (its facilitator, its secretary, or an organiser), and one's own invitations."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.groups import consent, invitation_posts, invitation_views, jobs, objects
from bot.groups import invitations as invites
from bot.groups import posts as cards
from bot.kit import ui, work
from bot.kit.checks import member_is_organiser, organiser_only
from bot.kit.user_error import UserError
from cogs.groups._base import GroupsBase, send_all
from storage import groups as store
from storage import invitations as invitation_store
from storage import setup as setup_store
from storage import themes
from storage.models import GuildConfig, WorkGroup


class GroupCog(GroupsBase):
    group = app_commands.Group(name="group", description=_("Your working group"), guild_only=True)

    def _is_organiser(self, interaction: discord.Interaction, config: GuildConfig) -> bool:
        user = interaction.user
        return isinstance(user, discord.Member) and member_is_organiser(
            user, config, interaction.permissions
        )

    @group.command(name="roles", description=_("Name a group's facilitator and secretary"))
    @app_commands.describe(
        group=_("The group"),
        facilitator=_("Who facilitates the sessions"),
        secretary=_("Who takes the notes"),
    )
    @organiser_only()
    async def roles(
        self,
        interaction: discord.Interaction,
        group: str,
        facilitator: discord.Member,
        secretary: discord.Member,
    ) -> None:
        guild, config, tr, cycle = await self._context(interaction)
        row, _theme, members = await self._group(cycle, group)
        for person in (facilitator, secretary):
            if person.id not in members:
                raise UserError("error.groups.not_member", member=person.mention, group=row.name)
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            await store.set_roles(db, row.id, facilitator.id, secretary.id, now)
            await setup_store.audit(
                db, guild.id, interaction.user.id, "group.roles", now, group=row.id,
                facilitator=facilitator.id, secretary=secretary.id,
            )  # fmt: skip
        row.facilitator_id, row.secretary_id = facilitator.id, secretary.id
        if row.status == "published":
            await interaction.response.defer(ephemeral=True, thinking=True)
            notice = self.services.public(config)(
                "groups.roles.notice", facilitator=facilitator.mention, secretary=secretary.mention
            )
            await objects.post(guild, row, notice)
            await objects.refresh_welcome(guild, row, await self._welcome(config, row))
        await ui.reply(
            interaction,
            tr(
                "groups.roles.saved",
                group=row.name,
                facilitator=facilitator.mention,
                secretary=secretary.mention,
            ),
        )

    @group.command(name="info", description=_("Who is in a working group and who runs it"))
    @app_commands.describe(group=_("The group (default: this channel's group, or yours)"))
    async def info(self, interaction: discord.Interaction, group: str | None = None) -> None:
        _guild, config, tr, cycle = await self._context(interaction)
        organiser = self._is_organiser(interaction, config)
        async with self.services.db() as db:
            if group is not None:
                found = await store.find(db, cycle.id, group)
                if found is None:
                    raise UserError("error.groups.unknown_group", group=group.lstrip("#"))
                rows = [found]
            else:
                here = await store.by_channel(db, interaction.channel_id or 0)
                mine = await store.groups_of_member(db, cycle.id, interaction.user.id)
                rows = [here] if here is not None and here.cycle_id == cycle.id else mine
            members = await store.members_of(db, [r.id for r in rows if r.id])
            by_id = {t.id: t for t in await themes.themes_of(db, cycle.id)}
        if not rows:
            await ui.reply(interaction, tr("groups.info.none"))
            return
        if group is not None and not organiser and interaction.user.id not in members[rows[0].id]:
            raise UserError("error.groups.info_not_yours", group=rows[0].name)
        cards_rows = [
            (row, by_id[row.theme_id], members[row.id]) for row in rows if row.theme_id in by_id
        ]
        await send_all(interaction, cards.info(tr, cards_rows))

    @group.command(name="invite", description=_("Invite a member into this group (in its channel)"))
    @app_commands.describe(member=_("The member to invite"))
    async def invite(self, interaction: discord.Interaction, member: discord.Member) -> None:
        assert interaction.guild is not None  # noqa: S101 - guild-only group
        guild = interaction.guild
        config = await self.services.config(guild.id)
        tr = self.services.reader(interaction, config)
        async with self.services.db() as db:
            row = await store.by_channel(db, interaction.channel_id or 0)
        if row is None or row.id is None:
            raise UserError("error.groups.not_group_channel")
        organiser = self._is_organiser(interaction, config)
        over_cap = await self._check_invite(interaction, row, member, config, organiser)
        role = guild.get_role(row.role_id) if row.role_id else None
        if role is None:
            raise UserError("error.groups.role_missing", group=row.name)
        if config.group_join == consent.CONSENT:
            await self._invite_by_consent(interaction, row, member, config, over_cap)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            await store.add_members(db, row.id, [member.id], "invite", now)
            keys = await jobs.follow_roles(db, self.services.work, row, [member.id])
            await setup_store.audit(
                db, guild.id, interaction.user.id, "group.invite", now, group=row.id,
                member=member.id, over_cap=over_cap,
            )  # fmt: skip
        # The role is must-happen work: tried now, retried while Discord makes it wait.
        runner = self.services.work.in_order()
        access = (await runner.run(list(keys.values())))[keys[member.id]]
        public = self.services.public(config)
        welcome = public(
            "groups.invite.welcome", member=member.mention, by=interaction.user.mention
        )
        await objects.post(guild, row, welcome)
        await objects.refresh_welcome(guild, row, await self._welcome(config, row))
        text = tr("groups.invite.done", member=member.mention, group=row.name)
        if over_cap:
            text += "\n" + tr("groups.invite.over_cap", cap=config.max_groups_per_member)
        if access == "failed":
            text += "\n" + tr("error.discord_forbidden")
        elif access not in work.SETTLED:
            text += "\n" + tr("groups.invite.waiting", member=member.mention)
        await ui.reply(interaction, text)

    async def _invite_by_consent(
        self,
        interaction: discord.Interaction,
        row: WorkGroup,
        member: discord.Member,
        config: GuildConfig,
        over_cap: bool,
    ) -> None:
        """Consent mode: the member is sent an invitation (a declined or expired one is
        opened again) and joins on accepting it."""
        assert interaction.guild_id is not None  # noqa: S101 - guild-only group
        tr = self.services.reader(interaction, config)
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            invitation = await invites.invite(db, self.services.work, row, member.id, config,
                                              source="invite", by=interaction.user.id)  # fmt: skip
            if invitation is None:  # invited meanwhile, by someone else
                raise UserError("error.invitation.pending", member=member.mention, group=row.name)
            await setup_store.audit(
                db, interaction.guild_id, interaction.user.id, "group.invite", now, group=row.id,
                member=member.id, over_cap=over_cap, invitation=invitation.id,
                version=invitation.version,
            )  # fmt: skip
        sent = await invites.send(self.services, self.services.work.in_order(), [invitation])
        again = "again" if invitation.version > 1 else "done"
        text = tr(f"invitation.invite.{again}", member=member.mention, group=row.name)
        text += "\n" + invitation_posts.invited_text(tr, sent)
        if over_cap:
            text += "\n" + tr("groups.invite.over_cap", cap=config.max_groups_per_member)
        await ui.reply(interaction, text)

    @group.command(
        name="invitations", description=_("Your invitations to working groups: accept or decline")
    )
    async def invitations(self, interaction: discord.Interaction) -> None:
        await invitation_views.show_mine(self.bot, interaction)

    async def _check_invite(
        self,
        interaction: discord.Interaction,
        row: WorkGroup,
        member: discord.Member,
        config: GuildConfig,
        organiser: bool,
    ) -> bool:
        """Refuse what may not be done; True when an organiser goes over the group cap."""
        runners = (row.facilitator_id, row.secretary_id)
        if not organiser and interaction.user.id not in runners:
            raise UserError(
                "error.groups.invite_not_allowed",
                facilitator=cards.mention(row.facilitator_id),
                secretary=cards.mention(row.secretary_id),
            )
        if member.bot:
            raise UserError("error.groups.invite_bot", member=member.mention)
        async with self.services.db() as db:
            members = await store.members_of(db, [row.id])
            count = len(await store.groups_of_member(db, row.cycle_id, member.id))
            # a pending invitation holds its seat (bot/groups/consent.py)
            held = await invitation_store.pending_groups_of_member(db, row.cycle_id, member.id)
        if member.id in members[row.id]:
            raise UserError("error.groups.already_member", member=member.mention, group=row.name)
        if any(g.id == row.id for g in held):
            raise UserError("error.invitation.pending", member=member.mention, group=row.name)
        count += len(held)
        cap = config.max_groups_per_member
        if count >= cap and not organiser:
            raise UserError("error.groups.invite_cap", member=member.mention, count=count, cap=cap)
        return count >= cap

    @roles.autocomplete("group")
    async def _any_group(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.group_choices(interaction, current)

    @info.autocomplete("group")
    async def _visible_group(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Organisers may look at any group; members at their own."""
        own = True
        if interaction.guild_id is not None:
            config = await self.services.config(interaction.guild_id)
            own = not self._is_organiser(interaction, config)
        return await self.group_choices(interaction, current, only_own=own)
