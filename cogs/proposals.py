"""`/proposal`: members propose the next cycle's themes in the cycle's "next themes" forum
and endorse them with 👍; organisers open or close the call by hand and decide on each
proposal (shortlisted for the assembly's vote, merged into another, not retained).

The writing lives in bot/proposals/service.py, the posts in bot/proposals/posts.py, the
work that tags and tells in bot/proposals/jobs.py, endorsements in
bot/proposals/endorsements.py.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import SipBot
from bot.kit import reactions, ui, work
from bot.kit.checks import organiser_only
from bot.kit.text import pack
from bot.kit.user_error import UserError
from bot.proposals import rules, views
from bot.proposals.endorsements import ProposalEndorsements
from bot.proposals.forms import NewProposalForm
from bot.proposals.jobs import ProposalJobs
from bot.proposals.service import ProposalService
from storage import cycles
from storage import proposals as store
from storage.models import Proposal

log = logging.getLogger(__name__)
PREFIX = "proposal."
STATUS_CHOICES = [
    app_commands.Choice(name=name, value=PREFIX + code)
    for code, name in zip(
        rules.STATUSES, ("proposed", "shortlisted for the vote", "merged into another",
                         "not retained"), strict=True,
    )
]  # fmt: skip


class ProposalCog(commands.Cog):
    proposal = app_commands.Group(
        name="proposal", description=_("Next themes proposed by members"), guild_only=True
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.writer = ProposalService(bot)
        self.recorder = ProposalEndorsements(bot)
        self.reconciler = reactions.Reconciler(bot, self.recorder, "proposal-reconcile")

    async def cog_load(self) -> None:
        ProposalJobs(self.bot).register()
        await self.reconciler.start()

    async def cog_unload(self) -> None:
        await self.reconciler.stop()

    @property
    def reconciled(self) -> bool:
        return self.reconciler.reconciled

    @commands.Cog.listener()
    async def on_cycle_closed(self, cycle_id: int) -> None:
        async with self.services.db() as db:
            closed = {p.id for p in await store.of_cycle(db, cycle_id)}
        self.recorder.forget_cycle(closed)

    # ------------------------------------------------------------ new
    @proposal.command(
        name="new", description=_("Propose a theme for the next cycle (opens a form)")
    )
    async def new(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # noqa: S101 - guild-only group
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        self.writer.check_member(interaction, config)
        self.writer.check_accepting(await self.writer.call(interaction.guild_id))
        await interaction.response.send_modal(
            NewProposalForm(self.bot, tr, interaction.user.id, self._submitted)
        )

    async def _submitted(self, interaction: discord.Interaction, title: str, text: str) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        tr = self.services.reader(interaction, await self.services.config(interaction.guild_id))
        proposal = await self.writer.create(interaction, title, text)
        self.recorder.remember(proposal)
        post = ui.channel_mention(proposal.thread_id) or "—"
        await ui.reply(interaction, tr("proposal.created", title=proposal.title, post=post))

    # ------------------------------------------------------------ list
    @proposal.command(name="list", description=_("The proposed themes, their status and support"))
    @app_commands.describe(status=_("Only the proposals with this status"))
    @app_commands.choices(status=STATUS_CHOICES)
    async def list_(self, interaction: discord.Interaction, status: str | None = None) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        tr = self.services.reader(interaction, await self.services.config(interaction.guild_id))
        found = await self.writer.call(interaction.guild_id)
        await self.recorder.flush()
        async with self.services.db() as db:
            rows = await store.of_cycle(db, found.cycle.id)
            counts = await store.endorsement_counts(db, [p.id for p in rows])
        wanted = status.removeprefix(PREFIX) if status else None
        shown = [p for p in rows if wanted is None or p.status == wanted]
        lines = [views.state_line(tr, found)]
        if shown:
            lines += views.list_lines(tr, shown, counts, found.cycle.name, rows)
        else:
            lines.append(tr("proposal.list.empty"))
        for block in pack(lines, 2000):
            await ui.reply(interaction, block)

    # ------------------------------------------------------------ status
    @proposal.command(name="status", description=_("Shortlist, merge or set aside a proposal"))
    @app_commands.describe(
        proposal=_("The proposal"),
        state=_("Its new status"),
        note=_("A word for its author, told by DM and under the post (1000 characters)"),
        into=_("For a merge: the proposal it joins"),
    )
    @app_commands.choices(state=STATUS_CHOICES)
    @organiser_only()
    async def status(
        self,
        interaction: discord.Interaction,
        proposal: str,
        state: str,
        note: str | None = None,
        into: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        tr = self.services.reader(interaction, await self.services.config(interaction.guild_id))
        cycle = await self.services.open_cycle(interaction.guild_id)
        found = await self._find(cycle.id, proposal)
        target = await self._find(cycle.id, into) if into else None
        cleaned = rules.clean_note(note)
        decided = await self.writer.decide(
            interaction, found, state.removeprefix(PREFIX), target, cleaned
        )
        self.recorder.remember(decided.proposal)
        text = tr("proposal.decided", title=found.title,
                  status=tr(f"proposal.status.{decided.proposal.status}"))  # fmt: skip
        if decided.tag == "failed" or decided.post == "failed":
            text += "\n" + tr("proposal.decided.post_gone")
        elif decided.tag not in work.SETTLED or decided.post not in work.SETTLED:
            text += "\n" + tr("proposal.decided.waiting")
        text += "\n" + tr(f"proposal.decided.dm.{self._told(decided.dm)}")
        await ui.reply(interaction, text)

    @staticmethod
    def _told(state: str) -> str:
        return {"done": "sent", "skipped": "skipped"}.get(state, "waiting")

    async def _find(self, cycle_id: int, value: str) -> Proposal:
        async with self.services.db() as db:
            found = await store.find(db, cycle_id, value)
        if found is None:
            raise UserError("error.proposal.unknown", value=value.lstrip("#"))
        return found

    # ------------------------------------------------------------ open, close
    @proposal.command(name="open", description=_("Take proposals now, whatever the calendar"))
    @organiser_only()
    async def open(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None  # noqa: S101
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        found = await self.writer.call(interaction.guild.id)
        if found.call.mode == rules.OPEN:
            raise UserError("error.proposal.already_open")
        await interaction.response.defer(ephemeral=True, thinking=True)
        forum = await self.writer.forum(interaction.guild, config, found)
        await self.writer.set_mode(interaction, rules.OPEN)
        await ui.reply(interaction, tr("proposal.opened", forum=forum.mention))

    @proposal.command(name="close", description=_("Take no more proposals, whatever the calendar"))
    @organiser_only()
    async def close(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        tr = self.services.reader(interaction, await self.services.config(interaction.guild_id))
        await self.writer.set_mode(interaction, rules.CLOSED)
        await ui.reply(interaction, tr("proposal.closed"))

    # ------------------------------------------------------------ autocomplete
    @status.autocomplete("proposal")
    @status.autocomplete("into")
    async def proposal_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        tr = self.services.reader(interaction, await self.services.config(interaction.guild_id))
        async with self.services.db() as db:
            cycle = await cycles.open_cycle(db, interaction.guild_id)
            rows = await store.of_cycle(db, cycle.id) if cycle is not None else []
        needle = current.strip().casefold()
        return [
            app_commands.Choice(
                name=f"{p.title} — {tr(f'proposal.status.{p.status}')}"[:100], value=f"#{p.id}"
            )
            for p in rows
            if needle in p.title.casefold()
        ][:25]


async def setup(bot: SipBot) -> None:
    await bot.add_cog(ProposalCog(bot))
