"""Device settings of the lapp family: defence, encryption, switches, plans, PIR, chime."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from ..context import NO_DATA, RequestContext
from ..errors import ApiError
from ..routes import route

if TYPE_CHECKING:
    from ..state import Device

_HHMM = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")
_STOP = re.compile(r"^n?(([01]?\d|2[0-3]):[0-5]\d)$")
_PERIOD = re.compile(r"^[0-6](,[0-6])*$")


def _enable(ctx: RequestContext) -> int:
    return ctx.req_int("enable", choices=(0, 1))


def _switch_reply(dev: Device, ctx: RequestContext, value: int) -> dict[str, Any]:
    return {"deviceSerial": dev.serial, "channelNo": ctx.channel_no(), "enable": value}


@route("/api/lapp/device/defence/set")
async def defence_set(ctx: RequestContext) -> Any:
    """Arming and Disarming: A1 hubs 0/8/16, other devices 0/1."""
    dev = ctx.device()
    value = ctx.req_int("isDefence")
    allowed = (0, 8, 16) if dev.is_hub else (0, 1)
    if value not in allowed:
        raise ApiError(10001, f"isDefence must be one of {allowed}")
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap("support_defence"):
        raise ApiError(60020)
    dev.defence = value
    return NO_DATA


@route("/api/lapp/device/encrypt/off")
async def encrypt_off(ctx: RequestContext) -> Any:
    """Disable Device Video Encryption (needs the verification code)."""
    dev = ctx.device()
    code = ctx.req("validateCode")
    if not dev.online:
        raise ApiError(20007)
    if code != dev.validate_code:
        raise ApiError(20010)
    if not dev.is_encrypt:
        raise ApiError(60016)
    dev.is_encrypt = False
    return NO_DATA


@route("/api/lapp/device/encrypt/on")
async def encrypt_on(ctx: RequestContext) -> Any:
    """Enable Device Video Encryption."""
    dev = ctx.device(online=True)
    if dev.is_encrypt:
        raise ApiError(60019)
    dev.is_encrypt = True
    return NO_DATA


@route("/api/lapp/device/password/update")
async def password_update(ctx: RequestContext) -> Any:
    """Change the video encryption password (old one must match, new <= 12 chars)."""
    dev = ctx.device()
    old = ctx.req("oldPassword")
    new = ctx.req("newPassword")
    if len(new) > 12:
        raise ApiError(10001, "newPassword is too long")
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap("support_modify_pwd"):
        raise ApiError(60020)
    if old != dev.encrypt_password:
        raise ApiError(20010)
    dev.password = new
    return NO_DATA


@route("/api/lapp/device/sound/switch/status")
async def sound_status(ctx: RequestContext) -> dict[str, Any]:
    """Get Audio Prompt Status of Wi-Fi Configuration.

    The capability table names no flag for the prompts: a device has them
    when its ``sound_switch`` is set; any other answers 60020.
    """
    dev = ctx.device()
    if dev.sound_switch is None:
        raise ApiError(60020)
    return _switch_reply(dev, ctx, dev.sound_switch)


@route("/api/lapp/device/sound/switch/set")
async def sound_set(ctx: RequestContext) -> Any:
    """Set Audio Prompt for Wi-Fi Configuration."""
    dev = ctx.device()
    value = _enable(ctx)
    if dev.channels and ctx.param("channelNo") is not None:
        ctx.channel(dev)
    if not dev.online:
        raise ApiError(20007)
    if dev.sound_switch is None:
        raise ApiError(60020)
    dev.sound_switch = value
    return NO_DATA


def _capability_switch(
    status_path: str, set_path: str, attr: Literal["privacy", "ssl"], cap: str
) -> None:
    """Serve the status/set pair of a switch stored in ``Device.<attr>``.

    Both need the capability ``cap``; a set checks ``channelNo`` when given,
    then that the device is online (20007).
    """

    @route(status_path)
    async def status(ctx: RequestContext) -> dict[str, Any]:
        dev = ctx.device()
        ctx.require_cap(dev, cap)
        return _switch_reply(dev, ctx, getattr(dev, attr))

    @route(set_path)
    async def set_switch(ctx: RequestContext) -> Any:
        dev = ctx.device()
        value = _enable(ctx)
        if ctx.param("channelNo") is not None:
            ctx.channel(dev)
        if not dev.online:
            raise ApiError(20007)
        ctx.require_cap(dev, cap)
        setattr(dev, attr, value)
        return NO_DATA


# Video Tampering Status (the lens-masking privacy mode).
_capability_switch(
    "/api/lapp/device/scene/switch/status",
    "/api/lapp/device/scene/switch/set",
    "privacy",
    "support_privacy",
)
# Sound Source Positioning Status.
_capability_switch(
    "/api/lapp/device/ssl/switch/status",
    "/api/lapp/device/ssl/switch/set",
    "ssl",
    "support_ssl",
)


@route("/api/lapp/device/defence/plan/get")
async def defence_plan_get(ctx: RequestContext) -> dict[str, Any]:
    """Get Device Arming and Disarming Schedule."""
    dev = ctx.device()
    if ctx.param("channelNo") is not None and dev.channels:
        ctx.channel(dev)
    ctx.require_cap(dev, "support_defenceplan")
    return dict(dev.defence_plan)


@route("/api/lapp/device/defence/plan/set")
async def defence_plan_set(ctx: RequestContext) -> Any:
    """Set Device Arming and Disarming Schedule."""
    dev = ctx.device()
    if ctx.param("channelNo") is not None and dev.channels:
        ctx.channel(dev)
    start = ctx.param("startTime") or "00:00"
    stop = ctx.param("stopTime") or "n00:00"
    period = ctx.param("period") or "0,1,2,3,4,5,6"
    enable = ctx.int_param("enable", default=1, choices=(0, 1))
    if not _HHMM.match(start) or not _STOP.match(stop) or not _PERIOD.match(period):
        raise ApiError(10001, "startTime/stopTime/period format is incorrect")
    if not dev.online:
        raise ApiError(20007)
    ctx.require_cap(dev, "support_defenceplan")
    dev.defence_plan = {
        "startTime": start,
        "stopTime": stop,
        "period": period,
        "enable": enable,
    }
    return NO_DATA


@route("/api/lapp/camera/video/sound/status")
async def microphone_status(ctx: RequestContext) -> list[dict[str, Any]]:
    """Get device microphone switch status (a list; ``enable`` is a string)."""
    dev = ctx.device(online=True)
    if not dev.channels:
        raise ApiError(60020)
    return [
        {
            "deviceSerial": dev.serial,
            "channelNo": chan.no,
            "enable": str(dev.microphone),
        }
        for chan in dev.channels[:1]
    ]


@route("/api/lapp/camera/video/sound/set")
async def microphone_set(ctx: RequestContext) -> Any:
    """Set device microphone switch status."""
    dev = ctx.device()
    value = _enable(ctx)
    if not dev.online:
        raise ApiError(20007)
    if not dev.channels:
        raise ApiError(60020)
    dev.microphone = value
    return NO_DATA


def _area_list(raw: str) -> list[int]:
    try:
        values = [int(part) for part in raw.split(",") if part.strip() != ""]
    except ValueError:
        raise ApiError(10001, "area format is incorrect") from None
    if not values or any(v < 0 for v in values):
        raise ApiError(10001, "area format is incorrect")
    return values


@route("/api/lapp/device/pir/set")
async def pir_set(ctx: RequestContext) -> Any:
    """Set configuration of pir area (comma list of row bit masks)."""
    dev = ctx.device()
    area = _area_list(ctx.req("area"))
    if ctx.param("channelNo") is not None:
        ctx.channel(dev)
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap("support_pir_setting") or dev.pir_area is None:
        raise ApiError(60020)
    rows = int(dev.pir_area.get("rows", 3))
    columns = int(dev.pir_area.get("columns", 4))
    if len(area) > rows or any(v >= 1 << columns for v in area):
        raise ApiError(10001, "area exceeds rows/columns")
    dev.pir_area["area"] = area
    return NO_DATA


@route("/api/lapp/device/pir/get")
async def pir_get(ctx: RequestContext) -> dict[str, Any]:
    """Get configuration of pir area."""
    dev = ctx.device(online=True)
    chan = ctx.channel_no()
    if not dev.cap("support_pir_setting") or dev.pir_area is None:
        raise ApiError(60020)
    return {
        "deviceSerial": dev.serial,
        "channelNo": chan,
        "rows": int(dev.pir_area.get("rows", 3)),
        "columns": int(dev.pir_area.get("columns", 4)),
        "area": list(dev.pir_area.get("area", [])),
    }


@route("/api/lapp/device/chime/set")
async def chime_set(ctx: RequestContext) -> Any:
    """Set chime type (1 mechanical, 2 electronic, 3 none) and duration."""
    dev = ctx.device()
    kind = ctx.req_int("type", choices=(1, 2, 3))
    duration = ctx.req_int("duration", lo=0)
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap("support_chime") or dev.chime is None:
        raise ApiError(60020)
    dev.chime = {"type": kind, "duration": duration}
    return NO_DATA


@route("/api/lapp/device/chime/get")
async def chime_get(ctx: RequestContext) -> dict[str, Any]:
    """Get chime type."""
    dev = ctx.device(online=True)
    if not dev.cap("support_chime") or dev.chime is None:
        raise ApiError(60020)
    return {
        "deviceSerial": dev.serial,
        "channelNo": ctx.channel_no(),
        "type": int(dev.chime.get("type", 1)),
        "duration": int(dev.chime.get("duration", 0)),
    }


@route("/api/lapp/device/infrared/switch/set")
async def infrared_set(ctx: RequestContext) -> Any:
    """Set infrared type (night-vision IR light on/off)."""
    dev = ctx.device()
    value = _enable(ctx)
    if not dev.online:
        raise ApiError(20007)
    ctx.require_cap(dev, "support_close_infrared_light")
    dev.infrared = value
    return NO_DATA


@route("/api/lapp/device/infrared/switch/get")
async def infrared_get(ctx: RequestContext) -> dict[str, Any]:
    """Get Infrared Type."""
    dev = ctx.device(online=True)
    if ctx.param("channelNo") is not None:
        ctx.channel(dev)
    ctx.require_cap(dev, "support_close_infrared_light")
    return _switch_reply(dev, ctx, dev.infrared)
