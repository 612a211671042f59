"""The command line's commands, with click: every command but the start alone (`sipbot`,
`sipbot run`, `python -m bot`), which bot/cli/__init__.py runs without importing click,
so the serving process does not keep it (1 MB of resident memory)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from bot.cli import check, database, invite, run, transfer
from bot.cli.common import Failure, Place, choose, report


def guarded(callback: Callable[..., int]) -> Callable[..., int]:
    """A command's Failure becomes its line on stderr and its exit code."""

    @functools.wraps(callback)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        try:
            return callback(*args, **kwargs)
        except Failure as failure:
            return report(failure)

    return wrapper


@click.group(
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Without a command: run. Settings come from <home>/.env, overridden by the "
    "environment; the home is SIPBOT_HOME, else the working directory (see the README).",
)
@click.option(
    "--env-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the settings from this file instead of <home>/.env.",
)
@click.pass_context
def sipbot(ctx: click.Context, env_file: Path | None) -> int:
    """sipbot: the Discord bot of a cooperative's participatory cycle."""
    ctx.obj = Place(env_file)
    choose(ctx.obj)
    if ctx.invoked_subcommand is None:
        return guarded(run.run)()
    return 0


@click.command("run")
def run_command() -> int:
    """Run the bot (the default): connect, sync the commands, serve until stopped."""
    return run.run()


for command in (
    run_command,
    invite.command,
    check.command,
    database.migrate_command,
    database.backup_command,
    database.restore_command,
    transfer.export_command,
    transfer.import_command,
):
    assert command.callback is not None  # noqa: S101 - every command has one
    command.callback = guarded(command.callback)
    sipbot.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit code is returned (click's own errors included)."""
    try:
        result = sipbot.main(
            args=list(argv) if argv is not None else None,
            prog_name="sipbot",
            standalone_mode=False,
        )
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as wrong:
        wrong.show()
        return wrong.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 1
    return int(result) if isinstance(result, int) else 0
