"""The meetings' work for the engine (bot/kit/work.py): the Discord event, reminders and
notices by DM, and refreshing the announcement's numbers.

Reminders: one work item per (meeting, version, offset, registrant), key
`meeting_reminder:<meeting>:<version>:<offset>:<member>`, planned when the member
registers (the offsets still ahead) and for everyone registered at a reschedule, which
first cancels every pending reminder of the meeting (a cancellation too): a stale one
never goes out, and the handler checks again that its version is the meeting's. One
item per DM, rather than one per offset fanning out, because then every DM has what
the engine gives a message: a claim, a nonce of its own (a crash between Discord
accepting the DM and the database recording it never doubles it), a retry of its own
(one member's 5xx does not resend the others'), and its own outcome (closed DMs are
skipped and counted). A thousand registrants are a thousand rows; items of a kind run
one after the other, so DMs go out at the pace below whatever the number.

The pace: Discord lets a bot make 50 requests per second in all (the global limit;
discord.py waits and retries when it answers 429), and a DM to someone the bot has not
written to in this process takes two (opening the DM channel, then the message). DMs
start at most DM_PER_SECOND a second, so reminders to a thousand people stay under the
limit with room for everything else the bot does, instead of meeting 429 after 429
(each one counts against the bot's allowance of invalid requests).

What a reminder says depends on the registration when it goes out: in person with a
seat, online, or still waiting (they are told their position, and that they can follow
online when the meeting is online too); a member who cancelled gets nothing.

Notices: `meeting_notice:<meeting>:<what>:<n>:<member>` — promoted (a seat freed;
n is their place in the queue), moved (n is the new version), cancelled.
The event: `meeting_event:<meeting>:<version>:<status>`, as sessions' events.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit import events, work
from bot.kit.work import Job, Outcome, WorkEngine
from bot.meetings import posts, rules
from bot.sessions import rules as timing
from bot.setup.rules import format_offset
from storage import meetings as store
from storage import work as work_store
from storage.models import Meeting

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
EVENT, REMINDER, NOTICE, CARD = (
    "meeting_event",
    "meeting_reminder",
    "meeting_notice",
    "meeting_card",
)
DM_PER_SECOND = 20.0
CARD_EVERY = 10  # seconds: the other copy of an announcement shows new numbers this late
CHUNK = 500  # work rows per insert (SQLite binds at most 32,766 values per statement)
Refresh = Callable[[int], Awaitable[int]]


class Pace:
    """At most `rate` starts a second, evenly spaced. On the monotonic clock: Discord's
    limits run on real time, not on the bot's (injected) clock."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


# ------------------------------------------------------------------ planning
def reminders_prefix(meeting_id: int) -> str:
    return f"{REMINDER}:{meeting_id}:"


def notices_prefix(meeting_id: int, what: str = "") -> str:
    return f"{NOTICE}:{meeting_id}:" + (f"{what}:" if what else "")


async def add_rows(works: WorkEngine, db: AsyncSession, rows: list[dict[str, Any]]) -> int:
    added = 0
    for start in range(0, len(rows), CHUNK):
        added += await works.add_many(db, rows[start : start + CHUNK])
    return added


async def plan_reminders(
    db: AsyncSession,
    works: WorkEngine,
    meeting: Meeting,
    members: Iterable[int],
    offsets: Sequence[int],
    now: datetime,
) -> int:
    """The reminders of these registrants at each offset still ahead (idempotent)."""
    if meeting.status != "scheduled":
        return 0
    plan = timing.reminder_plan(meeting.starts_at, offsets, now)
    rows = [
        works.row(
            kind=REMINDER,
            key=f"{reminders_prefix(meeting.id)}{meeting.version}:{offset}:{member}",
            guild_id=meeting.guild_id,
            due_at=due,
            payload={
                "meeting_id": meeting.id,
                "version": meeting.version,
                "offset": offset,
                "member_id": member,
            },
        )
        for member in members
        for offset, due in plan
    ]
    return await add_rows(works, db, rows)


