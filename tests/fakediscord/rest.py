"""REST plumbing: routing table, request parsing, recording, auth, faults, error shapes.

Routes are registered by the ``routes_*`` modules with the ``route`` decorator and
receive ``(fake, request)``; they return a JSON-able body (200), ``None`` (204), or
raise ``ApiError``. Anything that matches no route answers 404 and is recorded in
``fake.unhandled`` so tests fail loudly on an unimplemented call.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from . import wire

if TYPE_CHECKING:
    from .driver import FakeDiscord

API_PREFIX = "/api/v10"
log = logging.getLogger(__name__)


class ApiError(Exception):
    """A Discord error answer: {"code": ..., "message": ...} with an HTTP status."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            data["errors"] = self.errors
        return data


def not_found(what: str) -> ApiError:
    codes = {
        "channel": 10003, "guild": 10004, "member": 10007, "message": 10008, "role": 10011,
        "user": 10013, "emoji": 10014, "webhook": 10015, "interaction": 10062, "command": 10063,
        "scheduled event": 10070, "reaction": 10014, "overwrite": 10009,
    }  # fmt: skip
    return ApiError(
        404,
        codes.get(what, 0),
        f"Unknown {what.title() if what != 'scheduled event' else 'Guild Scheduled Event'}",
    )


def invalid_form(field_name: str, message: str, code: str = "BASE_TYPE_INVALID") -> ApiError:
    return ApiError(
        400,
        50035,
        "Invalid Form Body",
        {field_name: {"_errors": [{"code": code, "message": message}]}},
    )


MISSING_PERMISSIONS = (403, 50013, "Missing Permissions")
MISSING_ACCESS = (403, 50001, "Missing Access")


@dataclass
class Status:
    """A non-200 success answer (e.g. 201)."""

    status: int
    body: Any


@dataclass
class ApiRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[tuple[str, bytes, str | None]]
    headers: dict[str, str]
    timestamp: float = field(default_factory=time.time)
    params: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    client: str = ""  # the tag of `fake.api_base_for(tag)`: which process sent it

    def body(self) -> dict[str, Any]:
        return self.json if isinstance(self.json, dict) else {}

    def flag(self, name: str) -> bool:
        """A boolean query parameter as Discord reads one: only "True", "true" or "1"
        are true (Discord's reference, "Boolean Query Strings")."""
        return self.query.get(name) in ("True", "true", "1")


Handler = Callable[["FakeDiscord", ApiRequest], Awaitable[Any]]


@dataclass
class RouteDef:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler


ROUTES: list[RouteDef] = []


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    def group(m: re.Match[str]) -> str:
        name = m.group(1)
        return f"(?P<{name}>\\d+)" if name.endswith("_id") else f"(?P<{name}>[^/]+)"

    pattern = re.sub(r"\{(\w+)\}", group, template)
    regex = re.compile(f"^{pattern}$")

    def register(handler: Handler) -> Handler:
        ROUTES.append(RouteDef(method, template, regex, handler))
        return handler

    return register


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    retry_after: float
    times: int
    code: int | None
    message: str | None = None

    def matches(self, method: str, path: str) -> bool:
        return (
            self.times > 0
            and self.method in ("*", method)
            and self.pattern.search(path) is not None
        )


@dataclass
class Delay:
    method: str
    pattern: re.Pattern[str]
    seconds: float
    times: int

    def matches(self, method: str, path: str) -> bool:
        return (
            self.times != 0
            and self.method in ("*", method)
            and self.pattern.search(path) is not None
        )


@dataclass
class GlobalLimit:
    """Discord's global rate limit: at most `per_second` requests a bot makes in any one
    second (Discord documents 50), across every route. Interaction callbacks and their
    follow-ups (webhooks) do not count: Discord documents that interaction endpoints are
    not bound to it. A request over the limit is answered 429 with `"global": true`, the
    number of seconds to wait in `retry_after`, and the `X-RateLimit-Global` and
    `X-RateLimit-Scope: global` headers, `Via` included (without it discord.py takes a
    429 for a Cloudflare ban). Refused requests are not counted in the window."""

    per_second: int
    accepted: deque[float] = field(default_factory=deque)
    refused: int = 0  # 429s answered

    def wait_for(self, now: float) -> float | None:
        """None when the request may go; else the seconds until one may."""
        while self.accepted and now - self.accepted[0] >= 1.0:
            self.accepted.popleft()
        if len(self.accepted) >= self.per_second:
            self.refused += 1
            return max(1.0 - (now - self.accepted[0]), 0.001)
        self.accepted.append(now)
        return None


