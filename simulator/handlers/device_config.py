"""v3 device configuration: fill light, switches, working-mode plan, alarm sound, motion area."""

from __future__ import annotations

import re
from typing import Any

from ..context import NO_DATA, RequestContext
from ..errors import ApiError
from ..routes import route

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_WEEK = re.compile(r"^[0-6](,[0-6])*$")


@route("/api/v3/device/fillLight/mode/get", "GET", "v3")
async def fill_light_get(ctx: RequestContext) -> dict[str, Any]:
    """Query the fill light mode (0 black and white, 1 full colour, 2 smart).

    The capability table names no flag for the fill light: a device has one
    when its ``fill_light_mode`` is set; any other answers 60020 (HTTP 422).
    """
    dev = ctx.device()
    if dev.fill_light_mode is None:
        raise ApiError(60020)
    return {
        "deviceSerial": dev.serial,
        "graphicType": dev.fill_light_mode,
        "luminance": 100,
        "duration": 5,
    }


@route("/api/v3/device/fillLight/mode/set", "POST", "v3")
async def fill_light_set(ctx: RequestContext) -> Any:
    """Set the fill light mode (query ``mode``)."""
    dev = ctx.device()
    mode = ctx.req_int("mode", choices=(0, 1, 2))
    if not dev.online:
        raise ApiError(20007)
    if dev.fill_light_mode is None:
        raise ApiError(60020)
    dev.fill_light_mode = mode
    return NO_DATA


@route("/api/v3/device/switchStatus/get", "GET", "v3")
async def switch_get(ctx: RequestContext) -> dict[str, Any]:
    """Query device switch of ``type`` (e.g. 301 light flicker)."""
    dev = ctx.device()
    kind = ctx.req_int("type", lo=0)
    if kind not in dev.switches:
        raise ApiError(60020)
    return {"subSerial": dev.serial, "type": kind, "enable": dev.switches[kind]}


@route("/api/v3/device/switchStatus/set", "POST", "v3")
async def switch_set(ctx: RequestContext) -> Any:
    """Set device switch (query ``type``, ``enable``)."""
    dev = ctx.device()
    kind = ctx.req_int("type", lo=0)
    enable = ctx.req_int("enable", choices=(0, 1))
    if not dev.online:
        raise ApiError(20007)
    if kind not in dev.switches:
        raise ApiError(60020)
    dev.switches[kind] = enable
    return NO_DATA


@route("/api/v3/device/timing/plan/get", "GET", "v3")
async def timing_plan_get(ctx: RequestContext) -> dict[str, Any]:
    """Query the device working mode plan."""
    dev = ctx.device()
    plan = dev.timing_plan
    if plan is None:
        raise ApiError(60020)
    return {
        "subSerial": dev.serial,
        "subType": 2,
        "enable": int(plan.get("enable", 1)),
        "weekPlans": [
            {
                "weekDay": str(plan.get("week", "0,1,2,3,4,5,6")),
                "timePlan": [
                    {
                        "beginTime": str(plan.get("startTime", "00:00")),
                        "endTime": str(plan.get("endTime", "23:59")),
                        "eventArg": f"mode:{plan.get('eventArg', '0')}",
                    }
                ],
            }
        ],
    }


@route("/api/v3/device/timing/plan/set", "POST", "v3")
async def timing_plan_set(ctx: RequestContext) -> Any:
    """Set the device working mode plan; the parameters come in a JSON body.

    A form-encoded body is accepted too; the query string is not.
    """
    dev = ctx.device()
    body = ctx.body
    if not isinstance(body, dict):
        raise ApiError(10001, "body is not empty")
    values = {k: ("" if v is None else str(v)) for k, v in body.items()}
    for name in ("enable", "startTime", "endTime", "week"):
        if not values.get(name):
            raise ApiError(10001, f"{name} is not empty")
    event_arg = values.get("eventArg") or "0"
    if values["enable"] not in ("0", "1") or event_arg not in ("0", "1", "2", "3"):
        raise ApiError(10001, "enable/eventArg is out of range")
    if not _HHMM.match(values["startTime"]) or not _HHMM.match(values["endTime"]):
        raise ApiError(10001, "startTime/endTime format is incorrect")
    if not _WEEK.match(values["week"]):
        raise ApiError(10001, "week format is incorrect")
    if not dev.online:
        raise ApiError(20007)
    if dev.timing_plan is None:
        raise ApiError(60020)
    dev.timing_plan = {
        "enable": int(values["enable"]),
        "startTime": values["startTime"],
        "endTime": values["endTime"],
        "week": values["week"],
        "eventArg": event_arg,
    }
    return NO_DATA


