"""sd_notify written by hand: datagrams to NOTIFY_SOCKET, a path or an abstract name."""

from __future__ import annotations

import os
import secrets
import socket
import tempfile
from pathlib import Path

from bot.kit import systemd


def test_notify_sends_one_datagram_of_lines_to_the_socket_named() -> None:
    folder = Path(tempfile.mkdtemp(prefix="sd", dir="/tmp"))  # a unix socket path is short
    path = folder / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        assert systemd.notify("READY=1", "STATUS=connected", environ={"NOTIFY_SOCKET": str(path)})
        assert server.recv(4096) == b"READY=1\nSTATUS=connected"
    path.unlink()
    folder.rmdir()


def test_an_abstract_socket_is_written_with_a_leading_at() -> None:
    name = f"sipbot-test-{secrets.token_hex(4)}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind("\0" + name)
        assert systemd.notify("STOPPING=1", environ={"NOTIFY_SOCKET": "@" + name})
        assert server.recv(4096) == b"STOPPING=1"


def test_outside_systemd_nothing_is_sent_and_a_dead_socket_does_not_raise() -> None:
    assert not systemd.notify("READY=1", environ={})
    assert not systemd.notify("READY=1", environ={"NOTIFY_SOCKET": "/nonexistent/notify"})


def test_the_watchdog_beats_at_half_the_limit_for_this_process_only() -> None:
    assert systemd.watchdog_interval({}) is None
    assert systemd.watchdog_interval({"WATCHDOG_USEC": "120000000"}) == 60.0
    mine = {"WATCHDOG_USEC": "4000000", "WATCHDOG_PID": str(os.getpid())}
    assert systemd.watchdog_interval(mine) == 2.0
    assert systemd.watchdog_interval({**mine, "WATCHDOG_PID": "1"}) is None
    assert systemd.watchdog_interval({"WATCHDOG_USEC": "0"}) is None
