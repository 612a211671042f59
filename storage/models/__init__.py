"""The tables, one module per feature (storage/models/<feature>.py); everything is importable from here."""

from storage.models.assembly import AssemblyOption, AssemblyVote, Ballot
from storage.models.base import Base
from storage.models.cycles import Cycle, Phase
from storage.models.drafts import Draft, DraftAnswer, DraftVersion, Endorsement
from storage.models.experiments import Experiment, ExperimentCheckin, ExperimentEvaluation
from storage.models.followup import FollowupUpdate
from storage.models.gateway import GatewayLease
from storage.models.groups import GroupGuest, GroupMember, WorkGroup
from storage.models.interest import (
    InterestPoll,
    InterestVote,
    MemberProfile,
    PollNotice,
    PollOption,
)
from storage.models.invitations import Invitation
from storage.models.meetings import Meeting, MeetingRegistration
from storage.models.offices import Office
from storage.models.privacy import PrivacyOptOut
from storage.models.proposals import (
    Proposal,
    ProposalCall,
    ProposalDecision,
    ProposalEndorsement,
)
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
    "AssemblyOption",
    "AssemblyVote",
    "AuditLog",
    "Ballot",
    "Base",
    "Cycle",
    "Draft",
    "DraftAnswer",
    "DraftVersion",
    "Endorsement",
    "Experiment",
    "ExperimentCheckin",
    "ExperimentEvaluation",
    "FollowupUpdate",
    "GatewayLease",
    "GroupGuest",
    "GroupMember",
    "GroupSession",
    "GuildConfig",
    "InterestPoll",
    "InterestVote",
    "Invitation",
    "Meeting",
    "MeetingRegistration",
    "MemberProfile",
    "Office",
    "Phase",
    "PollNotice",
    "PollOption",
    "PrivacyOptOut",
    "Proposal",
    "ProposalCall",
    "ProposalDecision",
    "ProposalEndorsement",
    "Rsvp",
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
