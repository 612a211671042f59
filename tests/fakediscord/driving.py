"""Test-side actions: users run commands, click, submit modals, react; waiting on conditions."""

# The test API takes `timeout=` like asyncio.wait_for: that is its documented surface.

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import interactions as ix
from .results import InteractionResult, PendingInteraction
from .state import Channel, Member, Message

if TYPE_CHECKING:
    from .driver import FakeDiscord


class DrivingMixin:
    def _fake(self) -> FakeDiscord:
        return self  # type: ignore[return-value]

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 5.0, what: str | None = None
    ) -> Any:
        """Poll ``predicate`` until truthy; AssertionError naming the condition on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what or getattr(predicate, '__name__', predicate)}"
                )
            await asyncio.sleep(0.01)

    async def wait_ready(self, n: int = 1, timeout: float = 10.0) -> None:
        fake = self._fake()
        await self.wait_for(
            lambda: fake.connected_clients >= n, timeout, f"{n} identified gateway client(s)"
        )

    # ----------------------------------------------------------- interactions
    def _new_pending(
        self, kind: int, user: Member, channel: Channel | None, source: Message | None = None
    ) -> PendingInteraction:
        fake = self._fake()
        pending = PendingInteraction(
            id=fake.world.ids.next(),
            token=f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(48)}",
            type=kind,
            user_id=user.id,
            channel_id=channel.id if channel else None,
            guild_id=channel.guild_id if channel else fake.guild.id,
            source_message_id=source.id if source else None,
        )
        fake.pending[pending.id] = pending
        fake.pending_by_token[pending.token] = pending
        return pending

    def _default_channel(self, channel: Channel | int | None) -> Channel:
        fake = self._fake()
        if isinstance(channel, Channel):
            return channel
        if isinstance(channel, int):
            return fake.get_channel(channel)
        return fake.default_channel

    async def _run(
        self, pending: PendingInteraction, payload: dict[str, Any], timeout: float, settle: bool
    ) -> InteractionResult:
        fake = self._fake()
        if not fake.connected_clients:
            raise AssertionError("no gateway client is connected to receive the interaction")
        pending.created = time.monotonic()
        fake.dispatch("INTERACTION_CREATE", payload)
        result = InteractionResult(fake, pending)
        done = (lambda: pending.settled) if settle else (lambda: pending.callback_type is not None)
        try:
            await self.wait_for(done, timeout, f"an answer to interaction {pending.id}")
        except AssertionError as exc:
            raise AssertionError(
                f"{exc}; received callback={pending.callback_type} data={pending.callback_data} "
                f"followups={len(pending.followup_ids)} (recent requests: {fake.describe_requests(8)})"
            ) from None
        return result

    async def slash(
        self,
        name: str,
        *,
        user: Member | None = None,
        options: dict[str, Any] | None = None,
        locale: str | None = None,
        channel: Channel | int | None = None,
        timeout: float = 5.0,
        settle: bool = True,
        raw: bool = False,
    ) -> InteractionResult:
        fake = self._fake()
        user = user or fake.owner
        chan = self._default_channel(channel)
        guild = fake.world.guild_of(chan)
        pending = self._new_pending(2, user, chan)
        payload = ix.base_interaction(fake, pending, user, chan, locale or user.locale)
        payload["data"] = ix.command_data(fake, name, guild, options or {}, raw=raw)
        return await self._run(pending, payload, timeout, settle)

    def prepare_slash(
        self,
        name: str,
        *,
        user: Member | None = None,
        options: dict[str, Any] | None = None,
        locale: str | None = None,
        channel: Channel | int | None = None,
    ) -> tuple[PendingInteraction, dict[str, Any]]:
        """Build a slash-command interaction without sending it (benchmarks pre-build bursts)."""
        fake = self._fake()
        user = user or fake.owner
        chan = self._default_channel(channel)
        pending = self._new_pending(2, user, chan)
        payload = ix.base_interaction(fake, pending, user, chan, locale or user.locale)
        payload["data"] = ix.command_data(fake, name, fake.world.guild_of(chan), options or {})
        return pending, payload

    def send_prepared(
        self, pending: PendingInteraction, payload: dict[str, Any]
    ) -> InteractionResult:
        """Dispatch a prepared interaction now and return without waiting for the answer.

        ``pending.created`` becomes the send time, so ``InteractionResult.latency`` runs
        from INTERACTION_CREATE to the callback, as for ``slash``.
        """
        fake = self._fake()
        if not fake.connected_clients:
            raise AssertionError("no gateway client is connected to receive the interaction")
        pending.created = time.monotonic()
        fake.dispatch("INTERACTION_CREATE", payload)
        return InteractionResult(fake, pending)

    async def autocomplete(
        self,
        name: str,
        *,
        focused: str,
        value: str = "",
        user: Member | None = None,
        options: dict[str, Any] | None = None,
        locale: str | None = None,
        channel: Channel | int | None = None,
        timeout: float = 5.0,
    ) -> list[dict[str, Any]]:
        fake = self._fake()
        user = user or fake.owner
        chan = self._default_channel(channel)
        pending = self._new_pending(4, user, chan)
        payload = ix.base_interaction(fake, pending, user, chan, locale or user.locale)
        payload["data"] = ix.command_data(
            fake, name, fake.world.guild_of(chan), {**(options or {}), focused: value}, focused
        )
        result = await self._run(pending, payload, timeout, settle=False)
        if result.type != 8:
            raise AssertionError(f"autocomplete answered with callback type {result.type}")
        return result.choices or []

    async def click(
        self,
        message: Message,
        custom_id: str,
        *,
        user: Member | None = None,
        locale: str | None = None,
        values: list[Any] | None = None,
        timeout: float = 5.0,
        settle: bool = True,
    ) -> InteractionResult:
        fake = self._fake()
        user = user or fake.owner
        message = fake.world.messages.get(message.id, message)
        comp = ix.find_component(message.components, custom_id)
        if comp is None:
            raise AssertionError(
                f"no component {custom_id!r} on message {message.id}: {message.components}"
            )
        if comp.get("disabled"):
            raise AssertionError(f"component {custom_id!r} is disabled")
        chan = fake.get_channel(message.channel_id)
        pending = self._new_pending(3, user, chan, source=message)
        payload = ix.base_interaction(fake, pending, user, chan, locale or user.locale)
        payload["message"] = fake.message_payload(message)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": comp["type"]}
        if comp["type"] != 2:
            chosen = list(values or [])
            data["values"] = [str(getattr(v, "id", v)) for v in chosen]
            resolved = ix.role_or_user_resolved(
                fake.world, fake.world.guild_of(chan), comp["type"], chosen
            )
            if resolved:
                data["resolved"] = resolved
        payload["data"] = data
        return await self._run(pending, payload, timeout, settle)

    async def submit_modal(
        self,
        custom_id: str,
        fields: dict[str, Any],
        *,
        user: Member | None = None,
        locale: str | None = None,
        channel: Channel | int | None = None,
        timeout: float = 5.0,
        settle: bool = True,
    ) -> InteractionResult:
        fake = self._fake()
        user = user or fake.owner
        sent = [
            m for uid, m in fake.modals_sent if m.get("custom_id") == custom_id and uid == user.id
        ]
        if not sent:
            known = [m.get("custom_id") for _, m in fake.modals_sent]
            raise AssertionError(
                f"no modal {custom_id!r} was opened for user {user.id}; modals sent: {known}"
            )
        modal = sent[-1]
        unknown = [f for f in fields if ix.find_component(modal.get("components", []), f) is None]
        if unknown:
            raise AssertionError(f"fields {sorted(unknown)} are not in modal {custom_id!r}")
        components = ix.echo_modal(modal.get("components", []), fields, set())
        opener = next(
            (
                p
                for p in reversed(fake.pending.values())
                if p.callback_type == 9 and p.callback_data is modal
            ),
            None,
        )
        source = (
            fake.world.messages.get(opener.source_message_id)
            if opener and opener.source_message_id
            else None
        )
        if channel is None and opener is not None and opener.channel_id is not None:
            channel = opener.channel_id
        chan = self._default_channel(channel)
        pending = self._new_pending(5, user, chan, source=source)
        payload = ix.base_interaction(fake, pending, user, chan, locale or user.locale)
        payload["data"] = {"custom_id": custom_id, "components": components}
        if source is not None:
            payload["message"] = fake.message_payload(source)
        return await self._run(pending, payload, timeout, settle)

    # -------------------------------------------------------------- reactions
    async def react(self, message: Message, emoji: str, user: Member) -> None:
        fake = self._fake()
        fake.add_reaction(fake.world.messages.get(message.id, message), emoji, user.id)
        await asyncio.sleep(0)

    async def unreact(self, message: Message, emoji: str, user: Member) -> None:
        fake = self._fake()
        fake.remove_reaction(fake.world.messages.get(message.id, message), emoji, user.id)
        await asyncio.sleep(0)

    async def post(self, channel: Channel, user: Member, content: str) -> Message:
        """A member writes a message (MESSAGE_CREATE)."""
        fake = self._fake()
        msg = fake.create_message(channel, user.id, {"content": content})
        await asyncio.sleep(0)
        return msg
