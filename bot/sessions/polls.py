"""Time polls: one regional-indicator reaction per candidate slot; the winner is offered
to the facilitator, who schedules it with one button. The closing at the deadline is
a work item (`plan_closing` and `TimePollClosing` at the end of this file); this file keeps the poll's cards, its reactions
and the winner's post and button."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit import errors, ui, work
from bot.kit.access import check_manager
from bot.kit.forms import SipForm
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from bot.sessions import rules
from bot.sessions.service import SessionService, scheduled_text
from storage import groups as group_store
from storage import sessions as store
from storage.models import GroupSession, TimePoll, TimeSlot, WorkGroup

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
KIND = "timepoll_close"


def key(poll_id: int) -> str:
    return f"{KIND}:{poll_id}"


async def plan_closing(engine: work.WorkEngine, db: AsyncSession, poll: TimePoll) -> None:
    """Inside the transaction that stores the poll: it closes at its deadline."""
    await engine.add(
        db, kind=KIND, key=key(poll.id), guild_id=poll.guild_id, due_at=poll.deadline,
        payload={"poll_id": poll.id},
    )  # fmt: skip


@dataclass
class OpenTimePoll:
    poll_id: int
    group_id: int
    guild_id: int
    channel_id: int
    message_id: int
    deadline: datetime
    slots: dict[str, int]  # emoji -> slot id


def poll_card(
    tr: Tr,
    group: WorkGroup,
    slots: list[TimeSlot],
    deadline: datetime,
    minutes: int,
    closed: bool = False,
) -> discord.Embed:
    lines = [tr("timepoll.intro", minutes=minutes), ""]
    lines += [f"{rules.SLOT_LETTERS[s.position]} {ui.timestamp(s.starts_at)}" for s in slots]
    lines += [
        "",
        tr("timepoll.closed" if closed else "timepoll.deadline", deadline=ui.timestamp(deadline)),
    ]
    return ui.embed(tr("timepoll.title", group=group.name), "\n".join(lines))


class ScheduleWinner(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sip:tp:schedule:(?P<poll>\d+)"
):
    """Persistent: the facilitator may click it days later, after restarts."""

    def __init__(self, poll_id: int, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or "schedule",
                style=discord.ButtonStyle.success,
                emoji="📅",
                custom_id=f"sip:tp:schedule:{poll_id}",
            )
        )
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ScheduleWinner:
        return cls(int(match["poll"]), item.label)

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = cast("Host", interaction.client)
        try:
            poll, _slot, group = await winning_slot(bot, self.poll_id)
            config = await bot.services.config(poll.guild_id)
            check_manager(interaction, config, group)
            tr = bot.services.reader(interaction, config)
            await interaction.response.send_modal(
                SlotModal(bot, self.poll_id, tr, interaction.user.id)
            )
        except Exception as error:  # noqa: BLE001 - one place turns errors into messages
            await errors.report(bot, interaction, error)


class SlotModal(SipForm):
    """Where the chosen slot takes place; then the session is scheduled like any other."""

    def __init__(self, bot: Host, poll_id: int, tr: Tr, user_id: int) -> None:
        # one form per person: discord.py keeps open forms by custom id
        super().__init__(
            bot, title=tr("timepoll.modal.title")[:45], custom_id=f"sip:tp:slot:{poll_id}:{user_id}"
        )
        self.bot, self.poll_id = bot, poll_id
        self.place: discord.ui.TextInput[SlotModal] = discord.ui.TextInput(
            custom_id="place",
            label=tr("timepoll.modal.place")[:45],
            required=False,
            max_length=rules.PLACE_MAX,
        )
        self.visio: discord.ui.TextInput[SlotModal] = discord.ui.TextInput(
            custom_id="visio", label=tr("timepoll.modal.visio")[:45], required=False, max_length=500
        )
        self.add_item(self.place)
        self.add_item(self.visio)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = self.bot
        poll, slot, group = await winning_slot(bot, self.poll_id)
        config = await bot.services.config(poll.guild_id)
        check_manager(interaction, config, group)
        tr = bot.services.reader(interaction, config)
        now = bot.services.clock.now()
        if slot.starts_at <= now:
            raise UserError("error.timepoll.slot_past")
        row = GroupSession(
            guild_id=group.guild_id, group_id=group.id, number=0, starts_at=slot.starts_at, minutes=poll.minutes,
            place=rules.check_place(self.place.value), visio_url=rules.check_visio(self.visio.value),
            channel_id=group.channel_id, created_by=interaction.user.id, created_at=now, updated_at=now,
        )  # fmt: skip
        async with bot.services.db() as db, db.begin():
            if not await store.mark_poll_scheduled(db, self.poll_id):
                raise UserError("error.timepoll.already_scheduled")
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await SessionService(bot).schedule(config, group, row)
        if poll.result_message_id is not None:
            channel = bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
            await channel.get_partial_message(poll.result_message_id).edit(view=None)
        await ui.reply(interaction, scheduled_text(tr, change))


class TimePolls:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services
        self.polls: dict[int, OpenTimePoll] = {}
        self._order = asyncio.Lock()
        self._recording: set[asyncio.Task[None]] = set()

    async def load(self) -> None:
        async with self.services.db() as db:
            for poll in await store.open_polls(db):
                self.remember(poll, await store.slots_of(db, poll.id))

    def remember(self, poll: TimePoll, slots: list[TimeSlot]) -> None:
        found = self.as_open(poll, slots)
        if found is not None and poll.status == "open":
            self.polls[found.message_id] = found

    def forget(self, poll: TimePoll) -> OpenTimePoll | None:
        """Reactions on it stop counting here; what was known of it, if anything."""
        return self.polls.pop(poll.message_id, None) if poll.message_id is not None else None

    @staticmethod
    def as_open(poll: TimePoll, slots: list[TimeSlot]) -> OpenTimePoll | None:
        if poll.message_id is None:
            return None  # its message was never posted: no reaction to read
        return OpenTimePoll(
            poll.id, poll.group_id, poll.guild_id, poll.channel_id, poll.message_id, poll.deadline,
            {rules.SLOT_LETTERS[s.position]: s.id for s in slots},
        )  # fmt: skip

    async def open(
        self,
        channel: discord.abc.Messageable,
        tr: Tr,
        group: WorkGroup,
        poll: TimePoll,
        starts: list[datetime],
    ) -> TimePoll:
        async with self.services.db() as db, db.begin():
            slots = await store.create_poll(db, poll, starts)
            await plan_closing(self.services.work, db, poll)
        self.services.work.poke()
        message = await channel.send(embed=poll_card(tr, group, slots, poll.deadline, poll.minutes))
        async with self.services.db() as db, db.begin():
            poll = await store.get_poll(db, poll.id) or poll
            poll.message_id = message.id
        self.remember(poll, slots)
        for slot in slots:
            await message.add_reaction(rules.SLOT_LETTERS[slot.position])
        return poll

    def take(self, payload: discord.RawReactionActionEvent) -> None:
        """A vote on one of the open polls is recorded by a task of its own; the tasks
        take their turn in the order the events came."""
        poll = self.polls.get(payload.message_id)
        if poll is None or (self.bot.user is not None and payload.user_id == self.bot.user.id):
            return
        task = asyncio.get_running_loop().create_task(
            self._in_turn(poll, payload), name="time-poll-vote"
        )
        self._recording.add(task)  # held until done: the loop keeps only a weak reference
        task.add_done_callback(self._recording.discard)

    async def _in_turn(self, poll: OpenTimePoll, payload: discord.RawReactionActionEvent) -> None:
        async with self._order:  # first come, first served: an add stays before its removal
            try:
                await self._record(poll, payload)
            except Exception:  # the start-up recount restores what a failure left out
                log.exception("time poll %s: a reaction was not recorded", poll.poll_id)

    async def _record(self, poll: OpenTimePoll, payload: discord.RawReactionActionEvent) -> None:
        slot_id = poll.slots.get(str(payload.emoji))
        now = self.services.clock.now()
        if slot_id is None or now >= poll.deadline:
            return
        if await self.services.opted_out(poll.guild_id, payload.user_id):
            return  # forgotten at their request
        async with self.services.db() as db, db.begin():
            if payload.user_id not in await self._voters(db, poll.group_id):
                return
            await store.vote_slot(
                db,
                poll.poll_id,
                slot_id,
                payload.user_id,
                now,
                payload.event_type == "REACTION_ADD",
            )

    @staticmethod
    async def _voters(db: Any, group_id: int) -> set[int]:
        group = await db.get(WorkGroup, group_id)
        members = await group_store.member_ids(db, group_id)
        return members | {m for m in (group.facilitator_id, group.secretary_id) if m}

    async def stop(self) -> None:
        """The votes being recorded are written before the feature goes."""
        if self._recording:
            await asyncio.gather(*self._recording, return_exceptions=True)

    async def reconcile_all(self) -> None:
        """Votes cast or withdrawn while the bot was offline count exactly once."""
        for poll in list(self.polls.values()):
            try:
                await self.reconcile(poll)
            except discord.HTTPException as exc:
                log.warning("time poll %s not reconciled: %s", poll.poll_id, exc.status)

    async def reconcile(self, poll: OpenTimePoll) -> None:
        message = await self.bot.get_partial_messageable(
            poll.channel_id, guild_id=poll.guild_id
        ).fetch_message(poll.message_id)
        actual: set[tuple[int, int]] = set()
        async with self.services.db() as db:
            voters = await self._voters(db, poll.group_id)
        for reaction in message.reactions:
            slot_id = poll.slots.get(str(reaction.emoji))
            if slot_id is not None:
                actual |= {
                    (slot_id, u.id) async for u in reaction.users(limit=None) if u.id in voters
                }
        async with self.services.db() as db, db.begin():
            await store.replace_slot_votes(db, poll.poll_id, actual, self.services.clock.now())

    # ------------------------------------------------------------ the winner
    async def announce(self, poll: TimePoll, nonce: str) -> tuple[int | None, int]:
        """The poll's card shows it closed; the winner is posted with its button, once
        (`nonce` is the same at every attempt). (winning slot id, message id)."""
        async with self.services.db() as db:
            slots = await store.slots_of(db, poll.id)
            counts = await store.slot_counts(db, poll.id)
            group = await db.get(WorkGroup, poll.group_id)
        assert group is not None  # noqa: S101 - foreign key
        config = await self.services.config(poll.guild_id)
        tr = self.services.public(config)
        winner = rules.winner(counts, {s.id: s.starts_at for s in slots})
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        if poll.message_id is not None:
            try:
                await channel.get_partial_message(poll.message_id).edit(
                    embed=poll_card(tr, group, slots, poll.deadline, poll.minutes, closed=True)
                )
            except discord.NotFound:
                log.info("time poll %s message was deleted by hand", poll.id)
        chosen = next(s for s in slots if s.id == winner)
        view = discord.ui.View(timeout=None)
        view.add_item(ScheduleWinner(poll.id, tr("timepoll.schedule")))
        facilitator = (
            f"<@{group.facilitator_id}>" if group.facilitator_id else tr("timepoll.facilitator")
        )
        text = tr(
            "timepoll.winner", letter=rules.SLOT_LETTERS[chosen.position], when=ui.timestamp(chosen.starts_at),
            votes=counts.get(chosen.id, 0), facilitator=facilitator,
        )  # fmt: skip
        message = await channel.send(text, view=view, nonce=nonce)
        return winner, message.id


async def winning_slot(bot: Host, poll_id: int) -> tuple[TimePoll, TimeSlot, WorkGroup]:
    async with bot.services.db() as db:
        poll = await store.get_poll(db, poll_id)
        if poll is None or poll.status == "open" or poll.winner_slot_id is None:
            raise UserError("error.timepoll.not_closed")
        if poll.status == "scheduled":
            raise UserError("error.timepoll.already_scheduled")
        slot = await db.get(TimeSlot, poll.winner_slot_id)
        group = await db.get(WorkGroup, poll.group_id)
    assert slot is not None and group is not None  # noqa: S101 - foreign keys
    return poll, slot, group


class TimePollClosing:
    """Closing a time poll at its deadline (kind polls.KIND). The first transaction closes
    the poll (reactions after the deadline never counted); the stored votes are made
    equal to the message's reactions, the card shows it closed and the winner is posted
    with its button, with the item's nonce. A group channel deleted or closed to the bot
    (403/404) leaves the poll closed without a winner and ends the item, since retrying
    would never end; any other Discord failure is retried by the engine."""

    def __init__(self, bot: Host, polls: TimePolls) -> None:
        self.services = bot.services
        self.polls = polls

    async def handle(self, job: work.Job) -> work.Outcome:
        poll_id = int(job.payload["poll_id"])
        async with self.services.db() as db, db.begin():
            poll = await store.get_poll(db, poll_id)
            if poll is None:
                return work.skipped("the poll was deleted")
            closing_now = await store.close_poll(db, poll_id)
            slots = await store.slots_of(db, poll_id)
        known = self.polls.forget(poll)
        if known is None and closing_now:
            # opened by another process: this one never had it in memory
            known = self.polls.as_open(poll, slots)
        try:
            if known is not None:
                await self.polls.reconcile(known)
            winner, message_id = await self.polls.announce(poll, job.nonce())
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("time poll %s closed, winner not posted: Discord %s", poll_id, exc.status)
            return work.done(note=f"closed; winner not posted (Discord {exc.status})")
        async with self.services.db() as db, db.begin():
            await store.record_winner(db, poll_id, winner, message_id)
        return work.done(result_id=message_id)
