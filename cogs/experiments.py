"""`/experiment`: a group's experiment with its thread, check-ins, nudges and evaluation."""

from __future__ import annotations

from datetime import datetime

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import SipBot
from bot.cycles.rules import PHASE_END
from bot.experiments import jobs, rules
from bot.experiments.jobs import NudgeSender
from bot.kit import ui
from bot.kit.access import check_manager, managed_group_here
from bot.kit.checks import member_is_organiser
from bot.kit.dates import parse_moment
from bot.kit.forms import SipForm
from bot.kit.i18n import Tr
from bot.kit.text import split_text
from bot.kit.user_error import UserError
from storage import cycles
from storage import experiments as store
from storage import groups as group_store
from storage import setup as setup_store
from storage.models import (
    Experiment,
    ExperimentCheckin,
    ExperimentEvaluation,
    GuildConfig,
    WorkGroup,
)

FIELDS = ("done", "worked", "failed", "lessons")


class EvaluationModal(SipForm):
    def __init__(self, bot: SipBot, experiment: Experiment, tr: Tr, user_id: int) -> None:
        super().__init__(
            bot,
            title=tr("experiment.modal.title")[:45],
            custom_id=f"sip:xp:eval:{experiment.id}:{user_id}",
        )
        self.bot, self.experiment_id = bot, experiment.id
        self.inputs: dict[str, discord.ui.TextInput[EvaluationModal]] = {}
        for name in FIELDS:
            self.inputs[name] = discord.ui.TextInput(
                custom_id=name, label=tr(f"experiment.modal.{name}")[:45], style=discord.TextStyle.paragraph,
                max_length=1000, required=name == "done",
            )  # fmt: skip
            self.add_item(self.inputs[name])

    async def on_submit(self, interaction: discord.Interaction) -> None:
        services = self.bot.services
        config = await services.config(interaction.guild_id or 0)
        tr, public = services.reader(interaction, config), services.public(config)
        values = {name: self.inputs[name].value.strip() for name in FIELDS}
        if not values["done"]:
            raise UserError("error.experiment.evaluation_empty")
        now = services.clock.now()
        async with services.db() as db, db.begin():
            experiment = await store.get(db, self.experiment_id)
            assert experiment is not None  # noqa: S101 - checked when the modal opened
            await store.save_evaluation(
                db,
                ExperimentEvaluation(
                    experiment_id=self.experiment_id,
                    author_id=interaction.user.id,
                    created_at=now,
                    done=values["done"],
                    worked=values["worked"],
                    failed=values["failed"],
                    lessons=values["lessons"],
                ),
            )
            await store.update_experiment(db, self.experiment_id, now, status="evaluated")
            await jobs.stop_nudges(db, self.experiment_id, now)
            await setup_store.audit(
                db,
                experiment.guild_id,
                interaction.user.id,
                "experiment.evaluate",
                now,
                experiment_id=self.experiment_id,
            )
        services.work.poke()
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = "\n\n".join(
            f"**{public(f'experiment.modal.{n}')}**\n{v}" for n, v in values.items() if v
        )
        thread = self.bot.get_partial_messageable(
            experiment.thread_id or 0, guild_id=experiment.guild_id
        )
        for chunk in split_text(
            public("experiment.evaluation.header", title=experiment.title) + "\n\n" + text
        ):
            await thread.send(chunk)
        await ui.reply(interaction, tr("experiment.evaluated", title=experiment.title))


