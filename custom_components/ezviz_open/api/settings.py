"""Device switches and settings of the lapp API: arming, privacy, encryption, ...

The reference calls ``device/scene/switch/*`` "video tampering"; it is the
lens-masking privacy mode (capability ``support_privacy``, status
``privacyStatus``), exposed here as :meth:`SettingsMixin.get_privacy` /
:meth:`SettingsMixin.set_privacy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Self

from ._convert import check_enum, hh_mm
from ._params import (
    check_channel,
    check_int_range,
    check_serial,
    check_text,
    param_error,
    switch_value,
)
from ._parse import as_bool, as_dict, as_int, as_list, as_str
from .client import BaseClient

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

PATH_DEFENCE_SET = "/api/lapp/device/defence/set"
PATH_ENCRYPT_OFF = "/api/lapp/device/encrypt/off"
PATH_ENCRYPT_ON = "/api/lapp/device/encrypt/on"
PATH_PROMPT_SOUND_STATUS = "/api/lapp/device/sound/switch/status"
PATH_PROMPT_SOUND_SET = "/api/lapp/device/sound/switch/set"
PATH_PRIVACY_STATUS = "/api/lapp/device/scene/switch/status"
PATH_PRIVACY_SET = "/api/lapp/device/scene/switch/set"
PATH_SSL_STATUS = "/api/lapp/device/ssl/switch/status"
PATH_SSL_SET = "/api/lapp/device/ssl/switch/set"
PATH_DEFENCE_PLAN_GET = "/api/lapp/device/defence/plan/get"
PATH_DEFENCE_PLAN_SET = "/api/lapp/device/defence/plan/set"
PATH_MICROPHONE_STATUS = "/api/lapp/camera/video/sound/status"
PATH_MICROPHONE_SET = "/api/lapp/camera/video/sound/set"
PATH_PIR_SET = "/api/lapp/device/pir/set"
PATH_PIR_GET = "/api/lapp/device/pir/get"
PATH_CHIME_SET = "/api/lapp/device/chime/set"
PATH_CHIME_GET = "/api/lapp/device/chime/get"
PATH_INFRARED_SET = "/api/lapp/device/infrared/switch/set"
PATH_INFRARED_GET = "/api/lapp/device/infrared/switch/get"


class CameraDefenceMode(IntEnum):
    """Arming state of an ordinary camera (motion detection switch)."""

    DISARMED = 0
    ARMED = 1


class HubDefenceMode(IntEnum):
    """Security mode of an A1-type hub."""

    SLEEP = 0
    HOME = 8
    AWAY = 16


#: ``isDefence``/``defence``: the two families share the wire value 0, so they
#: are two enums; a caller picks the family of the device it is talking to.
type DefenceMode = CameraDefenceMode | HubDefenceMode


def defence_mode(value: Any, *, hub: bool) -> DefenceMode | None:
    """Read a ``defence`` value (``Device.defence``) as the device's family.

    ``hub`` is True for A1-type hubs (0/8/16). Unknown values give None.
    """
    number = as_int(value)
    if number is None:
        return None
    family: type[CameraDefenceMode] | type[HubDefenceMode] = (
        HubDefenceMode if hub else CameraDefenceMode
    )
    try:
        return family(number)
    except ValueError:
        return None


class Weekday(IntEnum):
    """Day of an arming schedule (``period``), Monday 0 as ``date.weekday()``."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


class ChimeType(IntEnum):
    """Doorbell chime connected to the device."""

    MECHANICAL = 1
    ELECTRONIC = 2
    NONE = 3


def _pick_channel(items: list[dict[str, Any]], channel: int | None) -> dict[str, Any]:
    """Return the item of ``channel`` (or the first) from a per-channel list."""
    if channel is not None:
        for item in items:
            if as_int(item.get("channelNo")) == channel:
                return item
    return items[0] if items else {}


