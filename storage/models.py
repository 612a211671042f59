"""The tables. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

DEFAULT_OFFSETS = "10080,1440,60"


class GuildConfig(SQLModel, table=True):
    __tablename__ = "guild_config"

    guild_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    organiser_role_id: int | None = Field(default=None, sa_type=BigInteger)
    member_role_id: int | None = Field(default=None, sa_type=BigInteger)
    announcements_channel_id: int | None = Field(default=None, sa_type=BigInteger)
    language: str = Field(default="fr", max_length=8)
    timezone: str = Field(default="Europe/Paris", max_length=64)
    # Reminder offsets in minutes, largest first, comma separated.
    reminder_offsets: str = Field(default=DEFAULT_OFFSETS, max_length=64)
    session_minutes: int = Field(default=180)
    group_min_size: int = Field(default=5)
    group_max_size: int = Field(default=12)
    max_groups_per_member: int = Field(default=1)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)

    @property
    def offsets_minutes(self) -> list[int]:
        return [int(part) for part in self.reminder_offsets.split(",") if part]


class Office(SQLModel, table=True):
    __tablename__ = "office"
    __table_args__ = (UniqueConstraint("guild_id", "name", name="uq_office_guild_name"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    name: str = Field(max_length=80)
    country: str = Field(max_length=2)
    region: str = Field(max_length=80)


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_guild_at", "guild_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    actor_id: int | None = Field(default=None, sa_type=BigInteger)
    action: str = Field(max_length=64)
    detail: str = Field(default="")
    at: datetime = Field(sa_type=UTCDateTime)


class Cycle(SQLModel, table=True):
    """One yearly cycle. At most one not closed per guild (partial unique index)."""

    __tablename__ = "cycle"
    __table_args__ = (
        UniqueConstraint("guild_id", "name", name="uq_cycle_guild_name"),
        Index(
            "uq_cycle_one_open",
            "guild_id",
            unique=True,
            sqlite_where=text("status != 'closed'"),
            postgresql_where=text("status != 'closed'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    name: str = Field(max_length=40)
    first_year: int
    status: str = Field(default="preparing", max_length=16)  # preparing, running, closed
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Phase(SQLModel, table=True):
    """A phase of a cycle; its start announcement is an outbox row of its own."""

    __tablename__ = "phase"
    __table_args__ = (
        UniqueConstraint("cycle_id", "key", name="uq_phase_cycle_key"),
        Index("ix_phase_announce_due", "announce_state", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    key: str = Field(max_length=32)
    position: int
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    # pending, sending, sent, skipped, failed, cancelled
    announce_state: str = Field(default="pending", max_length=16)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    announced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    announce_message_id: int | None = Field(default=None, sa_type=BigInteger)
    announce_note: str = Field(default="", max_length=200)


class Theme(SQLModel, table=True):
    """A theme of a cycle and the Discord objects made for it."""

    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("cycle_id", "title_key", name="uq_theme_cycle_title"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    title: str = Field(max_length=100)
    title_key: str = Field(default="", max_length=100)
    description: str = Field(default="")
    countries: str = Field(default="FR,BE", max_length=8)
    prolonged: bool = False
    link: str | None = Field(default=None, max_length=500)
    emoji: str = Field(max_length=80)
    position: int = 0
    status: str = Field(default="active", max_length=16)  # active, archived
    category_id: int | None = Field(default=None, sa_type=BigInteger)
    info_channel_id: int | None = Field(default=None, sa_type=BigInteger)
    info_message_id: int | None = Field(default=None, sa_type=BigInteger)
    forum_id: int | None = Field(default=None, sa_type=BigInteger)
    role_id: int | None = Field(default=None, sa_type=BigInteger)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)

    @property
    def country_list(self) -> list[str]:
        return [c for c in self.countries.split(",") if c]


class InterestPoll(SQLModel, table=True):
    """The interest poll of a cycle: a message whose reactions are the votes."""

    __tablename__ = "interest_poll"
    __table_args__ = (
        Index(
            "uq_interest_poll_one_open",
            "cycle_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_interest_poll_close_due", "close_state", "deadline"),
    )

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    channel_id: int = Field(sa_type=BigInteger)
    message_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    deadline: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="open", max_length=16)  # open, closed
    # closing is an outbox row too: pending, sending, sent
    close_state: str = Field(default="pending", max_length=16)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    results_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PollOption(SQLModel, table=True):
    """Which emoji stands for which theme in a poll (fixed when the poll opens)."""

    __tablename__ = "poll_option"
    __table_args__ = (
        UniqueConstraint("poll_id", "emoji", name="uq_poll_option_emoji"),
        UniqueConstraint("poll_id", "theme_id", name="uq_poll_option_theme"),
    )

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="interest_poll.id", ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE")
    emoji: str = Field(max_length=80)


class InterestVote(SQLModel, table=True):
    __tablename__ = "interest_vote"
    __table_args__ = (
        UniqueConstraint("poll_id", "member_id", "theme_id", name="uq_interest_vote"),
    )

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="interest_poll.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE")
    created_at: datetime = Field(sa_type=UTCDateTime)


class PollNotice(SQLModel, table=True):
    """A non-member told once why their reaction did not count."""

    __tablename__ = "poll_notice"
    __table_args__ = (UniqueConstraint("poll_id", "user_id", name="uq_poll_notice"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="interest_poll.id", ondelete="CASCADE")
    user_id: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class MemberProfile(SQLModel, table=True):
    __tablename__ = "member_profile"
    __table_args__ = (UniqueConstraint("guild_id", "member_id", name="uq_member_profile"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    member_id: int = Field(sa_type=BigInteger)
    office: str | None = Field(default=None, max_length=80)
    mode: str | None = Field(default=None, max_length=16)  # in_person, online, either
    facilitate: bool = False
    take_notes: bool = False
    updated_at: datetime = Field(sa_type=UTCDateTime)


class WorkGroup(SQLModel, table=True):
    """A working group of a theme: proposed (rows only) then published (Discord objects)."""

    __tablename__ = "work_group"
    __table_args__ = (UniqueConstraint("theme_id", "name", name="uq_work_group_theme_name"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE")
    name: str = Field(max_length=100)
    mode: str = Field(max_length=16)  # in_person, online
    office: str | None = Field(default=None, max_length=80)
    region: str | None = Field(default=None, max_length=80)
    position: int = 0
    status: str = Field(default="proposed", max_length=16)  # proposed, published
    facilitator_id: int | None = Field(default=None, sa_type=BigInteger)
    secretary_id: int | None = Field(default=None, sa_type=BigInteger)
    channel_id: int | None = Field(default=None, sa_type=BigInteger)
    role_id: int | None = Field(default=None, sa_type=BigInteger)
    welcome_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class GroupMember(SQLModel, table=True):
    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("group_id", "member_id", name="uq_group_member"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger, index=True)
    source: str = Field(default="proposal", max_length=16)  # proposal, move, invite
    role_granted: bool = False
    added_at: datetime = Field(sa_type=UTCDateTime)


class GroupSession(SQLModel, table=True):
    """A three-hour working session of a group; `version` grows at each reschedule."""

    __tablename__ = "group_session"
    __table_args__ = (UniqueConstraint("group_id", "number", name="uq_group_session_number"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    number: int
    starts_at: datetime = Field(sa_type=UTCDateTime)
    minutes: int = 180
    place: str | None = Field(default=None, max_length=100)
    visio_url: str | None = Field(default=None, max_length=500)
    voice_channel_id: int | None = Field(default=None, sa_type=BigInteger)
    event_id: int | None = Field(default=None, sa_type=BigInteger)
    channel_id: int | None = Field(default=None, sa_type=BigInteger)
    post_message_id: int | None = Field(default=None, sa_type=BigInteger)
    status: str = Field(default="scheduled", max_length=16)  # scheduled, cancelled, done
    version: int = 1
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Rsvp(SQLModel, table=True):
    __tablename__ = "rsvp"
    __table_args__ = (UniqueConstraint("session_id", "member_id", name="uq_rsvp"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="group_session.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    answer: str = Field(max_length=16)  # in_person, online, absent
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Reminder(SQLModel, table=True):
    """Outbox row: one reminder of one version of a session at one offset."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("session_id", "offset_minutes", "version", name="uq_reminder"),
        Index("ix_reminder_due", "state", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="group_session.id", ondelete="CASCADE")
    offset_minutes: int
    version: int
    due_at: datetime = Field(sa_type=UTCDateTime)
    # pending, sending, sent, skipped, failed, cancelled
    state: str = Field(default="pending", max_length=16)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claim_token: str | None = Field(default=None, max_length=32)
    late: bool = False
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_message_id: int | None = Field(default=None, sa_type=BigInteger)
    note: str = Field(default="", max_length=200)