async def cancel_reminders(db: AsyncSession, meeting_id: int, now: datetime) -> int:
    return await work_store.cancel(
        db, prefix=reminders_prefix(meeting_id), now=now, note="meeting changed"
    )


async def tell(
    db: AsyncSession, works: WorkEngine, meeting: Meeting, members: Iterable[int], what: str, n: int
) -> int:
    """A notice to each of these members, at once."""
    rows = [
        works.row(
            kind=NOTICE,
            key=f"{notices_prefix(meeting.id, what)}{n}:{member}",
            guild_id=meeting.guild_id,
            due_at=works.clock.now(),
            payload={"meeting_id": meeting.id, "member_id": member, "what": what, "n": n},
        )
        for member in members
    ]
    return await add_rows(works, db, rows)


async def follow_event(db: AsyncSession, works: WorkEngine, meeting: Meeting) -> str:
    row = works.row(
        kind=EVENT, key=posts.event_key(meeting), guild_id=meeting.guild_id,
        due_at=works.clock.now(), payload={"meeting_id": meeting.id},
    )  # fmt: skip
    (key,) = await works.supersede(db, [(f"{EVENT}:{meeting.id}:", row)], note="meeting changed")
    return key


async def refresh_cards_soon(db: AsyncSession, works: WorkEngine, meeting: Meeting) -> None:
    """The announcement's copies show the new numbers within CARD_EVERY seconds: one item
    per window, however many clicks fall in it."""
    now = works.clock.now()
    window = int(now.timestamp()) // CARD_EVERY + 1
    due = datetime.fromtimestamp(window * CARD_EVERY, tz=now.tzinfo)
    await works.add(
        db, kind=CARD, key=f"{CARD}:{meeting.id}:{window}", guild_id=meeting.guild_id,
        due_at=due, payload={"meeting_id": meeting.id},
    )  # fmt: skip


