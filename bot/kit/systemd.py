"""Telling systemd how the bot is doing (`sd_notify`), for a unit of `Type=notify`.

systemd passes a datagram socket in `NOTIFY_SOCKET` (a path, or an abstract name
written with a leading `@`); the service writes newline-separated `KEY=VALUE` lines to
it: `READY=1` once it serves (here: connected to the gateway, commands synced),
`STATUS=...` for `systemctl status`, `STOPPING=1` when it begins to stop, `WATCHDOG=1`
at least every `WATCHDOG_USEC` microseconds when the unit sets `WatchdogSec=`.
Outside systemd (no `NOTIFY_SOCKET`) every call does nothing. A failure to tell is
logged and never stops the bot: systemd then times the start out and says so itself.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


def _address(environ: Mapping[str, str]) -> str | None:
    raw = environ.get("NOTIFY_SOCKET", "")
    if not raw:
        return None
    return "\0" + raw[1:] if raw.startswith("@") else raw


def notify(*fields: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send `fields` (such as "READY=1") as one datagram; True when sent."""
    address = _address(os.environ if environ is None else environ)
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall("\n".join(fields).encode())
    except OSError as exc:
        log.warning("could not notify systemd (%s): %s", " ".join(fields), exc)
        return False
    return True


def watchdog_interval(environ: Mapping[str, str] | None = None) -> float | None:
    """Seconds between two `WATCHDOG=1` (half systemd's limit), or None without one.
    `WATCHDOG_PID`, when set, names the process meant (not a child that inherited it)."""
    values = os.environ if environ is None else environ
    usec, pid = values.get("WATCHDOG_USEC", ""), values.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000


async def keep_watchdog_fed(interval: float) -> None:
    """Runs until cancelled: a beat proves the event loop still turns."""
    while True:
        notify("WATCHDOG=1")
        await asyncio.sleep(interval)
