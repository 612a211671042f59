"""SIPBOT_HTTP_PORT turns the watch on (off by default), on 127.0.0.1 unless
SIPBOT_HTTP_HOST says otherwise; a port that is not one stops the bot with one line."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, from_mapping


def test_the_watch_is_off_by_default_and_on_loopback_when_a_port_is_set() -> None:
    assert from_mapping({}).http_port is None
    on = from_mapping({"SIPBOT_HTTP_PORT": " 9464 "})
    assert (on.http_port, on.http_host) == (9464, "127.0.0.1")
    anywhere = from_mapping({"SIPBOT_HTTP_PORT": "9464", "SIPBOT_HTTP_HOST": "192.168.1.20"})
    assert anywhere.http_host == "192.168.1.20"


@pytest.mark.parametrize("raw", ["0", "65536", "http", "-1", "80.5"])
def test_a_port_that_is_not_one_is_named(raw: str) -> None:
    with pytest.raises(SettingsError, match=r"^SIPBOT_HTTP_PORT must be a port number"):
        from_mapping({"SIPBOT_HTTP_PORT": raw})
