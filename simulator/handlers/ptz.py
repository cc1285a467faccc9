"""PTZ control: start/stop with bounded positions, mirror, presets."""

from __future__ import annotations

from typing import Any

from ..context import NO_DATA, RequestContext
from ..errors import ApiError
from ..routes import route
from ..state import Device, Ptz

# direction -> (pan delta, tilt delta)
_MOVES: dict[int, tuple[int, int]] = {
    0: (0, 1),
    1: (0, -1),
    2: (-1, 0),
    3: (1, 0),
    4: (-1, 1),
    5: (-1, -1),
    6: (1, 1),
    7: (1, -1),
}
_MIRROR_CAPS = {
    0: "ptz_top_bottom_mirror",
    1: "ptz_left_right_mirror",
    2: "ptz_center_mirror",
}
_MIRROR_KEYS = {0: "up_down", 1: "left_right", 2: "center"}


def _ptz_device(ctx: RequestContext) -> tuple[Device, Ptz]:
    dev = ctx.device()
    if ctx.param("channelNo") is None:
        raise ApiError(10001, "channelNo is not empty")
    ctx.channel(dev)
    if not dev.online:
        raise ApiError(20007)
    has_ptz = dev.ptz is not None and (
        dev.cap("support_ptz") or dev.cap("ptz_left_right") or dev.cap("ptz_top_bottom")
    )
    if not has_ptz or dev.ptz is None:
        raise ApiError(60000)
    return dev, dev.ptz


def _move(dev: Device, ptz: Ptz, direction: int, speed: int) -> None:
    if direction in (8, 9):
        if not dev.cap("ptz_zoom"):
            raise ApiError(60020)
        ptz.zoom = max(1, min(ptz.zoom_max, ptz.zoom + (1 if direction == 8 else -1)))
        return
    if direction in (10, 11):
        if not dev.cap("ptz_focus"):
            raise ApiError(60020)
        return
    d_pan, d_tilt = _MOVES[direction]
    if d_pan and d_tilt and not dev.cap("ptz_45"):
        raise ApiError(60020)
    if d_tilt and not dev.cap("ptz_top_bottom"):
        raise ApiError(60020)
    if d_pan and not dev.cap("ptz_left_right"):
        raise ApiError(60020)
    if d_tilt > 0 and ptz.tilt >= ptz.tilt_max:
        raise ApiError(60002)
    if d_tilt < 0 and ptz.tilt <= ptz.tilt_min:
        raise ApiError(60003)
    if d_pan < 0 and ptz.pan <= ptz.pan_min:
        raise ApiError(60004)
    if d_pan > 0 and ptz.pan >= ptz.pan_max:
        raise ApiError(60005)
    step = speed + 1
    ptz.pan = max(ptz.pan_min, min(ptz.pan_max, ptz.pan + d_pan * step))
    ptz.tilt = max(ptz.tilt_min, min(ptz.tilt_max, ptz.tilt + d_tilt * step))


@route("/api/lapp/device/ptz/start")
async def ptz_start(ctx: RequestContext) -> Any:
    """Start PTZ Control: moves one step (speed+1 units) towards ``direction``.

    At a bound the call answers 60002 (top), 60003 (bottom), 60004 (left) or
    60005 (right).
    """
    direction = ctx.req_int("direction", lo=0, hi=11)
    speed = ctx.req_int("speed", choices=(0, 1, 2))
    dev, ptz = _ptz_device(ctx)
    _move(dev, ptz, direction, speed)
    ptz.moving = direction
    return NO_DATA


@route("/api/lapp/device/ptz/stop")
async def ptz_stop(ctx: RequestContext) -> Any:
    """Stop PTZ Control (``direction`` is optional in practice)."""
    ctx.int_param("direction", lo=0, hi=11)
    _, ptz = _ptz_device(ctx)
    ptz.moving = None
    return NO_DATA


@route("/api/lapp/device/ptz/mirror")
async def ptz_mirror(ctx: RequestContext) -> Any:
    """Mirror Flip: 0 up/down, 1 left/right, 2 center (toggles)."""
    command = ctx.req_int("command", choices=(0, 1, 2))
    dev = ctx.device()
    if ctx.param("channelNo") is None:
        raise ApiError(10001, "channelNo is not empty")
    ctx.channel(dev)
    if not dev.online:
        raise ApiError(20007)
    if not dev.cap(_MIRROR_CAPS[command]):
        raise ApiError(60020)
    if dev.ptz is None:
        dev.ptz = Ptz()
    key = _MIRROR_KEYS[command]
    dev.ptz.mirror[key] = 1 - dev.ptz.mirror.get(key, 0)
    return NO_DATA


@route("/api/lapp/device/preset/add")
async def preset_add(ctx: RequestContext) -> dict[str, Any]:
    """Add Preset at the current position; answers the new index."""
    dev, ptz = _ptz_device(ctx)
    if not dev.cap("ptz_preset"):
        raise ApiError(60020)
    free = [i for i in range(1, ptz.max_presets + 1) if i not in ptz.presets]
    if not free:
        raise ApiError(60007)
    index = free[0]
    ptz.presets[index] = (ptz.pan, ptz.tilt, ptz.zoom)
    return {"index": index}


@route("/api/lapp/device/preset/move")
async def preset_move(ctx: RequestContext) -> Any:
    """Call Preset: 60011 when the preset does not exist."""
    index = ctx.req_int("index", lo=1)
    dev, ptz = _ptz_device(ctx)
    if not dev.cap("ptz_preset"):
        raise ApiError(60020)
    pos = ptz.presets.get(index)
    if pos is None:
        raise ApiError(60011)
    ptz.pan, ptz.tilt, ptz.zoom = pos
    return NO_DATA


@route("/api/lapp/device/preset/clear")
async def preset_clear(ctx: RequestContext) -> Any:
    """Clear Preset (clearing an unknown index succeeds)."""
    index = ctx.req_int("index", lo=1)
    dev, ptz = _ptz_device(ctx)
    if not dev.cap("ptz_preset"):
        raise ApiError(60020)
    ptz.presets.pop(index, None)
    return NO_DATA
