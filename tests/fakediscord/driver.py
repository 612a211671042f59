"""FakeDiscord: the facade tests use (server lifecycle, world setup, faults, recording)."""

from __future__ import annotations

import base64
import contextlib
import re
import secrets
from collections.abc import Iterable, Iterator
from typing import Any

import yarl
from aiohttp import web

from . import payloads
from . import routes_app as _routes_app  # noqa: F401  (registers routes)
from . import routes_events as _routes_events  # noqa: F401
from . import routes_guild as _routes_guild  # noqa: F401
from . import routes_messages as _routes_messages  # noqa: F401
from .core import FakeCore
from .driving import DrivingMixin
from .gateway import Gateway
from .rest import API_PREFIX, ApiRequest, Delay, Fault, handle_api
from .results import PendingInteraction
from .state import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    CATEGORY,
    FORUM,
    TEXT,
    VOICE,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    Snowflakes,
    User,
    World,
)

DEFAULT_BOT_PERMISSIONS = ALL_PERMISSIONS & ~ADMINISTRATOR


class FakeDiscord(DrivingMixin, FakeCore):
    def __init__(
        self, *, guild_name: str = "Smart in Progress", bot_name: str = "sipbot", locale: str = "fr"
    ) -> None:
        ids = Snowflakes()
        bot_user = User(id=ids.next(), name=bot_name, bot=True)
        self.world = World(ids=ids, bot_user=bot_user, app_id=bot_user.id)
        self.world.users[bot_user.id] = bot_user
        encoded = base64.b64encode(str(bot_user.id).encode()).decode().rstrip("=")
        self.token = f"{encoded}.GfAkE0.{secrets.token_urlsafe(27)}"
        self.application_flags = (
            1 << 19 | 1 << 15
        )  # gateway message content + guild members (limited)
        self.requests: list[ApiRequest] = []
        self.unhandled: list[str] = []
        self.ignored: list[str] = []  # fields sent that Discord ignores (routes_app.py)
        self.faults: list[Fault] = []
        self.delays: list[Delay] = []
        self.pending: dict[int, PendingInteraction] = {}
        self.pending_by_token: dict[str, PendingInteraction] = {}
        self.modals_sent: list[tuple[int, dict[str, Any]]] = []
        self.nonce_window = 300.0
        self.interaction_deadline = 3.0
        self.allow_resume = True
        self.recommended_shards = 1  # GET /gateway/bot
        self.gateway = Gateway(self)
        self.port = 0
        self._runner: web.AppRunner | None = None

        owner_user = User(id=ids.next(), name="owner")
        self.world.users[owner_user.id] = owner_user
        guild = Guild(
            id=ids.next(), name=guild_name, owner_id=owner_user.id, preferred_locale=locale
        )
        self.world.guilds[guild.id] = guild
        guild.roles[guild.id] = Role(id=guild.id, name="@everyone", permissions=_EVERYONE_DEFAULT)
        self.guild = guild
        self.owner = self._join(guild, owner_user, locale=locale)
        self._bot_role = Role(id=ids.next(), name=bot_name, permissions=DEFAULT_BOT_PERMISSIONS, managed=True,
                              position=1, tags={"bot_id": str(bot_user.id)})  # fmt: skip
        guild.roles[self._bot_role.id] = self._bot_role
        self.bot_member = self._join(guild, bot_user, roles=[self._bot_role.id])
        self.default_channel = self.add_text_channel("general")

    # ------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle_api)
        app.router.add_route("*", "/c/{client}" + API_PREFIX + "/{tail:.*}", self._handle_api)
        app.router.add_get("/attachments/{channel}/{id}/{filename}", self._serve_attachment)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        await self.gateway.shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def bot_user(self) -> User:
        return self.world.bot_user

    @property
    def app_id(self) -> int:
        return self.world.app_id

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    def api_base_for(self, client: str) -> str:
        """The same API under a path that tags each request with `client` (ApiRequest.client),
        so a test with several processes can tell which one sent what."""
        return f"{self.base_url}/c/{client}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    @contextlib.contextmanager
    def patched(self) -> Iterator[FakeDiscord]:
        """Point discord.py's REST base and default gateway at this fake, restoring on exit."""
        import discord.gateway
        import discord.http

        old_base, old_gateway = (
            discord.http.Route.BASE,
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        )
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield self
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        return await handle_api(self, request)

    async def _serve_attachment(self, request: web.Request) -> web.StreamResponse:
        for msg in self.world.messages.values():
            for att in msg.attachments:
                if str(att.id) == request.match_info["id"]:
                    return web.Response(
                        body=att.data, content_type=att.content_type or "application/octet-stream"
                    )
        return web.Response(status=404)

    # ------------------------------------------------------------ gateway
    def dispatch(self, event: str, data: Any) -> None:
        self.gateway.dispatch(event, data)

    def dispatch_many(self, event: str, items: Iterable[Any]) -> int:
        """Queue many events of one type at once: the same frames, in the same order, as
        that many `dispatch` calls (a benchmark times the client, not the building)."""
        count = 0
        for data in items:
            self.gateway.dispatch(event, data)
            count += 1
        return count

    @property
    def connected_clients(self) -> int:
        return len(self.gateway.live_sessions)

    async def reconnect_clients(self) -> None:
        """Ask every client to reconnect (op 7); they resume their sessions."""
        await self.gateway.send_op(7)

    async def drop_connections(self, code: int = 4000) -> None:
        """Close every gateway socket abruptly (clients reconnect and try to resume)."""
        await self.gateway.close_all(code)

    # -------------------------------------------------------------- world
    def _join(self, guild: Guild, user: User, *, roles: list[int] | None = None, locale: str = "fr",
              dms_open: bool = True) -> Member:  # fmt: skip
        member = Member(user=user, roles=list(roles or []), locale=locale, dms_open=dms_open)
        guild.members[user.id] = member
        return member

    def add_member(self, name: str, *, roles: Any = (), locale: str = "fr", bot: bool = False,
                   dms_open: bool = True, guild: Guild | None = None) -> Member:  # fmt: skip
        guild = guild or self.guild
        user = User(id=self.world.ids.next(), name=name, bot=bot)
        self.world.users[user.id] = user
        member = self._join(
            guild,
            user,
            roles=[getattr(r, "id", r) for r in roles],
            locale=locale,
            dms_open=dms_open,
        )
        self.dispatch("GUILD_MEMBER_ADD", {**payloads.member(member), "guild_id": str(guild.id)})
        return member

    def remove_member(self, member: Member, guild: Guild | None = None) -> None:
        guild = guild or self.guild
        guild.members.pop(member.id, None)
        self.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": payloads.user(member.user)}
        )

    def set_member_roles(self, member: Member, roles: Any, guild: Guild | None = None) -> None:
        guild = guild or self.guild
        member.roles = [getattr(r, "id", r) for r in roles]
        self.member_updated(guild, member)

    def add_role(self, name: str, *, permissions: int = 0, guild: Guild | None = None) -> Role:
        guild = guild or self.guild
        role = Role(
            id=self.world.ids.next(), name=name, permissions=permissions, position=len(guild.roles)
        )
        guild.roles[role.id] = role
        self.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": payloads.role(role)})
        return role

    @property
    def bot_permissions(self) -> int:
        return self._bot_role.permissions

    @bot_permissions.setter
    def bot_permissions(self, value: int) -> None:
        self._bot_role.permissions = int(value)
        self.dispatch(
            "GUILD_ROLE_UPDATE",
            {"guild_id": str(self.guild.id), "role": payloads.role(self._bot_role)},
        )

    def _add(self, kind: int, name: str, parent_id: Any = None, guild: Guild | None = None,
             **extra: Any) -> Channel:  # fmt: skip
        parent = getattr(parent_id, "id", parent_id)
        guild = guild or self.guild
        channel = Channel(id=self.world.ids.next(), type=kind, name=name, guild_id=guild.id,
                          parent_id=int(parent) if parent else None, position=len(guild.channels), **extra)  # fmt: skip
        return self.add_channel(channel)

    def add_text_channel(
        self, name: str, *, parent_id: Any = None, guild: Guild | None = None
    ) -> Channel:
        return self._add(TEXT, name, parent_id, guild)

    def add_guild(self, name: str, *, shard: tuple[int, int] | None = None) -> Guild:
        """Another server with the same owner and the bot in it (with the invite's role),
        on a given shard `(shard_id, shard_count)` when asked; joined as Discord does,
        with GUILD_CREATE to the shard's sessions."""
        ids = self.world.ids
        guild = Guild(id=ids.on_shard(*shard) if shard else ids.next(), name=name,
                      owner_id=self.owner.id, preferred_locale=self.guild.preferred_locale)  # fmt: skip
        self.world.guilds[guild.id] = guild
        guild.roles[guild.id] = Role(id=guild.id, name="@everyone", permissions=_EVERYONE_DEFAULT)
        self._join(guild, self.owner.user, locale=self.owner.locale)
        role = Role(id=ids.next(), name=self._bot_role.name, permissions=DEFAULT_BOT_PERMISSIONS,
                    managed=True, position=1, tags={"bot_id": str(self.bot_user.id)})  # fmt: skip
        guild.roles[role.id] = role
        self._join(guild, self.bot_user, roles=[role.id])
        channel = Channel(id=ids.next(), type=TEXT, name="general", guild_id=guild.id)
        self.world.channels[channel.id] = channel
        guild.channels[channel.id] = channel
        self.dispatch("GUILD_CREATE", payloads.guild(guild, self.world))
        return guild

    def add_voice_channel(self, name: str, *, parent_id: Any = None) -> Channel:
        return self._add(VOICE, name, parent_id)

    def add_category(self, name: str) -> Channel:
        return self._add(CATEGORY, name)

    def add_forum(
        self, name: str, tags: list[str] | None = None, *, parent_id: Any = None
    ) -> Channel:
        available = [{"id": str(self.world.ids.next()), "name": t, "moderated": False, "emoji_id": None,
                      "emoji_name": None} for t in tags or []]  # fmt: skip
        return self._add(FORUM, name, parent_id, available_tags=available)

    def channel(self, channel_id: int) -> Channel | None:
        return self.world.channels.get(int(channel_id))

    def channel_named(self, name: str) -> Channel | None:
        return next((c for c in self.world.channels.values() if c.name == name), None)

    def message(self, message_id: int) -> Message | None:
        return self.world.messages.get(int(message_id))

    def messages_in(self, channel_id: Any) -> list[Message]:
        return self.world.messages_in(int(getattr(channel_id, "id", channel_id)))

    def dm_messages(self, member: Member) -> list[Message]:
        channel_id = self.world.dm_channels.get(member.id)
        return self.world.messages_in(channel_id) if channel_id else []

    def commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        if guild_id is None:
            return list(self.world.global_commands)
        return list(self.world.guild_commands.get(int(guild_id), []))

    # ---------------------------------------------------- faults and records
    def inject_fault(self, method: str, path_pattern: str, status: int, retry_after: float = 0.05, times: int = 1,
                     code: int | None = None, message: str | None = None) -> Fault:  # fmt: skip
        fault = Fault(
            method.upper(), re.compile(path_pattern), status, retry_after, times, code, message
        )
        self.faults.append(fault)
        return fault

    def set_delay(self, method: str, path_pattern: str, seconds: float, times: int = -1) -> Delay:
        """Delay matching requests; ``times=-1`` means every time."""
        delay = Delay(method.upper(), re.compile(path_pattern), seconds, times)
        self.delays.append(delay)
        return delay

    def clear_faults(self) -> None:
        self.faults.clear()
        self.delays.clear()

    def matching(self, method: str, path_regex: str) -> list[ApiRequest]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method.upper() and pattern.search(r.path)]

    def count(self, method: str, path_regex: str) -> int:
        return len(self.matching(method, path_regex))

    def posts_by_nonce(self, prefix: str = "") -> dict[str, list[ApiRequest]]:
        """Every POST of a channel message whose body carries a nonce starting with `prefix`,
        grouped by nonce in arrival order: each attempt counts, even one the fake answered
        with the message already posted (same nonce) or with an injected fault."""
        found: dict[str, list[ApiRequest]] = {}
        for request in self.matching("POST", r"^/channels/\d+/messages$"):
            value = request.body().get("nonce")
            if value is not None and str(value).startswith(prefix):
                found.setdefault(str(value), []).append(request)
        return found

    def clear_requests(self) -> None:
        self.requests.clear()

    def describe_requests(self, last: int = 10) -> str:
        return ", ".join(f"{r.method} {r.path} -> {r.status}" for r in self.requests[-last:])

    def assert_no_unhandled(self) -> None:
        assert not self.unhandled, f"the fake Discord got unimplemented calls: {self.unhandled}"


_EVERYONE_DEFAULT = (
    (1 << 0) | (1 << 6) | (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18)
    | (1 << 20) | (1 << 21) | (1 << 26) | (1 << 31) | (1 << 35) | (1 << 36) | (1 << 38)
)  # fmt: skip