# ------------------------------------------------------------------ handlers
class MeetingJobs:
    """The handlers; registered by the meetings cog."""

    def __init__(self, bot: Host, refresh_cards: Refresh, pace: Pace | None = None) -> None:
        self.bot = bot
        self.services = bot.services
        # views.py edits the announcement (its buttons live there): given, not imported
        self.refresh_cards = refresh_cards
        self.pace = pace or Pace(DM_PER_SECOND)

    def register(self) -> None:
        works = self.services.work
        works.register(EVENT, self.follow, after_connect=True)
        # the DMs name the server, from the gateway's cache
        works.register(REMINDER, self.remind, after_connect=True)
        works.register(NOTICE, self.notify, after_connect=True)
        works.register(CARD, self.refresh, after_connect=True)

    async def _meeting(self, job: Job) -> Meeting | None:
        async with self.services.db() as db:
            return await store.get(db, int(job.payload["meeting_id"]))

    def _guild_name(self, meeting: Meeting) -> str:
        guild = self.bot.get_guild(meeting.guild_id)
        return guild.name if guild is not None else ""

    async def remind(self, job: Job) -> Outcome:
        meeting = await self._meeting(job)
        if meeting is None:
            return work.skipped("meeting deleted")
        member_id, offset = int(job.payload["member_id"]), int(job.payload["offset"])
        now = self.services.clock.now()
        current = meeting.status == "scheduled" and meeting.version == job.payload["version"]
        decision = timing.decide(
            job.item.due_at, meeting.starts_at, now, current, timedelta(minutes=offset)
        )
        if not decision.send:
            return work.Outcome("skipped" if current else "cancelled", note=decision.reason)
        async with self.services.db() as db:
            registration = await store.registration(db, meeting.id, member_id)
            if registration is None or registration.state not in rules.ACTIVE:
                return work.Outcome("cancelled", note="no longer registered")
            position = 0
            if registration.state == rules.WAITLISTED:
                position = await store.queue_length(db, meeting.id, registration.seq)
        tr = self.services.public(await self.services.config(meeting.guild_id))
        text = posts.reminder_text(
            tr, meeting, self._guild_name(meeting), format_offset(offset), registration.state,
            registration.mode, position, decision.late,
        )  # fmt: skip
        outcome = await self._dm(meeting, member_id, text, job.nonce())
        return (
            work.done(outcome.result_id, late=decision.late) if outcome.state == "done" else outcome
        )

    async def notify(self, job: Job) -> Outcome:
        meeting = await self._meeting(job)
        if meeting is None:
            return work.skipped("meeting deleted")
        member_id, what, n = (
            int(job.payload["member_id"]),
            str(job.payload["what"]),
            int(job.payload["n"]),
        )
        async with self.services.db() as db:
            registration = await store.registration(db, meeting.id, member_id)
        still = registration is not None and registration.state in rules.ACTIVE
        if what == "promoted":
            still = (
                still
                and registration is not None
                and registration.seq == n
                and (registration.state == rules.REGISTERED and meeting.status == "scheduled")
            )
        elif what == "moved":
            still = still and meeting.version == n and meeting.status == "scheduled"
        if not still:
            return work.Outcome("cancelled", note="no longer true")
        tr = self.services.public(await self.services.config(meeting.guild_id))
        text = posts.notice_text(tr, meeting, self._guild_name(meeting), what)
        return await self._dm(meeting, member_id, text, job.nonce())

    async def _dm(self, meeting: Meeting, member_id: int, text: str, nonce: str) -> Outcome:
        """One DM at the pace; closed DMs are skipped and remembered on the registration."""
        await self.pace.wait()
        try:
            channel = await self.bot.create_dm(discord.Object(member_id))
            message = await channel.send(text, nonce=nonce)
        except discord.Forbidden:
            await self._dm_status(meeting.id, member_id, "closed")
            return work.skipped("their DMs are closed")
        except discord.NotFound:
            return work.skipped("the member's account is gone")
        await self._dm_status(meeting.id, member_id, "sent")
        return work.done(message.id)

    async def _dm_status(self, meeting_id: int, member_id: int, status: str) -> None:
        async with self.services.db() as db, db.begin():
            await store.set_dm_status(db, meeting_id, member_id, status)

    async def follow(self, job: Job) -> Outcome:
        meeting = await self._meeting(job)
        if meeting is None:
            return work.skipped("meeting deleted")
        guild = self.bot.get_guild(meeting.guild_id)
        if guild is None:
            raise work.Retry("server not available yet")
        tr = self.services.public(await self.services.config(meeting.guild_id))
        if meeting.status == "scheduled" and meeting.event_id is None:
            event = await self._find(guild, meeting) if job.attempt > 1 else None
            try:
                event = event or await posts.create_event(guild, tr, meeting)
            except discord.Forbidden as exc:
                return work.failed(f"Discord {exc.status}: {exc.text[:150]}")
            async with self.services.db() as db, db.begin():
                await store.update_meeting(
                    db, meeting.id, self.services.clock.now(), event_id=event.id
                )
            await self.refresh_cards(meeting.id)  # the link, once the announcement is out
            return work.done(event.id)
        if meeting.status == "scheduled":
            await events.move(guild, meeting.event_id, meeting.starts_at, meeting.minutes)
            return work.done(meeting.event_id)
        if meeting.status == "cancelled" and meeting.event_id is not None:
            await events.cancel(guild, meeting.event_id)
            return work.done(meeting.event_id)
        return work.skipped("no event to follow")

    async def _find(self, guild: discord.Guild, meeting: Meeting) -> discord.ScheduledEvent | None:
        """The event an earlier attempt created before the process died, if any."""
        mine = self.bot.user.id if self.bot.user is not None else None
        return await events.find_created(
            guild, mine, meeting.title[: rules.TITLE_MAX], meeting.starts_at
        )

    async def refresh(self, job: Job) -> Outcome:
        return work.done(note=f"{await self.refresh_cards(int(job.payload['meeting_id']))} edited")
