"""Forms (modals) that survive a restart as well as they can.

discord.py keeps open forms in memory. A form opened before the bot restarted and sent
after it reaches no one, and Discord would show "This interaction failed" — after the
member typed maybe pages of text. Every form of the bot derives from SipForm, which
notes each submission it answers; the watch (bot/kit/formwatch.py) tells a submission
of ours that nobody answered that the form expired, and gives back what was typed.
"""

from __future__ import annotations

import discord

from bot.kit import errors
from bot.kit.host import Host


class SipForm(discord.ui.Modal):
    def __init__(self, bot: Host, *, title: str, custom_id: str) -> None:
        super().__init__(title=title[:45], custom_id=custom_id)
        # Each form keeps its own `self.bot`, typed as precisely as it needs; this one
        # is only for noting answers and reporting errors.
        self._host = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        self._host.forms.answered(interaction.id)
        return True

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        await errors.report(self._host, interaction, error)
