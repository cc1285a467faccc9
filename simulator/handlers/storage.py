"""Storage: disk formatting (v3), local records (v3) and cloud storage (lapp)."""

from __future__ import annotations

import calendar
import time as _time
from typing import TYPE_CHECKING, Any

from ..context import NO_DATA, RequestContext
from ..errors import ApiError
from ..routes import route

if TYPE_CHECKING:
    from ..state import Device

_V3_TIME = "%Y-%m-%d %H:%M:%S"


@route("/api/v3/device/format/status", "GET", "v3")
async def format_status(ctx: RequestContext) -> dict[str, Any]:
    """Get the device formatting status (progress follows the simulator clock)."""
    dev = ctx.device(online=True)
    if not dev.cap("support_disk"):
        raise ApiError(20011)
    return {
        "storageStatus": [
            {
                "index": disk.index,
                "name": disk.name,
                "status": disk.status,
                "formattingRate": f"{ctx.state.format_rate(disk, ctx.now)}%",
                "capacity": disk.capacity,
            }
            for disk in dev.disks
        ]
    }


@route("/api/v3/device/format/disk", "PUT", "v3")
async def format_disk(ctx: RequestContext) -> Any:
    """Format a device disk (query ``diskIndex``); 20016 while formatting."""
    dev = ctx.device()
    index = ctx.req_int("diskIndex", lo=0)
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap("support_disk"):
        raise ApiError(20011)
    disk = next((d for d in dev.disks if d.index == index), None)
    if disk is None:
        raise ApiError(10001, "diskIndex does not exist")
    if disk.status == 3:
        raise ApiError(20016)
    disk.status = 3
    disk.format_started = ctx.now
    return NO_DATA


def _parse(value: str | None, default: float) -> float:
    if value is None:
        return default
    try:
        return float(calendar.timegm(_time.strptime(value, _V3_TIME)))
    except ValueError:
        raise ApiError(10001, "time format is incorrect") from None


@route("/api/v3/das/device/local/video/query", "GET", "v3")
async def local_video_query(ctx: RequestContext) -> list[dict[str, Any]]:
    """Query local video record: synthetic hourly TIMING and EVENT records.

    This endpoint's own table answers HTTP 200 with the body codes 2003
    (offline) and 20015 (not supported); the simulator follows it.
    """
    dev = ctx.device()
    chan = ctx.channel(dev)
    record_type = ctx.int_param("recordType", choices=(1, 2, 3, 4))
    day_start = calendar.timegm(_time.gmtime(ctx.now)[:3] + (0, 0, 0, 0, 0, 0))
    start = _parse(ctx.param("startTime"), float(day_start))
    end = _parse(ctx.param("endTime"), ctx.now)
    if end < start:
        raise ApiError(10001, "endTime is before startTime")
    if not dev.online:
        raise ApiError(2003, http_status=200)
    if not dev.cap("support_disk"):
        raise ApiError(20015, http_status=200)
    if not any(d.status == 0 for d in dev.disks):
        return []
    records: list[dict[str, Any]] = []
    hour = int(start // 3600) * 3600
    while hour < end and len(records) < 500:
        spans = [("TIMING", 1, hour, hour + 3000)]
        if (hour // 3600) % 3 == 0:
            spans.append(("EVENT", 2, hour + 900, hour + 960))
        for name, code, s, e in spans:
            if record_type not in (None, code):
                continue
            if e <= start or s >= end:
                continue
            records.append(
                {
                    "startTime": _time.strftime(
                        "%Y-%m-%dT%H:%M:%S", _time.gmtime(max(s, start))
                    ),
                    "endTime": _time.strftime(
                        "%Y-%m-%dT%H:%M:%S", _time.gmtime(min(e, end))
                    ),
                    "deviceSerial": dev.serial,
                    "cameraNo": str(chan.no),
                    "type": name,
                    "size": "",
                }
            )
        hour += 3600
    return records


@route("/api/lapp/cloud/storage/open")
async def cloud_open(ctx: RequestContext) -> Any:
    """Enable Cloud Storage for Device via Card Password (fixture ``cloud_cards``)."""
    dev = ctx.device()
    card = ctx.req("cardPassword")
    if ctx.param("channelNo") is not None:
        ctx.channel(dev)
    ctx.int_param("isImmediately", choices=(0, 1))
    if not dev.cap("support_cloud"):
        raise ApiError(60020)
    info = ctx.state.cloud_cards.get(card)
    if info is None:
        raise ApiError(60031)
    if info.get("used"):
        raise ApiError(60032)
    info["used"] = True
    days = int(info.get("days", 30))
    start_ms = int(ctx.now * 1000)
    dev.cloud = {
        "status": 1,
        "userName": dev.cloud.get("userName", "demo"),
        "totalDays": 7,
        "validDays": days,
        "startTime": start_ms,
        "expireTime": start_ms + days * 86400 * 1000,
    }
    return NO_DATA


@route("/api/lapp/cloud/storage/device/info")
async def cloud_info(ctx: RequestContext) -> dict[str, Any]:
    """Search device cloud storage information."""
    dev = ctx.device()
    chan = ctx.channel(dev) if dev.channels else None
    cloud = dev.cloud
    status = int(cloud.get("status", -2)) if dev.cap("support_cloud") else -2
    return {
        "userName": cloud.get("userName", "demo"),
        "deviceSerial": dev.serial,
        "channelNo": chan.no if chan else 1,
        "totalDays": int(cloud.get("totalDays", 0)),
        "status": status,
        "validDays": int(cloud.get("validDays", 0)),
        "startTime": int(cloud.get("startTime", 0)),
        "expireTime": int(cloud.get("expireTime", 0)),
        "serviceDetail": _service_detail(dev, chan.no if chan else 1, cloud),
    }


def _service_detail(dev: Device, channel: int, cloud: dict[str, Any]) -> Any:
    """Describe the second kind of service as the reference's sample does, or None.

    The reference: ``serviceDetail`` is valid "only when the device has two
    types of the cloud storage service" (fleet: ``cloud.serviceDetail``).
    """
    detail = cloud.get("serviceDetail")
    if not isinstance(detail, dict):
        return None
    return {
        "userName": cloud.get("userName", "demo"),
        "deviceSerial": dev.serial,
        "channelNo": channel,
        "totalDays": int(detail.get("totalDays", 0)),
        "startTime": int(detail.get("startTime", 0)),
        "expireTime": int(detail.get("expireTime", 0)),
        "status": int(detail.get("status", 0)),
    }
