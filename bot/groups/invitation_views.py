"""The buttons of an invitation, its decline form, and the member's list of invitations.

Every button carries the invitation in its custom id (`sip:inv:<invitation>:accept`,
`…:decline`) and is a DynamicItem registered at start-up, so a click works on any DM or
list, before or after a restart. `sip:inv:mine` (the profile's "My invitations", see
bot/groups/__init__.py) lists the member's invitations like `/group invitations`.

A click answers in the member's language; in a DM (no server) the message edited is the
card itself, elsewhere the member's list is shown again. A decline asks, in a form, why
(optional); a form opened before a restart is told to have expired (bot/kit/formwatch.py).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.groups import MY_INVITATIONS
from bot.groups import invitation_posts as posts
from bot.groups import invitations as service
from bot.kit import errors, work
from bot.kit.forms import SipForm
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from storage import cycles, themes
from storage import groups as group_store
from storage import invitations as store
from storage.models import Invitation, WorkGroup
from storage.models.invitations import REASON_MAX

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
PER_MESSAGE = 5  # one row of buttons per pending invitation; Discord allows 5 rows
LABEL_MAX = 80


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"sip:inv:(?P<invitation>\d+):(?P<action>accept|decline)",
):
    STYLES = {
        "accept": (discord.ButtonStyle.success, "✅"),
        "decline": (discord.ButtonStyle.secondary, "✖️"),
    }

    def __init__(
        self, invitation_id: int, action: str, label: str | None = None, row: int | None = None
    ) -> None:
        style, emoji = self.STYLES[action]
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=(label or action)[:LABEL_MAX], style=style, emoji=emoji,
            custom_id=f"sip:inv:{invitation_id}:{action}", row=row,
        )  # fmt: skip
        super().__init__(button)
        self.invitation_id, self.action = invitation_id, action

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> AnswerButton:
        return cls(int(match["invitation"]), match["action"], item.label)

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = cast("Host", interaction.client)
        try:
            if self.action == "accept":
                await on_accept(bot, interaction, self.invitation_id)
            else:
                await on_decline(bot, interaction, self.invitation_id)
        except Exception as error:  # noqa: BLE001 - one place turns errors into messages
            await errors.report(bot, interaction, error)


class MineButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=MY_INVITATIONS):
    def __init__(self, label: str | None = None) -> None:
        super().__init__(discord.ui.Button(label=label or "invitations", custom_id=MY_INVITATIONS))

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> MineButton:
        return cls(item.label)

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = cast("Host", interaction.client)
        try:
            await show_mine(bot, interaction)
        except Exception as error:  # noqa: BLE001 - one place turns errors into messages
            await errors.report(bot, interaction, error)


def add_answers(
    view: discord.ui.View, tr: Tr, invitation_id: int, row: int, group_name: str | None = None
) -> discord.ui.View:
    """Accept / Decline on one row; named after the group when several share a message."""
    for action in ("accept", "decline"):
        label = tr(f"invitation.button.{action}")
        if group_name:
            label = f"{label} · {group_name}"
        view.add_item(AnswerButton(invitation_id, action, label, row))
    return view


def answer_view(tr: Tr, invitation_id: int) -> discord.ui.View:
    return add_answers(discord.ui.View(timeout=None), tr, invitation_id, 0)


@dataclass
class Page:
    """One message of the member's list."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None


class DeclineForm(SipForm):
    def __init__(self, bot: Host, tr: Tr, invitation: Invitation, group: WorkGroup) -> None:
        super().__init__(
            bot, title=tr("invitation.form.title", name=group.name),
            custom_id=f"sip:inv:{invitation.id}:reason",
        )  # fmt: skip
        self.bot, self.invitation_id = bot, invitation.id
        self.reason: discord.ui.TextInput[DeclineForm] = discord.ui.TextInput(
            custom_id="reason", label=tr("invitation.form.reason")[:45],
            style=discord.TextStyle.paragraph, required=False, max_length=REASON_MAX,
            placeholder=tr("invitation.form.placeholder")[:100],
        )  # fmt: skip
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        services = self.bot.services
        answer = await service.decline(
            services, self.invitation_id, interaction.user.id, self.reason.value or ""
        )
        tr = await reader(self.bot, interaction, answer.group.guild_id)
        content = tr("invitation.declined", group=answer.group.name)
        await show_answered(self.bot, interaction, answer, content, deferred=False)
        if answer.roles_freed:
            await service.refresh(self.bot, answer.group)


async def reader(bot: Host, interaction: discord.Interaction, guild_id: int) -> Tr:
    return bot.services.reader(interaction, await bot.services.config(guild_id))


async def on_accept(bot: Host, interaction: discord.Interaction, invitation_id: int) -> None:
    invitation = await service.load(bot.services, invitation_id, interaction.user.id)
    await interaction.response.defer()  # the role is asked of Discord: it may take a while
    answer = await service.accept(bot.services, invitation.id, interaction.user.id)
    state = await service.joined(bot, answer)
    tr = await reader(bot, interaction, answer.group.guild_id)
    channel = f"<#{answer.group.channel_id}>" if answer.group.channel_id else "—"
    content = tr("invitation.accepted", group=answer.group.name, channel=channel)
    if state == "failed":
        content += "\n" + tr("invitation.accepted.refused")
    elif state not in work.SETTLED:
        content += "\n" + tr("invitation.accepted.waiting")
    await show_answered(bot, interaction, answer, content, deferred=True)


