"""The running bot as the kit and the features know it: a discord.py Bot that carries
the shared services and the watch over open forms.

bot.app.SipBot is the one concrete class (it loads the cogs, syncs the commands, starts
the scheduler). The kit and the features name this base instead, so nothing below the
wiring imports the wiring that imports it: no import cycle, not even one seen only by
the type checker (tests/test_architecture.py holds this). It adds no behaviour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from bot.kit.formwatch import FormWatch
    from bot.services import Services


class ReactionSink(Protocol):
    def take(self, payload: discord.RawReactionActionEvent) -> None:
        """Look the message up and queue the change, synchronously: called for every
        reaction of every message, in the order the events came (bot/kit/reactions.py)."""


class Host(commands.Bot):
    services: Services
    forms: FormWatch
    reaction_sinks: list[ReactionSink]
