"""The real process with SIPBOT_HTTP_PORT set: /healthz and /metrics answer from the
environment's setting, count the commands it answers, and close with it."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

import aiohttp

from tests.e2e.process import bot_environment, finish, start_bot
from tests.fakediscord import FakeDiscord
from tests.harness import eventually
from tests.watch.helpers import Reader, sample


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_process_serves_health_and_metrics_on_the_port_it_is_given(
    tmp_path: Path,
) -> None:
    port = free_port()
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        env = bot_environment(fake, tmp_path, SIPBOT_HTTP_PORT=str(port))
        process = await start_bot(env, tmp_path)
        reader = Reader(http, f"http://127.0.0.1:{port}")

        async def healthy() -> bool:
            try:
                return (await reader.health())[0] == 200
            except aiohttp.ClientConnectionError:
                return False

        try:
            await eventually(healthy, "the process to answer /healthz with 200", timeout=20)
            res = await fake.slash("help", user=fake.owner, locale="fr", timeout=10)
            assert res.ephemeral
            found = await reader.metrics()
            assert sample(found, "sipbot_interactions_total", command="help", outcome="ok") == 1
            assert sample(found, "sipbot_interaction_response_seconds_count") == 1
            process.send_signal(signal.SIGTERM)
            code, _out, err = await finish(process, timeout=10)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        assert code == 0, err
        assert f"serving /healthz and /metrics on http://127.0.0.1:{port}/" in err
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                raise AssertionError(
                    f"still answering after the process stopped: {response.status}"
                )
        except aiohttp.ClientConnectionError:
            pass
