"""A program under test (`python -m bot`, or the floor client) as a subprocess against the fake.

The fake runs in the benchmark's own event loop; the program gets its own process and
loop, as in production, so its CPU time and memory are its own (the machine has 2 cores).

Set SIPBOT_BENCH_PROFILE to a folder (or pass --profile) to run the program under
cProfile; its statistics land there as <name>.prof when it stops. Only the main
thread is seen and, with asyncio and SQLAlchemy's greenlets, only `tottime` means
anything: for where the time really goes, attach a sampling profiler to the pid
printed at start-up (`py-spy record --pid PID --threads`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from benchmarks.common import BenchmarkError, rss_mb
from tests.fakediscord import FakeDiscord

REPO = Path(__file__).resolve().parents[1]
PROFILE_ENV = "SIPBOT_BENCH_PROFILE"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


@dataclass
class Program:
    """What to run: a module with `python -m`, and the command the fake must have seen synced."""

    name: str
    module: str
    command: str = "setup"
    env: dict[str, str] = field(default_factory=dict)  # over the defaults: DATABASE_URL...


@dataclass
class Running:
    program: Program
    fake: FakeDiscord
    process: asyncio.subprocess.Process
    log: Path
    spawned_at: float  # time.monotonic() just before the process was created

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the program so far, all its threads included."""
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def check_alive(self) -> None:
        if self.process.returncode is not None:
            raise BenchmarkError(
                f"{self.program.name} exited with {self.process.returncode}:\n{self.log_tail()}"
            )


def environment(fake: FakeDiscord, folder: Path, extra: dict[str, str]) -> dict[str, str]:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SIPBOT_", "DATABASE_", "LOG_LEVEL"))
    }
    return {
        **inherited,
        "PYTHONPATH": str(REPO),
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "SIPBOT_GUILD_IDS": str(fake.guild.id),
        "DATABASE_URL": f"sqlite:///{folder / 'sipbot.db'}",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def command_line(program: Program) -> list[str]:
    profile_dir = os.environ.get(PROFILE_ENV)
    if not profile_dir:
        return [sys.executable, "-m", program.module]
    target = Path(profile_dir).resolve()
    target.mkdir(parents=True, exist_ok=True)
    out = target / f"{program.name}.prof"
    started = 1
    while out.exists():  # a second start of the same program keeps the first's profile
        started += 1
        out = target / f"{program.name}-{started}.prof"
    return [sys.executable, "-m", "cProfile", "-o", str(out), "-m", program.module]


async def wait_started(running: Running) -> None:
    """Connected to the gateway with its commands synced to the guild."""
    fake = running.fake

    def started() -> bool:
        running.check_alive()
        names = {c["name"] for c in fake.commands(fake.guild.id)}
        return fake.connected_clients >= 1 and running.program.command in names

    try:
        await fake.wait_for(started, START_TIMEOUT, f"{running.program.name} to connect and sync")
    except AssertionError as exc:
        raise BenchmarkError(f"{exc}\n{running.log_tail()}") from None


async def wait_logged(
    running: Running, pattern: str, within: float = START_TIMEOUT
) -> re.Match[str]:
    """Until the program's output matches `pattern` (a regular expression); polled every 5 ms."""
    wanted = re.compile(pattern)
    deadline = time.monotonic() + within
    while True:
        found = wanted.search(running.log.read_text(encoding="utf-8", errors="replace"))
        if found is not None:
            return found
        running.check_alive()
        if time.monotonic() > deadline:
            raise BenchmarkError(
                f"{running.program.name} did not log /{pattern}/ within {within:.0f} s\n"
                f"{running.log_tail()}"
            )
        await asyncio.sleep(0.005)


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()


@contextlib.asynccontextmanager
async def workspace(name: str) -> AsyncIterator[tuple[FakeDiscord, Path]]:
    """A fresh fake Discord and a temporary folder (the program's working directory and
    SQLite database): set the fake's world up before launching a program into it."""
    with tempfile.TemporaryDirectory(prefix=f"sipbot-bench-{name}-") as tmp:
        async with FakeDiscord() as fake:
            # Late answers are counted by the benchmark, not refused: keep measuring.
            fake.interaction_deadline = 3600.0
            yield fake, Path(tmp)


@contextlib.asynccontextmanager
async def launched(
    program: Program, fake: FakeDiscord, folder: Path, *, log_name: str = "output.log",
    wait: bool = True,
) -> AsyncIterator[Running]:  # fmt: skip
    """The program connected to `fake` (unless wait=False: just spawned), SIGTERM on exit.
    Launch it again in the same folder (another log_name) to restart it on its database."""
    log = folder / log_name
    with log.open("wb") as sink:
        spawned_at = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            *command_line(program),
            cwd=folder,
            env=environment(fake, folder, program.env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=sink,
            stderr=asyncio.subprocess.STDOUT,
        )
    run = Running(program, fake, process, log, spawned_at)
    try:
        if wait:
            await wait_started(run)
        state = "is up" if wait else "started"
        print(f"  {program.name} {state} as pid {process.pid}", flush=True)
        yield run
    finally:
        await stop(process)


@contextlib.asynccontextmanager
async def running(program: Program) -> AsyncIterator[Running]:
    """A fresh fake Discord and the program connected to it, stopped (SIGTERM) on exit."""
    async with workspace(program.name) as (fake, folder), launched(program, fake, folder) as run:
        yield run
