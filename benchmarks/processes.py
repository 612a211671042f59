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
import signal
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
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


@dataclass
class Running:
    program: Program
    fake: FakeDiscord
    process: asyncio.subprocess.Process
    log: Path

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


def environment(fake: FakeDiscord, folder: Path) -> dict[str, str]:
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
    }


def command_line(program: Program) -> list[str]:
    profile_dir = os.environ.get(PROFILE_ENV)
    if not profile_dir:
        return [sys.executable, "-m", program.module]
    target = Path(profile_dir).resolve()
    target.mkdir(parents=True, exist_ok=True)
    out = target / f"{program.name}.prof"
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


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()


@contextlib.asynccontextmanager
async def running(program: Program) -> AsyncIterator[Running]:
    """A fresh fake Discord and the program connected to it, stopped (SIGTERM) on exit."""
    with tempfile.TemporaryDirectory(prefix=f"sipbot-bench-{program.name}-") as tmp:
        folder = Path(tmp)
        log = folder / "output.log"
        async with FakeDiscord() as fake:
            # Late answers are counted by the benchmark, not refused: keep measuring.
            fake.interaction_deadline = 3600.0
            with log.open("wb") as sink:
                process = await asyncio.create_subprocess_exec(
                    *command_line(program),
                    cwd=folder,
                    env=environment(fake, folder),
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=sink,
                    stderr=asyncio.subprocess.STDOUT,
                )
            run = Running(program, fake, process, log)
            try:
                await wait_started(run)
                print(f"  {program.name} is up as pid {process.pid}", flush=True)
                yield run
            finally:
                await stop(process)
