"""deploy/sipbot.service: systemd accepts it, and the bot started as that unit starts it
(its environment, its environment file, a working directory of no importance, a notify
socket) tells systemd READY=1 once connected with its commands synced, then STOPPING=1.

`systemd-analyze` is needed for the first test: without it the test is skipped, saying
so, unless SIPBOT_REQUIRE_SYSTEMD=1 (as .ci/run sets), which makes that a failure."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.e2e.process import REPO, finish
from tests.fakediscord import FakeDiscord

UNIT = REPO / "deploy" / "sipbot.service"
INSTALLED = "/opt/sipbot/bin/sipbot"
DATA = "/var/lib/sipbot"


def service_section() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    section = ""
    for raw in UNIT.read_text().splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        if os.environ.get("SIPBOT_REQUIRE_SYSTEMD") == "1":
            pytest.fail("systemd-analyze required (SIPBOT_REQUIRE_SYSTEMD=1) but not installed")
        pytest.skip("systemd-analyze is not installed (Debian: apt install systemd)")
    return found


def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603


def test_the_unit_is_hardened_and_passes_systemd_analyze(tmp_path: Path) -> None:
    values = service_section()
    for key, wanted in {
        "Type": "notify", "User": "sipbot", "Restart": "on-failure", "NoNewPrivileges": "yes",
        "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
        "ReadWritePaths": DATA, "StateDirectoryMode": "0700", "UMask": "0077",
        "EnvironmentFile": "/etc/sipbot/sipbot.env", "ExecStart": f"{INSTALLED} run",
    }.items():  # fmt: skip
        assert values.get(key) == [wanted], key
    assert f"SIPBOT_HOME={DATA}" in values["Environment"]
    tool = systemd_analyze()
    # verify wants ExecStart to exist: the copies start this interpreter instead
    copies = []
    for unit in sorted((REPO / "deploy").iterdir()):
        copy = tmp_path / unit.name
        copy.write_text(unit.read_text().replace(INSTALLED, f"{sys.executable} -m bot"))
        copies.append(copy)
    assert [c.name for c in copies] == [
        "sipbot-backup.service", "sipbot-backup.timer", "sipbot.service",
    ]  # fmt: skip
    verified = run([tool, "verify", *map(str, copies)])
    assert verified.returncode == 0, verified.stderr
    assert "sipbot" not in verified.stdout + verified.stderr
    for service in ("sipbot.service", "sipbot-backup.service"):
        security = run([tool, "security", "--offline=true", str(tmp_path / service)])
        exposure = re.search(rf"Overall exposure level for {service}: ([\d.]+)", security.stdout)
        assert exposure is not None, security.stdout + security.stderr
        assert float(exposure.group(1)) <= 2.0, security.stdout


def environment_as_systemd_gives_it(home: Path, env_file: Path, notify: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "USER": "sipbot",
        "LOGNAME": "sipbot",
        "INVOCATION_ID": "0" * 32,
        "NOTIFY_SOCKET": str(notify),
        "WATCHDOG_USEC": "400000",  # the unit's 2 minutes, shortened to see beats
        "PYTHONPATH": str(REPO),
    }  # fmt: skip  (installed, the package is in the venv)
    for assignment in service_section()["Environment"]:
        key, _, value = assignment.partition("=")
        env[key] = value.replace(DATA, str(home))
    for line in env_file.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


async def test_started_as_the_unit_starts_it_the_bot_says_ready_once_synced(tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="sd", dir="/tmp"))  # a socket path must be short
    notify = folder / "notify"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(notify))
    listener.setblocking(False)
    home, elsewhere = tmp_path / "var-lib-sipbot", tmp_path / "elsewhere"
    home.mkdir(mode=0o700)  # StateDirectory=, as systemd makes it
    elsewhere.mkdir()
    heard: list[tuple[str, bool]] = []  # each message, and whether commands were synced then
    async with FakeDiscord() as fake:
        env_file = tmp_path / "sipbot.env"
        env_file.write_text(
            f"DISCORD_TOKEN={fake.token}\nDISCORD_API_BASE={fake.api_base}\n"
            f"DISCORD_GATEWAY_URL={fake.gateway_url}\nSIPBOT_GUILD_IDS={fake.guild.id}\n"
        )

        async def listen() -> None:
            loop = asyncio.get_running_loop()
            while True:
                data = await loop.sock_recv(listener, 4096)
                synced = fake.connected_clients == 1 and bool(fake.commands(fake.guild.id))
                heard.append((data.decode(), synced))

        listening = asyncio.create_task(listen())
        executable, *arguments = service_section()["ExecStart"][0].split()
        assert executable == INSTALLED
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *arguments, cwd=elsewhere,
            env=environment_as_systemd_gives_it(home, env_file, notify),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await fake.wait_for(
                lambda: process.returncode is not None or any("READY=1" in m for m, _ in heard),
                timeout=30, what="READY=1 on the notify socket",
            )  # fmt: skip
            await fake.wait_for(
                lambda: process.returncode is not None
                or sum("WATCHDOG=1" in m for m, _ in heard) >= 2,
                timeout=5, what="the watchdog's beats",
            )  # fmt: skip
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            code, out, err = await finish(process)
            await fake.wait_for(
                lambda: any("STOPPING=1" in m for m, _ in heard) or not heard, timeout=5
            )
            listening.cancel()
            listener.close()
            shutil.rmtree(folder)
    assert code == 0, err
    assert sum("WATCHDOG=1" in m for m, _ in heard) >= 2, (heard, err)
    (ready,) = [(m, synced) for m, synced in heard if "READY=1" in m]
    assert ready == ("READY=1\nSTATUS=connected as sipbot to 1 server(s)", True)
    order = [m.split("\n")[0] for m, _ in heard if "WATCHDOG" not in m]
    assert order == ["READY=1", "STOPPING=1"]
    assert "ERROR" not in err and "Traceback" not in err
    assert "invite link for another server: https://discord.com/oauth2/authorize" in err
    assert out == ""
    assert list(elsewhere.iterdir()) == []  # the working directory is of no importance
    database = home / "data" / "sipbot.db"
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
