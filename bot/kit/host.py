"""The running bot as the kit and the features know it: a discord.py Bot that carries
the shared services and the watch over open forms.

bot.app.SipBot is the one concrete class (it loads the cogs, syncs the commands, starts
the scheduler). The kit and the features name this base instead, so nothing below the
wiring imports the wiring that imports it: no import cycle, not even one seen only by
the type checker (tests/test_architecture.py holds this). It adds no behaviour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.ext import commands

if TYPE_CHECKING:
    from bot.kit.formwatch import FormWatch
    from bot.services import Services


class Host(commands.Bot):
    services: Services
    forms: FormWatch
