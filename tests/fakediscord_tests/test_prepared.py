"""Prepared interactions: built ahead, sent without waiting (what the benchmarks fire)."""

from __future__ import annotations

import pytest

from tests.fakediscord import FakeDiscord

from .conftest import BareClient

pytestmark = pytest.mark.asyncio


async def test_prepared_burst_is_answered_with_send_and_callback_times(
    fake: FakeDiscord, client: BareClient
) -> None:
    prepared = [fake.prepare_slash("ping", options={"word": f"w{i}"}) for i in range(5)]
    assert all(pending.callback_type is None for pending, _ in prepared)
    results = [fake.send_prepared(pending, payload) for pending, payload in prepared]
    await fake.wait_for(lambda: all(r.type is not None for r in results), what="5 answers")
    assert [r.content for r in results] == [f"w{i}" for i in range(5)]
    for result in results:
        assert result.pending.callback_at is not None
        assert result.latency is not None and 0 < result.latency < 3
    fake.assert_no_unhandled()


async def test_prepared_interaction_needs_a_connected_client(fake: FakeDiscord) -> None:
    fake.world.guild_commands[fake.guild.id] = [{"id": "1", "name": "ping", "type": 1}]
    pending, payload = fake.prepare_slash("ping")
    with pytest.raises(AssertionError, match="no gateway client"):
        fake.send_prepared(pending, payload)