class ExperimentCog(commands.Cog):
    experiment = app_commands.Group(
        name="experiment",
        description=_("Your group's experiment and its follow-up"),
        guild_only=True,
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.nudges = NudgeSender(bot)

    async def cog_load(self) -> None:
        self.services.work.register(jobs.KIND, self.nudges.handle)

    async def _experiment(
        self, interaction: discord.Interaction, value: str, *, member_ok: bool = False
    ) -> tuple[GuildConfig, Tr, Experiment, WorkGroup]:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        text = value.strip().lstrip("#")
        async with self.services.db() as db:
            found = await store.get(db, int(text)) if text.isdigit() else None
            group = await db.get(WorkGroup, found.group_id) if found is not None else None
            members = (
                await group_store.member_ids(db, found.group_id) if found is not None else set()
            )
        if found is None or group is None or found.guild_id != interaction.guild_id:
            raise UserError("error.experiment.unknown", value=value)
        if not (member_ok and interaction.user.id in members):
            check_manager(interaction, config, group)
        return config, tr, found, group

    @experiment.command(
        name="start", description=_("Start an experiment of this group, with its thread")
    )
    @app_commands.describe(
        title=_("Name of the experiment"),
        goal=_("What the group wants to try and learn"),
        start=_("Start (default: the cycle's experiments phase)"),
        end=_("End (default: the end of the experiments phase)"),
    )
    async def start(
        self,
        interaction: discord.Interaction,
        title: str,
        goal: str,
        start: str | None = None,
        end: str | None = None,
    ) -> None:
        config, tr, group = await managed_group_here(self.services, interaction)
        now = self.services.clock.now()
        title = rules.clean(
            title, rules.TITLE_MAX, "error.experiment.title_empty", "error.experiment.title_long"
        )
        goal = rules.clean(
            goal, rules.GOAL_MAX, "error.experiment.goal_empty", "error.experiment.goal_long"
        )
        starts_at, ends_at = await self._window(config, group, start, end)
        rules.check_window(starts_at, ends_at, now)
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = interaction.channel
        if not isinstance(channel, discord.TextChannel):
            raise UserError("error.session.not_group_channel")
        public = self.services.public(config)
        thread = await channel.create_thread(
            name=f"🧪 {title}"[:100],
            type=discord.ChannelType.public_thread,
            auto_archive_duration=10080,
        )
        await thread.send(
            public(
                "experiment.thread.intro",
                title=title,
                goal=goal,
                start=ui.timestamp(starts_at),
                end=ui.timestamp(ends_at),
            )
        )
        first = rules.first_nudge(starts_at, ends_at)
        row = Experiment(
            guild_id=group.guild_id, cycle_id=group.cycle_id, group_id=group.id, title=title, goal=goal,
            starts_at=starts_at, ends_at=ends_at, thread_id=thread.id, created_by=interaction.user.id,
            created_at=now, updated_at=now,
        )  # fmt: skip
        async with self.services.db() as db, db.begin():
            await store.add(db, row)
            await jobs.plan_nudge(self.services.work, db, row, first)
            await setup_store.audit(
                db,
                group.guild_id,
                interaction.user.id,
                "experiment.start",
                now,
                experiment_id=row.id,
            )
        await ui.reply(
            interaction,
            tr(
                "experiment.started",
                title=title,
                thread=thread.mention,
                first=ui.timestamp(first.at),
            ),
        )
        self.services.work.poke()

    async def _window(
        self, config: GuildConfig, group: WorkGroup, start: str | None, end: str | None
    ) -> tuple[datetime, datetime]:
        """Given dates, else the cycle's experiments phase (15 January to 15 April)."""
        default_start = default_end = None
        async with self.services.db() as db:
            phase = await cycles.phase(db, group.cycle_id, "experiments")
        if phase is not None:
            default_start, default_end = phase.starts_at, phase.ends_at
        now = self.services.clock.now()
        starts_at = parse_moment(start, config.timezone, now=now).at if start else default_start
        ends_at = parse_moment(end, config.timezone, PHASE_END, now=now).at if end else default_end
        if starts_at is None or ends_at is None:
            raise UserError("error.experiment.no_window")
        return starts_at, ends_at

    @experiment.command(name="checkin", description=_("Record the experiment's progress"))
    @app_commands.describe(experiment=_("The experiment"), text=_("Where it stands, what happened"))
    async def checkin(self, interaction: discord.Interaction, experiment: str, text: str) -> None:
        config, tr, found, _group = await self._experiment(interaction, experiment, member_ok=True)
        body = rules.clean(
            text, rules.TEXT_MAX, "error.experiment.checkin_empty", "error.experiment.checkin_long"
        )
        if found.status == "evaluated":
            raise UserError("error.experiment.closed", title=found.title)
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            await store.add_checkin(
                db,
                ExperimentCheckin(
                    experiment_id=found.id,
                    text=body,
                    author_id=interaction.user.id,
                    created_at=now,
                ),
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        thread = self.bot.get_partial_messageable(found.thread_id or 0, guild_id=found.guild_id)
        public = self.services.public(config)
        for chunk in split_text(
            public("experiment.checkin.header", author=interaction.user.mention) + "\n" + body
        ):
            await thread.send(chunk)
        await ui.reply(interaction, tr("experiment.checked_in", title=found.title))

    @experiment.command(
        name="evaluate", description=_("Evaluate the experiment: what was done, what it teaches")
    )
    @app_commands.describe(experiment=_("The experiment"))
    async def evaluate(self, interaction: discord.Interaction, experiment: str) -> None:
        _config, tr, found, _group = await self._experiment(interaction, experiment)
        if found.starts_at > self.services.clock.now():
            raise UserError("error.experiment.not_started", title=found.title)
        await interaction.response.send_modal(
            EvaluationModal(self.bot, found, tr, interaction.user.id)
        )

    @experiment.command(name="list", description=_("Experiments and their follow-up"))
    async def list_(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        organiser = isinstance(interaction.user, discord.Member) and member_is_organiser(
            interaction.user, config, interaction.permissions
        )
        async with self.services.db() as db:
            if organiser:
                rows = await store.of_guild(db, interaction.guild_id)
            else:
                mine = await group_store.member_groups_in_guild(
                    db, interaction.guild_id, interaction.user.id
                )
                rows = await store.of_groups(db, [g.id for g in mine if g.id is not None])
            ids = [r.id for r in rows]
            last, counts = await store.last_checkins(db, ids), await store.checkin_counts(db, ids)
        if not rows:
            await ui.reply(interaction, tr("experiment.list.empty"))
            return
        now = self.services.clock.now()
        lines = []
        for row in rows:
            late = (
                row.status == "running"
                and row.starts_at <= now
                and rules.is_late(last.get(row.id), row.starts_at, now)
            )
            lines.append(tr(
                "experiment.list.line", flag="⚠️" if late else "🧪", title=row.title, status=tr(f"experiment.status.{row.status}"),
                checkins=counts.get(row.id, 0), thread=f"<#{row.thread_id}>" if row.thread_id else "—",
                late=tr("experiment.list.late") if late else "",
            ))  # fmt: skip
        await ui.reply(
            interaction, embed=ui.embed(tr("experiment.list.title"), "\n".join(lines)[:4096])
        )

    @checkin.autocomplete("experiment")
    @evaluate.autocomplete("experiment")
    async def experiment_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        async with self.services.db() as db:
            mine = await group_store.member_groups_in_guild(
                db, interaction.guild_id, interaction.user.id
            )
            rows = await store.of_groups(db, [g.id for g in mine if g.id is not None])
            if not rows:
                rows = await store.of_guild(db, interaction.guild_id)
        needle = current.strip().casefold()
        return [
            app_commands.Choice(name=r.title[:100], value=f"#{r.id}")
            for r in rows
            if needle in r.title.casefold()
        ][:25]


async def setup(bot: SipBot) -> None:
    await bot.add_cog(ExperimentCog(bot))
