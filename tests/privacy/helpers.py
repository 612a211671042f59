"""A member with a row in every table `/privacy export` reads, in a Belgian server (its
own time zone), with 64-bit ids; and a second member whose rows must never appear."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import (
    AssemblyVote,
    AuditLog,
    Ballot,
    Cycle,
    Draft,
    DraftVersion,
    Endorsement,
    Experiment,
    ExperimentCheckin,
    ExperimentEvaluation,
    GroupMember,
    GroupSession,
    GuildConfig,
    InterestPoll,
    InterestVote,
    Invitation,
    MemberProfile,
    PollNotice,
    Rsvp,
    SessionMinutes,
    Synthesis,
    Theme,
    TimePoll,
    TimeSlot,
    TimeVote,
    WorkGroup,
)

GUILD = 2**63 - 101  # snowflakes use 64 bits: far beyond what a double holds exactly
MEMBER = 2**63 - 100
OTHER = 2**63 - 99
CHANNEL = 2**63 - 98
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
SUMMER = datetime(2027, 7, 1, 16, 0, tzinfo=UTC)  # 18:00 in Brussels (summer time)


@dataclass(frozen=True)
class Seeded:
    group_id: int
    session_id: int
    vote_id: int


async def seed_everything(engine: AsyncEngine) -> Seeded:
    """One row in each of the 24 exported tables for MEMBER (facilitator AND secretary of
    their group), one interest vote for OTHER, and the invitation MEMBER sent OTHER (OTHER's,
    never exported to MEMBER)."""
    async with session_factory(engine)() as db, db.begin():
        db.add(GuildConfig(guild_id=GUILD, language="nl", timezone="Europe/Brussels",
                           created_at=NOW, updated_at=NOW))  # fmt: skip
        cycle = Cycle(guild_id=GUILD, name="2026-2027", first_year=2026, created_by=MEMBER,
                      created_at=NOW)  # fmt: skip
        db.add(cycle)
        await db.flush()
        theme = Theme(guild_id=GUILD, cycle_id=cycle.id, title="Mobiliteit", emoji="1️⃣",
                      created_by=MEMBER, created_at=NOW, updated_at=NOW)  # fmt: skip
        db.add(theme)
        await db.flush()
        group = WorkGroup(guild_id=GUILD, cycle_id=cycle.id, theme_id=theme.id, name="Gent",
                          mode="online", office="Gent", facilitator_id=MEMBER,
                          secretary_id=MEMBER, channel_id=CHANNEL, created_at=NOW,
                          updated_at=NOW)  # fmt: skip
        db.add(group)
        await db.flush()
        session = GroupSession(guild_id=GUILD, group_id=group.id, number=2, starts_at=SUMMER,
                               place="Gent", created_by=MEMBER, created_at=NOW,
                               updated_at=NOW)  # fmt: skip
        poll = InterestPoll(guild_id=GUILD, cycle_id=cycle.id, channel_id=CHANNEL, deadline=NOW,
                            created_by=MEMBER, created_at=NOW)  # fmt: skip
        time_poll = TimePoll(guild_id=GUILD, group_id=group.id, channel_id=CHANNEL,
                             deadline=NOW, created_by=MEMBER, created_at=NOW)  # fmt: skip
        draft = Draft(guild_id=GUILD, cycle_id=cycle.id, theme_id=theme.id, group_id=group.id,
                      title="Deelfietsen", created_by=MEMBER, created_at=NOW,
                      updated_at=NOW)  # fmt: skip
        experiment = Experiment(guild_id=GUILD, cycle_id=cycle.id, group_id=group.id,
                                title="Fietsdag", starts_at=NOW, ends_at=SUMMER,
                                created_by=MEMBER, created_at=NOW, updated_at=NOW)  # fmt: skip
        vote = AssemblyVote(guild_id=GUILD, title="Thema's 2028", method="ranked",
                            options=json.dumps(["Wonen", "Pensioen", "Mobiliteit"]),
                            deadline=SUMMER, channel_id=CHANNEL, created_by=MEMBER,
                            created_at=NOW)  # fmt: skip
        db.add_all([session, poll, time_poll, draft, experiment, vote])
        await db.flush()
        slot = TimeSlot(poll_id=time_poll.id, position=0, starts_at=SUMMER)
        db.add(slot)
        await db.flush()
        db.add_all([
            MemberProfile(guild_id=GUILD, member_id=MEMBER, office="Gent", mode="either",
                          facilitate=True, updated_at=NOW),
            GroupMember(group_id=group.id, member_id=MEMBER, source="invite", added_at=NOW),
            Invitation(guild_id=GUILD, group_id=group.id, member_id=MEMBER, state="accepted",
                       source="publish", deadline=SUMMER, created_at=NOW, answered_at=NOW),
            Invitation(guild_id=GUILD, group_id=group.id, member_id=OTHER, state="declined",
                       source="invite", invited_by=MEMBER, reason="Geen tijd.",
                       deadline=SUMMER, created_at=NOW, answered_at=NOW),
            Rsvp(session_id=session.id, member_id=MEMBER, answer="online", updated_at=NOW),
            SessionMinutes(session_id=session.id, summary="Goed gesprek", attendees=7,
                           author_id=MEMBER, created_at=NOW),
            TimeVote(poll_id=time_poll.id, slot_id=slot.id, member_id=MEMBER, created_at=NOW),
            InterestVote(poll_id=poll.id, member_id=MEMBER, theme_id=theme.id, created_at=NOW),
            InterestVote(poll_id=poll.id, member_id=OTHER, theme_id=theme.id, created_at=NOW),
            PollNotice(poll_id=poll.id, user_id=MEMBER, created_at=NOW),
            DraftVersion(draft_id=draft.id, number=1, text="Fietsen delen.", author_id=MEMBER,
                         created_at=NOW),
            Endorsement(draft_id=draft.id, member_id=MEMBER, created_at=NOW),
            ExperimentCheckin(experiment_id=experiment.id, text="Halfweg", author_id=MEMBER,
                              created_at=NOW),
            ExperimentEvaluation(experiment_id=experiment.id, done="Een dag", author_id=MEMBER,
                                 created_at=NOW),
            Ballot(vote_id=vote.id, member_id=MEMBER, choices="[2, 0]", updated_at=NOW),
            Synthesis(guild_id=GUILD, cycle_id=cycle.id, theme_id=theme.id, built_by=MEMBER,
                      created_at=NOW, updated_at=NOW),
            AuditLog(guild_id=GUILD, actor_id=MEMBER, action="group.roles", at=NOW,
                     detail=json.dumps({"facilitator": MEMBER, "group": group.id,
                                        "secretary": OTHER})),
        ])  # fmt: skip
    assert group.id is not None and session.id is not None and vote.id is not None
    return Seeded(group.id, session.id, vote.id)
