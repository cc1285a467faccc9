"""Device management and device information (lists, info, status, capture, NVR links)."""

from __future__ import annotations

import re
import time as _time
from typing import TYPE_CHECKING, Any

from ..context import NO_DATA, Paged, RequestContext
from ..errors import ApiError
from ..routes import route

if TYPE_CHECKING:
    from ..state import Channel, Device

_NAME_FORBIDDEN = re.compile(r"[<>\"'&\\/%#;]")


def fmt_time(epoch: float) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC."""
    return _time.strftime("%Y-%m-%d %H:%M:%S", _time.gmtime(epoch))


def channel_online(dev: Device, chan: Channel) -> bool:
    """Whether a channel is online (an NVR channel needs a linked, online IPC)."""
    if not dev.online:
        return False
    if dev.category.upper() == "NVR":
        return chan.ipc_serial is not None and chan.online
    return chan.online


def channel_name(dev: Device, chan: Channel) -> str:
    """Return the channel name; unconfigured NVR channels are named after the serial."""
    if dev.category.upper() == "NVR" and chan.ipc_serial is None:
        return dev.serial
    return chan.name or f"{dev.name}"


def cover_url(ctx: RequestContext, dev: Device, chan: Channel) -> str:
    """Return the picUrl of a channel (served by the simulator)."""
    return ctx.url(f"/_sim/pic/cover-{dev.serial}-{chan.no}.jpg")


def device_entry(dev: Device) -> dict[str, Any]:
    """One row of device/list."""
    return {
        "id": f"{dev.serial.lower()}{dev.serial}",
        "deviceSerial": dev.serial,
        "deviceName": dev.name,
        "deviceType": dev.device_type,
        "status": 1 if dev.online else 0,
        "defence": dev.defence,
        "deviceVersion": dev.upgrade.current,
        "isEncrypt": int(dev.is_encrypt),
        "updateTime": fmt_time(dev.update_time_ms / 1000),
        "parentCategory": dev.parent_category,
        "category": dev.category,
        "netAddress": dev.net_address,
    }


def camera_entry(ctx: RequestContext, dev: Device, chan: Channel) -> dict[str, Any]:
    """One row of camera/list."""
    return {
        "deviceSerial": dev.serial,
        "channelNo": chan.no,
        "channelName": channel_name(dev, chan),
        "status": 1 if channel_online(dev, chan) else 0,
        "isShared": chan.is_shared,
        "picUrl": cover_url(ctx, dev, chan),
        "isEncrypt": int(dev.is_encrypt),
        "videoLevel": chan.video_level,
    }


@route("/api/lapp/device/list")
async def device_list(ctx: RequestContext) -> Paged:
    """Get Device List (paged)."""
    return ctx.page([device_entry(d) for d in ctx.state.ordered_devices()])


@route("/api/lapp/camera/list")
async def camera_list(ctx: RequestContext) -> Paged:
    """Get Camera List (paged, one row per channel)."""
    rows = [
        camera_entry(ctx, dev, chan)
        for dev in ctx.state.ordered_devices()
        for chan in dev.channels
    ]
    return ctx.page(rows)


@route("/api/lapp/device/info")
async def device_info(ctx: RequestContext) -> dict[str, Any]:
    """Get Single Device Information; with ``version=utc`` the time-zone read."""
    dev = ctx.device()
    version = ctx.param("version")
    if version is not None and version != "utc":
        raise ApiError(10001, "version must be utc")
    status: int | str = 1 if dev.online else 0
    if "status_as_string" in dev.quirks:
        status = str(status)
    data: dict[str, Any] = {
        "deviceSerial": dev.serial,
        "deviceName": dev.name,
        "localName": dev.local_name or dev.name,
        "model": dev.model,
        "status": status,
        "defence": dev.defence,
        "isEncrypt": int(dev.is_encrypt),
        "alarmSoundMode": dev.alarm_sound_mode,
        "offlineNotify": dev.offline_notify,
        "category": dev.category,
        "parentCategory": dev.parent_category,
        "updateTime": dev.update_time_ms,
        "netType": dev.net_type,
        "signal": f"{dev.signal}%" if dev.online else "0%",
        "netAddress": dev.net_address,
    }
    if version == "utc":
        data["wifiSsid"] = dev.wifi_ssid
        data["timeZone"] = dev.timezone
    return data


def _disk_state(dev: Device) -> str:
    chars = "".join(str(d.status) for d in dev.disks)
    return (chars + "-" * 16)[:16]


@route("/api/lapp/device/status/get")
async def device_status(ctx: RequestContext) -> dict[str, Any]:
    """Get the device status information (cached cloud-side, works offline)."""
    dev = ctx.device()
    if dev.channels:
        ctx.channel(dev, "channel")
    has_disk = dev.cap("support_disk")
    return {
        "privacyStatus": dev.privacy if dev.cap("support_privacy") else -2,
        "pirStatus": dev.pir_status,
        "alarmSoundMode": dev.alarm_sound_mode
        if dev.cap("support_alarm_voice")
        else -1,
        "battryStatus": dev.battery,
        "lockSignal": -1,
        "diskNum": len(dev.disks) if has_disk else -1,
        "diskState": _disk_state(dev) if has_disk else "-1",
        "cloudType": 1 if dev.cloud.get("status") == 1 else 0,
        "cloudStatus": int(dev.cloud.get("status", -2)),
        "nvrDiskNum": -2,
        "nvrDiskState": "-2",
    }


@route("/api/lapp/device/camera/list")
async def device_camera_list(ctx: RequestContext) -> list[dict[str, Any]]:
    """Get device channel information."""
    dev = ctx.device()
    rows = []
    for chan in dev.channels:
        row = camera_entry(ctx, dev, chan)
        row["ipcSerial"] = chan.ipc_serial or dev.serial
        row["deviceName"] = dev.name
        row["relatedIpc"] = chan.ipc_serial is not None
        rows.append(row)
    return rows


@route("/api/lapp/device/add")
async def device_add(ctx: RequestContext) -> Any:
    """Add Device (devices from the fixture's ``unowned_devices``)."""
    serial = ctx.serial()
    code = ctx.req("validateCode")
    state = ctx.state
    if serial in state.devices:
        raise ApiError(20017)
    if serial in state.foreign:
        raise ApiError(20013)
    dev = state.unowned.get(serial)
    if dev is None:
        raise ApiError(20002)
    if not dev.online:
        raise ApiError(20007)
    if code != dev.validate_code:
        raise ApiError(20010)
    del state.unowned[serial]
    state.devices[serial] = dev
    return NO_DATA


@route("/api/lapp/device/delete")
async def device_delete(ctx: RequestContext) -> Any:
    """Delete Device: it leaves the lists and can be added again with its code."""
    dev = ctx.device()
    del ctx.state.devices[dev.serial]
    ctx.state.unowned[dev.serial] = dev
    ctx.state.alarms = [a for a in ctx.state.alarms if a.serial != dev.serial]
    return NO_DATA


@route("/api/lapp/device/name/update")
async def device_name_update(ctx: RequestContext) -> Any:
    """Edit Device Name (50 bytes max, no special characters)."""
    dev = ctx.device()
    name = ctx.req("deviceName")
    if len(name.encode("utf-8")) > 50 or _NAME_FORBIDDEN.search(name):
        raise ApiError(10001, "deviceName format is incorrect")
    dev.name = name
    if dev.channels and dev.category.upper() != "NVR":
        dev.channels[0].name = name
    return NO_DATA


@route("/api/lapp/device/capture")
async def device_capture(ctx: RequestContext) -> dict[str, Any]:
    """Capture Pictures: a fresh picUrl on the simulator."""
    dev = ctx.device()
    chan = ctx.channel(dev)
    ctx.int_param("quality", choices=(0, 1, 2, 3, 4))
    if dev.capture_error is not None:
        raise ApiError(dev.capture_error)
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap("support_capture"):
        raise ApiError(60020)
    if not channel_online(dev, chan):
        raise ApiError(20007)
    n = ctx.state.next_id()
    ctx.state.captures[n] = ctx.now  # the picture shows the time it was taken
    # A device with video encryption encrypts its captures with its code.
    suffix = "-enc" if dev.is_encrypt else ""
    return {
        "picUrl": ctx.url(f"/_sim/pic/capture-{dev.serial}-{chan.no}-{n}{suffix}.jpg")
    }


@route("/api/lapp/device/uuid/picture")
async def uuid_picture(ctx: RequestContext) -> dict[str, Any]:
    """Search Captured Picture by UUID (Linktom devices)."""
    uuid = ctx.req("uuid")
    ctx.req_int("size", lo=0, hi=1280)
    if not re.fullmatch(r"[0-9a-fA-F]{8,64}", uuid):
        raise ApiError(20302)
    return {"picUrl": ctx.url(f"/_sim/pic/uuid-{uuid}.jpg")}


def _nvr(ctx: RequestContext) -> Device:
    dev = ctx.device(online=True)
    if dev.category.upper() != "NVR":
        raise ApiError(60020)
    return dev


@route("/api/lapp/device/ipc/add")
async def ipc_add(ctx: RequestContext) -> Any:
    """Link IPC to NVR (to the given channel or the first free one)."""
    dev = _nvr(ctx)
    ipc = ctx.req("ipcSerial").upper()
    no = ctx.int_param("channelNo")
    for chan in dev.channels:
        if chan.ipc_serial == ipc:
            raise ApiError(60041)
    if no is not None:
        target = dev.channel(no)
        if target is None:
            raise ApiError(60052)
        if target.ipc_serial is not None:
            raise ApiError(60045)
    else:
        free = [c for c in dev.channels if c.ipc_serial is None]
        if not free:
            raise ApiError(60043)
        target = free[0]
    target.ipc_serial = ipc
    target.online = True
    target.name = f"IPC {ipc}"
    return NO_DATA


@route("/api/lapp/device/ipc/delete")
async def ipc_delete(ctx: RequestContext) -> Any:
    """Delete IPC from NVR."""
    dev = _nvr(ctx)
    ipc = ctx.req("ipcSerial").upper()
    no = ctx.int_param("channelNo")
    for chan in dev.channels:
        if chan.ipc_serial == ipc and (no is None or chan.no == no):
            chan.ipc_serial = None
            chan.name = dev.serial
            return NO_DATA
    raise ApiError(60057)
