"""Device settings behind the v3 endpoints (``/api/v3/device/...``).

These calls put ``accessToken``/``deviceSerial`` (and ``channelNo``) in
headers and their parameters in the query string; only the working-mode
plan is set with a JSON body. Errors come back as HTTP 4xx with the body code
(412 + 20007 offline, 422 + 60020 unsupported); ``BaseClient._v3`` maps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Self

from ._convert import check_enum, hh_mm
from ._params import (
    check_channel,
    check_int_range,
    check_serial,
    param_error,
    switch_value,
)
from ._parse import as_bool, as_dict, as_dict_list, as_int, as_list, as_str
from .client import BaseClient

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import time

PATH_FILL_LIGHT_GET = "/api/v3/device/fillLight/mode/get"
PATH_FILL_LIGHT_SET = "/api/v3/device/fillLight/mode/set"
PATH_SWITCH_GET = "/api/v3/device/switchStatus/get"
PATH_SWITCH_SET = "/api/v3/device/switchStatus/set"
PATH_TIMING_PLAN_GET = "/api/v3/device/timing/plan/get"
PATH_TIMING_PLAN_SET = "/api/v3/device/timing/plan/set"
PATH_ALARM_SOUND_GET = "/api/v3/device/alarmSound/enabled/get"
PATH_ALARM_SOUND_SET = "/api/v3/device/alarmSound/enabled/set"
PATH_MOTION_AREA_GET = "/api/v3/device/motion/detect/get"
PATH_MOTION_AREA_SET = "/api/v3/device/motion/detect/set"
PATH_AUDITION = "/api/v3/device/audition"
PATH_FORMAT_STATUS = "/api/v3/device/format/status"
PATH_FORMAT_DISK = "/api/v3/device/format/disk"


def _int_enum_of[E: IntEnum](enum: type[E], value: Any) -> E | int | None:
    """Return a member of ``enum``, the bare int if unknown, or None."""
    number = as_int(value)
    if number is None:
        return None
    try:
        return enum(number)
    except ValueError:
        return number


class FillLightMode(IntEnum):
    """Night-vision fill light mode (``graphicType`` / ``mode``)."""

    BLACK_AND_WHITE = 0
    FULL_COLOR = 1
    SMART = 2


class SwitchType(IntEnum):
    """Switch numbers of ``switchStatus``; the reference documents only 301.

    Other numbers are passed and returned as plain ints.
    """

    MOTION_TRIGGERED_LIGHT = 301  # light flicker / motion-detection light linkage


class WorkingMode(IntEnum):
    """Battery camera working mode run by the timing plan (``eventArg``)."""

    POWER_SAVING = 0
    PERFORMANCE = 1
    NORMAL = 2
    SUPER_POWER_SAVING = 3


class AlarmSoundMode(IntEnum):
    """Alarm sound of a detection (``alarmSoundMode`` / ``type``)."""

    SHORT = 0
    LONG = 1
    MUTE = 2


class VoiceIndex(IntEnum):
    """Ringtone played by ``audition`` (``voiceIndex``)."""

    ALERT_BEEP = 200
    ALARM_BEEP = 201
    MUTE = 202


class StorageMediumStatus(IntEnum):
    """State of a storage medium in ``format/status``."""

    NORMAL = 0
    ERROR = 1
    UNFORMATTED = 2
    FORMATTING = 3


@dataclass(frozen=True)
class FillLightStatus:
    """Fill light mode; the reference gives brightness 100 and 5 s as fixed."""

    device_serial: str | None
    mode: FillLightMode | int | None
    luminance: int | None
    duration: int | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse the ``fillLight/mode/get`` data."""
        raw = as_dict(data)
        return cls(
            device_serial=as_str(raw.get("deviceSerial")),
            mode=_int_enum_of(FillLightMode, raw.get("graphicType")),
            luminance=as_int(raw.get("luminance")),
            duration=as_int(raw.get("duration")),
            raw=raw,
        )


@dataclass(frozen=True)
class SwitchStatus:
    """One device switch."""

    sub_serial: str | None
    switch_type: SwitchType | int | None
    enabled: bool | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse the ``switchStatus/get`` data."""
        raw = as_dict(data)
        return cls(
            sub_serial=as_str(raw.get("subSerial")),
            switch_type=_int_enum_of(SwitchType, raw.get("type")),
            enabled=as_bool(raw.get("enable")),
            raw=raw,
        )


def _mode_of_event_arg(value: str | None) -> WorkingMode | int | None:
    """Read ``eventArg`` ("mode:1" in replies, a bare number in requests)."""
    if value is None:
        return None
    text = value.strip()
    if ":" in text:
        key, _, text = text.partition(":")
        if key.strip().lower() != "mode":
            return None
    return _int_enum_of(WorkingMode, text)


def _week_days(value: Any) -> tuple[int, ...]:
    """Parse "0,1,6" (0 = Sunday .. 6 = Saturday) leniently."""
    if isinstance(value, list | tuple):
        items: list[Any] = list(value)
    else:
        items = (as_str(value) or "").split(",")
    days = (as_int(item) for item in items)
    return tuple(day for day in days if day is not None)


@dataclass(frozen=True)
class TimePlanSlot:
    """One daily time range of a working-mode plan."""

    begin_time: str | None
    end_time: str | None
    event_arg: str | None
    mode: WorkingMode | int | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse one ``timePlan`` item."""
        raw = as_dict(data)
        event_arg = as_str(raw.get("eventArg"))
        return cls(
            begin_time=as_str(raw.get("beginTime")),
            end_time=as_str(raw.get("endTime")),
            event_arg=event_arg,
            mode=_mode_of_event_arg(event_arg),
            raw=raw,
        )


