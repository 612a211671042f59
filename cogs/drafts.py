"""`/draft`: write recommendation drafts in the theme's forum, revise them, follow their
history and status; 👍 on a post's first message endorses it; the board answers them.

The writing lives in bot/drafts/service.py, the post in bot/drafts/posts.py, the forms in
bot/drafts/forms.py, endorsements in bot/drafts/endorsements.py, the board's answers in
bot/drafts/answers.py.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import SipBot
from bot.drafts import views
from bot.drafts.answers import AnswerService, check_answer
from bot.drafts.endorsements import EndorsementRecorder
from bot.drafts.forms import AnswerForm, NewDraftForm, ReviseForm
from bot.drafts.jobs import TagJobs
from bot.drafts.rules import ANSWERABLE, DECISIONS, STATUSES
from bot.drafts.service import DraftContext, DraftService, check_title, is_organiser, may_write
from bot.kit import choices, reactions, ui
from bot.kit.checks import board_only
from bot.kit.user_error import UserError
from storage import cycles, themes
from storage import drafts as store
from storage import groups as group_store
from storage.models import Cycle, Draft, Theme, WorkGroup

log = logging.getLogger(__name__)
STATUS_PREFIX = "status."
STATUS_CHOICES = [
    app_commands.Choice(name=name, value=STATUS_PREFIX + code)
    for code, name in zip(
        STATUSES,
        ("draft", "open for comment", "synthesised", "submitted to the board", "adopted",
         "not retained", "withdrawn"),
        strict=True,
    )
]  # fmt: skip
DECISION_PREFIX = "decision."
DECISION_CHOICES = [
    app_commands.Choice(name=name, value=DECISION_PREFIX + code)
    for code, name in zip(
        DECISIONS, ("under study", "adopted", "adopted with changes", "not retained"), strict=True
    )
]


class DraftCog(commands.Cog):
    draft = app_commands.Group(
        name="draft", description=_("Recommendation drafts of the working groups"), guild_only=True
    )

    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.writer = DraftService(bot)
        self.answers = AnswerService(bot, self.writer)
        self.recorder = EndorsementRecorder(bot)
        self.reconciler = reactions.Reconciler(bot, self.recorder, "draft-reconcile")

    async def cog_load(self) -> None:
        TagJobs(self.bot).register()
        await self.reconciler.start()

    async def cog_unload(self) -> None:
        await self.reconciler.stop()

    @property
    def reconciled(self) -> bool:
        return self.reconciler.reconciled

    @commands.Cog.listener()
    async def on_draft_posted(self, draft: Draft) -> None:
        self.recorder.remember(draft)

    @commands.Cog.listener()
    async def on_draft_status(self, draft: Draft) -> None:
        self.recorder.remember(draft)

    # ------------------------------------------------------------ look-ups
    async def _cycle(self, guild_id: int) -> Cycle:
        return await self.services.open_cycle(guild_id)

    async def _draft(self, interaction: discord.Interaction, value: str) -> DraftContext:
        assert interaction.guild_id is not None  # noqa: S101 - guild-only group
        cycle = await self._cycle(interaction.guild_id)
        async with self.services.db() as db:
            found = await store.find(db, cycle.id, value)
        if found is None or found.id is None:
            raise UserError("error.draft.unknown", value=value.lstrip("#"))
        return await self.writer.load(interaction.guild_id, found.id)

    # ------------------------------------------------------------ new and revise
    @draft.command(name="new", description=_("Write a new draft of this group (opens a form)"))
    @app_commands.describe(title=_("The recommendation's title (at most 100 characters)"))
    async def new(self, interaction: discord.Interaction, title: str) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        cleaned = check_title(title)
        async with self.services.db() as db:
            group = await group_store.by_channel(db, interaction.channel_id)
            members = await group_store.member_ids(db, group.id) if group else set()
        if group is None or group.id is None:
            raise UserError("error.draft.not_group_channel")
        if not may_write(interaction, config, group, members):
            raise UserError("error.draft.not_writer", group=group.name)
        await interaction.response.send_modal(
            NewDraftForm(self.bot, self.writer, tr, group.id, cleaned, interaction.user.id)
        )

    @draft.command(name="revise", description=_("Write a new version of a draft (opens a form)"))
    @app_commands.describe(draft=_("The draft to revise"))
    async def revise(self, interaction: discord.Interaction, draft: str) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        found = await self._draft(interaction, draft)
        self.writer.check_can_revise(interaction, config, found)
        async with self.services.db() as db:
            current = (await store.latest_texts(db, [found.draft])).get(found.draft.id, "")
        await interaction.response.send_modal(
            ReviseForm(self.bot, self.writer, tr, found.draft.id, found.draft.version, current,
                       interaction.user.id)
        )  # fmt: skip

    # ------------------------------------------------------------ history
    @draft.command(name="history", description=_("Versions of a draft, and what changed"))
    @app_commands.describe(
        draft=_("The draft"),
        compare_from=_("Show the changes from this version…"),
        compare_to=_("…to this one (default: the latest)"),
    )
    async def history(
        self,
        interaction: discord.Interaction,
        draft: str,
        compare_from: app_commands.Range[int, 1, 9999] | None = None,
        compare_to: app_commands.Range[int, 1, 9999] | None = None,
    ) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        found = await self._draft(interaction, draft)
        async with self.services.db() as db:
            versions = await store.versions(db, found.draft.id)
            answers = (await store.answers(db, [found.draft.id]))[found.draft.id]
        texts = views.blocks(views.history_lines(tr, found.draft, versions))
        texts += views.answer_blocks(tr, answers)
        file = None
        if compare_from is not None or compare_to is not None:
            old = views.pick(versions, compare_from or 1)
            new = views.pick(versions, compare_to or found.draft.version)
            diff, file = views.diff_reply(tr, found.draft, old, new)
            texts.append(diff)
        for index, text in enumerate(texts):
            last = index == len(texts) - 1
            if last and file is not None:
                await self._send_file(interaction, text, file)
            else:
                await ui.reply(interaction, text)

    @staticmethod
    async def _send_file(interaction: discord.Interaction, text: str, file: discord.File) -> None:
        if interaction.response.is_done():
            await interaction.followup.send(text, file=file, ephemeral=True)
        else:
            await interaction.response.send_message(text, file=file, ephemeral=True)

    # ------------------------------------------------------------ status
    @draft.command(name="status", description=_("Move a draft along: open for comment, …"))
    @app_commands.describe(draft=_("The draft"), status=_("Its new status"))
    @app_commands.choices(status=STATUS_CHOICES)
    async def status(self, interaction: discord.Interaction, draft: str, status: str) -> None:
        found = await self._draft(interaction, draft)
        await self.writer.move(interaction, found, status.removeprefix(STATUS_PREFIX))

    # ------------------------------------------------------------ the board's answer
    @draft.command(
        name="answer", description=_("The board's answer to a submitted draft (opens a form)")
    )
    @app_commands.describe(
        draft=_("The draft submitted to the board"), decision=_("The board's decision")
    )
    @app_commands.choices(decision=DECISION_CHOICES)
    @board_only()
    async def answer(self, interaction: discord.Interaction, draft: str, decision: str) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        code = decision.removeprefix(DECISION_PREFIX)
        found = await self.answers.find(interaction.guild_id, draft)
        check_answer(tr, found.draft.status, code)
        await interaction.response.send_modal(
            AnswerForm(self.bot, self.answers, tr, found.draft.id, code, interaction.user.id)
        )

    @answer.autocomplete("draft")
    async def submitted_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Drafts submitted to the board, in every cycle of the server."""
        if interaction.guild_id is None:
            return []
        async with self.services.db() as db:
            rows = await store.drafts_in_guild(db, interaction.guild_id, [ANSWERABLE])
        needle = current.strip().casefold()
        return [
            app_commands.Choice(name=d.title[:100], value=f"#{d.id}")
            for d in rows
            if needle in d.title.casefold()
        ][:25]

    # ------------------------------------------------------------ list
    @draft.command(name="list", description=_("Drafts with their status, version and endorsements"))
    @app_commands.describe(theme=_("Only this theme"))
    async def list_(self, interaction: discord.Interaction, theme: str | None = None) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        cycle = await self._cycle(interaction.guild_id)
        chosen = await self._theme(cycle, theme) if theme else None
        await self.recorder.flush()
        async with self.services.db() as db:
            rows = await store.drafts_of_cycle(db, cycle.id, chosen.id if chosen else None)
            counts = await store.endorsement_counts(db, [d.id for d in rows])
            answers = await store.current_answers(db, [d.id for d in rows])
            found_groups = {d.group_id: await db.get(WorkGroup, d.group_id) for d in rows}
            found_themes = {t.id: t for t in await themes.themes_of(db, cycle.id)}
        if not rows:
            await ui.reply(interaction, tr("draft.list.empty"))
            return
        by_group = {k: v for k, v in found_groups.items() if v is not None}
        lines = [tr("draft.list.title", count=len(rows))]
        lines += views.list_lines(tr, rows, by_group, found_themes, counts, answers)
        await views.send_blocks(interaction, views.blocks(lines))

    async def _theme(self, cycle: Cycle, value: str) -> Theme:
        async with self.services.db() as db:
            found = await themes.find(db, cycle.id, value)
        if found is None:
            raise UserError("error.theme.unknown", value=value.lstrip("#"))
        return found

    # ------------------------------------------------------------ autocomplete
    @revise.autocomplete("draft")
    async def own_draft_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._choices(interaction, current, only_own=True)

    @history.autocomplete("draft")
    @status.autocomplete("draft")
    async def draft_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._choices(interaction, current, only_own=False)

    async def _choices(
        self, interaction: discord.Interaction, current: str, *, only_own: bool
    ) -> list[app_commands.Choice[str]]:
        """Drafts of the caller's groups (organisers, and history: every draft)."""
        if interaction.guild_id is None:
            return []
        config = await self.services.config(interaction.guild_id)
        async with self.services.db() as db:
            cycle = await cycles.open_cycle(db, interaction.guild_id)
            if cycle is None or cycle.id is None:
                return []
            rows = await store.drafts_of_cycle(db, cycle.id)
            mine = await group_store.member_groups_in_guild(
                db, interaction.guild_id, interaction.user.id
            )
            every = {d.group_id: await db.get(WorkGroup, d.group_id) for d in rows}
        own = {g.id for g in mine} | {
            gid for gid, g in every.items()
            if g is not None and interaction.user.id in (g.facilitator_id, g.secretary_id)
        }  # fmt: skip
        if only_own and not is_organiser(interaction, config):
            rows = [d for d in rows if d.group_id in own]
        needle = current.strip().casefold()
        labels = [
            (f"{d.title} — {g.name if (g := every.get(d.group_id)) else '?'}", d) for d in rows
        ]
        return [
            app_commands.Choice(name=label[:100], value=f"#{d.id}")
            for label, d in labels
            if needle in label.casefold()
        ][:25]

    @list_.autocomplete("theme")
    async def theme_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.themes(self.services, interaction.guild_id, current)


async def setup(bot: SipBot) -> None:
    await bot.add_cog(DraftCog(bot))
