"""Alarm lists (account-wide and per device)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..routes import route

if TYPE_CHECKING:
    from ..context import Paged, RequestContext
    from ..state import Alarm, Device

_SEVEN_DAYS_MS = 7 * 86400 * 1000


def alarm_entry(
    ctx: RequestContext, alarm: Alarm, dev: Device | None
) -> dict[str, Any]:
    """One alarm row as the API sends it."""
    suffix = "-enc" if alarm.is_encrypt else ""
    pic = ctx.url(f"/_sim/pic/alarm-{alarm.serial}-{alarm.alarm_id}{suffix}.jpg")
    pic += f"?isEncrypted={alarm.is_encrypt}&isCloudStored=0"
    return {
        "alarmId": alarm.alarm_id,
        "alarmName": alarm.name or (dev.name if dev else alarm.serial),
        "alarmType": alarm.alarm_type,
        "alarmTime": alarm.alarm_time_ms,
        "channelNo": alarm.channel_no,
        "isEncrypt": alarm.is_encrypt,
        "isChecked": alarm.is_checked,
        "preTime": alarm.pre_time,
        "delayTime": alarm.delay_time,
        "deviceSerial": alarm.serial,
        "alarmPicUrl": pic,
        "relationAlarms": [],
        "customerType": None,
        "customerInfo": None,
    }


def _filtered(ctx: RequestContext, serial: str | None) -> list[Alarm]:
    now_ms = int(ctx.now * 1000)
    # The reference defaults to "0 o'clock of the current day"; the simulator
    # uses the last 24 hours so that tests do not depend on the time of day.
    start = ctx.int_param("startTime", default=now_ms - 86400 * 1000, lo=0)
    end = ctx.int_param("endTime", default=now_ms, lo=0)
    alarm_type = ctx.int_param("alarmType", default=-1)
    status = ctx.int_param("status", default=0, choices=(0, 1, 2))
    assert start is not None
    assert end is not None
    start = max(start, now_ms - _SEVEN_DAYS_MS)
    result = [
        a
        for a in ctx.state.alarms
        if (serial is None or a.serial == serial)
        and start <= a.alarm_time_ms <= end
        and (alarm_type in (-1, a.alarm_type))
        and (status in (2, a.is_checked))
    ]
    result.sort(key=lambda a: a.alarm_time_ms, reverse=True)
    return result


@route("/api/lapp/alarm/list")
async def alarm_list(ctx: RequestContext) -> Paged:
    """Get All Alarm Lists (default: today's unread alarms, newest first)."""
    alarms = _filtered(ctx, None)
    devices = ctx.state.devices
    return ctx.page([alarm_entry(ctx, a, devices.get(a.serial)) for a in alarms])


@route("/api/lapp/alarm/device/list")
async def alarm_device_list(ctx: RequestContext) -> Paged:
    """Get Alarm Information List by Device."""
    dev = ctx.device()
    alarms = _filtered(ctx, dev.serial)
    return ctx.page([alarm_entry(ctx, a, dev) for a in alarms])
