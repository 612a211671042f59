"""Invitations to a working group (the server's `consent` mode; rules in consent.py).

Each invitation version has three work items (bot/groups/invitation_jobs.py), added in
the transaction that opens it, their keys `<kind>:<invitation>:<version>`:
- `invitation_send`: the DM with the group's card and persistent Accept / Decline
  buttons (bot/groups/invitation_views.py). A Discord write that must happen: tried at
  once by the command, retried by the engine while Discord makes it wait, sent with a
  nonce. Closed DMs (Discord's 50007) mark the invitation "DM closed": the member
  answers with `/group invitations` instead, and the organisers' view says so.
- `invitation_reminder`: one reminder by DM before the deadline, if still unanswered.
- `invitation_expire`: at the deadline, an unanswered invitation expires.
Opening an invitation again cancels what is left of the earlier version's work.

Accepting makes the member a member (a GroupMember row, in the same transaction) and
asks for the group's role through the existing role work (bot/groups/jobs.py), then
welcomes them in the channel. Declining (with an optional reason) or expiring frees the
seat: no membership, and a facilitator or secretary who declines leaves the role empty
for the organisers to name someone else (the pinned welcome follows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.groups import consent, jobs, objects
from bot.groups import posts as cards
from bot.kit import work
from bot.kit.user_error import UserError
from bot.kit.work import WorkEngine
from storage import cycles, themes
from storage import groups as group_store
from storage import invitations as store
from storage import setup as setup_store
from storage import work as work_store
from storage.models import GuildConfig, Invitation, WorkGroup
from storage.models.invitations import DM_CLOSED, DM_SENT

if TYPE_CHECKING:
    from bot.kit.host import Host
    from bot.services import Services

SEND, REMIND, EXPIRE = "invitation_send", "invitation_reminder", "invitation_expire"
KINDS = (SEND, REMIND, EXPIRE)
JOINED_AS = "invitation"  # GroupMember.source of a member who accepted


def key(kind: str, invitation: Invitation) -> str:
    return f"{kind}:{invitation.id}:{invitation.version}"


async def schedule(db: AsyncSession, works: WorkEngine, invitation: Invitation) -> str:
    """Inside the caller's transaction: this version's DM, reminder and expiry (added once,
    however often asked). Returns the DM's key, for the command to try it at once."""
    now = works.clock.now()
    payload = {"invitation_id": invitation.id, "version": invitation.version}
    due = {
        SEND: now + jobs.TAKEOVER,  # the command sends it; the engine takes over after this
        REMIND: consent.reminder_at(invitation.created_at, invitation.deadline),
        EXPIRE: invitation.deadline,
    }
    rows = [
        works.row(kind=kind, key=key(kind, invitation), guild_id=invitation.guild_id,
                  due_at=at, payload=payload)
        for kind, at in due.items()
        if at is not None
    ]  # fmt: skip
    await works.add_many(db, rows)
    return key(SEND, invitation)


async def _cancel_work(db: AsyncSession, invitation_id: int, now: datetime, note: str) -> None:
    for kind in KINDS:
        await work_store.cancel(db, prefix=f"{kind}:{invitation_id}:", now=now, note=note)


async def _answered_work(db: AsyncSession, invitation_id: int, now: datetime) -> None:
    """An answer leaves nothing to remind or expire (the DM itself is sent by then)."""
    for kind in (REMIND, EXPIRE):
        await work_store.cancel(db, prefix=f"{kind}:{invitation_id}:", now=now, note="answered")


def deadline(config: GuildConfig, now: datetime) -> datetime:
    return consent.deadline_after(now, config.invitation_days)


# ------------------------------------------------------------------ opening
async def propose_to_members(
    db: AsyncSession, group: WorkGroup, config: GuildConfig, now: datetime
) -> int:
    """Publishing a proposed group in consent mode: the members it placed are invited
    instead of joined. Returns how many invitations were made."""
    members = await store.take_proposal(db, group.id)
    return await store.open_many(
        db, group, members, source="publish", invited_by=None,
        deadline=deadline(config, now), now=now,
    )  # fmt: skip


