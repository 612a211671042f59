"""The registration buttons of a meeting's announcement, and the announcement kept up to
date.

The buttons are persistent: the meeting and the choice live in the custom id
(`sip:meet:<meeting>:<in_person|online|cancel>`), so a click works on any copy of the
announcement, before or after a restart, whichever process receives it. A click answers
by editing the message clicked (the new numbers; an interaction answer costs nothing
against Discord's rate limits) and telling the member, privately, where they stand; the
other copy follows within seconds (jobs.py, "meeting_card").
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.kit import errors, ui
from bot.kit.checks import member_is_member, member_is_organiser
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from bot.meetings import posts, rules, seats
from storage import meetings as store
from storage import themes as theme_store
from storage.models import Meeting

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)


class RegisterButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"sip:meet:(?P<meeting>\d+):(?P<choice>in_person|online|cancel)",
):
    def __init__(self, meeting_id: int, choice: str, label: str | None = None) -> None:
        style, emoji = posts.CHOICE_STYLE[choice]
        super().__init__(
            discord.ui.Button(
                label=(label or choice)[:80],
                style=style,
                emoji=emoji,
                custom_id=f"sip:meet:{meeting_id}:{choice}",
            )
        )
        self.meeting_id, self.choice = meeting_id, choice

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> RegisterButton:
        return cls(int(match["meeting"]), match["choice"], item.label)

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = cast("Host", interaction.client)
        try:
            await self._choose(bot, interaction)
        except Exception as error:  # noqa: BLE001 - one place turns errors into messages
            await errors.report(bot, interaction, error)

    async def _choose(self, bot: Host, interaction: discord.Interaction) -> None:
        services = bot.services
        if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
            raise UserError("error.guild_only")
        config = await services.config(interaction.guild_id)
        user = interaction.user
        if not (
            member_is_member(user, config)
            or member_is_organiser(user, config, interaction.permissions)
        ):
            raise UserError("error.meeting.not_member")
        now = services.clock.now()
        async with services.db() as db, db.begin():
            choice = await seats.choose(
                db, services.work, self.meeting_id, user.id, user.display_name, self.choice,
                config.offsets_minutes, now,
            )  # fmt: skip
            theme = (
                await theme_store.get(db, choice.meeting.theme_id)
                if choice.meeting.theme_id
                else None
            )
            event = await posts.event_state(db, choice.meeting)
        public = services.public(config)
        await interaction.response.edit_message(
            embed=posts.card(public, choice.meeting, choice.counts, theme.title if theme else None, event),
            view=registration_view(public, choice.meeting),
        )  # fmt: skip
        await interaction.followup.send(
            answer(services.reader(interaction, config), choice), ephemeral=True
        )
        services.work.poke()


def answer(tr: Tr, choice: seats.Choice) -> str:
    """Where the member stands now, in their words."""
    meeting, after = choice.meeting, choice.after
    title, when = meeting.title, ui.timestamp(meeting.starts_at)
    if after is None or after.state == rules.CANCELLED:
        return tr("meeting.answer.cancelled", title=title)
    prefix = "meeting.answer." if choice.changed else "meeting.answer.already."
    if after.state == rules.WAITLISTED:
        text = tr(
            prefix + "waitlisted",
            title=title,
            position=choice.position,
            capacity=meeting.capacity or 0,
        )
        return text + ("\n" + tr("meeting.answer.online_open") if posts.online(meeting) else "")
    return tr(prefix + after.mode, title=title, when=when)


def registration_view(tr: Tr, meeting: Meeting) -> discord.ui.View | None:
    if meeting.status != "scheduled" or meeting.id is None:
        return None
    view = discord.ui.View(timeout=None)
    for choice in posts.offered(meeting):
        view.add_item(RegisterButton(meeting.id, choice, tr(f"meeting.button.{choice}")))
    return view


async def refresh_cards(bot: Host, meeting_id: int) -> int:
    """Every copy of the announcement shows the meeting as stored; returns how many
    Discord took (a copy deleted by hand is left alone)."""
    services = bot.services
    async with services.db() as db:
        meeting = await store.get(db, meeting_id)
        if meeting is None:
            return 0
        counts = (await store.counts(db, [meeting.id]))[meeting.id]
        theme = await theme_store.get(db, meeting.theme_id) if meeting.theme_id else None
        event = await posts.event_state(db, meeting)
    tr = services.public(await services.config(meeting.guild_id))
    embed = posts.card(tr, meeting, counts, theme.title if theme else None, event)
    edited = 0
    for channel_id, message_id in (
        (meeting.channel_id, meeting.message_id),
        (meeting.info_channel_id, meeting.info_message_id),
    ):
        if channel_id is None or message_id is None:
            continue
        channel = bot.get_partial_messageable(channel_id, guild_id=meeting.guild_id)
        try:
            await channel.get_partial_message(message_id).edit(
                embed=embed, view=registration_view(tr, meeting)
            )
            edited += 1
        except discord.HTTPException as exc:
            log.info("announcement of meeting %s not updated: %s", meeting.id, exc.status)
    return edited
