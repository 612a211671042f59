"""A reply without buttons or files is one callback that does not ask Discord to send the
message back (bot.kit.ui.answer): a 204, the message as asked, and the interaction marked
answered so that what follows goes as a follow-up."""

from __future__ import annotations

import asyncio

import discord

from bot.app import SipBot
from bot.kit import ui
from tests.fakediscord import FakeDiscord


def callbacks(fake: FakeDiscord, interaction_id: int) -> list[tuple[dict[str, str], int | None]]:
    found = fake.matching("POST", rf"^/interactions/{interaction_id}/[^/]+/callback$")
    return [(r.query, r.status) for r in found]


async def test_a_card_and_a_refusal_are_answered_without_the_echo(
    fake: FakeDiscord, bot: SipBot
) -> None:
    seen = asyncio.ensure_future(bot.wait_for("interaction", timeout=10))
    shown = await fake.slash("setup show", user=fake.owner, locale="fr")
    assert shown.type == 4 and shown.ephemeral
    assert shown.embeds and shown.embeds[0]["title"]
    assert callbacks(fake, shown.pending.id) == [({}, 204)]

    interaction: discord.Interaction = await seen
    assert interaction.response.is_done()
    assert interaction.response.type is discord.InteractionResponseType.channel_message
    await ui.reply(interaction, "encore")  # answered: this one is a follow-up
    followup = await shown.wait_followup()
    assert followup.content == "encore" and followup.ephemeral
    assert callbacks(fake, shown.pending.id) == [({}, 204)]  # still the one callback

    alice = fake.add_member("alice")
    refused = await fake.slash("setup show", user=alice, locale="fr")  # not an organiser
    assert refused.type == 4 and refused.ephemeral and refused.content
    assert not refused.embeds
    assert callbacks(fake, refused.pending.id) == [({}, 204)]
    fake.assert_no_unhandled()
