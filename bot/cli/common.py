"""What every command shares: where the settings come from, and how a command fails.

Exit codes: 0 done; 1 could not be done (Discord or the database refused, a bot is
running, a problem found by `check`); 2 the settings or the command line are wrong.
Errors are one line on stderr starting with `sipbot:`; the token never appears.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from config import settings as settings_module
from config.settings import Settings, SettingsError

OK, FAILED, WRONG_SETTINGS = 0, 1, 2


@dataclass(frozen=True)
class Place:
    """What the top-level options said: the `.env` to read instead of `<home>/.env`."""

    env_file: Path | None = None


class Failure(Exception):
    """A command stops: `message` is its one line, `code` its exit code."""

    def __init__(self, message: str, code: int = FAILED) -> None:
        super().__init__(message)
        self.code = code


def say(line: str = "") -> None:
    print(line, flush=True)  # noqa: T201 - what the command tells the operator


def warn(line: str) -> None:
    print(line, file=sys.stderr, flush=True)  # noqa: T201


_chosen = [Place()]  # what the command line said, set by bot/cli/commands.py


def choose(where: Place) -> None:
    _chosen[0] = where


def place() -> Place:
    return _chosen[0]


def load_settings(*, need_token: bool = True) -> Settings:
    """The settings, or a Failure naming what is wrong and where it was looked for."""
    try:
        settings = settings_module.load(place().env_file)
    except SettingsError as exc:
        raise Failure(str(exc), WRONG_SETTINGS) from exc
    if need_token and settings.discord_token is None:
        raise Failure(missing_token(settings), WRONG_SETTINGS)
    return settings


def missing_token(settings: Settings) -> str:
    where = settings.sources.looked_in() if settings.sources is not None else "the environment"
    return (
        f"DISCORD_TOKEN is not set ({where}): put the bot token in that file or in the "
        "environment (see .env.example), or run sipbot once on a terminal to be asked for it"
    )


def report(failure: Failure) -> int:
    print(f"sipbot: {failure}", file=sys.stderr)  # noqa: T201 - the one line an operator needs
    return failure.code