class SessionMinutes(SQLModel, table=True):
    __tablename__ = "session_minutes"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="group_session.id", ondelete="CASCADE", unique=True)
    summary: str = ""
    decisions: str = ""
    attendees: int = 0
    author_id: int | None = Field(default=None, sa_type=BigInteger)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class TimePoll(SQLModel, table=True):
    """Candidate slots for a group's next session, voted by regional-indicator reactions."""

    __tablename__ = "time_poll"
    __table_args__ = (Index("ix_time_poll_close_due", "close_state", "deadline"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    channel_id: int = Field(sa_type=BigInteger)
    message_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    deadline: datetime = Field(sa_type=UTCDateTime)
    minutes: int = 180
    status: str = Field(default="open", max_length=16)  # open, closed
    close_state: str = Field(default="pending", max_length=16)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    winner_slot_id: int | None = None
    result_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class TimeSlot(SQLModel, table=True):
    __tablename__ = "time_slot"
    __table_args__ = (UniqueConstraint("poll_id", "position", name="uq_time_slot_position"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="time_poll.id", ondelete="CASCADE")
    position: int
    starts_at: datetime = Field(sa_type=UTCDateTime)


class TimeVote(SQLModel, table=True):
    __tablename__ = "time_vote"
    __table_args__ = (UniqueConstraint("poll_id", "slot_id", "member_id", name="uq_time_vote"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="time_poll.id", ondelete="CASCADE")
    slot_id: int = Field(foreign_key="time_slot.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Draft(SQLModel, table=True):
    """A recommendation draft: a forum post in its theme's forum, with every version kept."""

    __tablename__ = "draft"
    __table_args__ = (Index("ix_draft_theme", "theme_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE")
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    title: str = Field(max_length=100)
    # draft, open, synthesised, submitted, adopted, not_retained, withdrawn
    status: str = Field(default="draft", max_length=16)
    version: int = 1
    thread_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    # the starter message is the thread's id; longer texts continue in these messages
    extra_message_ids: str = Field(default="")
    announce_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class DraftVersion(SQLModel, table=True):
    __tablename__ = "draft_version"
    __table_args__ = (UniqueConstraint("draft_id", "number", name="uq_draft_version"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", ondelete="CASCADE")
    number: int
    text: str
    author_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Endorsement(SQLModel, table=True):
    __tablename__ = "endorsement"
    __table_args__ = (UniqueConstraint("draft_id", "member_id", name="uq_endorsement"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Synthesis(SQLModel, table=True):
    """One per theme and cycle: a forum post gathering the theme's drafts."""

    __tablename__ = "synthesis"
    __table_args__ = (UniqueConstraint("cycle_id", "theme_id", name="uq_synthesis_theme"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE")
    thread_id: int | None = Field(default=None, sa_type=BigInteger)
    extra_message_ids: str = Field(default="")
    built_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class SynthesisDraft(SQLModel, table=True):
    __tablename__ = "synthesis_draft"
    __table_args__ = (UniqueConstraint("synthesis_id", "draft_id", name="uq_synthesis_draft"),)

    id: int | None = Field(default=None, primary_key=True)
    synthesis_id: int = Field(foreign_key="synthesis.id", ondelete="CASCADE")
    draft_id: int = Field(foreign_key="draft.id", ondelete="CASCADE")
    version: int


class Experiment(SQLModel, table=True):
    """A group's experiment, followed by the follow-up circle; nudges are an outbox."""

    __tablename__ = "experiment"
    __table_args__ = (Index("ix_experiment_nudge_due", "nudge_state", "next_nudge_at"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    title: str = Field(max_length=100)
    goal: str = Field(default="")
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    thread_id: int | None = Field(default=None, sa_type=BigInteger)
    status: str = Field(default="running", max_length=16)  # running, ended, evaluated
    # the next nudge (check-in every 14 days, then the evaluation request at the end)
    next_nudge_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    nudge_kind: str = Field(default="checkin", max_length=16)  # checkin, evaluate
    nudge_number: int = 0
    nudge_state: str = Field(default="pending", max_length=16)  # pending, sending, done
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ExperimentCheckin(SQLModel, table=True):
    __tablename__ = "experiment_checkin"

    id: int | None = Field(default=None, primary_key=True)
    experiment_id: int = Field(foreign_key="experiment.id", ondelete="CASCADE", index=True)
    text: str
    author_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class ExperimentEvaluation(SQLModel, table=True):
    __tablename__ = "experiment_evaluation"

    id: int | None = Field(default=None, primary_key=True)
    experiment_id: int = Field(foreign_key="experiment.id", ondelete="CASCADE", unique=True)
    done: str = ""
    worked: str = ""
    failed: str = ""
    lessons: str = ""
    author_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class AssemblyVote(SQLModel, table=True):
    """The general assembly's vote on next cycle's themes; results hidden until closed."""

    __tablename__ = "assembly_vote"
    __table_args__ = (Index("ix_assembly_vote_close_due", "close_state", "deadline"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    title: str = Field(max_length=100)
    options: str  # JSON list of option labels, in the order given
    method: str = Field(default="approval", max_length=16)  # approval, ranked
    deadline: datetime = Field(sa_type=UTCDateTime)
    channel_id: int = Field(sa_type=BigInteger)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    status: str = Field(default="open", max_length=16)  # open, closed
    close_state: str = Field(default="pending", max_length=16)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    results_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Ballot(SQLModel, table=True):
    """One per member and vote, changeable until the vote closes."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("vote_id", "member_id", name="uq_ballot"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="assembly_vote.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    choices: str  # JSON list of option indexes (ranked: in order of preference)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class PrivacyOptOut(SQLModel, table=True):
    """A member who asked to be forgotten: their reactions are ignored until they opt in
    again. Only a keyed hash of the member is kept, so no table holds their id."""

    __tablename__ = "privacy_opt_out"
    __table_args__ = (UniqueConstraint("guild_id", "member_key", name="uq_privacy_opt_out"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    member_key: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
