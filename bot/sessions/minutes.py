"""Minutes of a session, typed in a modal, posted whole (split, never cut) and stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.kit import ui
from bot.kit.forms import SipForm
from bot.kit.i18n import Tr
from bot.kit.text import split_text
from bot.kit.user_error import UserError
from bot.sessions import jobs
from storage import sessions as store
from storage import setup as setup_store
from storage.models import GroupSession, SessionMinutes, WorkGroup

if TYPE_CHECKING:
    from bot.kit.host import Host

TEXT_MAX = 4000


class MinutesModal(SipForm):
    def __init__(
        self,
        bot: Host,
        session: GroupSession,
        group: WorkGroup,
        tr: Tr,
        previous: SessionMinutes | None,
        user_id: int,
    ) -> None:
        # one form per person: discord.py keeps open forms by custom id
        super().__init__(
            bot,
            title=tr("minutes.modal.title", number=session.number)[:45],
            custom_id=f"sip:minutes:{session.id}:{user_id}",
        )
        self.bot, self.session_id, self.group = bot, session.id, group
        self.summary: discord.ui.TextInput[MinutesModal] = discord.ui.TextInput(
            custom_id="summary", label=tr("minutes.modal.summary")[:45], style=discord.TextStyle.paragraph, max_length=TEXT_MAX,
            default=previous.summary if previous else None,
        )  # fmt: skip
        self.decisions: discord.ui.TextInput[MinutesModal] = discord.ui.TextInput(
            custom_id="decisions", label=tr("minutes.modal.decisions")[:45], style=discord.TextStyle.paragraph, max_length=TEXT_MAX,
            required=False, default=previous.decisions if previous else None,
        )  # fmt: skip
        self.attendees: discord.ui.TextInput[MinutesModal] = discord.ui.TextInput(
            custom_id="attendees",
            label=tr("minutes.modal.attendees")[:45],
            max_length=4,
            default=str(previous.attendees) if previous else None,
        )
        for item in (self.summary, self.decisions, self.attendees):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        services = self.bot.services
        config = await services.config(interaction.guild_id or 0)
        tr = services.reader(interaction, config)
        summary, decisions = self.summary.value.strip(), self.decisions.value.strip()
        if not summary:
            raise UserError("error.minutes.empty")
        count = self.attendees.value.strip()
        if not count.isdigit() or int(count) > 500:
            raise UserError("error.minutes.attendees", value=count)
        now = services.clock.now()
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = self.bot.get_partial_messageable(
            self.group.channel_id or 0, guild_id=self.group.guild_id
        )
        public = services.public(config)
        async with services.db() as db:
            session = await store.get(db, self.session_id)
        assert session is not None  # noqa: S101 - checked when the modal opened
        header = await channel.send(
            embed=ui.embed(public("minutes.post.title", number=session.number, group=self.group.name),
                           public("minutes.post.meta", attendees=int(count), author=interaction.user.mention))
        )  # fmt: skip
        for title, body in (
            (public("minutes.post.summary"), summary),
            (public("minutes.post.decisions"), decisions),
        ):
            if body:
                for chunk in split_text(f"**{title}**\n{body}"):
                    await channel.send(chunk)
        async with services.db() as db, db.begin():
            await store.save_minutes(db, SessionMinutes(
                session_id=self.session_id, summary=summary, decisions=decisions, attendees=int(count),
                author_id=interaction.user.id, message_id=header.id, created_at=now,
            ))  # fmt: skip
            await store.update_session(db, self.session_id, now, status="done")
            await jobs.cancel_reminders(db, self.session_id, now)
            await setup_store.audit(
                db,
                session.guild_id,
                interaction.user.id,
                "session.minutes",
                now,
                session_id=self.session_id,
            )
        await ui.reply(interaction, tr("minutes.saved", number=session.number))
