"""The tables, one module per feature (storage/models/<feature>.py); everything is importable from here."""

from sqlmodel import SQLModel

from storage.models.assembly import AssemblyVote, Ballot
from storage.models.cycles import Cycle, Phase
from storage.models.drafts import Draft, DraftVersion, Endorsement
from storage.models.experiments import Experiment, ExperimentCheckin, ExperimentEvaluation
from storage.models.gateway import GatewayLease
from storage.models.groups import GroupMember, WorkGroup
from storage.models.interest import (
    InterestPoll,
    InterestVote,
    MemberProfile,
    PollNotice,
    PollOption,
)
from storage.models.invitations import Invitation
from storage.models.offices import Office
from storage.models.privacy import PrivacyOptOut
from storage.models.sessions import (
    GroupSession,
    Rsvp,
    SessionMinutes,
    TimePoll,
    TimeSlot,
    TimeVote,
)
from storage.models.setup import DEFAULT_OFFSETS, AuditLog, GuildConfig
from storage.models.synthesis import Synthesis, SynthesisDraft
from storage.models.themes import Theme
from storage.models.work import WorkItem

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
    "GatewayLease",
    "GroupMember",
    "GroupSession",
    "GuildConfig",
    "InterestPoll",
    "InterestVote",
    "Invitation",
    "MemberProfile",
    "Office",
    "Phase",
    "PollNotice",
    "PollOption",
    "PrivacyOptOut",
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
    "WorkItem",
]
