"""A loopback fake Discord (REST + gateway) for driving the real discord.py client in tests."""

from __future__ import annotations

from .driver import FakeDiscord
from .rest import ApiError, ApiRequest
from .results import InteractionResult
from .state import Attachment, Channel, Guild, Member, Message, Role, ScheduledEvent, User

__all__ = [
    "ApiError",
    "ApiRequest",
    "Attachment",
    "Channel",
    "FakeDiscord",
    "Guild",
    "InteractionResult",
    "Member",
    "Message",
    "Role",
    "ScheduledEvent",
    "User",
]
