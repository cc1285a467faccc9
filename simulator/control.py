"""The ``/_sim/...`` control endpoints (the media URLs are in ``streaming``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web

from .faults import BODY_KINDS
from .state import Alarm

if TYPE_CHECKING:
    from .faults import Faults
    from .push import PushSender
    from .records import RecordedRequest, TokenRecord
    from .state import FleetState


class ControlSim(Protocol):
    """What the control endpoints use of the simulator (``app.Simulator``)."""

    app_key: str
    area: str
    base_url: str
    errors: list[str]
    faults: Faults
    push: PushSender
    requests: list[RecordedRequest]
    state: FleetState
    tokens: dict[str, TokenRecord]

    def now(self) -> float:
        """Return the simulator clock (seconds)."""

    def count(self, path: str | None = None) -> int:
        """Return the number of API requests received (to one path)."""

    def counts(self) -> dict[str, int]:
        """Return the number of requests per path."""

    def reset_log(self) -> None:
        """Forget the recorded requests (API and media)."""

    def reset(self, *, tokens: bool = False) -> None:
        """Reload the fleet, clear faults and the log (and tokens if asked)."""

    def expire_tokens(self) -> None:
        """Make every token handed out so far expired."""

    def set_area(self, name: str) -> None:
        """Hand out ``/area/<name>`` as areaDomain from the next token/get on."""

    def set_app_secret(self, secret: str) -> None:
        """Change the app secret."""


_RULE_KEYS = (
    "path",
    "code",
    "http_status",
    "latency",
    "body",
    "rate_limit_after",
    "window",
    "quota_after",
    "times",
    "probability",
    "include_token",
    "message",
)


async def _json_body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    raw = await request.read()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise web.HTTPBadRequest(text="body must be JSON") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return data


def register(app: web.Application, sim: ControlSim) -> None:
    """Add the control and media routes for ``sim`` to ``app``."""

    async def get_faults(_: web.Request) -> web.Response:
        return web.json_response([r.as_dict() for r in sim.faults.rules])

    async def post_faults(request: web.Request) -> web.Response:
        data = await _json_body(request)
        unknown = set(data) - set(_RULE_KEYS) - {"seed"}
        if unknown:
            raise web.HTTPBadRequest(text=f"unknown keys: {sorted(unknown)}")
        if "seed" in data:
            sim.faults.seed(int(data.pop("seed")))
        if data.get("body") is not None and data["body"] not in BODY_KINDS:
            raise web.HTTPBadRequest(text=f"body must be one of {BODY_KINDS}")
        rule = sim.faults.add(**data)
        return web.json_response(rule.as_dict())

    async def delete_faults(_: web.Request) -> web.Response:
        sim.faults.clear()
        return web.json_response({"ok": True})

    async def delete_fault(request: web.Request) -> web.Response:
        sim.faults.remove(int(request.match_info["rule_id"]))
        return web.json_response({"ok": True})

    async def get_requests(request: web.Request) -> web.Response:
        path = request.query.get("path")
        items = [r.as_dict() for r in sim.requests if path is None or r.path == path]
        return web.json_response(items)

    async def delete_requests(_: web.Request) -> web.Response:
        sim.reset_log()
        return web.json_response({"ok": True})

    async def get_count(request: web.Request) -> web.Response:
        path = request.query.get("path")
        return web.json_response({"count": sim.count(path), "by_path": sim.counts()})

    async def post_reset(request: web.Request) -> web.Response:
        data = await _json_body(request)
        sim.reset(tokens=bool(data.get("tokens", False)))
        return web.json_response({"ok": True})

    async def get_state(_: web.Request) -> web.Response:
        devices = {
            d.serial: {
                "name": d.name,
                "category": d.category,
                "online": d.online,
                "defence": d.defence,
                "isEncrypt": int(d.is_encrypt),
                "privacy": d.privacy,
                "version": d.upgrade.current,
                "video_codec": d.video_codec,
            }
            for d in sim.state.devices.values()
        }
        return web.json_response(
            {
                "base_url": sim.base_url,
                "area": sim.area,
                "app_key": sim.app_key,
                "devices": devices,
                "alarms": len(sim.state.alarms),
                "tokens": len(sim.tokens),
                "errors": sim.errors,
            }
        )

    async def post_online(request: web.Request) -> web.Response:
        serial = request.match_info["serial"].upper()
        data = await _json_body(request)
        dev = sim.state.devices.get(serial)
        if dev is None:
            raise web.HTTPNotFound(text=f"no device {serial}")
        dev.online = bool(data.get("online", True))
        return web.json_response({"serial": serial, "online": dev.online})

    async def post_offline(request: web.Request) -> web.Response:
        serial = request.match_info["serial"].upper()
        dev = sim.state.devices.get(serial)
        if dev is None:
            raise web.HTTPNotFound(text=f"no device {serial}")
        dev.online = False
        return web.json_response({"serial": serial, "online": False})

    async def post_expire(_: web.Request) -> web.Response:
        sim.expire_tokens()
        return web.json_response({"ok": True})

    async def post_area(request: web.Request) -> web.Response:
        data = await _json_body(request)
        sim.set_area(str(data["name"]))
        return web.json_response({"area": sim.area})

    async def post_secret(request: web.Request) -> web.Response:
        data = await _json_body(request)
        sim.set_app_secret(str(data["secret"]))
        return web.json_response({"ok": True})

    async def post_alarm(request: web.Request) -> web.Response:
        data = await _json_body(request)
        serial = str(data["serial"]).upper()
        dev = sim.state.devices.get(serial)
        alarm = Alarm(
            alarm_id=str(data.get("id", 24027912025700000 + sim.state.next_id())),
            serial=serial,
            alarm_type=int(data.get("type", 10002)),
            alarm_time_ms=int(data.get("time_ms", sim.now() * 1000)),
            channel_no=int(data.get("channel", 1)),
            name=str(data.get("name", dev.name if dev else serial)),
            is_encrypt=int(dev.is_encrypt) if dev else 0,
        )
        sim.state.alarms.append(alarm)
        return web.json_response({"alarmId": alarm.alarm_id})

    async def post_push_config(request: web.Request) -> web.Response:
        data = await _json_body(request)
        sim.push.configure(data.get("url"), secret=data.get("secret"))
        return web.json_response({"url": sim.push.url, "signed": bool(sim.push.secret)})

    async def post_push_alarm(request: web.Request) -> web.Response:
        data = await _json_body(request)
        if data.get("form") not in (None, "code", "name"):
            raise web.HTTPBadRequest(text='form must be "code" or "name"')
        sent = await sim.push.alarm(
            str(data["serial"]),
            data.get("type", 10002),
            form=data.get("form"),
            channel=int(data.get("channel", 1)),
            alarm_id=data.get("id"),
            record=bool(data.get("record", True)),
        )
        return web.json_response(sent.as_dict())

    async def post_push_onoffline(request: web.Request) -> web.Response:
        data = await _json_body(request)
        serial = str(data["serial"]).upper()
        if serial not in sim.state.devices:
            raise web.HTTPNotFound(text=f"no device {serial}")
        sent = await sim.push.onoffline(serial, bool(data.get("online", True)))
        return web.json_response(sent.as_dict())

    r = app.router
    r.add_get("/_sim/faults", get_faults)
    r.add_post("/_sim/faults", post_faults)
    r.add_delete("/_sim/faults", delete_faults)
    r.add_delete("/_sim/faults/{rule_id}", delete_fault)
    r.add_get("/_sim/requests", get_requests)
    r.add_delete("/_sim/requests", delete_requests)
    r.add_get("/_sim/count", get_count)
    r.add_post("/_sim/reset", post_reset)
    r.add_get("/_sim/state", get_state)
    r.add_post("/_sim/devices/{serial}/online", post_online)
    r.add_post("/_sim/devices/{serial}/offline", post_offline)
    r.add_post("/_sim/tokens/expire", post_expire)
    r.add_post("/_sim/area", post_area)
    r.add_post("/_sim/secret", post_secret)
    r.add_post("/_sim/alarms", post_alarm)
    r.add_post("/_sim/push/config", post_push_config)
    r.add_post("/_sim/push/alarm", post_push_alarm)
    r.add_post("/_sim/push/onoffline", post_push_onoffline)
