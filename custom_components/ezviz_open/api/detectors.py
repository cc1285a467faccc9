"""Detectors paired with an A1-type hub (lapp ``detector/*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any, Self

from ._convert import check_enum, parse_time
from ._params import check_serial, check_text, param_error, switch_value
from ._parse import as_bool, as_dict, as_int, as_str
from .client import BaseClient

if TYPE_CHECKING:
    from datetime import datetime

PATH_DETECTOR_LIST = "/api/lapp/detector/list"
PATH_DETECTOR_STATUS_SET = "/api/lapp/detector/status/set"
PATH_DETECTOR_DELETE = "/api/lapp/detector/delete"
PATH_DETECTOR_IPC_BINDABLE = "/api/lapp/detector/ipc/list/bindable"
PATH_DETECTOR_IPC_BOUND = "/api/lapp/detector/ipc/list/bind"
PATH_DETECTOR_IPC_RELATION_SET = "/api/lapp/detector/ipc/relation/set"
PATH_DETECTOR_NAME_CHANGE = "/api/lapp/detector/name/change"
PATH_DETECTOR_CANCEL_ALARM = "/api/lapp/detector/cancelAlarm"
PATH_DETECTOR_ADD = "/api/lapp/detector/add"

#: The reference: "the length is less than 50".
MAX_DETECTOR_NAME_LENGTH = 49
#: The verification code ``detector/add`` requires ("must enter ABCDEF").
DEFAULT_DETECTOR_CODE = "ABCDEF"


class DetectorType(StrEnum):
    """``detectorType`` of a listed detector (the "Detector Type Name" table).

    The reference's sample sends lower case ("callhelp"): parsing ignores case.
    """

    VIDEO = "V"
    ALARM_IN = "I"
    ALARM_OUT = "O"
    PIR = "PIR"
    SMOKE = "FIRE"
    MAGNETIC_CONTACT = "MAGNETOMETER"
    GAS = "GAS"
    WATER_LEAK = "WATERLOGGING"
    EMERGENCY_BUTTON = "CALLHELP"
    REMOTE_CONTROL = "TELECONTROL"
    ALARM_DEVICE = "ALERTOR"
    KEYBOARD = "KEYBOARD"
    CURTAIN = "CURTAIN"
    OPEN_CLOSE = "MOVE_MAGNETOMETER"


class DetectorModel(StrEnum):
    """Model code ``detector/add`` takes as its ``detectorType``."""

    PIR = "T1"
    MAGNETIC_CONTACT = "T2"
    EMERGENCY_BUTTON = "T3"
    SMOKE = "T4"
    CURTAIN = "T5"
    OPEN_CLOSE = "T6"
    GAS = "T8"
    ALARM_DEVICE = "T9"
    WATER_LEAK = "T10"
    REMOTE_CONTROL = "K2"

    @property
    def detector_type(self) -> DetectorType:
        """The type a detector of this model is listed with."""
        return _MODEL_TYPES[self]


_MODEL_TYPES = {
    DetectorModel.PIR: DetectorType.PIR,
    DetectorModel.MAGNETIC_CONTACT: DetectorType.MAGNETIC_CONTACT,
    DetectorModel.EMERGENCY_BUTTON: DetectorType.EMERGENCY_BUTTON,
    DetectorModel.SMOKE: DetectorType.SMOKE,
    DetectorModel.CURTAIN: DetectorType.CURTAIN,
    DetectorModel.OPEN_CLOSE: DetectorType.OPEN_CLOSE,
    DetectorModel.GAS: DetectorType.GAS,
    DetectorModel.ALARM_DEVICE: DetectorType.ALARM_DEVICE,
    DetectorModel.WATER_LEAK: DetectorType.WATER_LEAK,
    DetectorModel.REMOTE_CONTROL: DetectorType.REMOTE_CONTROL,
}


class SafeMode(IntEnum):
    """The hub's security mode a detector takes part in (``safeMode``)."""

    HOME = 0  # "stay"
    AWAY = 1
    SLEEP = 2


def detector_type_of(value: Any) -> DetectorType | str | None:
    """Return a ``DetectorType`` (any case), the text if unknown, or None."""
    text = as_str(value)
    if not text:
        return None
    try:
        return DetectorType(text.strip().upper())
    except ValueError:
        return text


