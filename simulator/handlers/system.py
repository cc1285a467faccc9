"""Capability set, time zone, language, firmware versions and upgrades."""

from __future__ import annotations

from functools import cache
import json
from pathlib import Path
from typing import Any

from ..context import NO_DATA, RequestContext
from ..errors import ApiError
from ..routes import route

_DATA = Path(__file__).resolve().parent.parent / "data"


@cache
def timezones() -> list[dict[str, str]]:
    """Return the time zone list of the reference (tzCode, tzValue, disPlayName)."""
    with (_DATA / "timezones.json").open(encoding="utf-8") as handle:
        data: list[dict[str, str]] = json.load(handle)
    return data


@route("/api/lapp/device/capacity")
async def capacity(ctx: RequestContext) -> dict[str, Any]:
    """Get device capability (the fixture's set, quirks included)."""
    dev = ctx.device()
    if ctx.param("channelNo") is not None and dev.channels:
        ctx.channel(dev)
    return dict(dev.capabilities)


@route("/api/lapp/timezone/list")
async def timezone_list(ctx: RequestContext) -> list[dict[str, str]]:
    """Get time zone list (language ENGLISH or SIMPCN)."""
    language = ctx.param("language") or "ENGLISH"
    if language not in ("ENGLISH", "SIMPCN"):
        raise ApiError(10001, "language must be ENGLISH or SIMPCN")
    return [dict(tz) for tz in timezones()]


@route("/api/lapp/device/timezone/set")
async def timezone_set(ctx: RequestContext) -> Any:
    """Set device time zone by tzCode."""
    dev = ctx.device(online=True)
    code = ctx.req("timezone")
    tz_format = ctx.int_param("timeFormat", choices=(0, 1, 2))
    dst = ctx.param("daylightSaving")
    if dst is not None and dst not in ("0", "1"):
        raise ApiError(10001, "daylightSaving must be 0 or 1")
    match = next((tz for tz in timezones() if tz["tzCode"] == code), None)
    if match is None:
        raise ApiError(10001, "timezone is not a known tzCode")
    if not dev.cap("support_timezone"):
        raise ApiError(60020)
    dev.tz_code = code
    dev.timezone = match["tzValue"]
    if tz_format is not None:
        dev.time_format = tz_format
    if dst is not None:
        dev.daylight_saving = dst
    return NO_DATA


def _languages(caps: dict[str, Any]) -> list[str]:
    raw = caps.get("support_language")
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return []


@route("/api/lapp/device/language/get")
async def language_get(ctx: RequestContext) -> dict[str, Any]:
    """Get device language."""
    dev = ctx.device()
    return {"language": dev.language}


@route("/api/lapp/device/language/set")
async def language_set(ctx: RequestContext) -> Any:
    """Set device language (one of the capability's support_language values)."""
    dev = ctx.device(online=True)
    language = ctx.req("language")
    allowed = _languages(dev.capabilities)
    if not allowed:
        raise ApiError(60020)
    if language not in allowed:
        raise ApiError(10001, "language is not supported by the device")
    dev.language = language
    return NO_DATA


@route("/api/lapp/device/version/info")
async def version_info(ctx: RequestContext) -> dict[str, Any]:
    """Get Device Version Information."""
    dev = ctx.device()
    return {"latestVersion": dev.upgrade.latest, "currentVersion": dev.upgrade.current}


@route("/api/lapp/device/upgrade")
async def upgrade(ctx: RequestContext) -> Any:
    """Upgrade Device Firmware: progress advances with the simulator clock."""
    dev = ctx.device()
    upg = dev.upgrade
    if upg.started_at is not None:
        status, _ = ctx.state.upgrade_progress(dev, ctx.now)
        raise ApiError(60015 if status == 1 else 60014)
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap("support_upgrade"):
        raise ApiError(60020)
    if upg.current == upg.latest:
        raise ApiError(60013)
    upg.started_at = ctx.now
    upg.last_status, upg.last_progress = 0, 0
    return NO_DATA


@route("/api/lapp/device/upgrade/status")
async def upgrade_status(ctx: RequestContext) -> dict[str, Any]:
    """Get Device Upgrade Status: 0 upgrading, 1 rebooting, 2 upgraded, 3 failed."""
    dev = ctx.device()
    status, progress = ctx.state.upgrade_progress(dev, ctx.now)
    if status != 1 and not dev.online:
        raise ApiError(20007)
    return {"progress": progress, "status": status}
