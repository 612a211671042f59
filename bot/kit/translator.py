"""Localised command names and descriptions for Discord (fr and nl).

Keys are derived from the command tree, so a new command needs only catalogue
entries: `cmd.<qualified.name>.name|description`,
`cmd.<qualified.name>.opt.<parameter>.name|description`, `choice.<value>`.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot.kit.i18n import Catalog

COMMAND_LOCALES = {discord.Locale.french: "fr", discord.Locale.dutch: "nl"}


def command_key(qualified_name: str) -> str:
    return "cmd." + qualified_name.replace(" ", ".")


def key_for(location: Where, data: Any) -> str | None:
    if location in (Where.command_name, Where.group_name):
        return command_key(data.qualified_name) + ".name"
    if location in (Where.command_description, Where.group_description):
        return command_key(data.qualified_name) + ".description"
    if location in (Where.parameter_name, Where.parameter_description):
        suffix = "name" if location is Where.parameter_name else "description"
        return f"{command_key(data.command.qualified_name)}.opt.{data.name}.{suffix}"
    if location is Where.choice_name:
        return f"choice.{data.value}"
    return None


class CommandTranslator(app_commands.Translator):
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = COMMAND_LOCALES.get(locale)
        if language is None:
            return None
        key = key_for(context.location, context.data)
        if key is None:
            return None
        return self.catalog.get(language, key)