async def on_decline(bot: Host, interaction: discord.Interaction, invitation_id: int) -> None:
    invitation = await service.load(bot.services, invitation_id, interaction.user.id)
    async with bot.services.db() as db:
        group = await group_store.get(db, invitation.group_id)
    if group is None:
        raise UserError("error.invitation.gone")
    tr = await reader(bot, interaction, group.guild_id)
    await interaction.response.send_modal(DeclineForm(bot, tr, invitation, group))


async def show_answered(
    bot: Host,
    interaction: discord.Interaction,
    answer: service.Answer,
    content: str,
    *,
    deferred: bool,
) -> None:
    """In a DM, the card itself shows the answer and loses its buttons; in the server,
    the member's list is shown again. Then the answer is confirmed, for the member only."""
    if interaction.guild_id is None:
        embed = await dm_card(bot, answer.invitation, answer.group)
        if deferred:
            await interaction.edit_original_response(embed=embed, view=None)
        else:
            await interaction.response.edit_message(embed=embed, view=None)
    else:
        page = (await my_pages(bot, interaction, answer.group.cycle_id))[0]
        edit = interaction.edit_original_response if deferred else interaction.response.edit_message
        await edit(content=page.content, embeds=page.embeds, view=page.view)
    await interaction.followup.send(content, ephemeral=True)
    if interaction.guild_id is not None:  # answered from the list: the DM follows
        await close_dm(bot, answer.invitation, answer.group)


async def dm_card(bot: Host, invitation: Invitation, group: WorkGroup) -> discord.Embed:
    """The card as the DM shows it: in the server's language."""
    config = await bot.services.config(group.guild_id)
    async with bot.services.db() as db:
        theme = await themes.get(db, group.theme_id)
    assert theme is not None  # noqa: S101 - groups are deleted with their theme
    guild = bot.get_guild(group.guild_id)
    name = guild.name if guild is not None else "—"
    return posts.card(bot.services.public(config), name, theme, group, invitation)


async def close_dm(bot: Host, invitation: Invitation, group: WorkGroup) -> None:
    """The DM's buttons go once the invitation is answered or expired (a stale click would
    only be told so): best effort, the DM may be deleted or closed."""
    if invitation.dm_channel_id is None or invitation.dm_message_id is None:
        return
    channel = bot.get_partial_messageable(invitation.dm_channel_id)
    message = channel.get_partial_message(invitation.dm_message_id)
    try:
        await message.edit(embed=await dm_card(bot, invitation, group), view=None)
    except discord.HTTPException as exc:
        log.info("invitation %s: its DM was not updated (%s)", invitation.id, exc.status)


async def my_pages(
    bot: Host, interaction: discord.Interaction, cycle_id: int | None = None
) -> list[Page]:
    """The caller's invitations in the server's open cycle: cards with buttons, five to a
    message, then those already answered."""
    if interaction.guild is None:
        raise UserError("error.guild_only")
    services = bot.services
    config = await services.config(interaction.guild.id)
    tr = services.reader(interaction, config)
    async with services.db() as db:
        if cycle_id is None:
            cycle = await cycles.open_cycle(db, interaction.guild.id)
            if cycle is None or cycle.id is None:
                raise UserError("error.cycle.none")
            cycle_id = cycle.id
        found = await store.of_member(db, cycle_id, interaction.user.id)
        by_id = {t.id: t for t in await themes.themes_of(db, cycle_id)}
    rows = [(i, g, by_id[g.theme_id]) for i, g in found if g.theme_id in by_id]
    names = {i.id: g.name for i, g, _t in rows}
    pending, answered = posts.mine(tr, interaction.guild.name, rows)
    several = len(pending) > 1
    pages: list[Page] = []
    for start in range(0, len(pending), PER_MESSAGE):
        chunk = pending[start : start + PER_MESSAGE]
        view = discord.ui.View(timeout=None)
        for row, (invitation, _card) in enumerate(chunk):
            add_answers(view, tr, invitation.id, row, names[invitation.id] if several else None)
        pages.append(Page(embeds=[c for _i, c in chunk], view=view))
    if answered is not None:
        if pages:
            pages[-1].embeds.append(answered)  # at most 5 cards and this one: 10 embeds
        else:
            pages.append(Page(embeds=[answered]))
    return pages or [Page(content=tr("invitation.mine.none"))]


async def show_mine(bot: Host, interaction: discord.Interaction) -> None:
    """`/group invitations` and the profile's button: the list, for the caller only."""
    for page in await my_pages(bot, interaction):
        kwargs: dict[str, Any] = {"content": page.content, "embeds": page.embeds,
                                  "ephemeral": True}  # fmt: skip
        if page.view is not None:
            kwargs["view"] = page.view
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)
