"""Running `sipbot` as an operator does: `python -m bot ...` as a process, or `main` in
this process (in a thread, as it runs its own event loop) where a process adds nothing
but start-up time."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main
from tests.e2e.process import REPO

SETTINGS = ("DISCORD_", "SIPBOT_", "DATABASE_", "LOG_LEVEL", "NOTIFY_SOCKET", "WATCHDOG_")


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def clean_environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS)}
    env["PYTHONPATH"] = str(REPO)
    env.update(values)
    return env


async def sipbot(*args: str, env: Mapping[str, str], cwd: Path, timeout: float = 30) -> Ran:
    """`python -m bot ARGS` as a process."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=dict(env),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=timeout)
    assert process.returncode is not None
    return Ran(process.returncode, out.decode(), err.decode())


def use_environment(monkeypatch: pytest.MonkeyPatch, cwd: Path, **values: str) -> None:
    """This process's settings as `clean_environment` makes a child's, started in `cwd`."""
    for name in list(os.environ):
        if name.startswith(SETTINGS):
            monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(cwd)


async def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> Ran:
    """`main(ARGS)` here, in a thread; what it printed is captured."""
    capsys.readouterr()
    code = await asyncio.to_thread(main, list(args))
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)
