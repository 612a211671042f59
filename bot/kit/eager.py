"""Event handlers run at once, up to their first wait, instead of each as a new task.

discord.py runs every listener of every event as a task of its own: for a reaction,
one per feature listening (interest, sessions, drafts), though each only looks the
message up in a dict and queues the change, without ever waiting for anything. The
tasks cost more than that work: creating them, scheduling them, running each a pass
of the event loop later (a fifth of the bot's time while 10,000 reactions come in).
`start` runs the coroutine at once instead, as Python 3.12's eager tasks do (this bot
runs on 3.11 too): done without waiting, no task is made; if it waits, the rest runs as
a task, exactly as the task would have from there. Handlers also run in the order the
events came, which the features' queues rely on already.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


def start(coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None] | None:
    """Run `coro` until it first waits; None if it finished, else the task running the rest."""
    try:
        waiting = coro.send(None)
    except StopIteration:
        return None
    return asyncio.get_running_loop().create_task(_rest(coro, waiting), name=name)


async def _rest(coro: Coroutine[Any, Any, None], waiting: Any) -> None:
    """What asyncio's Task does for a coroutine from its first suspension on: wait for the
    future it yielded (None: just let the loop run once), then resume it, until it ends.
    Cancelled meanwhile, the future is cancelled: the coroutine sees it where it waits."""
    while True:
        cancelled = False
        try:
            if waiting is None:
                await asyncio.sleep(0)
            else:
                waiting._asyncio_future_blocking = False
                await asyncio.wait((waiting,))
        except asyncio.CancelledError:
            cancelled = True
            if waiting is not None:  # the coroutine sees it as the future's outcome
                waiting.cancel()
                await asyncio.wait((waiting,))
        try:
            if cancelled and waiting is None:
                waiting = coro.throw(asyncio.CancelledError())
            else:
                waiting = coro.send(None)
        except StopIteration:
            return
