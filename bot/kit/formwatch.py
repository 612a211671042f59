"""The watch over submitted forms that nobody answered.

A submission of one of our forms (custom id starting with `sip:`) that no live SipForm
took within a grace period was opened before a restart: it is told, ephemerally, that
the form expired, and given back what was typed, whole, as a file. It needs only the
shared services (the reader's language), not the bot.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
GRACE = 1.5  # seconds a live form has to take its submission (Discord allows 3)
PREFIX = "sip:"


def typed_values(components: Any) -> list[tuple[str, str]]:
    """(field id, text) of every text input in a submitted form, in order, whatever the nesting."""
    found: list[tuple[str, str]] = []
    for component in components or []:
        if isinstance(component, dict):
            if isinstance(component.get("value"), str):
                found.append((str(component.get("custom_id", "")), component["value"]))
            found += typed_values(component.get("components"))
            if isinstance(component.get("component"), dict):
                found += typed_values([component["component"]])
    return found


class FormWatch:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._answered: deque[int] = deque(maxlen=2000)

    def answered(self, interaction_id: int) -> None:
        self._answered.append(interaction_id)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: Any = interaction.data or {}
        if not str(data.get("custom_id", "")).startswith(PREFIX):
            return
        await asyncio.sleep(GRACE)
        if interaction.id in self._answered or interaction.response.is_done():
            return
        await self._expired(interaction, typed_values(data.get("components")))

    async def _expired(
        self, interaction: discord.Interaction, values: list[tuple[str, str]]
    ) -> None:
        config = await self.services.config(interaction.guild_id) if interaction.guild_id else None
        tr = self.services.reader(interaction, config)
        text = "\n\n".join(value for _field, value in values if value.strip())
        kwargs: dict[str, Any] = {"ephemeral": True}
        if text:
            kwargs["file"] = discord.File(
                io.BytesIO(text.encode("utf-8")), filename="sipbot-form.txt"
            )
        try:
            await interaction.response.send_message(tr("form.expired"), **kwargs)
        except discord.HTTPException as exc:
            log.info("could not tell about an expired form: %s", exc.status)
