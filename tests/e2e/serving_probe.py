"""Run by tests/e2e/test_migration_apart.py instead of `python -m bot`: the bot itself,
and at exit, on standard output (as JSON), which of the libraries a serving process must
not import it imported over its life, the collector's thresholds it ran with, and whether
discord.py read and wrote its JSON with orjson."""

from __future__ import annotations

import atexit
import gc
import json
import runpy
import sys

# Imported only where used: migrations (storage/upgrade.py), the first export
# (bot/kit/sheets.py) or calendar (bot/sessions/files.py), aiohttp's web server and
# prometheus_client for /healthz and /metrics when SIPBOT_HTTP_PORT is set (bot/app.py);
# pydantic came with SQLModel, which the tables no longer use (storage/models/base.py);
# SQLAlchemy's PostgreSQL dialect on SQLite (storage/models/base.py, storage/upsert.py);
# click, for the start alone (bot/cli/__init__.py).
NEVER_SERVING = (
    "click",
    "sqlalchemy.dialects.postgresql",
    "alembic",
    "xlsxwriter",
    "icalendar",
    "aiohttp.web",
    "prometheus_client",
    "pydantic",
)


def imported() -> list[str]:
    return sorted(
        heavy
        for heavy in NEVER_SERVING
        if any(name == heavy or name.startswith(f"{heavy}.") for name in sys.modules)
    )


def report() -> str:
    import discord.utils

    return json.dumps(
        {
            "imported": imported(),
            "collector": list(gc.get_threshold()),
            "orjson": discord.utils.HAS_ORJSON,
        }
    )


if __name__ == "__main__":
    atexit.register(lambda: print(report(), flush=True))  # noqa: T201 - read by the test
    sys.argv = ["sipbot"]
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
