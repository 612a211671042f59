"""Handlers started at once: no task when they do not wait, the rest as a task when they do."""

from __future__ import annotations

import asyncio

import pytest

from bot.kit import eager

pytestmark = pytest.mark.asyncio


async def test_a_handler_that_never_waits_runs_at_once_without_a_task() -> None:
    seen: list[int] = []

    async def handler(n: int) -> None:
        seen.append(n)

    for n in range(3):
        assert eager.start(handler(n), "h") is None
        assert seen[-1] == n  # already run, before this coroutine awaited anything


async def test_a_handler_that_waits_goes_on_as_a_task_with_results_and_errors() -> None:
    steps: list[str] = []
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    failing: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def handler() -> None:
        steps.append("start")
        await asyncio.sleep(0)
        steps.append(await ready)
        try:
            await failing
        except ValueError as exc:
            steps.append(f"caught {exc}")
        await asyncio.sleep(0.01)
        steps.append("end")

    task = eager.start(handler(), "h")
    assert task is not None and steps == ["start"]
    ready.set_result("value")
    await asyncio.sleep(0.001)
    assert steps == ["start", "value"]
    failing.set_exception(ValueError("no"))
    await asyncio.wait_for(task, 1)
    assert steps == ["start", "value", "caught no", "end"]


async def test_a_cancelled_handler_sees_the_cancellation_where_it_waits() -> None:
    seen: list[str] = []
    never: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def handler() -> None:
        try:
            await never
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    task = eager.start(handler(), "h")
    assert task is not None
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen == ["cancelled"] and never.cancelled()
