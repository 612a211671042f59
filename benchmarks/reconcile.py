"""Start-up reconciliation of an interest poll with 5,000 reactions: seconds and REST calls.

The bot opens the poll and stores 500 live votes (smoke: 20), then stops. While it is
offline, half of those voters (members who then leave the poll) take their reaction
back and 1,250 members (smoke: 50) react with all four theme emojis: 5,000 reactions
(smoke: 200), put on the fake's message without any event. The bot starts again on the
same database; it is done when it logs "poll N reconciled: A added, R removed", and the
stored votes must then equal the message's reactions exactly.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass

from benchmarks.common import BenchmarkError, Row
from benchmarks.polls import BOT_READY, SQLITE, members, open_poll
from benchmarks.processes import Program, Running, launched, wait_logged, workspace
from tests.fakediscord import FakeDiscord, Member, Message

NAME = "reconcile"
DONE = re.compile(r"poll (\d+) reconciled: (\d+) added, (\d+) removed")
POLL_EVERY = 0.005  # seconds between two looks at the bot's log
BOT = Program("bot", "bot", env={"LOG_LEVEL": "INFO"})  # the "reconciled" line is INFO
RESTART_LOG = "restart.log"
STALLED = 10.0  # seconds without a REST call, once ready: the reconciliation is not coming


@dataclass(frozen=True)
class Sizes:
    voters: int  # react with every theme while the bot is offline
    leavers: int  # voted live, take it back while the bot is offline
    timeout: float

    @property
    def reactions(self) -> int:
        return self.voters * 4


FULL = Sizes(voters=1250, leavers=250, timeout=60.0)
SMOKE = Sizes(voters=50, leavers=10, timeout=30.0)


@dataclass(frozen=True)
class Reconciled:
    from_spawn: float  # seconds, process created -> log line seen
    from_connect: float  # gateway session live -> log line seen
    from_first_call: float  # the bot's GET of the poll message -> log line seen
    reading: float  # the GET of the poll message -> the last reaction page asked for
    added: int
    removed: int
    message_calls: int
    reaction_calls: int
    all_calls: int  # every REST call since the start, start-up's own included


async def live_votes(run: Running, message: Message, voters: list[Member], emoji: str) -> None:
    """Reactions while the bot runs, until it has stored them all."""
    fake = run.fake
    fake.add_reactions(message, [(emoji, person.id) for person in voters])
    async with SQLITE.votes(run.log.parent) as votes:
        poll_id, _ = await votes.poll()
        deadline = time.monotonic() + 30
        while await votes.count(poll_id) < len(voters):
            run.check_alive()
            if time.monotonic() > deadline:
                raise BenchmarkError(f"{len(voters)} live votes were not stored\n{run.log_tail()}")
            await asyncio.sleep(0.02)


def change_while_offline(
    fake: FakeDiscord,
    message: Message,
    leavers: list[Member],
    voters: list[Member],
    emojis: list[str],
) -> None:
    for person in leavers:
        fake.remove_reaction(message, emojis[0], person.id)  # no client listens: only buffered
    fake.add_reactions(
        message, [(emoji, person.id) for person in voters for emoji in emojis], dispatch=False
    )


async def wait_reconciled(run: Running, within: float) -> tuple[re.Match[str], float, float]:
    """The log line, when it was seen, and when the gateway session went live (monotonic).
    Gives up early when the bot, once ready, makes no REST call for STALLED seconds."""
    connected: float | None = None
    calls, last_call = 0, time.monotonic()
    while True:
        now = time.monotonic()
        if connected is None and run.fake.connected_clients:
            connected = now
        text = run.log.read_text(encoding="utf-8", errors="replace")
        found = DONE.search(text)
        if found is not None and connected is not None:
            return found, now, connected
        run.check_alive()
        if len(run.fake.requests) != calls:
            calls, last_call = len(run.fake.requests), now
        stalled = re.search(BOT_READY, text) is not None and now - last_call > STALLED
        if stalled or now - run.spawned_at > within:
            raise BenchmarkError(
                f"no reconciliation after {now - run.spawned_at:.0f} s; the bot's last REST"
                f" calls: {run.fake.describe_requests(4)}"
            )
        await asyncio.sleep(POLL_EVERY)


async def restart_and_reconcile(
    fake: FakeDiscord, folder_run: Running, message: Message, sizes: Sizes
) -> Reconciled:
    folder = folder_run.log.parent
    fake.clear_requests()
    try:
        async with launched(BOT, fake, folder, log_name=RESTART_LOG, wait=False) as run:
            return await reconciled(run, message, sizes)
    except BenchmarkError as exc:  # a failed task's exception is logged when the bot stops
        tail = "\n".join((folder / RESTART_LOG).read_text(errors="replace").splitlines()[-20:])
        raise BenchmarkError(f"{exc}\nthe bot's output, stopped:\n{tail}") from None


async def reconciled(run: Running, message: Message, sizes: Sizes) -> Reconciled:
    """Seconds and REST calls, from the fake's records and the bot's log line."""
    fake = run.fake
    found, seen, connected = await wait_reconciled(run, sizes.timeout)
    seen_wall = time.time()  # the fake stamps requests with time.time()
    at = rf"/channels/{message.channel_id}/messages/{message.id}"
    fetches = fake.matching("GET", at + "$")
    if not fetches:
        raise BenchmarkError(f"the bot never fetched the poll message: {fake.describe_requests()}")
    pages = fake.matching("GET", at + "/reactions/")
    last_page = pages[-1].timestamp if pages else fetches[0].timestamp
    return Reconciled(
        from_spawn=seen - run.spawned_at,
        from_connect=seen - connected,
        from_first_call=seen_wall - fetches[0].timestamp,
        reading=last_page - fetches[0].timestamp,
        added=int(found[2]),
        removed=int(found[3]),
        message_calls=len(fetches),
        reaction_calls=len(pages),
        all_calls=len(fake.requests),
    )


async def check_votes(run_folder: Running, message: Message, voters: list[Member]) -> None:
    """Stored votes == the message's reactions (the bot's own excepted), exactly."""
    async with SQLITE.votes(run_folder.log.parent) as votes:
        poll_id, themes = await votes.poll()
        stored = await votes.pairs(poll_id)
    bot_id = run_folder.fake.bot_user.id
    truth = {
        (user, themes[emoji])
        for emoji, reaction in message.reactions.items()
        for user in reaction.users
        if user != bot_id
    }
    if stored != truth or len(truth) != len(voters) * len(themes):
        raise BenchmarkError(
            f"after reconciliation {len(stored)} votes stored, {len(truth)} reactions; "
            f"{len(stored - truth)} extra, {len(truth - stored)} missing"
        )


async def measure(sizes: Sizes) -> Reconciled:
    async with workspace(NAME) as (fake, folder):
        role = fake.add_role("Sociétaires")
        voters = members(fake, sizes.voters, role)
        leavers = members(fake, sizes.leavers, role, prefix="l")
        async with launched(BOT, fake, folder, log_name="first.log") as first:
            await wait_logged(first, BOT_READY)
            message, emojis = await open_poll(fake, role)
            await live_votes(first, message, [*leavers, *voters[: sizes.leavers]], emojis[0])
        change_while_offline(fake, message, leavers, voters, emojis)
        result = await restart_and_reconcile(fake, first, message, sizes)
        await check_votes(first, message, voters)
        return result


def figures(sizes: Sizes, r: Reconciled) -> list[Row]:
    n = sizes.reactions
    return [
        Row(NAME, f"{n} reactions: start to reconciled", r.from_spawn, "s"),
        Row(NAME, f"{n} reactions: gateway connected to reconciled", r.from_connect, "s"),
        Row(NAME, f"{n} reactions: poll message fetched to reconciled", r.from_first_call, "s"),
        Row(NAME, "  of which: to the last reaction page asked", r.reading, "s"),
        Row(NAME, "votes added", r.added, "count"),
        Row(NAME, "votes removed", r.removed, "count"),
        Row(NAME, "REST calls: GET poll message", r.message_calls, "count"),
        Row(NAME, "REST calls: GET reaction users (100 a page)", r.reaction_calls, "count"),
        Row(NAME, "REST calls: all since start (start-up included)", r.all_calls, "count"),
    ]


async def run(smoke: bool) -> list[Row]:
    sizes = SMOKE if smoke else FULL
    return figures(sizes, await measure(sizes))
