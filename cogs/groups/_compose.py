"""`/groups`: organisers propose a theme's groups from its voters, adjust them one
member at a time, then publish them as private channels and roles."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.groups import (
    consent,
    guests,
    invitation_jobs,
    invitation_posts,
    invitation_views,
    jobs,
    objects,
)  # fmt: skip
from bot.groups import invitations as invites
from bot.groups import posts as cards
from bot.groups import rules as composition
from bot.groups import service as plans
from bot.kit import charts, ui, work
from bot.kit.checks import ORGANISERS, OrganiserCog
from bot.kit.checkup import Finding
from bot.kit.user_error import UserError
from cogs.groups._base import GroupsBase, send_all
from storage import cycles
from storage import groups as store
from storage import invitations as invitation_store
from storage import setup as setup_store
from storage.models import GuildConfig, Invitation, Phase, WorkGroup
from storage.models.invitations import DM_CLOSED

log = logging.getLogger(__name__)
Size = app_commands.Range[int, 1, 100]


class GroupsCog(OrganiserCog, GroupsBase):
    groups = app_commands.Group(
        name="groups",
        description=_("Compose and publish the working groups"),
        default_permissions=ORGANISERS,
        guild_only=True,
    )

    async def cog_load(self) -> None:
        self.services.checkup.register("groups", self._checkup)
        jobs.RoleJobs(self.bot).register()
        invitation_jobs.InvitationJobs(self.bot).register()
        self.bot.add_dynamic_items(invitation_views.AnswerButton, invitation_views.MineButton)
        guests.GuestJobs(self.bot).register()

    async def cog_unload(self) -> None:
        self.services.checkup.unregister("groups")

    async def _checkup(self, guild: discord.Guild, config: GuildConfig) -> list[Finding]:
        async with self.services.db() as db:
            cycle = await cycles.open_cycle(db, guild.id)
            found = await store.groups_of_cycle(db, cycle.id) if cycle is not None else []
        return objects.checkup(guild, found)

    @groups.command(
        name="propose", description=_("Propose working groups for a theme from its voters")
    )
    @app_commands.describe(
        theme=_("The theme to compose groups for"),
        min_size=_("Smallest group (default: the server's setting, 5)"),
        max_size=_("Largest group (default: the server's setting, 12)"),
    )
    async def propose(
        self,
        interaction: discord.Interaction,
        theme: str,
        min_size: Size | None = None,
        max_size: Size | None = None,
    ) -> None:
        guild, config, tr, cycle = await self._context(interaction)
        current = await self._theme(cycle, theme)
        bounds = composition.Bounds(
            min_size or config.group_min_size, max_size or config.group_max_size
        )
        async with self.services.db() as db:
            if any(g.status == "published" for g in await store.groups_of_theme(db, current.id)):
                raise UserError("error.groups.already_published", title=current.title)
            inputs = await plans.load_inputs(db, guild.id, cycle.id, current.id)
        if inputs is None:
            raise UserError("error.groups.no_poll")
        if not inputs.voters(current.id):
            raise UserError("error.groups.no_voters", title=current.title)
        await interaction.response.defer(ephemeral=True, thinking=True)
        online_name = self.services.public(config)("groups.online_name")
        cap = config.max_groups_per_member
        proposal = plans.propose(current.id, inputs, bounds, cap, online_name)
        now = self.services.clock.now()
        new_rows = plans.as_rows(proposal, guild.id, cycle.id, current.id, now)
        async with self.services.db() as db, db.begin():
            try:
                stored = await store.replace_proposal(db, current.id, new_rows, now)
            except store.AlreadyPublished as exc:
                raise UserError("error.groups.already_published", title=current.title) from exc
            await setup_store.audit(
                db, guild.id, interaction.user.id, "groups.propose", now, theme=current.id,
                groups=len(stored), min=bounds.min_size, max=bounds.max_size,
            )  # fmt: skip
        rows = [(row, group.members) for row, group in zip(stored, proposal.groups, strict=True)]
        messages = cards.proposal_preview(tr, current, rows, proposal, inputs, bounds, cap)
        spec = cards.proposal_picture(tr, current, rows, bounds)
        picture = await charts.draw(spec) if spec is not None else None
        await send_all(interaction, messages, charts.attachments(picture))

    @groups.command(name="move", description=_("Move a member to another group of the same theme"))
    @app_commands.describe(member=_("The member to move"), group=_("The group to move them to"))
    async def move(
        self, interaction: discord.Interaction, member: discord.Member, group: str
    ) -> None:
        guild, config, tr, cycle = await self._context(interaction)
        target, theme, _members = await self._group(cycle, group)
        async with self.services.db() as db:
            rows = await store.groups_of_theme(db, theme.id)
            ids = [r.id for r in rows if r.id]
            members = await store.members_of(db, ids)
            seats = await invitation_store.pending_of(db, ids)  # invited: their seat is held
            inputs = await plans.load_inputs(db, guild.id, cycle.id, theme.id)
        placed = {g: [*members[g], *seats[g]] for g in ids}
        cap = config.max_groups_per_member
        before = plans.stored_proposal(theme.id, rows, placed, inputs or plans.Inputs([], {}), cap)
        after = composition.move(before, member.id, target.name)
        source = before.group_of(member.id)
        by_name = {row.name: row for row in rows}
        origin = by_name[source.name] if source else None
        invite = config if config.group_join == consent.CONSENT else None
        if target.status == "published":
            await interaction.response.defer(ephemeral=True, thinking=True)
        else:
            invite = None  # a proposal: invitations go when it is published
        keys, invitation = await self._save_move(
            interaction, member.id, origin, target, after, invite
        )
        roles = "none"
        if target.status == "published":
            roles = await self._move_in_discord(
                guild, config, member, origin, target, keys, joined=invitation is None
            )
        if roles == "refused":
            await ui.reply(interaction, tr("groups.moved.discord_failed", member=member.mention))
            return
        moved = after.group(target.name)
        size = moved.size if moved else 0
        text = tr(
            "groups.moved",
            member=member.mention,
            origin=origin.name if origin else tr("groups.moved.unplaced"),
            group=target.name,
            size=size,
        )
        if not bounds_fit(config, size):
            text += "\n" + tr(
                "groups.moved.size_warning",
                size=size,
                min=config.group_min_size,
                max=config.group_max_size,
            )
        if roles == "waiting":
            text += "\n" + tr("groups.moved.waiting", member=member.mention)
        if invitation is not None:
            sent = await invites.send(self.services, self.services.work.in_order(), [invitation])
            text += "\n" + invitation_posts.invited_text(tr, sent)
        await ui.reply(interaction, text)

    async def _save_move(
        self,
        interaction: discord.Interaction,
        member_id: int,
        origin: WorkGroup | None,
        target: WorkGroup,
        after: composition.Proposal,
        invite: GuildConfig | None,
    ) -> tuple[list[str], Invitation | None]:
        """The member's rows follow the move; both groups' roles follow composition.move;
        in published groups, the member's Discord roles will follow: the items' keys,
        the group left first. `invite` (consent mode, a published target): the member is
        invited into the target (and joins on accepting) rather than made a member."""
        assert target.id is not None and interaction.guild_id is not None  # noqa: S101
        now = self.services.clock.now()
        keys: list[str] = []
        invitation, left = None, False
        async with self.services.db() as db, db.begin():
            if origin is not None and origin.id is not None:
                left = await store.remove_member(db, origin.id, member_id)
                await invites.withdraw(db, origin.id, member_id, now)
            if invite is not None:
                invitation = await invites.invite(
                    db, self.services.work, target, member_id, invite,
                    source="move", by=interaction.user.id,
                )  # fmt: skip
            else:
                await store.add_members(db, target.id, [member_id], "move", now)
            for row in (origin, target):
                if row is None or row.id is None:
                    continue
                regrouped = after.group(row.name)
                if regrouped is None and row.status == "proposed":
                    await store.delete_groups(db, [row.id])
                    continue
                lead = regrouped.facilitator if regrouped else None
                notes = regrouped.secretary if regrouped else None
                await store.set_roles(db, row.id, lead, notes, now)
                row.facilitator_id, row.secretary_id = lead, notes
                holds = left if row is origin else invitation is None  # a role to follow
                if row.status == "published" and holds:
                    follow = await jobs.follow_roles(db, self.services.work, row, [member_id])
                    keys += follow.values()
            await setup_store.audit(
                db, interaction.guild_id, interaction.user.id, "groups.move", now,
                member=member_id, origin=origin.id if origin else None, group=target.id,
                invitation=invitation.id if invitation else None,
            )  # fmt: skip
        return keys, invitation

    async def _move_in_discord(
        self,
        guild: discord.Guild,
        config: GuildConfig,
        member: discord.Member,
        origin: WorkGroup | None,
        target: WorkGroup,
        keys: list[str],
        *,
        joined: bool,
    ) -> str:
        """Roles follow the member (tried now, else retried by the engine); a line in the
        new channel says who joined (an invited member is welcomed on accepting).
        "done", "waiting" (for Discord) or "refused"."""
        states = await self.services.work.in_order().run(keys)
        public = self.services.public(config)
        try:
            if joined:
                notice = public("groups.moved.notice", member=member.mention)
                await objects.post(guild, target, notice)
            for row in (origin, target):
                if row is not None and row.status == "published":
                    await objects.refresh_welcome(guild, row, await self._welcome(config, row))
        except discord.HTTPException as exc:
            log.warning("move to group %s: Discord refused %s %s", target.id, exc.status, exc.text)
            return "refused"
        if "failed" in states.values():
            return "refused"
        return "waiting" if any(s not in work.SETTLED for s in states.values()) else "done"

    @groups.command(name="publish", description=_("Create the groups' private channels and roles"))
    @app_commands.describe(theme=_("The theme whose proposed groups to publish"))
    async def publish(self, interaction: discord.Interaction, theme: str) -> None:
        guild, config, tr, cycle = await self._context(interaction)
        current = await self._theme(cycle, theme)
        async with self.services.db() as db:
            rows = await store.groups_of_theme(db, current.id)
        if not rows:
            raise UserError("error.groups.nothing_proposed", title=current.title)
        category = guild.get_channel(current.category_id) if current.category_id else None
        if not isinstance(category, discord.CategoryChannel):
            raise UserError("error.groups.no_category", title=current.title)
        objects.check_can_publish(guild, category, rows)
        await interaction.response.defer(ephemeral=True, thinking=True)
        organisers = guild.get_role(config.organiser_role_id or 0)
        where = objects.Where(guild, category, current, organisers)
        outcome = objects.Outcome()
        runner = self.services.work.in_order()
        async with self.services.db() as db:
            phases = await cycles.phases_of(db, cycle.id)
        sent = invites.Sent()
        try:
            for row in rows:
                await self._publish_one(where, config, row, phases, runner, outcome)
                if config.group_join == consent.CONSENT:
                    sent.add(await invites.send_waiting(self.services, runner, row))
        except discord.HTTPException as exc:
            log.warning(
                "groups of theme %s partly published: %s %s", current.id, exc.status, exc.text
            )
            await ui.reply(interaction, tr("groups.publish.partial", title=current.title))
            return
        if outcome.refused:  # a role Discord refused for good: listed by /setup check
            await ui.reply(interaction, tr("groups.publish.partial", title=current.title))
            return
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            await setup_store.audit(
                db, guild.id, interaction.user.id, "groups.publish", now, theme=current.id,
                channels=outcome.channels, roles=outcome.roles, grants=outcome.grants,
                invited=sent.sent + sent.closed + sent.waiting,
            )  # fmt: skip
            rows = await store.groups_of_theme(db, current.id)
        invited = config.group_join == consent.CONSENT
        text = cards.published_text(tr, current, rows, outcome, invited)
        if invited:
            text += "\n" + invitation_posts.invited_text(tr, sent)
        await ui.reply(interaction, text)

    async def _publish_one(
        self,
        where: objects.Where,
        config: GuildConfig,
        row: WorkGroup,
        phases: Sequence[Phase],
        runner: work.InOrder,
        outcome: objects.Outcome,
    ) -> None:
        if config.group_join == consent.CONSENT and row.status == "proposed":
            async with self.services.db() as db, db.begin():  # invited, not joined
                await invites.propose_to_members(db, row, config, self.services.clock.now())
        async with self.services.db() as db:
            members = await store.rows_of(db, row.id)
        public = self.services.public(config)
        ids = [m.member_id for m in members]

        def welcome() -> discord.Embed:
            return cards.welcome(public, where.theme, row, ids, phases)

        ledger = objects.Ledger(self.services.db, self.services.clock, row.id)
        roles = objects.RoleChanges(self.services.db, self.services.work, runner, row)
        await objects.ensure(where, row, members, welcome, ledger, roles, outcome)

    @groups.command(
        name="status", description=_("Who accepted, declined or has not answered, group by group")
    )
    @app_commands.describe(theme=_("The theme whose groups to follow"))
    async def status(self, interaction: discord.Interaction, theme: str) -> None:
        _guild, config, tr, cycle = await self._context(interaction)
        current = await self._theme(cycle, theme)
        async with self.services.db() as db:
            rows = await store.groups_of_theme(db, current.id)
            ids = [r.id for r in rows]
            members = await store.members_of(db, ids)
            invited = await invitation_store.of_groups(db, ids)
        if not rows:
            raise UserError("error.groups.nothing_proposed", title=current.title)
        found = [
            (row, consent.answers(members[row.id], [
                consent.Invited(i.member_id, i.state, i.dm_status == DM_CLOSED, i.reason)
                for i in invited[row.id]
            ]))
            for row in rows
        ]  # fmt: skip
        summary = invitation_posts.summary(tr, config.group_join, found)
        await interaction.response.defer(ephemeral=True, thinking=True)  # the picture's time
        bounds = composition.Bounds(config.group_min_size, config.group_max_size)
        spec = invitation_posts.status_picture(tr, current, found, bounds)
        picture = await charts.draw(spec) if spec is not None else None
        messages = invitation_posts.status(tr, current, found, summary)
        await send_all(interaction, messages, charts.attachments(picture))

    @propose.autocomplete("theme")
    @publish.autocomplete("theme")
    @status.autocomplete("theme")
    async def _theme_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.theme_choices(interaction, current)

    @move.autocomplete("group")
    async def _group_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.group_choices(interaction, current)


def bounds_fit(config: GuildConfig, size: int) -> bool:
    return config.group_min_size <= size <= config.group_max_size
