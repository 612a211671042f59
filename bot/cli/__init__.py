"""The command line for operators: `sipbot [--env-file FILE] [COMMAND]`.

One module per command (or pair): run.py (the default), invite.py, check.py (with
servers.py, what Discord's REST API tells of each server), database.py (migrate,
backup, restore), transfer.py with configfile.py (export-config, import-config);
common.py holds where the settings come from and how a command fails (exit codes,
one line on stderr naming what to fix and the files looked at).

The start alone (no command, or `run`, and no option) does not import click: what a
serving process imports it keeps for its life (1 MB for click); the rest of the command
line is bot/cli/commands.py.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

SERVING: tuple[list[str], ...] = ([], ["run"])  # the command lines that only start the bot


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit code is returned (click's own errors included)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args in SERVING:
        from bot.cli import run
        from bot.cli.common import Failure, Place, choose, report

        choose(Place())  # no option: <home>/.env
        try:
            return run.run()
        except Failure as failure:
            return report(failure)
    from bot.cli import commands

    return commands.main(args)
