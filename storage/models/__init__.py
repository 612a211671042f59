"""The tables, one module per part of the cycle; everything is importable from here."""

from sqlmodel import SQLModel

from storage.models.closing import (
    AssemblyVote,
    Ballot,
    Experiment,
    ExperimentCheckin,
    ExperimentEvaluation,
    PrivacyOptOut,
)
from storage.models.cycles import Cycle, Phase, Theme
from storage.models.drafts import Draft, DraftVersion, Endorsement, Synthesis, SynthesisDraft
from storage.models.groups import GroupMember, WorkGroup
from storage.models.interest import (
    InterestPoll,
    InterestVote,
    MemberProfile,
    PollNotice,
    PollOption,
)
from storage.models.sessions import (
    GroupSession,
    Reminder,
    Rsvp,
    SessionMinutes,
    TimePoll,
    TimeSlot,
    TimeVote,
)
from storage.models.setup import DEFAULT_OFFSETS, AuditLog, GuildConfig, Office

__all__ = [
    "DEFAULT_OFFSETS",
    "AssemblyVote",
    "AuditLog",
    "Ballot",
    "Cycle",
    "Draft",
    "DraftVersion",
    "Endorsement",
    "Experiment",
    "ExperimentCheckin",
    "ExperimentEvaluation",
    "GroupMember",
    "GroupSession",
    "GuildConfig",
    "InterestPoll",
    "InterestVote",
    "MemberProfile",
    "Office",
    "Phase",
    "PollNotice",
    "PollOption",
    "PrivacyOptOut",
    "Reminder",
    "Rsvp",
    "SQLModel",
    "SessionMinutes",
    "Synthesis",
    "SynthesisDraft",
    "Theme",
    "TimePoll",
    "TimeSlot",
    "TimeVote",
    "WorkGroup",
]
