"""The follow-up's use cases: an update by the board, the list of a cycle's followed
recommendations.

An update is stored with the work item that posts it (bot/followup/jobs.py), in one
transaction; the item is tried at once and the board member told whether Discord took
it. The list is for everyone: members see what became of the recommendations they wrote
and endorsed (a cooperative accounts to its members, as Decidim's accountability does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.drafts import rules as draft_rules
from bot.followup import rules
from bot.followup.posts import Followed
from bot.kit import choices, ui, work
from bot.kit.user_error import UserError
from storage import drafts as draft_store
from storage import followup as store
from storage import setup as setup_store
from storage import themes
from storage.models import Cycle, Draft, WorkGroup

if TYPE_CHECKING:
    from bot.kit.host import Host


class FollowupService:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    async def find(self, guild_id: int, value: str) -> Draft:
        """An adopted draft of any cycle of the server (follow-up outlives the cycle)."""
        async with self.services.db() as db:
            draft = await draft_store.find_in_guild(db, guild_id, value, [rules.FOLLOWED])
        if draft is None:
            raise UserError("error.followup.unknown", value=value.lstrip("#"))
        return draft

    async def update(
        self, interaction: discord.Interaction, value: str, state: str, note: str
    ) -> None:
        guild = interaction.guild
        assert guild is not None  # noqa: S101 - guild-only command
        config = await self.services.config(guild.id)
        tr = self.services.reader(interaction, config)
        state = rules.check_state(state)
        note = rules.check_note(note)
        draft = await self.find(guild.id, value)
        try:
            rules.check_followed(draft.status)
        except UserError as error:
            raise UserError(error.key, status=tr(f"draft.status.{draft.status}")) from None
        now = self.services.clock.now()
        works = self.services.work
        async with self.services.db() as db, db.begin():
            update = await store.add_update(db, draft.id, state, note, interaction.user.id, now)
            if update is None:
                raise UserError("error.followup.unknown", value=value.lstrip("#"))
            kind, key, payload = rules.post_work(update.id)
            await works.add(db, kind=kind, key=key, guild_id=guild.id,
                            due_at=now + draft_rules.TAG_TAKEOVER, payload=payload)  # fmt: skip
            await setup_store.audit(db, guild.id, interaction.user.id, "followup.update", now,
                                    draft=draft.id, state=state, update=update.id)  # fmt: skip
        await interaction.response.defer(ephemeral=True, thinking=True)
        states = await works.in_order().run([key])
        reply = tr("followup.updated", title=draft.title, state=tr(f"followup.state.{state}"))
        if states[key] == "failed":
            reply += "\n" + tr("followup.updated.failed")
        elif states[key] not in work.SETTLED:
            reply += "\n" + tr("followup.updated.waiting")
        else:
            thread = ui.channel_mention(draft.thread_id) or "—"
            reply += " " + tr("followup.updated.posted", thread=thread)
        await ui.reply(interaction, reply)

    async def cycle(self, guild_id: int, value: str | None) -> Cycle:
        """The cycle asked for ("#id" from the autocomplete, or its name), else the open one."""
        if not value:
            return await self.services.open_cycle(guild_id)
        found = await choices.cycle_asked(self.services, guild_id, value)
        if found is None:
            raise UserError("error.followup.cycle_unknown", value=value.lstrip("#"))
        return found

    async def followed(self, cycle: Cycle) -> list[Followed]:
        """The cycle's adopted recommendations, each with its answer and its timeline."""
        async with self.services.db() as db:
            drafts = await store.followed_of_cycle(db, cycle.id)
            ids = [d.id for d in drafts]
            answers = await draft_store.current_answers(db, ids)
            timelines = await store.updates(db, ids)
            groups = {d.group_id: await db.get(WorkGroup, d.group_id) for d in drafts}
            by_theme = {t.id: t for t in await themes.themes_of(db, cycle.id)}
        return [
            Followed(d, groups.get(d.group_id), by_theme.get(d.theme_id), answers.get(d.id),
                     timelines.get(d.id, []))
            for d in drafts
        ]  # fmt: skip
