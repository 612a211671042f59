"""The form a next theme is proposed in: its title and what it is about. One form per
person (discord.py keeps open forms by custom id)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.kit.forms import SipForm
from bot.kit.i18n import Tr
from bot.proposals.rules import DESCRIPTION_MAX, TITLE_MAX

if TYPE_CHECKING:
    from bot.kit.host import Host

Submit = Callable[[discord.Interaction, str, str], Awaitable[None]]


class NewProposalForm(SipForm):
    def __init__(self, bot: Host, tr: Tr, user_id: int, submit: Submit) -> None:
        super().__init__(
            bot, title=tr("proposal.modal.new"), custom_id=f"sip:proposal:new:{user_id}"
        )
        self.submit = submit
        self.title_field: discord.ui.TextInput[NewProposalForm] = discord.ui.TextInput(
            custom_id="title", label=tr("proposal.modal.title")[:45], max_length=TITLE_MAX,
        )  # fmt: skip
        self.text: discord.ui.TextInput[NewProposalForm] = discord.ui.TextInput(
            custom_id="text", label=tr("proposal.modal.text")[:45],
            style=discord.TextStyle.paragraph, max_length=DESCRIPTION_MAX,
        )  # fmt: skip
        self.add_item(self.title_field)
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.submit(interaction, self.title_field.value or "", self.text.value or "")
