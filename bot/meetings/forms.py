"""The report of a meeting, typed in a form after it: a summary (up to 4,000 characters)
and the recording's link, posted as a reply to the announcement (so it sits under it,
where those who registered look) — split across messages, never cut — and stored.
Sent again, it is posted again and replaces what is stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.kit import ui
from bot.kit.forms import SipForm
from bot.kit.i18n import Tr
from bot.kit.text import split_text
from bot.meetings import rules, views
from storage import meetings as store
from storage import setup as setup_store
from storage.models import Meeting

if TYPE_CHECKING:
    from bot.kit.host import Host


class ReportModal(SipForm):
    def __init__(self, bot: Host, meeting: Meeting, tr: Tr, user_id: int) -> None:
        super().__init__(
            bot,
            title=tr("meeting.report.modal.title", title=meeting.title)[:45],
            custom_id=f"sip:meeting_report:{meeting.id}:{user_id}",
        )
        self.bot, self.meeting_id = bot, meeting.id
        self.summary: discord.ui.TextInput[ReportModal] = discord.ui.TextInput(
            custom_id="summary", label=tr("meeting.report.modal.summary")[:45],
            style=discord.TextStyle.paragraph, max_length=rules.SUMMARY_MAX,
            default=meeting.summary or None,
        )  # fmt: skip
        self.recording: discord.ui.TextInput[ReportModal] = discord.ui.TextInput(
            custom_id="recording", label=tr("meeting.report.modal.recording")[:45],
            required=False, max_length=rules.URL_MAX, default=meeting.recording_url,
        )  # fmt: skip
        self.add_item(self.summary)
        self.add_item(self.recording)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        services = self.bot.services
        config = await services.config(interaction.guild_id or 0)
        tr = services.reader(interaction, config)
        summary = rules.check_summary(self.summary.value)
        recording = rules.check_url(self.recording.value, "error.meeting.recording")
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with services.db() as db:
            meeting = await store.get(db, self.meeting_id)
        assert meeting is not None  # noqa: S101 - checked when the form opened
        public = services.public(config)
        text = public("meeting.report.post", title=meeting.title, summary=summary)
        if recording:
            text += "\n\n" + public("meeting.report.recording", url=recording)
        channel_id = (
            meeting.channel_id or config.announcements_channel_id or interaction.channel_id or 0
        )
        channel = self.bot.get_partial_messageable(channel_id, guild_id=meeting.guild_id)
        reference = (
            discord.MessageReference(
                message_id=meeting.message_id, channel_id=channel_id, fail_if_not_exists=False
            )
            if meeting.message_id is not None
            else None
        )
        first: discord.Message | None = None
        for chunk in split_text(text):
            sent = await channel.send(chunk, reference=reference)  # type: ignore[arg-type]
            first, reference = first or sent, None
        assert first is not None  # noqa: S101 - split_text gives at least one chunk
        now = services.clock.now()
        async with services.db() as db, db.begin():
            await store.update_meeting(
                db, meeting.id, now, summary=summary, recording_url=recording,
                report_message_id=first.id, status="done" if meeting.status == "scheduled" else meeting.status,
            )  # fmt: skip
            await setup_store.audit(
                db, meeting.guild_id, interaction.user.id, "meeting.report", now, meeting=meeting.id
            )
        await views.refresh_cards(self.bot, meeting.id)  # the announcement says it took place
        await ui.reply(
            interaction, tr("meeting.report.saved", title=meeting.title, link=first.jump_url)
        )
