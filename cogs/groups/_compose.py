"""`/groups`: organisers propose a theme's groups from its voters, adjust them one
member at a time, then publish them as private channels and roles."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.app_commands import locale_str as _

from bot.groups import guests, jobs, objects
from bot.groups import posts as cards
from bot.groups import rules as composition
from bot.groups import service as plans
from bot.kit import ui, work
from bot.kit.checks import ORGANISERS, OrganiserCog
from bot.kit.checkup import Finding
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from cogs.groups._base import GroupsBase, send_all
from storage import cycles
from storage import groups as store
from storage import setup as setup_store
from storage.models import GuildConfig, Phase, Theme, WorkGroup

log = logging.getLogger(__name__)
Size = app_commands.Range[int, 1, 100]
IN_PERSON_WISH = " 📍"


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
        await send_all(interaction, self._preview(tr, current, rows, proposal, inputs, bounds, cap))

    def _preview(
        self,
        tr: Tr,
        theme: Theme,
        rows: Sequence[tuple[WorkGroup, Sequence[int]]],
        proposal: composition.Proposal,
        inputs: plans.Inputs,
        bounds: composition.Bounds,
        cap: int,
    ) -> list[list[discord.Embed]]:
        in_person = {r.member_id for r in inputs.respondents if r.mode == "in_person"}
        marks = {
            m: IN_PERSON_WISH
            for group in proposal.groups
            if group.mode == "online"
            for m in group.members
            if m in in_person
        }
        lines = [
            tr(
                "groups.preview.summary",
                voters=len(inputs.voters(theme.id)),
                placed=sum(g.size for g in proposal.groups),
                count=len(proposal.groups),
                min=bounds.min_size,
                max=bounds.max_size,
                unplaced=len(proposal.unplaced),
            )
        ]
        if not proposal.groups:
            lines.append(tr("groups.preview.none", min=bounds.min_size))
        if marks:
            lines.append(tr("groups.preview.legend", mark=IN_PERSON_WISH.strip()))
        lines.append(tr("groups.preview.next"))
        unplaced = cards.unplaced_lines(tr, proposal.unplaced, cap, inputs.existing)
        return cards.preview(tr, theme, rows, unplaced, "\n".join(lines), marks)

    @groups.command(name="move", description=_("Move a member to another group of the same theme"))
    @app_commands.describe(member=_("The member to move"), group=_("The group to move them to"))
    async def move(
        self, interaction: discord.Interaction, member: discord.Member, group: str
    ) -> None:
        guild, config, tr, cycle = await self._context(interaction)
        target, theme, _members = await self._group(cycle, group)
        async with self.services.db() as db:
            rows = await store.groups_of_theme(db, theme.id)
            members = await store.members_of(db, [r.id for r in rows if r.id])
            inputs = await plans.load_inputs(db, guild.id, cycle.id, theme.id)
        cap = config.max_groups_per_member
        before = plans.stored_proposal(theme.id, rows, members, inputs or plans.Inputs([], {}), cap)
        after = composition.move(before, member.id, target.name)
        source = before.group_of(member.id)
        by_name = {row.name: row for row in rows}
        origin = by_name[source.name] if source else None
        if target.status == "published":
            await interaction.response.defer(ephemeral=True, thinking=True)
        keys = await self._save_move(interaction, member.id, origin, target, after)
        roles = "none"
        if target.status == "published":
            roles = await self._move_in_discord(guild, config, member, origin, target, keys)
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
        await ui.reply(interaction, text)

    async def _save_move(
        self,
        interaction: discord.Interaction,
        member_id: int,
        origin: WorkGroup | None,
        target: WorkGroup,
        after: composition.Proposal,
    ) -> list[str]:
        """The member's rows follow the move; both groups' roles follow composition.move;
        in published groups, the member's Discord roles will follow: the items' keys,
        the group left first."""
        assert target.id is not None and interaction.guild_id is not None  # noqa: S101
        now = self.services.clock.now()
        keys: list[str] = []
        async with self.services.db() as db, db.begin():
            if origin is not None and origin.id is not None:
                await store.remove_member(db, origin.id, member_id)
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
                if row.status == "published":
                    follow = await jobs.follow_roles(db, self.services.work, row, [member_id])
                    keys += follow.values()
            await setup_store.audit(
                db, interaction.guild_id, interaction.user.id, "groups.move", now,
                member=member_id, origin=origin.id if origin else None, group=target.id,
            )  # fmt: skip
        return keys

    async def _move_in_discord(
        self,
        guild: discord.Guild,
        config: GuildConfig,
        member: discord.Member,
        origin: WorkGroup | None,
        target: WorkGroup,
        keys: list[str],
    ) -> str:
        """Roles follow the member (tried now, else retried by the engine); a line in the
        new channel says who joined. "done", "waiting" (for Discord) or "refused"."""
        states = await self.services.work.in_order().run(keys)
        public = self.services.public(config)
        try:
            await objects.post(guild, target, public("groups.moved.notice", member=member.mention))
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
        try:
            for row in rows:
                await self._publish_one(where, config, row, phases, runner, outcome)
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
            )  # fmt: skip
            rows = await store.groups_of_theme(db, current.id)
        await ui.reply(interaction, self._published_text(tr, current, rows, outcome))

    async def _publish_one(
        self,
        where: objects.Where,
        config: GuildConfig,
        row: WorkGroup,
        phases: Sequence[Phase],
        runner: work.InOrder,
        outcome: objects.Outcome,
    ) -> None:
        async with self.services.db() as db:
            members = await store.rows_of(db, row.id)
        public = self.services.public(config)
        ids = [m.member_id for m in members]

        def welcome() -> discord.Embed:
            return cards.welcome(public, where.theme, row, ids, phases)

        ledger = objects.Ledger(self.services.db, self.services.clock, row.id)
        roles = objects.RoleChanges(self.services.db, self.services.work, runner, row)
        await objects.ensure(where, row, members, welcome, ledger, roles, outcome)

    @staticmethod
    def _published_text(
        tr: Tr, theme: Theme, rows: Sequence[WorkGroup], outcome: objects.Outcome
    ) -> str:
        channels = ", ".join(ui.channel_mention(r.channel_id) or "—" for r in rows)
        done = outcome.channels + outcome.roles + outcome.grants + outcome.welcomes
        if not done + outcome.revoked + outcome.waiting:
            text = tr("groups.published.nothing", count=len(rows), title=theme.title)
        else:
            text = tr(
                "groups.published",
                count=len(rows),
                title=theme.title,
                channels=outcome.channels,
                roles=outcome.roles,
                grants=outcome.grants,
                welcomes=outcome.welcomes,
            )
        text += "\n" + channels
        if outcome.revoked:
            text += "\n" + tr("groups.published.revoked", count=outcome.revoked)
        if outcome.gone:
            gone = " ".join(cards.mention(m) for m in outcome.gone)
            text += "\n" + tr("groups.published.gone", members=gone)
        if outcome.waiting:
            text += "\n" + tr("groups.published.waiting", count=outcome.waiting)
        return text

    @propose.autocomplete("theme")
    @publish.autocomplete("theme")
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
