"""The README's *Command line* table names every command, and nothing else; and the
help of each command is a sentence an operator can act on."""

from __future__ import annotations

import re

from bot.cli.commands import sipbot
from tests.e2e.process import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    section = text.split("## Command line\n", 1)[1].split("\n## ", 1)[0]
    return [m.group(1) for m in re.finditer(r"^\| `sipbot ([a-z-]+)", section, re.M)]


def test_the_readme_table_lists_the_commands_of_the_command_line() -> None:
    assert sorted(readme_commands()) == sorted(sipbot.commands)


def test_every_command_says_what_it_does() -> None:
    for name, command in sipbot.commands.items():
        assert command.help and command.help.strip().endswith((".", ")")), name
        assert len(command.get_short_help_str(80)) > 20, name