async def invite(
    db: AsyncSession,
    works: WorkEngine,
    group: WorkGroup,
    member_id: int,
    config: GuildConfig,
    *,
    source: str,
    by: int | None,
) -> Invitation | None:
    """Inside the caller's transaction: a new invitation, or an answered one opened
    again, with its work; None when one is pending already."""
    now = works.clock.now()
    invitation = await store.open_one(
        db, group, member_id, source=source, invited_by=by,
        deadline=deadline(config, now), now=now,
    )  # fmt: skip
    if invitation is None:
        return None
    if invitation.version > 1:
        await _cancel_work(db, invitation.id, now, "invited again")
    await schedule(db, works, invitation)
    return invitation


@dataclass
class Sent:
    """What became of a batch of invitation DMs, for the organiser's reply."""

    sent: int = 0
    closed: int = 0
    waiting: int = 0  # Discord made them wait: the engine sends them when it accepts
    deadline: datetime | None = None  # the latest of their deadlines

    def add(self, other: Sent) -> None:
        self.sent, self.closed = self.sent + other.sent, self.closed + other.closed
        self.waiting += other.waiting
        if other.deadline is not None:
            self.deadline = max(self.deadline or other.deadline, other.deadline)


async def send(services: Services, runner: work.InOrder, invitations: list[Invitation]) -> Sent:
    """Send the DMs now, in order (the engine takes over what Discord makes wait)."""
    states = await runner.run([key(SEND, i) for i in invitations])
    outcome = Sent(deadline=max((i.deadline for i in invitations), default=None))
    async with services.db() as db:
        for invitation in invitations:
            stored = await store.get(db, invitation.id)
            if stored is not None and stored.dm_status == DM_SENT:
                outcome.sent += 1
            elif stored is not None and stored.dm_status == DM_CLOSED:
                outcome.closed += 1
            elif states[key(SEND, invitation)] not in work.SETTLED:
                outcome.waiting += 1
    return outcome


async def send_waiting(services: Services, runner: work.InOrder, group: WorkGroup) -> Sent:
    """Publishing (again): every pending invitation of the group whose DM has not gone
    gets its work (once) and is sent now. Running publish again finishes what a failure
    or a restart left, and sends nothing twice."""
    async with services.db() as db, db.begin():
        waiting = await store.waiting_to_send(db, group.id)
        for invitation in waiting:
            await schedule(db, services.work, invitation)
    return await send(services, runner, waiting)


async def withdraw(db: AsyncSession, group_id: int, member_id: int, now: datetime) -> bool:
    """Inside the caller's transaction: the member's pending invitation to this group is
    taken back (an organiser placed them elsewhere); its reminder and expiry never come."""
    invitation = await store.find(db, group_id, member_id)
    if invitation is None or not await store.withdraw(db, group_id, member_id, now):
        return False
    await _cancel_work(db, invitation.id, now, "withdrawn")
    return True


# ------------------------------------------------------------------ answering
@dataclass
class Answer:
    invitation: Invitation
    group: WorkGroup
    role_key: str | None = None  # accepted: the role grant's work item
    roles_freed: bool = False  # declined or expired by the facilitator or the secretary


def check_answerable(invitation: Invitation | None, member_id: int, now: datetime) -> Invitation:
    """The invitation, if this member may answer it now; else why not."""
    if invitation is None:
        raise UserError("error.invitation.gone")
    if invitation.member_id != member_id:
        raise UserError("error.invitation.not_yours")
    if invitation.state != consent.PENDING:
        when = invitation.answered_at or invitation.deadline
        raise UserError(f"error.invitation.{invitation.state}", when=when)
    if not consent.answerable(invitation.state, invitation.deadline, now):
        raise UserError("error.invitation.expired", when=invitation.deadline)
    return invitation


async def load(services: Services, invitation_id: int, member_id: int) -> Invitation:
    async with services.db() as db:
        invitation = await store.get(db, invitation_id)
    return check_answerable(invitation, member_id, services.clock.now())


async def _free_roles(db: AsyncSession, group: WorkGroup, member_id: int, now: datetime) -> bool:
    """A facilitator or secretary who will not be in the group leaves the role empty."""
    lead = None if group.facilitator_id == member_id else group.facilitator_id
    notes = None if group.secretary_id == member_id else group.secretary_id
    if (lead, notes) == (group.facilitator_id, group.secretary_id):
        return False
    await group_store.set_roles(db, group.id, lead, notes, now)
    group.facilitator_id, group.secretary_id = lead, notes
    return True


