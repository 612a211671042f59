"""Routes: guild scheduled events.

Permissions as Discord documents them (Guild Scheduled Event Permissions Requirements):
creating needs Create Events (or Manage Events); editing or deleting needs Manage Events,
or Create Events for an event the bot created itself; an event in a voice channel also
needs View Channel and Connect in that channel, else 403 Missing Permissions (50013).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from . import payloads
from .rest import MISSING_PERMISSIONS, ApiError, ApiRequest, invalid_form, not_found, route
from .state import Guild, ScheduledEvent

if TYPE_CHECKING:
    from .driver import FakeDiscord

VIEW_CHANNEL, CONNECT, MANAGE_EVENTS, CREATE_EVENTS = 1 << 10, 1 << 20, 1 << 33, 1 << 44
VOICE_ENTITIES = (1, 2)  # stage instance, voice


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


def _require_event_rights(
    fake: FakeDiscord,
    guild: Guild,
    entity_type: int,
    channel_id: int | None,
    event: ScheduledEvent | None,
) -> None:
    """`event` None: creating one. The rights are computed in the event's channel, if any."""
    member = guild.members.get(fake.world.bot_user.id)
    if member is None:
        return
    channel = fake.world.channels.get(channel_id) if channel_id is not None else None
    granted = guild.permissions_in(member, channel)
    own = event is None or event.creator_id == fake.world.bot_user.id
    manages = granted & MANAGE_EVENTS or (own and granted & CREATE_EVENTS)
    voice_ok = entity_type not in VOICE_ENTITIES or (granted & VIEW_CHANNEL and granted & CONNECT)
    if not manages or not voice_ok:
        raise ApiError(*MISSING_PERMISSIONS)


@route("GET", "/guilds/{guild_id}/scheduled-events")
async def list_events(fake: FakeDiscord, req: ApiRequest) -> Any:
    return [payloads.scheduled_event(e, fake.world) for e in _guild(fake, req).events.values()]


@route("POST", "/guilds/{guild_id}/scheduled-events")
async def create_event(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild = _guild(fake, req)
    body = req.body()
    if not body.get("name") or not body.get("scheduled_start_time"):
        raise invalid_form("name", "This field is required", "BASE_TYPE_REQUIRED")
    event = ScheduledEvent(id=fake.world.ids.next(), guild_id=guild.id, name=body["name"],
                           scheduled_start_time=body["scheduled_start_time"], entity_type=int(body.get("entity_type") or 3),
                           creator_id=fake.world.bot_user.id)  # fmt: skip
    _apply_event(event, body, creating=True)
    _require_event_rights(fake, guild, event.entity_type, event.channel_id, None)
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
    _require_event_rights(fake, guild, event.entity_type, event.channel_id, event)
    changed = ScheduledEvent(**vars(event))
    _apply_event(changed, req.body(), creating=False)
    _require_event_rights(fake, guild, changed.entity_type, changed.channel_id, event)
    event.__dict__.update(vars(changed))
    data = payloads.scheduled_event(event, fake.world)
    fake.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", data)
    return data


@route("DELETE", "/guilds/{guild_id}/scheduled-events/{event_id}")
async def delete_event(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild, event = _event(fake, req)
    _require_event_rights(fake, guild, event.entity_type, event.channel_id, event)
    del guild.events[event.id]
    fake.dispatch("GUILD_SCHEDULED_EVENT_DELETE", payloads.scheduled_event(event, fake.world))