def global_limit_response(retry_after: float) -> web.Response:
    body = {
        "message": "You are being rate limited.",
        "retry_after": round(retry_after, 3),
        "global": True,
        "code": 0,
    }
    headers = {
        "Retry-After": str(math.ceil(retry_after)),
        "X-RateLimit-Global": "true",
        "X-RateLimit-Scope": "global",
        "Via": "1.1 google",
    }
    return json_response(429, body, headers)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """discord.py only parses JSON when Content-Type is exactly application/json."""
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return web.Response(status=status, body=wire.dumps(body), headers=all_headers)


def fault_response(fault: Fault) -> web.Response:
    if fault.status == 429:
        body = {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": False,
            "code": 0,
        }
        headers = {
            "Retry-After": str(fault.retry_after),
            "X-RateLimit-Scope": "user",
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(fault.retry_after),
            "X-RateLimit-Bucket": "fakebucket",
            "Via": "1.1 google",
        }
        return json_response(429, body, headers)
    if fault.status == 403:
        code, message = fault.code or 50013, fault.message or "Missing Permissions"
    else:
        code, message = fault.code or 0, fault.message or f"{fault.status}: injected fault"
    return json_response(fault.status, {"code": code, "message": message})


async def parse_request(request: web.Request, path: str) -> ApiRequest:
    body: Any = None
    files: list[tuple[str, bytes, str | None]] = []
    ctype = request.headers.get("Content-Type", "")
    if ctype.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):  # pragma: no cover - nested multipart
                continue
            raw = await part.read()
            if part.name == "payload_json":
                body = wire.loads(raw)
            elif part.filename is not None:
                files.append((part.filename, bytes(raw), part.headers.get("Content-Type")))
    elif request.can_read_body:
        text = await request.text()
        if text:
            body = wire.loads(text)
    return ApiRequest(
        method=request.method,
        path=path,
        query=dict(request.query),
        json=body,
        files=files,
        headers=dict(request.headers),
    )


def needs_auth(path: str) -> bool:
    return not (path.startswith("/webhooks/") or path.startswith("/interactions/"))


async def handle_api(fake: FakeDiscord, request: web.Request) -> web.StreamResponse:
    path = request.path[request.path.index(API_PREFIX) + len(API_PREFIX) :] or "/"
    req = await parse_request(request, path)
    req.client = request.match_info.get("client", "")
    fake.requests.append(req)
    try:
        response = await _answer(fake, req)
    except (
        Exception
    ) as exc:  # a bug in the fake itself: fail the test loudly, do not trigger retries
        log.exception("fake Discord crashed on %s %s", req.method, path)
        fake.unhandled.append(f"ERROR {req.method} {path}: {exc!r}")
        response = json_response(
            400, {"code": 0, "message": f"fake Discord internal error: {exc!r}"}
        )
    req.status = response.status
    return response


async def _answer(fake: FakeDiscord, req: ApiRequest) -> web.Response:
    if needs_auth(req.path) and req.headers.get("Authorization") != f"Bot {fake.token}":
        return json_response(401, {"code": 0, "message": "401: Unauthorized"})
    if fake.global_limit is not None and needs_auth(req.path):
        wait = fake.global_limit.wait_for(time.monotonic())
        if wait is not None:
            return global_limit_response(wait)
    for delay in fake.delays:
        if delay.matches(req.method, req.path):
            delay.times -= 1
            await asyncio.sleep(delay.seconds)
            break
    for fault in fake.faults:
        if fault.matches(req.method, req.path):
            fault.times -= 1
            return fault_response(fault)
    for rd in ROUTES:
        if rd.method != req.method:
            continue
        match = rd.regex.match(req.path)
        if match is None:
            continue
        req.params = match.groupdict()
        try:
            result = await rd.handler(fake, req)
        except ApiError as exc:
            return json_response(exc.status, exc.body())
        if result is None:
            return web.Response(status=204)
        if isinstance(result, Status):
            return json_response(result.status, result.body)
        return json_response(200, result)
    fake.unhandled.append(f"{req.method} {req.path}")
    return json_response(404, {"code": 0, "message": "404: Not Found"})


def snowflake_param(req: ApiRequest, name: str, what: str) -> int:
    try:
        return int(req.params[name])
    except ValueError:
        raise not_found(what) from None