async def _answer(
    services: Services, invitation_id: int, member_id: int, state: str, reason: str = ""
) -> Answer:
    now = services.clock.now()
    async with services.db() as db, db.begin():
        invitation = check_answerable(await store.get(db, invitation_id), member_id, now)
        group = await group_store.get(db, invitation.group_id)
        if group is None:
            raise UserError("error.invitation.gone")
        if not await store.answer(db, invitation.id, invitation.version, state, now,
                                  reason=reason):  # fmt: skip
            raise UserError("error.invitation.changed")  # another click got there first
        found = Answer(invitation, group)
        if state == consent.ACCEPTED:
            await group_store.add_members(db, group.id, [member_id], JOINED_AS, now)
            found.role_key = (await jobs.follow_roles(db, services.work, group, [member_id]))[
                member_id
            ]
        else:
            found.roles_freed = await _free_roles(db, group, member_id, now)
        await _answered_work(db, invitation.id, now)
        await setup_store.audit(
            db, group.guild_id, member_id, f"invitation.{state}", now, group=group.id,
            invitation=invitation.id, version=invitation.version,
        )  # fmt: skip
    invitation.state, invitation.reason, invitation.answered_at = state, reason, now
    return found


async def accept(services: Services, invitation_id: int, member_id: int) -> Answer:
    return await _answer(services, invitation_id, member_id, consent.ACCEPTED)


async def decline(services: Services, invitation_id: int, member_id: int, reason: str) -> Answer:
    return await _answer(services, invitation_id, member_id, consent.DECLINED, reason.strip())


async def expire(services: Services, invitation_id: int, version: int) -> Answer | None:
    """At the deadline: an invitation still unanswered expires and frees its seat."""
    now = services.clock.now()
    async with services.db() as db, db.begin():
        invitation = await store.get(db, invitation_id)
        if invitation is None or not await store.expire(db, invitation_id, version, now):
            return None
        group = await group_store.get(db, invitation.group_id)
        if group is None:
            return None
        freed = await _free_roles(db, group, invitation.member_id, now)
        await setup_store.audit(
            db, group.guild_id, None, "invitation.expired", now, group=group.id,
            invitation=invitation.id, member=invitation.member_id,
        )  # fmt: skip
    invitation.state, invitation.answered_at = consent.EXPIRED, now
    return Answer(invitation, group, roles_freed=freed)


# ------------------------------------------------------------------ in the group's channel
async def welcome_card(services: Services, config: GuildConfig, group: WorkGroup) -> discord.Embed:
    async with services.db() as db:
        theme = await themes.get(db, group.theme_id)
        members = await group_store.members_of(db, [group.id])
        phases = await cycles.phases_of(db, group.cycle_id)
    assert theme is not None  # noqa: S101 - groups are deleted with their theme
    return cards.welcome(services.public(config), theme, group, members[group.id], phases)


async def joined(bot: Host, answer: Answer) -> str:
    """After an acceptance: the role (tried now, else retried by the engine), a welcome in
    the channel, the pinned card's member list. Returns the role item's state."""
    services, group = bot.services, answer.group
    state = "done"
    if answer.role_key is not None:
        state = (await services.work.in_order().run([answer.role_key]))[answer.role_key]
    guild = bot.get_guild(group.guild_id)
    if guild is None:
        return state
    config = await services.config(group.guild_id)
    public = services.public(config)
    member = answer.invitation.member_id
    by = answer.invitation.invited_by
    text = (
        public("groups.invite.welcome", member=f"<@{member}>", by=f"<@{by}>")
        if by is not None
        else public("invitation.welcome", member=f"<@{member}>")
    )
    await objects.post(guild, group, text)
    await objects.refresh_welcome(guild, group, await welcome_card(services, config, group))
    return state


async def refresh(bot: Host, group: WorkGroup) -> None:
    """The pinned card after a facilitator or secretary declined or let it expire."""
    guild = bot.get_guild(group.guild_id)
    if guild is None:
        return
    config = await bot.services.config(group.guild_id)
    await objects.refresh_welcome(guild, group, await welcome_card(bot.services, config, group))
