"""Gateway websocket: HELLO, heartbeats, IDENTIFY/RESUME, dispatch by shard.

As Discord does, a session identifies as shard `[shard_id, shard_count]` and receives
the events of the guilds on that shard (`(guild_id >> 22) % shard_count`); events with
no guild (DMs) go to shard 0 only. The fake records how many live sessions each shard
had at any moment, so a test can show no shard was ever held twice.

Frames are plain JSON text: discord.py asks for ``compress=zlib-stream`` in the URL
but only decompresses *binary* frames, so text frames are read as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from . import payloads, wire

if TYPE_CHECKING:
    from .driver import FakeDiscord

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250
BUFFER_LIMIT = 2000
CHUNK_SIZE = 1000  # members per GUILD_MEMBERS_CHUNK, Discord's documented maximum


@dataclass
class Session:
    session_id: str
    intents: int
    seq: int = 0
    ws: web.WebSocketResponse | None = None
    queue: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)
    buffer: list[dict[str, Any]] = field(default_factory=list)
    writer: asyncio.Task[None] | None = None
    shard: tuple[int, int] = (0, 1)
    large_threshold: int = payloads.DEFAULT_LARGE_THRESHOLD

    def serves(self, guild_id: int | None) -> bool:
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0
        return (guild_id >> 22) % count == shard_id

    @property
    def live(self) -> bool:
        return self.ws is not None and not self.ws.closed

    def push(self, event: str, data: Any) -> None:
        self.seq += 1
        frame = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.buffer.append(frame)
        del self.buffer[:-BUFFER_LIMIT]
        if self.live:
            self.queue.put_nowait(frame)


def _guild_of(event: str, data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    if event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"):
        return int(data["id"]) if data.get("id") else None
    raw = data.get("guild_id")
    return int(raw) if raw else None


class Gateway:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sessions: dict[str, Session] = {}
        self.sockets: set[web.WebSocketResponse] = set()
        self.identify_count = 0
        self.received: list[dict[str, Any]] = []
        self.identifies_by_shard: dict[tuple[int, int], int] = {}
        # the most sessions live at once for one shard id, over the fake's life
        self.most_live_by_shard: dict[int, int] = {}
        # An outage: while set, the gateway answers connections with 503 before any
        # upgrade, as an unreachable gateway behind Discord's edge does.
        self.refusing = False
        self.refused = 0
        self.member_chunks = 0  # GUILD_MEMBERS_CHUNK events sent

    @property
    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.live]

    def dispatch(self, event: str, data: Any) -> None:
        guild_id = _guild_of(event, data)
        for session in self.sessions.values():
            if session.serves(guild_id):
                session.push(event, data)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.refusing:
            self.refused += 1
            return web.Response(status=503, text="upstream connect error")
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.sockets.add(ws)
        session: Session | None = None
        try:
            await ws.send_str(
                wire.text({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            )
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = wire.loads(msg.data)
                self.received.append(frame)
                session = await self._on_frame(ws, frame, session)
        finally:
            self.sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
                session.queue.put_nowait(None)
        return ws

    async def _on_frame(
        self, ws: web.WebSocketResponse, frame: dict[str, Any], session: Session | None
    ) -> Session | None:
        op = frame.get("op")
        data = frame.get("d") or {}
        if op == 1:
            await ws.send_str(wire.text({"op": 11}))
        elif op == 2:
            if data.get("token") != self.fake.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return session
            return self._identify(ws, data)
        elif op == 6:
            return await self._resume(ws, data)
        elif op == 8 and session is not None:
            self._request_members(session, data)
        return session

    def _start(self, session: Session, ws: web.WebSocketResponse) -> None:
        if session.writer is not None:
            session.writer.cancel()
        session.ws = ws
        session.queue = asyncio.Queue()
        session.writer = asyncio.create_task(self._write(session, ws))

    async def _write(self, session: Session, ws: web.WebSocketResponse) -> None:
        while True:
            frame = await session.queue.get()
            if frame is None or ws.closed:
                return
            try:
                await ws.send_str(wire.text(frame))
            except (ConnectionError, RuntimeError):  # socket went away mid-send
                return

    def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session:
        fake = self.fake
        world = fake.world
        shard = data.get("shard") or [0, 1]
        session = Session(
            session_id=secrets.token_hex(16),
            intents=int(data.get("intents", 0)),
            shard=(int(shard[0]), int(shard[1])),
            large_threshold=int(data.get("large_threshold") or payloads.DEFAULT_LARGE_THRESHOLD),
        )
        self.sessions[session.session_id] = session
        self.identify_count += 1
        self.identifies_by_shard[session.shard] = self.identifies_by_shard.get(session.shard, 0) + 1
        self._start(session, ws)
        live = sum(1 for s in self.live_sessions if s.shard[0] == session.shard[0])
        self.most_live_by_shard[session.shard[0]] = max(
            self.most_live_by_shard.get(session.shard[0], 0), live
        )
        guilds = [g for g in world.guilds.values() if (g.id >> 22) % shard[1] == shard[0]]
        ready = {
            "v": 10,
            "user": {
                **payloads.user(world.bot_user),
                "verified": True,
                "mfa_enabled": False,
                "flags": 0,
            },
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "resume_gateway_url": fake.gateway_url,
            "shard": shard,
            "application": {"id": str(world.app_id), "flags": fake.application_flags},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
        }
        session.push("READY", ready)
        for guild in guilds:
            session.push(
                "GUILD_CREATE",
                payloads.guild(guild, world, large_threshold=session.large_threshold),
            )
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") != self.fake.token or not self.fake.allow_resume:
            await ws.send_str(wire.text({"op": 9, "d": False}))
            return None
        last = int(data.get("seq") or 0)
        self._start(session, ws)
        for frame in session.buffer:
            if frame["s"] > last:
                session.queue.put_nowait(frame)
        session.push("RESUMED", {"_trace": ["fake-discord"]})
        return session

    def _request_members(self, session: Session, data: dict[str, Any]) -> None:
        """GUILD_MEMBERS_CHUNK events answering REQUEST_GUILD_MEMBERS, as Discord sends
        them: at most 1,000 members a chunk, each with its chunk_index and chunk_count
        (at least one chunk, even empty), the request's nonce, and the ids asked for
        that are not members in `not_found`."""
        guild = self.fake.world.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        wanted = data.get("user_ids")
        members = list(guild.members.values())
        missing: list[str] = []
        if wanted:
            ids = {int(u) for u in (wanted if isinstance(wanted, list) else [wanted])}
            members = [m for m in members if m.id in ids]
            missing = sorted(str(i) for i in ids - {m.id for m in members})
        query = (data.get("query") or "").lower()
        if query:
            members = [m for m in members if m.name.lower().startswith(query)]
        limit = int(data.get("limit") or 0)
        if limit:
            members = members[:limit]
        pieces = [members[i : i + CHUNK_SIZE] for i in range(0, len(members), CHUNK_SIZE)] or [[]]
        self.member_chunks += len(pieces)
        for index, piece in enumerate(pieces):
            chunk: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": [payloads.member(m) for m in piece],
                "chunk_index": index,
                "chunk_count": len(pieces),
            }
            if missing and index == 0:
                chunk["not_found"] = missing
            if data.get("nonce") is not None:
                chunk["nonce"] = data["nonce"]
            session.push("GUILD_MEMBERS_CHUNK", chunk)

    async def send_op(self, op: int, d: Any = None) -> None:
        """Send a raw opcode (e.g. 7 RECONNECT) to every live session."""
        for session in self.live_sessions:
            if session.ws is not None:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await session.ws.send_str(wire.text({"op": op, "d": d}))

    async def close_all(self, code: int = 1001) -> None:
        for ws in list(self.sockets):
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.close(code=code)

    async def shutdown(self) -> None:
        await self.close_all()
        for session in self.sessions.values():
            if session.writer is not None:
                session.writer.cancel()