@dataclass(frozen=True)
class WeekPlan:
    """The slots applied on some week days (0 = Sunday .. 6 = Saturday)."""

    week_days: tuple[int, ...]
    time_plan: list[TimePlanSlot]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse one ``weekPlans`` item."""
        raw = as_dict(data)
        return cls(
            week_days=_week_days(raw.get("weekDay")),
            time_plan=[
                TimePlanSlot.from_api(s) for s in as_dict_list(raw.get("timePlan"))
            ],
            raw=raw,
        )


@dataclass(frozen=True)
class TimingPlan:
    """The working-mode plan of a (battery) device."""

    sub_serial: str | None
    sub_type: int | None
    week_plans: list[WeekPlan]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse the ``timing/plan/get`` data."""
        raw = as_dict(data)
        return cls(
            sub_serial=as_str(raw.get("subSerial")),
            sub_type=as_int(raw.get("subType")),
            week_plans=[
                WeekPlan.from_api(w) for w in as_dict_list(raw.get("weekPlans"))
            ],
            raw=raw,
        )


@dataclass(frozen=True)
class AlarmSoundStatus:
    """Alarm sound mode of a device."""

    device_serial: str | None
    mode: AlarmSoundMode | int | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse the ``alarmSound/enabled/get`` data."""
        raw = as_dict(data)
        return cls(
            device_serial=as_str(raw.get("deviceSerial")),
            mode=_int_enum_of(AlarmSoundMode, raw.get("alarmSoundMode")),
            raw=raw,
        )


@dataclass(frozen=True)
class MotionDetectArea:
    """Detection area: a grid of ``rows`` x ``columns`` encoded in ``area``."""

    device_serial: str | None
    channel_no: int | None
    rows: int | None
    columns: int | None
    area: tuple[int, ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse the ``motion/detect/get`` data."""
        raw = as_dict(data)
        area_raw = raw.get("area")
        items = (
            as_list(area_raw) if not isinstance(area_raw, str) else area_raw.split(",")
        )
        values = (as_int(item) for item in items)
        return cls(
            device_serial=as_str(raw.get("deviceSerial")),
            channel_no=as_int(raw.get("channelNo")),
            rows=as_int(raw.get("rows")),
            columns=as_int(raw.get("columns")),
            area=tuple(v for v in values if v is not None),
            raw=raw,
        )