@dataclass(frozen=True)
class SwitchStatus:
    """An on/off switch of a device (or of one of its channels)."""

    enabled: bool | None
    serial: str | None = None
    channel: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{deviceSerial, channelNo, enable}``."""
        raw = as_dict(data)
        return cls(
            enabled=as_bool(raw.get("enable")),
            serial=as_str(raw.get("deviceSerial")),
            channel=as_int(raw.get("channelNo")),
            raw=raw,
        )


def _parse_hh_mm(value: Any) -> tuple[time | None, bool]:
    """Parse "H:MM" / "HH:MM" / "nHH:MM" (next day); returns (time, next_day)."""
    text = as_str(value)
    if text is None:
        return None, False
    text = text.strip()
    next_day = text[:1].lower() == "n"
    if next_day:
        text = text[1:]
    hours, _, minutes = text.partition(":")
    hour, minute = as_int(hours), as_int(minutes or "0")
    if hour is None or minute is None or not 0 <= minute < 60:
        return None, False
    if hour == 24 and minute == 0:
        return time(0, 0), True
    if not 0 <= hour < 24:
        return None, False
    return time(hour, minute), next_day


@dataclass(frozen=True)
class DefencePlan:
    """The arming (motion detection) schedule of a device.

    ``stop_next_day`` marks a stop time on the following day (the cloud's
    ``n00:00``). ``None`` fields were not reported; on a set they are not sent
    and the cloud keeps its defaults.
    """

    enabled: bool | None = None
    start: time | None = None
    stop: time | None = None
    stop_next_day: bool = False
    days: tuple[Weekday, ...] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{startTime, stopTime, period, enable}``."""
        raw = as_dict(data)
        start, _ = _parse_hh_mm(raw.get("startTime"))
        stop, next_day = _parse_hh_mm(raw.get("stopTime"))
        return cls(
            enabled=as_bool(raw.get("enable")),
            start=start,
            stop=stop,
            stop_next_day=next_day,
            days=_parse_days(raw.get("period")),
            raw=raw,
        )


def _parse_days(value: Any) -> tuple[Weekday, ...] | None:
    if value is None:
        return None
    parts = as_list(value) if isinstance(value, list) else str(value).split(",")
    days: set[Weekday] = set()
    for part in parts:
        number = as_int(part)
        if number is not None and 0 <= number <= 6:
            days.add(Weekday(number))
    return tuple(sorted(days))


@dataclass(frozen=True)
class PirArea:
    """The PIR detection grid: one bit mask per row.

    The most significant of ``columns`` bits is the first (leftmost) column:
    with 3 columns, a row value of 1 selects only the third column.
    """

    rows: int | None
    columns: int | None
    area: tuple[int, ...] = ()
    serial: str | None = None
    channel: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{deviceSerial, channelNo, rows, columns, area}``."""
        raw = as_dict(data)
        area_value = raw.get("area")
        parts = (
            as_list(area_value)
            if isinstance(area_value, list)
            else (as_str(area_value) or "").split(",")
        )
        masks = [as_int(part) for part in parts]
        return cls(
            rows=as_int(raw.get("rows")),
            columns=as_int(raw.get("columns")),
            area=tuple(mask for mask in masks if mask is not None),
            serial=as_str(raw.get("deviceSerial")),
            channel=as_int(raw.get("channelNo")),
            raw=raw,
        )

    def is_selected(self, row: int, column: int) -> bool:
        """Whether the cell at (``row``, ``column``), both from 0, is watched."""
        if self.columns is None or not 0 <= row < len(self.area):
            return False
        if not 0 <= column < self.columns:
            return False
        return bool(self.area[row] >> (self.columns - 1 - column) & 1)


@dataclass(frozen=True)
class ChimeSettings:
    """The chime a doorbell rings and for how long."""

    chime_type: ChimeType | None
    #: As the cloud sends it; the reference gives no unit (samples: 1000, 10000).
    duration: int | None
    serial: str | None = None
    channel: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{deviceSerial, channelNo, type, duration}``."""
        raw = as_dict(data)
        number = as_int(raw.get("type"))
        chime_type: ChimeType | None = None
        if number is not None:
            try:
                chime_type = ChimeType(number)
            except ValueError:
                chime_type = None
        return cls(
            chime_type=chime_type,
            duration=as_int(raw.get("duration")),
            serial=as_str(raw.get("deviceSerial")),
            channel=as_int(raw.get("channelNo")),
            raw=raw,
        )


