"""Run by tests/e2e/test_migration_apart.py instead of `python -m bot`: the bot itself,
and at exit, on standard output, which of the libraries a serving process must not
import it imported over its life (as JSON)."""

from __future__ import annotations

import atexit
import json
import runpy
import sys

# Imported only where used (storage/upgrade.py, bot/kit/sheets.py, bot/sessions/files.py).
NEVER_SERVING = ("alembic", "xlsxwriter", "icalendar")


def imported() -> list[str]:
    return sorted({name.split(".")[0] for name in sys.modules} & set(NEVER_SERVING))


if __name__ == "__main__":
    atexit.register(lambda: print(json.dumps(imported()), flush=True))  # noqa: T201 - read by the test
    sys.argv = ["sipbot"]
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
