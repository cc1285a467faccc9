"""The simulator: aiohttp application, routing, envelopes, tokens, request log.

The one module that ties the others together: control, streaming, push and the
handlers see the simulator through Protocols of their own (``ControlSim``,
``MediaSim``, ``PushSim``, ``LiveSim``, ``RamSim``) and never import this one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import json
import logging
import secrets
import time
from typing import TYPE_CHECKING, Any, Self

from aiohttp import web

from . import control, streaming
from .context import NO_DATA, Family, Paged, RequestContext
from .errors import ApiError, message_for, v3_http_status
from .faults import TOKEN_PATH, Faults
from .handlers import load_all
from .push import PushSender
from .records import RecordedRequest, TokenRecord
from .routes import Route
from .state import FleetState, build_state, load_fleet_data

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import TracebackType

    from .handlers.live import LiveSim
    from .handlers.ram import RamSim
    from .media import Clip
    from .streaming import MediaRequest

_LOGGER = logging.getLogger(__name__)

LAPP_OK_MESSAGES = ("Operation succeeded!", "Operating succeeded!", "操作成功")
# Endpoints whose reference sample wraps the whole lapp envelope in "result":
# {"result": {"data": ..., "code": "200", "msg": ...}}. Both shapes are served:
# per device, the 1st, 3rd, ... successful call is wrapped, the others plain
# (``Simulator.result_wrapper`` forces one shape).
RESULT_WRAPPED_PATHS = frozenset({"/api/lapp/detector/list"})
V3_OK_MESSAGE = "操作成功"
AREA_PREFIX = "/area/"
FORM_TYPE = "application/x-www-form-urlencoded"


def _default_clock() -> float:
    # Looked up at call time so freezegun / the HA ``freezer`` fixture moves it.
    return time.time()


@dataclass
class _Reply:
    status: int
    payload: Any = None
    text: str | None = None
    content_type: str = "application/json"
    code: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


class Simulator:
    """A stateful EZVIZ Open Platform on loopback.

    ``fleet`` is ``"demo"`` (or another fixture name under ``simulator/fleets``),
    a path to a JSON fixture, or the fixture as a dict.
    """

    def __init__(
        self,
        fleet: str | Path | dict[str, Any] = "demo",
        *,
        app_key: str = "sim-app-key",
        app_secret: str = "sim-app-secret",  # noqa: S107 - a fake secret
        token_lifetime: float = 7 * 86400,
        clock: Callable[[], float] | None = None,
        area: str = "eu",
        seed: int = 0,
    ) -> None:
        """Create the simulator (not yet listening; see ``start``)."""
        self._fleet_source = fleet
        self._fleet_data = load_fleet_data(fleet)
        self.app_key = app_key
        self.app_secret = app_secret
        self.token_lifetime = token_lifetime
        self._clock: Callable[[], float] = (
            _default_clock if clock is None or clock is time.time else clock
        )
        self.area = area
        self.omit_area_domain = False
        self.app_frozen = False
        # None: alternate per device (see RESULT_WRAPPED_PATHS); True/False: always.
        self.result_wrapper: bool | None = None
        self._wrap_counts: dict[tuple[str, str], int] = {}
        self.faults = Faults(self.now, seed)
        self.requests: list[RecordedRequest] = []
        #: Requests to the media URLs (pictures, HLS, FLV); see ``MediaRequest``.
        self.media_requests: list[MediaRequest] = []
        #: HLS segment length (also the keyframe interval of the video), seconds.
        self.segment_duration = 2.0
        #: Segments a live playlist lists.
        self.playlist_segments = 3
        #: A live session ends by itself after this many seconds (None: never);
        #: field-notes: "figures of about a minute are quoted".
        self.live_session_length: float | None = 60.0
        #: The cloud may grant less validity than asked: a play address lives
        #: at most this many seconds (None: as asked). Its expireTime says so.
        self.max_address_validity: float | None = None
        #: Playback addresses (type 2/3) serve at most this many seconds.
        self.playback_max_length = 600.0
        #: Seconds of video an FLV stream sends at once when it starts (a CDN's
        #: GOP cache); None: one GOP (``segment_duration``). Then real time.
        self.flv_burst: float | None = None
        self.stopping = False  # set by stop(): running FLV streams end
        self.errors: list[str] = []  # internal handler errors (should stay empty)
        self.tokens: dict[str, TokenRecord] = {}
        self.state: FleetState = build_state(self._fleet_data, self.now())
        #: Push messages (webhook): ``sim.push.configure(url, secret=...)``.
        self.push = PushSender(self)
        self.routes: dict[str, Route] = dict(load_all())
        self.routes[TOKEN_PATH] = Route(TOKEN_PATH, "POST", "lapp", _token_placeholder)
        self.base_url = ""
        self.port = 0
        self.host = "127.0.0.1"
        self._runner: web.AppRunner | None = None
        self.app = self._build_app()

    # ------------------------------------------------------------ lifecycle

    def now(self) -> float:
        """Return the simulator clock (seconds)."""
        return self._clock()

    def _build_app(self) -> web.Application:
        app = web.Application()
        control.register(app, self)
        streaming.register(app, self)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start listening; return the base URL (``http://host:port``)."""
        self.stopping = False
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1]) if sockets else port
        self.host = host
        self.base_url = f"http://{host}:{self.port}"
        return self.base_url

    async def stop(self) -> None:
        """Stop listening and release the port (running FLV streams end)."""
        self.stopping = True
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        """Start on 127.0.0.1 with an ephemeral port."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server."""
        await self.stop()

    # -------------------------------------------------------------- handles

    @property
    def area_domain(self) -> str:
        """The areaDomain handed out at the next token renewal."""
        return f"{self.base_url}{AREA_PREFIX}{self.area}"

    def count(self, path: str | None = None) -> int:
        """Return the number of API requests received (to one path, without area prefix)."""
        if path is None:
            return len(self.requests)
        return sum(1 for r in self.requests if r.path == path)

    def counts(self) -> dict[str, int]:
        """Return the number of requests per path."""
        result: dict[str, int] = {}
        for rec in self.requests:
            result[rec.path] = result.get(rec.path, 0) + 1
        return result

    def reset_log(self) -> None:
        """Forget the recorded requests (API and media)."""
        self.requests.clear()
        self.media_requests.clear()

    def picture(self, name: str) -> bytes:
        """Return the plain JPEG served at ``/_sim/pic/<name>`` now (a name, path or URL).

        For a ``-enc`` picture this is the content before encryption.
        """
        return streaming.picture(self, name)

    async def render_video(self, serial: str, channel: int = 1) -> Clip:
        """Return a channel's video clip, rendering it now if it is not cached yet.

        The first stream of a channel renders it anyway; call this ahead to
        keep the encoding (``clip.encode_seconds``) out of a time-to-first-frame
        measurement.
        """
        dev = self.state.devices[serial.upper()]
        chan = dev.channel(channel)
        if chan is None:
            raise KeyError(channel)
        return await streaming.channel_clip(self, dev, chan)

    def reset(self, *, tokens: bool = False) -> None:
        """Reload the fleet, clear faults and the log (and tokens if asked)."""
        self.state = build_state(load_fleet_data(self._fleet_source), self.now())
        self.faults.clear()
        self.reset_log()
        self.errors.clear()
        self._wrap_counts.clear()
        if tokens:
            self.tokens.clear()

    def expire_tokens(self) -> None:
        """Make every token handed out so far expired (next use answers 10002)."""
        for rec in self.tokens.values():
            rec.expire_ms = 0

    def set_area(self, name: str) -> None:
        """Hand out ``/area/<name>`` as areaDomain from the next token/get on."""
        self.area = name

    def set_app_secret(self, secret: str) -> None:
        """Change the app secret; token/get with the old one answers 10030."""
        self.app_secret = secret

    def set_online(self, serial: str, online: bool = True) -> None:
        """Put a device of the account online or offline."""
        self.state.devices[serial.upper()].online = online

    def issue_token(self, *, sub_account: str | None = None) -> TokenRecord:
        """Mint a token in the current area (what token/get does)."""
        prefix = "ra." if sub_account else "at."
        token = prefix + secrets.token_hex(16) + "-" + secrets.token_hex(5)
        area = None if self.omit_area_domain else self.area
        expire_ms = int((self.now() + self.token_lifetime) * 1000)
        rec = TokenRecord(token, area, expire_ms, self.app_key, sub_account)
        self.tokens[token] = rec
        return rec

    def token_reply(self, rec: TokenRecord) -> dict[str, Any]:
        """Return the data member of a token reply."""
        data: dict[str, Any] = {"accessToken": rec.token, "expireTime": rec.expire_ms}
        if rec.area is not None:
            data["areaDomain"] = f"{self.base_url}{AREA_PREFIX}{rec.area}"
        return data

    # -------------------------------------------------------------- dispatch

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw_path = request.path
        area: str | None = None
        path = raw_path
        if raw_path.startswith(AREA_PREFIX):
            rest = raw_path[len(AREA_PREFIX) :]
            area, _, tail = rest.partition("/")
            path = "/" + tail
        query = dict(request.query.items())
        form: dict[str, str] = {}
        body: Any = None
        ctype = request.content_type
        if request.can_read_body:
            raw = await request.read()
            if ctype == FORM_TYPE:
                post = await request.post()
                form = {k: str(v) for k, v in post.items()}
            elif raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
        record = RecordedRequest(
            method=request.method,
            path=path,
            area=area,
            query=query,
            form=form,
            headers=dict(request.headers.items()),
            json=body,
            time=self.now(),
            raw_path=raw_path,
        )
        self.requests.append(record)
        route = self.routes.get(path)
        if route is None:
            record.status = 404
            return web.Response(status=404, text="404: Not Found")
        record.family = route.family
        reply = await self._answer(request, route, record, area, form, query, body)
        record.status = reply.status
        record.code = reply.code
        if reply.text is not None:
            return web.Response(
                status=reply.status,
                text=reply.text,
                content_type=reply.content_type,
                headers=reply.headers,
            )
        return web.json_response(reply.payload, status=reply.status)

    async def _answer(
        self,
        request: web.Request,
        route: Route,
        record: RecordedRequest,
        area: str | None,
        form: dict[str, str],
        query: dict[str, str],
        body: Any,
    ) -> _Reply:
        family = route.family
        if request.method != route.method:
            return self._error(family, 10020, http_status=405)
        decision = self.faults.decide(route.path)
        if decision.latency > 0:
            await asyncio.sleep(decision.latency)
        truncate = False
        if decision.rule is not None:
            record.fault = decision.rule.id
            if decision.code is not None:
                return self._error(
                    family,
                    decision.code,
                    decision.message,
                    http_status=decision.http_status,
                )
            if decision.body == "truncated":
                truncate = True
            elif decision.body is not None:
                return _bad_body(decision.body)
            elif decision.http_status is not None:
                return _html_error(decision.http_status)
        reply = await self._call(request, route, area, form, query, body)
        if truncate and reply.payload is not None:
            text = json.dumps(reply.payload, ensure_ascii=False)
            return _Reply(
                status=reply.status,
                text=text[: max(1, len(text) // 2)],
                code=reply.code,
            )
        return reply

    async def _call(
        self,
        request: web.Request,
        route: Route,
        area: str | None,
        form: dict[str, str],
        query: dict[str, str],
        body: Any,
    ) -> _Reply:
        family = route.family
        params = form if family == "lapp" else query
        if family == "v3" and body is None and form:
            body = dict(form)
        now = self.now()
        ctx = RequestContext(
            family=family,
            path=route.path,
            method=request.method,
            params=params,
            headers=request.headers,
            body=body,
            state=self.state,
            now=now,
            base_url=self.base_url,
        )
        ctx.extra["sim"] = self
        try:
            if route.path == TOKEN_PATH:
                return self._ok(family, self._token_get(ctx))
            ctx.token = self._authenticate(ctx, area)
            self.state.tick(now)
            data = await route.handler(ctx)
        except ApiError as err:
            return self._error(
                family, err.code, err.message, http_status=err.http_status
            )
        except Exception as err:
            _LOGGER.exception("simulator handler %s failed", route.path)
            self.errors.append(f"{route.path}: {err!r}")
            return self._error(family, 50000)
        reply = self._ok(family, data)
        if route.path in RESULT_WRAPPED_PATHS and self._wrap_result(
            route.path, params.get("deviceSerial", "")
        ):
            reply.payload = {"result": reply.payload}
        return reply

    def _wrap_result(self, path: str, serial: str) -> bool:
        """Whether this success of ``path`` goes out in the reference's wrapper."""
        if self.result_wrapper is not None:
            return self.result_wrapper
        key = (path, serial.upper())
        count = self._wrap_counts.get(key, 0)
        self._wrap_counts[key] = count + 1
        return count % 2 == 0

    def _token_get(self, ctx: RequestContext) -> dict[str, Any]:
        app_key = ctx.req("appKey")
        app_secret = ctx.req("appSecret")
        if app_key != self.app_key:
            raise ApiError(10017)
        if self.app_frozen:
            raise ApiError(10005)
        if app_secret != self.app_secret:
            raise ApiError(10030)
        return self.token_reply(self.issue_token())

    def _authenticate(
        self, ctx: RequestContext, area: str | None
    ) -> TokenRecord | None:
        if ctx.family == "v3":
            token = ctx.header("accessToken")
        else:
            token = ctx.param("accessToken")
        optional = ctx.path == "/api/lapp/timezone/list"
        if token is None:
            if optional:
                return None
            raise ApiError(10002)
        rec = self.tokens.get(token)
        if rec is None or rec.area != area or self.now() * 1000 >= rec.expire_ms:
            raise ApiError(10002)
        if (
            rec.sub_account is not None
            and rec.sub_account not in self.state.sub_accounts
        ):
            raise ApiError(10002)
        return rec

    # ------------------------------------------------------------- envelopes

    def _ok(self, family: Family, data: Any) -> _Reply:
        if family == "lapp":
            payload: dict[str, Any] = {"code": "200", "msg": LAPP_OK_MESSAGES[0]}
            if isinstance(data, Paged):
                payload["data"] = data.items
                payload["page"] = {
                    "total": data.total,
                    "page": data.page,
                    "size": data.size,
                }
            elif data is not NO_DATA:
                payload["data"] = data
            return _Reply(status=200, payload=payload, code=200)
        meta = {"code": 200, "message": V3_OK_MESSAGE, "moreInfo": None}
        v3_payload: dict[str, Any] = {"meta": meta}
        if isinstance(data, Paged):
            v3_payload["data"] = data.items
        elif data is not NO_DATA:
            v3_payload["data"] = data
        return _Reply(status=200, payload=v3_payload, code=200)

    def _error(
        self,
        family: Family,
        code: int,
        message: str | None = None,
        *,
        http_status: int | None = None,
    ) -> _Reply:
        msg = message or message_for(code)
        if family == "lapp":
            return _Reply(
                status=http_status if http_status == 405 else 200,
                payload={"code": str(code), "msg": msg},
                code=code,
            )
        status = http_status if http_status is not None else v3_http_status(code)
        payload = {
            "meta": {"code": code, "message": msg, "moreInfo": None},
            "data": None,
        }
        return _Reply(status=status, payload=payload, code=code)


if TYPE_CHECKING:
    # Handlers read the simulator from ``ctx.extra["sim"]``, which is untyped:
    # this has mypy check that the simulator is what they expect of it.
    def _handler_views(sim: Simulator) -> tuple[LiveSim, RamSim]:
        return sim, sim


async def _token_placeholder(ctx: RequestContext) -> Any:
    raise ApiError(50000)  # token/get is answered by Simulator._token_get


def _html_error(status: int) -> _Reply:
    reasons = {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
    }
    reason = reasons.get(status, "Error")
    page = (
        f"<html><head><title>{status} {reason}</title></head>"
        f"<body><center><h1>{status} {reason}</h1></center><hr><center>nginx</center>"
        "</body></html>"
    )
    return _Reply(status=status, text=page, content_type="text/html")


def _bad_body(kind: str) -> _Reply:
    if kind == "malformed":
        return _Reply(
            status=200, text='{"code": "200", "msg": "ok", "data": [{,', code=None
        )
    if kind == "html":
        return _Reply(
            status=200,
            text="<html><body><h1>Service maintenance</h1></body></html>",
            content_type="text/html",
        )
    if kind == "empty":
        return _Reply(status=200, text="")
    return _Reply(status=200, text="Service Unavailable", content_type="text/plain")
