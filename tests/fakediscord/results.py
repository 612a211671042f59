"""Tracking what the bot answered to each interaction the fake dispatched."""

# The test API takes `timeout=` like asyncio.wait_for: that is its documented surface.

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .state import Attachment, Message

if TYPE_CHECKING:
    from .driver import FakeDiscord


@dataclass
class PendingInteraction:
    id: int
    token: str
    type: int
    user_id: int
    channel_id: int | None
    guild_id: int | None
    source_message_id: int | None = None
    created: float = field(default_factory=time.monotonic)
    callback_type: int | None = None
    callback_data: dict[str, Any] | None = None
    callback_at: float | None = None
    original_message_id: int | None = None
    original_edits: int = 0
    followup_ids: list[int] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def touch(self) -> None:
        self.changed.set()

    @property
    def settled(self) -> bool:
        """Answered, and if deferred, the deferral was followed by an edit or a follow-up."""
        if self.callback_type is None:
            return False
        if self.callback_type in (5, 6):
            return self.original_edits > 0 or bool(self.followup_ids)
        return True


class InteractionResult:
    """What the bot answered to one interaction; reads live message state."""

    def __init__(self, fake: FakeDiscord, pending: PendingInteraction) -> None:
        self._fake = fake
        self.pending = pending

    def __repr__(self) -> str:
        return f"<InteractionResult type={self.type} content={self.content!r} ephemeral={self.ephemeral}>"

    @property
    def type(self) -> int | None:
        return self.pending.callback_type

    @property
    def latency(self) -> float | None:
        p = self.pending
        return None if p.callback_at is None else p.callback_at - p.created

    @property
    def message(self) -> Message | None:
        mid = self.pending.original_message_id
        return self._fake.world.messages.get(mid) if mid is not None else None

    @property
    def followups(self) -> list[Message]:
        msgs = self._fake.world.messages
        return [msgs[i] for i in self.pending.followup_ids if i in msgs]

    def _shown(self) -> Message | None:
        msg = self.message
        if msg is not None and not msg.flags & 128:
            return msg
        followups = self.followups
        return followups[0] if followups else msg

    @property
    def content(self) -> str | None:
        msg = self._shown()
        return msg.content if msg is not None else None

    @property
    def embeds(self) -> list[dict[str, Any]]:
        msg = self._shown()
        return msg.embeds if msg is not None else []

    @property
    def components(self) -> list[dict[str, Any]]:
        msg = self._shown()
        return msg.components if msg is not None else []

    @property
    def attachments(self) -> list[tuple[str, bytes]]:
        msg = self._shown()
        return [(a.filename, a.data) for a in msg.attachments] if msg is not None else []

    @property
    def files(self) -> list[Attachment]:
        """The shown message's attachments with their description (alt text)."""
        msg = self._shown()
        return list(msg.attachments) if msg is not None else []

    @property
    def ephemeral(self) -> bool:
        msg = self._shown()
        if msg is not None:
            return msg.ephemeral
        return bool(int((self.pending.callback_data or {}).get("flags") or 0) & 64)

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.pending.callback_data if self.type == 9 else None

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        return (self.pending.callback_data or {}).get("choices", []) if self.type == 8 else None

    @property
    def text(self) -> str:
        """Content plus embed titles/descriptions/fields, handy for assertions."""
        parts = [self.content or ""]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f"{f.get('name')} {f.get('value')}" for f in embed.get("fields") or []]
        return "\n".join(p for p in parts if p)

    async def wait_followup(self, n: int = 1, timeout: float = 5.0) -> Message:
        await self._fake.wait_for(lambda: len(self.pending.followup_ids) >= n, timeout=timeout,
                                  what=f"{n} follow-up(s) to interaction {self.pending.id}")  # fmt: skip
        return self.followups[n - 1]
