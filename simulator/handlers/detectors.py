"""Detectors of A1-type alarm hubs and their links to IPCs."""

from __future__ import annotations

import re
import time as _time
from typing import Any

from ..context import NO_DATA, RequestContext
from ..errors import ApiError
from ..routes import route
from ..state import DETECTOR_MODELS, Detector, Device

_NAME_FORBIDDEN = re.compile(r"[<>\"'&\\/%#;]")


def detector_entry(det: Detector) -> dict[str, Any]:
    """One row of detector/list."""
    return {
        "detectorSerial": det.serial,
        "detectorType": det.type,
        "detectorState": det.state,
        "detectorTypeName": det.type_name,
        "location": det.location,
        "zfStatus": det.zf_status,
        "uvStatus": det.uv_status,
        "iwcStatus": det.iwc_status,
        "olStatus": det.ol_status,
        "atHomeEnable": det.at_home_enable,
        "outerEnable": det.outer_enable,
        "sleepEnable": det.sleep_enable,
        "updateTime": det.update_time,
    }


def _detector(ctx: RequestContext, dev: Device) -> Detector:
    serial = ctx.req("detectorSerial").upper()
    for det in dev.detectors:
        if det.serial == serial:
            return det
    raise ApiError(20002, "The detector does not exist.")


def _hub(ctx: RequestContext, *, online: bool = False) -> Device:
    dev = ctx.device()
    if online and not dev.online:
        raise ApiError(20007)
    if not dev.is_hub:
        raise ApiError(60020)
    return dev


@route("/api/lapp/detector/list")
async def detector_list(ctx: RequestContext) -> list[dict[str, Any]]:
    """Get Detector List (empty for devices without detectors)."""
    dev = ctx.device()
    return [detector_entry(d) for d in dev.detectors]


@route("/api/lapp/detector/status/set")
async def detector_status_set(ctx: RequestContext) -> Any:
    """Set Detector Status: safeMode 0 stay (home), 1 away, 2 sleeping."""
    dev = _hub(ctx)
    det = _detector(ctx, dev)
    mode = ctx.req_int("safeMode", choices=(0, 1, 2))
    enable = ctx.req_int("enable", choices=(0, 1))
    if not dev.online:
        raise ApiError(20007)
    attr = {0: "at_home_enable", 1: "outer_enable", 2: "sleep_enable"}[mode]
    setattr(det, attr, enable)
    det.update_time = _time.strftime("%Y-%m-%d %H:%M:%S", _time.gmtime(ctx.now))
    return NO_DATA


@route("/api/lapp/detector/delete")
async def detector_delete(ctx: RequestContext) -> Any:
    """Delete Detector."""
    dev = _hub(ctx, online=True)
    det = _detector(ctx, dev)
    dev.detectors.remove(det)
    return NO_DATA


@route("/api/lapp/detector/ipc/list/bindable")
async def ipc_bindable(ctx: RequestContext) -> list[dict[str, Any]]:
    """Get IPC List to be Linked (the account's single-channel cameras)."""
    dev = _hub(ctx)
    return [
        {
            "deviceSerial": other.serial,
            "channelNo": chan.no,
            "cameraName": chan.name or other.name,
        }
        for other in ctx.state.ordered_devices()
        if other is not dev and other.category.upper() != "NVR"
        for chan in other.channels
    ]


@route("/api/lapp/detector/ipc/list/bind")
async def ipc_bound(ctx: RequestContext) -> list[dict[str, Any]]:
    """Get Linked IPC List of a detector."""
    dev = _hub(ctx)
    det = _detector(ctx, dev)
    return [{"detectorSerial": det.serial, "ipcSerial": ipc} for ipc in det.bound_ipcs]


@route("/api/lapp/detector/ipc/relation/set")
async def ipc_relation_set(ctx: RequestContext) -> Any:
    """Set Linkage Relation between Detector and IPC (operation 0 delete, 1 bind)."""
    dev = _hub(ctx)
    det = _detector(ctx, dev)
    ipc = ctx.req("ipcSerial").upper()
    operation = ctx.req_int("operation", choices=(0, 1))
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap("support_ipc_link"):
        raise ApiError(60020)
    if operation == 1:
        if ipc not in ctx.state.devices:
            raise ApiError(20002)
        if ipc not in det.bound_ipcs:
            det.bound_ipcs.append(ipc)
    elif ipc in det.bound_ipcs:
        det.bound_ipcs.remove(ipc)
    return NO_DATA


@route("/api/lapp/detector/name/change")
async def detector_rename(ctx: RequestContext) -> Any:
    """Edit Detector Name (< 50 characters, no special characters)."""
    dev = _hub(ctx)
    det = _detector(ctx, dev)
    name = ctx.req("newName")
    if len(name) >= 50 or _NAME_FORBIDDEN.search(name):
        raise ApiError(10001, "newName format is incorrect")
    if not dev.online:
        raise ApiError(20007)
    det.location = name
    return NO_DATA


@route("/api/lapp/detector/cancelAlarm")
async def cancel_alarm(ctx: RequestContext) -> Any:
    """One-touch Clear Alarm for Device (clears zone faults)."""
    dev = _hub(ctx, online=True)
    for det in dev.detectors:
        det.zf_status = 0
    dev.alarm_cleared_at = ctx.now
    return NO_DATA


@route("/api/lapp/detector/add")
async def detector_add(ctx: RequestContext) -> Any:
    """Set device associated with detector (detectorCode must be ABCDEF)."""
    dev = _hub(ctx)
    serial = ctx.req("detectorSerial").upper()
    model = ctx.req("detectorType").upper()
    code = ctx.req("detectorCode")
    if model not in DETECTOR_MODELS:
        raise ApiError(10001, "detectorType is unknown")
    if code != "ABCDEF":
        raise ApiError(20010)
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap("support_add_del_detector"):
        raise ApiError(60020)
    if any(d.serial == serial for d in dev.detectors):
        raise ApiError(10001, "detector already added")
    kind = DETECTOR_MODELS[model]
    dev.detectors.append(
        Detector(
            serial=serial,
            type=kind,
            location=f"{kind.title()} {serial}",
            update_time=_time.strftime("%Y-%m-%d %H:%M:%S", _time.gmtime(ctx.now)),
        )
    )
    return NO_DATA
