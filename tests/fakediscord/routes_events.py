"""Routes: guild scheduled events."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from . import payloads
from .rest import ApiRequest, invalid_form, not_found, route
from .state import Guild, ScheduledEvent

if TYPE_CHECKING:
    from .driver import FakeDiscord

MANAGE_EVENTS = 1 << 33


def _guild(fake: FakeDiscord, req: ApiRequest) -> Guild:
    return fake.get_guild(int(req.params["guild_id"]))


# ---------------------------------------------------------- scheduled events
def _event(fake: FakeDiscord, req: ApiRequest) -> tuple[Guild, ScheduledEvent]:
    guild = _guild(fake, req)
    event = guild.events.get(int(req.params["event_id"]))
    if event is None:
        raise not_found("scheduled event")
    return guild, event


def _apply_event(event: ScheduledEvent, body: dict[str, Any], creating: bool) -> None:
    for key in (
        "name",
        "description",
        "scheduled_start_time",
        "scheduled_end_time",
        "privacy_level",
        "status",
        "entity_type",
    ):
        if key in body and (body[key] is not None or key in ("description", "scheduled_end_time")):
            setattr(event, key, body[key])
    if "channel_id" in body:
        event.channel_id = int(body["channel_id"]) if body["channel_id"] else None
    if "entity_metadata" in body:
        event.location = (body["entity_metadata"] or {}).get("location")
    start = dt.datetime.fromisoformat(event.scheduled_start_time)
    if creating and start < dt.datetime.now(dt.UTC):
        raise invalid_form(
            "scheduled_start_time",
            "Cannot schedule event in the past.",
            "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
        )
    end = dt.datetime.fromisoformat(event.scheduled_end_time) if event.scheduled_end_time else None
    if end is not None and end <= start:
        raise invalid_form(
            "scheduled_end_time",
            "End must be after start.",
            "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
        )
    if event.entity_type == 3 and (not event.location or end is None):
        raise invalid_form(
            "entity_metadata",
            "External events need a location and an end time.",
            "BASE_TYPE_REQUIRED",
        )
    if event.entity_type in (1, 2) and event.channel_id is None:
        raise invalid_form(
            "channel_id", "Voice and stage events need a channel.", "BASE_TYPE_REQUIRED"
        )


@route("GET", "/guilds/{guild_id}/scheduled-events")
async def list_events(fake: FakeDiscord, req: ApiRequest) -> Any:
    return [payloads.scheduled_event(e, fake.world) for e in _guild(fake, req).events.values()]


@route("POST", "/guilds/{guild_id}/scheduled-events")
async def create_event(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild = _guild(fake, req)
    fake.require_permission(guild, MANAGE_EVENTS)
    body = req.body()
    if not body.get("name") or not body.get("scheduled_start_time"):
        raise invalid_form("name", "This field is required", "BASE_TYPE_REQUIRED")
    event = ScheduledEvent(id=fake.world.ids.next(), guild_id=guild.id, name=body["name"],
                           scheduled_start_time=body["scheduled_start_time"], entity_type=int(body.get("entity_type") or 3),
                           creator_id=fake.world.bot_user.id)  # fmt: skip
    _apply_event(event, body, creating=True)
    guild.events[event.id] = event
    data = payloads.scheduled_event(event, fake.world)
    fake.dispatch("GUILD_SCHEDULED_EVENT_CREATE", data)
    return data


@route("GET", "/guilds/{guild_id}/scheduled-events/{event_id}")
async def get_event(fake: FakeDiscord, req: ApiRequest) -> Any:
    return payloads.scheduled_event(_event(fake, req)[1], fake.world)


@route("PATCH", "/guilds/{guild_id}/scheduled-events/{event_id}")
async def edit_event(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild, event = _event(fake, req)
    fake.require_permission(guild, MANAGE_EVENTS)
    _apply_event(event, req.body(), creating=False)
    data = payloads.scheduled_event(event, fake.world)
    fake.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", data)
    return data


@route("DELETE", "/guilds/{guild_id}/scheduled-events/{event_id}")
async def delete_event(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild, event = _event(fake, req)
    fake.require_permission(guild, MANAGE_EVENTS)
    del guild.events[event.id]
    fake.dispatch("GUILD_SCHEDULED_EVENT_DELETE", payloads.scheduled_event(event, fake.world))
