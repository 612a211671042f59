"""Commands go to the command tree only; the bot's interaction listeners, which watch
buttons, menus and forms, see those alone (bot.app.SipBot.dispatch)."""

from __future__ import annotations

import discord

from bot.app import SipBot
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.interest.helpers import members, open_poll, prepare


async def test_a_command_runs_no_listener_and_a_button_runs_them(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock
) -> None:
    seen: list[discord.InteractionType] = []

    async def listener(interaction: discord.Interaction) -> None:
        seen.append(interaction.type)

    bot.add_listener(listener, "on_interaction")
    annonces, societaires = await prepare(fake, clock)  # commands, answered
    message = await open_poll(fake, annonces)
    shown = await fake.slash("setup show", user=fake.owner)
    assert shown.embeds  # the tree answered
    offered = await fake.autocomplete("report export", focused="cycle", value="20", user=fake.owner)
    assert [c["name"] for c in offered] == ["2020-2021"]  # the tree answered that too
    assert seen == []
    (camille,) = members(fake, 1, societaires)
    res = await fake.click(message, "sip:interest:profile", user=camille, locale="fr")
    assert (res.content or "").startswith("Vous n'avez pas encore de profil.")  # the cog's
    assert seen == [discord.InteractionType.component]  # and the other listener's too