class SettingsMixin(BaseClient):
    """Arming, encryption, switches, schedules and doorbell settings."""

    async def _channel_data(self, path: str, serial: str, channel: int | None) -> Any:
        """Read a setting of a device (or of one channel); return the reply data."""
        serial = check_serial(serial, path)
        check_channel(channel, path)
        reply = await self._lapp(path, {"deviceSerial": serial, "channelNo": channel})
        return reply.data

    # -- arming and encryption -------------------------------------------------

    async def set_defence(self, serial: str, mode: DefenceMode) -> None:
        """Arm or disarm a camera, or switch an A1 hub's mode.

        Pass a :class:`CameraDefenceMode` for a camera and a
        :class:`HubDefenceMode` for an A1-type hub; a bare int is refused.
        """
        path = PATH_DEFENCE_SET
        serial = check_serial(serial, path)
        if not isinstance(mode, CameraDefenceMode | HubDefenceMode):
            raise param_error(
                "mode must be a CameraDefenceMode or a HubDefenceMode", path
            )
        await self._lapp(path, {"deviceSerial": serial, "isDefence": int(mode)})

    async def disable_encryption(self, serial: str, validate_code: str) -> None:
        """Turn video encryption off (needs the device's verification code)."""
        path = PATH_ENCRYPT_OFF
        serial = check_serial(serial, path)
        check_text(validate_code, "validate_code", path)
        await self._lapp(path, {"deviceSerial": serial, "validateCode": validate_code})

    async def enable_encryption(self, serial: str) -> None:
        """Turn video encryption on."""
        path = PATH_ENCRYPT_ON
        serial = check_serial(serial, path)
        await self._lapp(path, {"deviceSerial": serial})

    # -- plain switches --------------------------------------------------------

    async def _get_switch(
        self, path: str, serial: str, channel: int | None = None
    ) -> SwitchStatus:
        data = await self._channel_data(path, serial, channel)
        if isinstance(data, list):
            items = [as_dict(item) for item in self._expect_list(data, path)]
            return SwitchStatus.from_api(_pick_channel(items, channel))
        return SwitchStatus.from_api(self._expect_dict(data, path))

    async def _set_switch(
        self, path: str, serial: str, enabled: bool, channel: int | None
    ) -> None:
        serial = check_serial(serial, path)
        check_channel(channel, path)
        if not isinstance(enabled, bool):
            raise param_error("enabled must be a bool", path)
        await self._lapp(
            path,
            {
                "deviceSerial": serial,
                "enable": switch_value(enabled),
                "channelNo": channel,
            },
        )

    async def get_prompt_sound(self, serial: str) -> SwitchStatus:
        """Get the audio prompt switch (Wi-Fi configuration and reboot voice)."""
        return await self._get_switch(PATH_PROMPT_SOUND_STATUS, serial)

    async def set_prompt_sound(
        self, serial: str, enabled: bool, *, channel: int | None = None
    ) -> None:
        """Turn the audio prompt (Wi-Fi configuration and reboot voice) on/off."""
        await self._set_switch(PATH_PROMPT_SOUND_SET, serial, enabled, channel)

    async def get_privacy(self, serial: str) -> SwitchStatus:
        """Get the privacy (lens masking) switch: enabled means the lens is covered."""
        return await self._get_switch(PATH_PRIVACY_STATUS, serial)

    async def set_privacy(
        self, serial: str, enabled: bool, *, channel: int | None = None
    ) -> None:
        """Turn privacy (lens masking) on or off."""
        await self._set_switch(PATH_PRIVACY_SET, serial, enabled, channel)

    async def get_sound_localization(self, serial: str) -> SwitchStatus:
        """Get the sound source positioning switch."""
        return await self._get_switch(PATH_SSL_STATUS, serial)

    async def set_sound_localization(
        self, serial: str, enabled: bool, *, channel: int | None = None
    ) -> None:
        """Turn sound source positioning on or off."""
        await self._set_switch(PATH_SSL_SET, serial, enabled, channel)

    async def get_microphone(self, serial: str, *, channel: int = 1) -> SwitchStatus:
        """Get the microphone (audio in the video) switch of one channel.

        The cloud answers with one entry per channel; ``channel`` picks one.
        """
        path = PATH_MICROPHONE_STATUS
        serial = check_serial(serial, path)
        check_channel(channel, path)
        reply = await self._lapp(path, {"deviceSerial": serial})
        if isinstance(reply.data, dict):
            return SwitchStatus.from_api(reply.data)
        items = [as_dict(item) for item in self._expect_list(reply.data, path)]
        return SwitchStatus.from_api(_pick_channel(items, channel))

    async def set_microphone(self, serial: str, enabled: bool) -> None:
        """Turn the microphone (audio in the video) on or off."""
        await self._set_switch(PATH_MICROPHONE_SET, serial, enabled, None)

    async def get_infrared(
        self, serial: str, *, channel: int | None = None
    ) -> SwitchStatus:
        """Get the infrared (night vision light) switch."""
        return await self._get_switch(PATH_INFRARED_GET, serial, channel)

    async def set_infrared(
        self, serial: str, enabled: bool, *, channel: int | None = None
    ) -> None:
        """Turn the infrared (night vision light) on or off."""
        await self._set_switch(PATH_INFRARED_SET, serial, enabled, channel)

    # -- schedules and areas ---------------------------------------------------

    async def get_defence_plan(
        self, serial: str, *, channel: int | None = None
    ) -> DefencePlan:
        """Get the arming schedule."""
        path = PATH_DEFENCE_PLAN_GET
        data = await self._channel_data(path, serial, channel)
        return DefencePlan.from_api(self._expect_dict(data, path))

    async def set_defence_plan(
        self, serial: str, plan: DefencePlan, *, channel: int | None = None
    ) -> None:
        """Set the arming schedule; fields of ``plan`` left None are not sent."""
        path = PATH_DEFENCE_PLAN_SET
        serial = check_serial(serial, path)
        check_channel(channel, path)
        period: str | None = None
        if plan.days is not None:
            days = sorted({check_enum(day, Weekday, "days", path) for day in plan.days})
            if not days:
                raise param_error("days must name at least one day, or be None", path)
            period = ",".join(str(int(day)) for day in days)
        stop: str | None = None
        if plan.stop is not None:
            stop = hh_mm(plan.stop, "stop", path)
            if plan.stop_next_day:
                stop = f"n{stop}"
        await self._lapp(
            path,
            {
                "deviceSerial": serial,
                "channelNo": channel,
                "startTime": (
                    hh_mm(plan.start, "start", path) if plan.start is not None else None
                ),
                "stopTime": stop,
                "period": period,
                "enable": None if plan.enabled is None else switch_value(plan.enabled),
            },
        )

    async def get_pir_area(self, serial: str, *, channel: int | None = None) -> PirArea:
        """Get the PIR detection grid."""
        path = PATH_PIR_GET
        data = await self._channel_data(path, serial, channel)
        return PirArea.from_api(self._expect_dict(data, path))

    async def set_pir_area(
        self, serial: str, area: Sequence[int], *, channel: int | None = None
    ) -> None:
        """Set the PIR detection grid: one bit mask per row (see :class:`PirArea`)."""
        path = PATH_PIR_SET
        serial = check_serial(serial, path)
        check_channel(channel, path)
        masks = _check_masks(area, path)
        await self._lapp(
            path,
            {
                "deviceSerial": serial,
                "channelNo": channel,
                "area": ",".join(str(mask) for mask in masks),
            },
        )

    # -- doorbell chime --------------------------------------------------------

    async def get_chime(
        self, serial: str, *, channel: int | None = None
    ) -> ChimeSettings:
        """Get the chime type and duration of a doorbell."""
        path = PATH_CHIME_GET
        data = await self._channel_data(path, serial, channel)
        return ChimeSettings.from_api(self._expect_dict(data, path))

    async def set_chime(
        self,
        serial: str,
        chime_type: ChimeType,
        duration: int,
        *,
        channel: int | None = None,
    ) -> None:
        """Set the chime type and duration of a doorbell."""
        path = PATH_CHIME_SET
        serial = check_serial(serial, path)
        check_channel(channel, path)
        await self._lapp(
            path,
            {
                "deviceSerial": serial,
                "channelNo": channel,
                "type": check_enum(chime_type, ChimeType, "chime_type", path),
                "duration": check_int_range(duration, 0, None, "duration", path),
            },
        )


def _check_masks(area: Iterable[int], path: str) -> list[int]:
    if isinstance(area, str | bytes):
        raise param_error("area must be a sequence of row masks", path)
    masks = [check_int_range(mask, 0, None, "area row", path) for mask in area]
    if not masks:
        raise param_error("area must have at least one row", path)
    return masks