@dataclass(frozen=True)
class StorageMedium:
    """A storage medium (SD card, disk) and its formatting progress."""

    index: int | None
    name: str | None
    status: StorageMediumStatus | int | None
    formatting_rate: int | None  # percent
    capacity: int | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse one ``storageStatus`` item."""
        raw = as_dict(data)
        return cls(
            index=as_int(raw.get("index")),
            name=as_str(raw.get("name")),
            status=_int_enum_of(StorageMediumStatus, raw.get("status")),
            formatting_rate=as_int(raw.get("formattingRate")),
            capacity=as_int(raw.get("capacity")),
            raw=raw,
        )


class DeviceConfigMixin(BaseClient):
    """Fill light, switches, working-mode plan, alarm sound, detection area, disks."""

    async def _v3_object(
        self, path: str, serial: str, *, channel: int | None = None
    ) -> dict[str, Any]:
        """GET a setting of a device (or of one channel); return the data object."""
        data = await self._v3(
            "GET",
            path,
            serial=check_serial(serial, path),
            channel=check_channel(channel, path),
        )
        return self._expect_dict(data, path)

    async def _set_mode[E: IntEnum](
        self, path: str, serial: str, key: str, mode: E, enum: type[E]
    ) -> None:
        """POST the member ``mode`` of ``enum`` as the query parameter ``key``."""
        await self._v3(
            "POST",
            path,
            serial=check_serial(serial, path),
            query={key: check_enum(mode, enum, "mode", path)},
        )

    async def get_fill_light_mode(self, serial: str) -> FillLightStatus:
        """Read the night-vision fill light mode."""
        data = await self._v3_object(PATH_FILL_LIGHT_GET, serial)
        return FillLightStatus.from_api(data)

    async def set_fill_light_mode(self, serial: str, mode: FillLightMode) -> None:
        """Set the night-vision fill light mode."""
        await self._set_mode(PATH_FILL_LIGHT_SET, serial, "mode", mode, FillLightMode)

    async def get_switch_status(
        self, serial: str, switch_type: SwitchType | int
    ) -> SwitchStatus:
        """Read the state of one device switch."""
        path = PATH_SWITCH_GET
        data = await self._v3(
            "GET",
            path,
            serial=check_serial(serial, path),
            query={"type": _switch_type(switch_type, path)},
        )
        return SwitchStatus.from_api(self._expect_dict(data, path))

    async def set_switch_status(
        self, serial: str, switch_type: SwitchType | int, enabled: bool
    ) -> None:
        """Turn one device switch on or off."""
        path = PATH_SWITCH_SET
        await self._v3(
            "POST",
            path,
            serial=check_serial(serial, path),
            query={
                "enable": switch_value(enabled),
                "type": _switch_type(switch_type, path),
            },
        )

    async def get_timing_plan(self, serial: str) -> TimingPlan:
        """Read the working-mode plan."""
        data = await self._v3_object(PATH_TIMING_PLAN_GET, serial)
        return TimingPlan.from_api(data)

    async def set_timing_plan(
        self,
        serial: str,
        *,
        enabled: bool,
        start: time | str,
        end: time | str,
        week_days: Iterable[int],
        mode: WorkingMode | None = None,
    ) -> None:
        """Run ``mode`` from ``start`` to ``end`` on ``week_days`` (0 = Sunday).

        The body fields are strings as documented; ``eventArg`` is sent as the
        bare mode number the set table lists (replies write it "mode:N").
        """
        path = PATH_TIMING_PLAN_SET
        days = sorted(
            {check_int_range(day, 0, 6, "week_days", path) for day in week_days}
        )
        if not days:
            raise param_error("week_days must name at least one day", path)
        body: dict[str, str] = {
            "enable": str(switch_value(enabled)),
            "startTime": hh_mm(start, "start", path),
            "endTime": hh_mm(end, "end", path),
            "week": ",".join(str(day) for day in days),
        }
        if mode is not None:
            body["eventArg"] = str(int(check_enum(mode, WorkingMode, "mode", path)))
        await self._v3("POST", path, serial=check_serial(serial, path), json_body=body)

    async def get_alarm_sound_mode(self, serial: str) -> AlarmSoundStatus:
        """Read the alarm sound mode."""
        data = await self._v3_object(PATH_ALARM_SOUND_GET, serial)
        return AlarmSoundStatus.from_api(data)

    async def set_alarm_sound_mode(self, serial: str, mode: AlarmSoundMode) -> None:
        """Set the alarm sound mode (short, long, mute)."""
        await self._set_mode(PATH_ALARM_SOUND_SET, serial, "type", mode, AlarmSoundMode)

    async def get_motion_detect_area(
        self, serial: str, *, channel: int = 1
    ) -> MotionDetectArea:
        """Read the motion/human detection area of a channel."""
        data = await self._v3_object(PATH_MOTION_AREA_GET, serial, channel=channel)
        return MotionDetectArea.from_api(data)

    async def set_motion_detect_area(
        self, serial: str, area: Sequence[int], *, channel: int = 1
    ) -> None:
        """Set the detection area (the same encoding ``get`` returns)."""
        path = PATH_MOTION_AREA_SET
        if isinstance(area, str | bytes) or not area:
            raise param_error("area must be a non-empty sequence of integers", path)
        values = [check_int_range(value, 0, None, "area", path) for value in area]
        await self._v3(
            "POST",
            path,
            serial=check_serial(serial, path),
            channel=check_channel(channel, path),
            query={"area": ",".join(str(value) for value in values)},
        )

    async def play_ringtone(
        self, serial: str, voice: VoiceIndex, *, volume: int | None = None
    ) -> None:
        """Play a ringtone on the device (``volume`` 1..100, device default 1)."""
        path = PATH_AUDITION
        await self._v3(
            "POST",
            path,
            serial=check_serial(serial, path),
            query={
                "voiceIndex": check_enum(voice, VoiceIndex, "voice", path),
                "volume": (
                    None
                    if volume is None
                    else check_int_range(volume, 1, 100, "volume", path)
                ),
            },
        )

    async def get_format_status(self, serial: str) -> list[StorageMedium]:
        """Storage media and their formatting progress."""
        path = PATH_FORMAT_STATUS
        data = await self._v3_object(path, serial)
        media = data.get("storageStatus")
        if media is None:
            return []
        return [StorageMedium.from_api(item) for item in self._expect_list(media, path)]

    async def format_disk(self, serial: str, disk_index: int) -> None:
        """Start formatting a storage medium (poll ``get_format_status``)."""
        path = PATH_FORMAT_DISK
        await self._v3(
            "PUT",
            path,
            serial=check_serial(serial, path),
            query={
                "diskIndex": check_int_range(disk_index, 0, None, "disk_index", path)
            },
        )


def _switch_type(value: SwitchType | int, endpoint: str) -> int:
    """Check a switch number: any positive int, known or not."""
    return int(check_int_range(value, 1, None, "switch_type", endpoint))