@route("/api/v3/device/alarmSound/enabled/get", "GET", "v3")
async def alarm_sound_get(ctx: RequestContext) -> dict[str, Any]:
    """Query the alarm sound mode (0 short, 1 long, 2 mute)."""
    dev = ctx.device()
    if not dev.cap("support_alarm_voice"):
        raise ApiError(60020)
    return {"deviceSerial": dev.serial, "alarmSoundMode": dev.alarm_sound_mode}


@route("/api/v3/device/alarmSound/enabled/set", "POST", "v3")
async def alarm_sound_set(ctx: RequestContext) -> Any:
    """Set the alarm sound mode (query ``type``)."""
    dev = ctx.device()
    kind = ctx.req_int("type", choices=(0, 1, 2))
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap("support_alarm_voice"):
        raise ApiError(60020)
    dev.alarm_sound_mode = kind
    return NO_DATA


def _motion_channel(ctx: RequestContext) -> int:
    if ctx.header("channelNo") is None:
        raise ApiError(10001, "channelNo is not empty")
    return ctx.channel_no()


@route("/api/v3/device/motion/detect/get", "GET", "v3")
async def motion_get(ctx: RequestContext) -> dict[str, Any]:
    """Query detection area (channelNo header required)."""
    dev = ctx.device()
    no = _motion_channel(ctx)
    ctx.channel(dev)
    if not dev.online:
        raise ApiError(20007)
    if dev.motion_area is None or not dev.cap("support_motion_detect_area"):
        raise ApiError(60020)
    return {
        "deviceSerial": dev.serial,
        "channelNo": no,
        "rows": int(dev.motion_area.get("rows", 0)),
        "columns": int(dev.motion_area.get("columns", 0)),
        "area": list(dev.motion_area.get("area", [])),
    }


@route("/api/v3/device/motion/detect/set", "POST", "v3")
async def motion_set(ctx: RequestContext) -> Any:
    """Set detection area (query ``area``: comma list of row masks)."""
    dev = ctx.device()
    _motion_channel(ctx)
    ctx.channel(dev)
    raw = ctx.req("area")
    try:
        area = [int(part) for part in raw.split(",")]
    except ValueError:
        raise ApiError(10001, "area format is incorrect") from None
    if any(v < 0 for v in area):
        raise ApiError(10001, "area format is incorrect")
    if not dev.online:
        raise ApiError(20007)
    if dev.motion_area is None or not dev.cap("support_motion_detect_area"):
        raise ApiError(60020)
    rows = int(dev.motion_area.get("rows", 0)) or len(area)
    columns = int(dev.motion_area.get("columns", 0))
    if len(area) > rows or (columns and any(v >= 1 << columns for v in area)):
        raise ApiError(10001, "area exceeds rows/columns")
    dev.motion_area["area"] = area + [0] * (rows - len(area))
    return NO_DATA


@route("/api/v3/device/audition", "POST", "v3")
async def audition(ctx: RequestContext) -> Any:
    """Play ringtone (voiceIndex 200 beep, 201 alarm, 202 mute; volume 1-100)."""
    dev = ctx.device()
    voice = ctx.req_int("voiceIndex", choices=(200, 201, 202))
    volume = ctx.int_param("volume", default=1, lo=1, hi=100)
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap("support_alarm_voice"):
        raise ApiError(60020)
    dev.last_audition = {"voiceIndex": voice, "volume": volume, "time": ctx.now}
    return NO_DATA
