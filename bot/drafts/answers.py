"""The board's answer to a submitted recommendation: who may give it, what it does.

Stored first, with the work that shows it: in one transaction the answer (only while
the draft is still submitted), its new status, the item making the post's tag follow,
the item posting the answer in the draft's forum post (split across messages, never
cut) and the item telling the group in its channel (bot/drafts/jobs.py). Then the
items are tried at once, in that order, and the board member is told the truth: done,
or waiting for Discord (the engine retries), or refused (/setup check lists it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.drafts import jobs, rules
from bot.drafts.service import DraftContext, DraftService
from bot.kit import forums, ui, work
from bot.kit.checks import ensure_board
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from storage import drafts as store
from storage import setup as setup_store
from storage.models import DraftAnswer

if TYPE_CHECKING:
    from bot.kit.host import Host


def check_answer(tr: Tr, status: str, decision: str) -> str:
    """The domain's refusal, with the status named as the reader knows it (the tags)."""
    try:
        return rules.check_answer(status, decision)
    except UserError as error:
        named = {
            key: tr(f"draft.status.{value}") if key == "status" else value
            for key, value in error.params.items()
        }
        raise UserError(error.key, **named) from None


class AnswerService:
    def __init__(self, bot: Host, writer: DraftService) -> None:
        self.bot = bot
        self.services = bot.services
        self.writer = writer

    async def find(self, guild_id: int, value: str) -> DraftContext:
        """Any draft of the server (the board may answer after the cycle closed)."""
        async with self.services.db() as db:
            found = await store.find_in_guild(db, guild_id, value)
        if found is None or found.id is None:
            raise UserError("error.answer.unknown", value=value.lstrip("#"))
        return await self.writer.load(guild_id, found.id)

    async def answer(
        self, interaction: discord.Interaction, draft_id: int, decision: str, text: str
    ) -> None:
        guild = interaction.guild
        assert guild is not None  # noqa: S101 - guild-only command
        await ensure_board(interaction)  # still the board when the form comes back
        config = await self.services.config(guild.id)
        tr = self.services.reader(interaction, config)
        text = rules.check_answer_text(text)
        found = await self.writer.load(guild.id, draft_id)
        before = found.draft.status
        status = check_answer(tr, before, decision)
        now = self.services.clock.now()
        row = DraftAnswer(draft_id=draft_id, decision=decision, text=text,
                          author_id=interaction.user.id, created_at=now)  # fmt: skip
        async with self.services.db() as db, db.begin():
            answer = await store.add_answer(db, row, status, now)
            if answer is None:  # answered or moved meanwhile
                raise UserError("error.answer.conflict")
            keys = [await jobs.follow_tag(db, self.services.work, found.draft)] if status != before else []  # fmt: skip
            keys += await jobs.add_answer_items(db, self.services.work, found.draft, answer)
            await setup_store.audit(db, guild.id, interaction.user.id, "draft.answer", now,
                                    draft=draft_id, decision=decision, answer=answer.id)  # fmt: skip
        await interaction.response.defer(ephemeral=True, thinking=True)
        found.draft.status = status
        await self.ensure_post(guild, self.services.public(config), found)
        states = await self.services.work.in_order().run(keys)
        if status != before:
            self.bot.dispatch("draft_status", found.draft)
        reply = tr("draft.answered", title=found.draft.title,
                   decision=tr(f"draft.decision.{decision}"))  # fmt: skip
        if "failed" in states.values():
            reply += "\n" + tr("error.discord_forbidden")
        elif any(state not in work.SETTLED for state in states.values()):
            reply += "\n" + tr("draft.answered.waiting")
        else:
            thread = ui.channel_mention(found.draft.thread_id) or "—"
            reply += " " + tr("draft.answered.posted", thread=thread)
        await ui.reply(interaction, reply)

    async def ensure_post(self, guild: discord.Guild, public: Tr, found: DraftContext) -> None:
        """A post deleted by hand is made again (with its text) before the answer goes in."""
        if await forums.thread_of(self.bot, found.draft.thread_id) is not None:
            return
        async with self.services.db() as db:
            text = (await store.latest_texts(db, [found.draft])).get(found.draft.id, "")
        await self.writer.show(guild, public, found, text)
