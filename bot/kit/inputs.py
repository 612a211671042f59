"""What a member types, made safe before any command reads it: one rule for every option.

Discord's client keeps to the options' declared choices and ranges, but an interaction
can be hand-made; and whatever client is used, text may carry characters nobody sees.
Before a command runs, every text option is put in Unicode's composed form (NFC), with
line ends as "\\n", control characters removed, bidirectional overrides and invisible
characters (zero-width spaces, byte-order marks, word joiners) removed, and the zero-width
joiners that shape emoji and scripts kept inside the text but not at its ends; then
leading and trailing spaces are trimmed. A text of invisible characters alone becomes
empty, which every command already refuses where a text is required. Numbers outside
their declared range (or outside what Discord can carry, ±2^53) are refused here, with
the option's name, before the command runs. (Values outside declared choices are each
refused by their command, which knows how to name the possible ones.)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from discord import app_commands

from bot.kit.user_error import UserError

STRING, INTEGER, NUMBER = 3, 4, 10
GROUPS = (1, 2)  # subcommand, subcommand group
DISCORD_INTEGER = 2**53
# Removed wherever they are: bidi embeddings, overrides and isolates; zero-width space,
# word joiner, invisible operators, byte-order mark; the Mongolian vowel separator.
_REMOVED = {
    *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x2060, 0x2061, 0x2062,
    0x2063, 0x2064, 0xFEFF, 0x180E, 0x200E, 0x200F,
}  # fmt: skip
_JOINERS = "\u200c\u200d"  # kept inside a text: they shape emoji (👩🏽‍💻) and scripts


def clean(text: str) -> str:
    """The text as the bot reads it (see the module's docstring)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    kept = [
        char
        for char in text
        if ord(char) not in _REMOVED and (char in "\n\t" or unicodedata.category(char) != "Cc")
    ]
    return "".join(kept).strip().strip(_JOINERS).strip()


def clean_options(options: Iterable[dict[str, Any]]) -> bool:
    """Clean every text option of an interaction's data, in place (subcommands included).
    True when a number was given (`out_of_bounds` has something to look at)."""
    numbers = False
    for option in options:
        kind = option.get("type")
        if kind in GROUPS:
            numbers = clean_options(option.get("options", [])) or numbers
        elif kind == STRING and isinstance(option.get("value"), str):
            option["value"] = clean(option["value"])
        elif kind in (INTEGER, NUMBER):
            numbers = True
    return numbers


def out_of_bounds(
    parameters: Sequence[app_commands.Parameter], given: Iterable[dict[str, Any]]
) -> UserError | None:
    """The refusal for the first number outside its option's range, if any."""
    declared = {parameter.name: parameter for parameter in parameters}
    for option in given:
        parameter = declared.get(option.get("name", ""))
        value = option.get("value")
        if parameter is None or option.get("focused") or value is None:
            continue
        if option.get("type") in (INTEGER, NUMBER):
            low = parameter.min_value if parameter.min_value is not None else -DISCORD_INTEGER
            high = parameter.max_value if parameter.max_value is not None else DISCORD_INTEGER
            if not low <= value <= high:
                return UserError(
                    "error.option.range", option=parameter.display_name, value=value,
                    min=low, max=high,
                )  # fmt: skip
    return None