@dataclass(frozen=True)
class Detector:
    """A detector and its fault flags.

    ``zfStatus``/``uvStatus``/``iwcStatus``/``olStatus`` are faults (1 alarm,
    0 recovered); ``atHomeEnable``/``outerEnable``/``sleepEnable`` say whether
    the detector is armed in the home, away and sleep modes.
    """

    serial: str | None
    detector_type: DetectorType | str | None
    type_name: str | None
    name: str | None
    connected: bool | None
    zone_fault: bool | None
    battery_low: bool | None
    wireless_interference: bool | None
    offline: bool | None
    home_enabled: bool | None
    away_enabled: bool | None
    sleep_enabled: bool | None
    update_time: datetime | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse one item of ``detector/list``."""
        raw = as_dict(data)
        return cls(
            serial=as_str(raw.get("detectorSerial")),
            detector_type=detector_type_of(raw.get("detectorType")),
            type_name=as_str(raw.get("detectorTypeName")),
            name=as_str(raw.get("location")),
            connected=as_bool(raw.get("detectorState")),
            zone_fault=as_bool(raw.get("zfStatus")),
            battery_low=as_bool(raw.get("uvStatus")),
            wireless_interference=as_bool(raw.get("iwcStatus")),
            offline=as_bool(raw.get("olStatus")),
            home_enabled=as_bool(raw.get("atHomeEnable")),
            away_enabled=as_bool(raw.get("outerEnable")),
            sleep_enabled=as_bool(raw.get("sleepEnable")),
            update_time=parse_time(raw.get("updateTime")),
            raw=raw,
        )

    def enabled_in(self, mode: SafeMode) -> bool | None:
        """Whether the detector is armed in ``mode``."""
        return {
            SafeMode.HOME: self.home_enabled,
            SafeMode.AWAY: self.away_enabled,
            SafeMode.SLEEP: self.sleep_enabled,
        }[mode]


@dataclass(frozen=True)
class LinkableCamera:
    """A camera that can be linked to the hub's detectors."""

    device_serial: str | None
    channel_no: int | None
    camera_name: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse one item of ``detector/ipc/list/bindable``."""
        raw = as_dict(data)
        return cls(
            device_serial=as_str(raw.get("deviceSerial")),
            channel_no=as_int(raw.get("channelNo")),
            camera_name=as_str(raw.get("cameraName")),
            raw=raw,
        )


@dataclass(frozen=True)
class DetectorCameraLink:
    """A camera linked to a detector."""

    detector_serial: str | None
    ipc_serial: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse one item of ``detector/ipc/list/bind``."""
        raw = as_dict(data)
        return cls(
            detector_serial=as_str(raw.get("detectorSerial")),
            ipc_serial=as_str(raw.get("ipcSerial")),
            raw=raw,
        )


class DetectorsMixin(BaseClient):
    """Detectors of an A1-type hub and their links to cameras."""

    async def list_detectors(self, serial: str) -> list[Detector]:
        """Every detector paired with the hub ``serial``."""
        path = PATH_DETECTOR_LIST
        reply = await self._lapp(path, {"deviceSerial": check_serial(serial, path)})
        if reply.data is None:
            return []
        return [Detector.from_api(item) for item in self._expect_list(reply.data, path)]

    async def set_detector_status(
        self, serial: str, detector_serial: str, mode: SafeMode, enabled: bool
    ) -> None:
        """Arm (``enabled``) or disarm one detector in one hub mode."""
        path = PATH_DETECTOR_STATUS_SET
        await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "detectorSerial": check_serial(
                    detector_serial, path, name="detector_serial"
                ),
                "safeMode": check_enum(mode, SafeMode, "mode", path),
                "enable": switch_value(enabled),
            },
        )

    async def delete_detector(self, serial: str, detector_serial: str) -> None:
        """Unpair a detector from the hub."""
        path = PATH_DETECTOR_DELETE
        await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "detectorSerial": check_serial(
                    detector_serial, path, name="detector_serial"
                ),
            },
        )

    async def list_linkable_cameras(self, serial: str) -> list[LinkableCamera]:
        """Cameras that can be linked to the hub's detectors."""
        path = PATH_DETECTOR_IPC_BINDABLE
        reply = await self._lapp(path, {"deviceSerial": check_serial(serial, path)})
        if reply.data is None:
            return []
        return [
            LinkableCamera.from_api(item)
            for item in self._expect_list(reply.data, path)
        ]

    async def list_linked_cameras(
        self, serial: str, detector_serial: str
    ) -> list[DetectorCameraLink]:
        """Cameras linked to one detector."""
        path = PATH_DETECTOR_IPC_BOUND
        reply = await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "detectorSerial": check_serial(
                    detector_serial, path, name="detector_serial"
                ),
            },
        )
        if reply.data is None:
            return []
        return [
            DetectorCameraLink.from_api(item)
            for item in self._expect_list(reply.data, path)
        ]

    async def set_detector_camera_link(
        self, serial: str, detector_serial: str, ipc_serial: str, *, linked: bool
    ) -> None:
        """Link (``linked=True``) or unlink a camera and a detector."""
        path = PATH_DETECTOR_IPC_RELATION_SET
        await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "detectorSerial": check_serial(
                    detector_serial, path, name="detector_serial"
                ),
                "ipcSerial": check_serial(ipc_serial, path, name="ipc_serial"),
                "operation": switch_value(linked),
            },
        )

    async def rename_detector(
        self, serial: str, detector_serial: str, name: str
    ) -> None:
        """Rename a detector (fewer than 50 characters)."""
        path = PATH_DETECTOR_NAME_CHANGE
        text = check_text(name, "name", path)
        if len(text) > MAX_DETECTOR_NAME_LENGTH:
            raise param_error(
                f"name must be shorter than {MAX_DETECTOR_NAME_LENGTH + 1} characters",
                path,
            )
        await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "detectorSerial": check_serial(
                    detector_serial, path, name="detector_serial"
                ),
                "newName": text,
            },
        )

    async def cancel_detector_alarm(self, serial: str) -> None:
        """Clear the hub's ongoing alarm ("one-touch clear alarm")."""
        path = PATH_DETECTOR_CANCEL_ALARM
        await self._lapp(path, {"deviceSerial": check_serial(serial, path)})

    async def add_detector(
        self,
        serial: str,
        detector_serial: str,
        model: DetectorModel,
        *,
        code: str = DEFAULT_DETECTOR_CODE,
    ) -> None:
        """Pair a detector (within 1 m of the hub) by its model code."""
        path = PATH_DETECTOR_ADD
        await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "detectorSerial": check_serial(
                    detector_serial, path, name="detector_serial"
                ),
                "detectorType": check_enum(model, DetectorModel, "model", path),
                "detectorCode": check_text(code, "code", path),
            },
        )
