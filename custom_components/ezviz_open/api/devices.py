"""Account devices, cameras, snapshots and per-device status."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Self

from ._params import (
    check_channel,
    check_int_range,
    check_serial,
    check_text,
    parse_cloud_datetime,
)
from ._parse import as_bool, as_dict, as_int, as_str, parse_dicts
from .client import BaseClient, Page

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

PATH_DEVICE_ADD = "/api/lapp/device/add"
PATH_DEVICE_DELETE = "/api/lapp/device/delete"
PATH_DEVICE_RENAME = "/api/lapp/device/name/update"
PATH_DEVICE_CAPTURE = "/api/lapp/device/capture"
PATH_IPC_ADD = "/api/lapp/device/ipc/add"
PATH_IPC_DELETE = "/api/lapp/device/ipc/delete"
PATH_DEVICE_LIST = "/api/lapp/device/list"
PATH_DEVICE_INFO = "/api/lapp/device/info"
PATH_CAMERA_LIST = "/api/lapp/camera/list"
PATH_UUID_PICTURE = "/api/lapp/device/uuid/picture"
PATH_DEVICE_STATUS = "/api/lapp/device/status/get"
PATH_DEVICE_CHANNELS = "/api/lapp/device/camera/list"

MAX_PAGE_SIZE = 50
MAX_DEVICE_NAME_BYTES = 50
MAX_UUID_PICTURE_SIZE = 1280


class CaptureQuality(IntEnum):
    """Picture quality of ``device/capture``."""

    SMOOTH = 0
    HD_720P = 1
    CIF_4 = 2
    FHD_1080P = 3
    QHD_4MP = 4


class AlarmSoundMode(IntEnum):
    """Audible alarm mode reported by ``device/status/get`` and ``device/info``."""

    SHORT = 0
    LONG = 1
    MUTE = 2
    CUSTOM = 3


class CloudStorageStatus(IntEnum):
    """Cloud storage state reported by ``device/status/get``."""

    NOT_ACTIVATED = 0
    ACTIVATED = 1
    EXPIRED = 2


class DiskState(IntEnum):
    """State of one storage medium in ``diskState``/``nvrDiskState``."""

    NORMAL = 0
    WRONG_MEDIUM = 1
    UNFORMATTED = 2
    FORMATTING = 3


def _enum_or_none[E: IntEnum](enum: type[E], value: Any) -> E | None:
    number = as_int(value)
    if number is None:
        return None
    try:
        return enum(number)
    except ValueError:
        return None


def _reported(value: Any) -> int | None:
    """Return a status number, None when it is -1/-2 (not reported/supported)."""
    number = as_int(value)
    if number is None or number < 0:
        return None
    return number


def _disk_states(value: Any) -> tuple[DiskState | None, ...] | None:
    """Parse ``"00--..."``: one digit per disk, ``-`` for an empty slot."""
    text = as_str(value)
    if text is None:
        return None
    text = text.strip()
    if text.startswith("-") and as_int(text) is not None:
        return None  # -1 / -2: not reported, not supported or not linked
    states: list[DiskState | None] = []
    for char in text:
        if char == "-":
            break
        states.append(_enum_or_none(DiskState, char) if char.isdigit() else None)
    return tuple(states)


def _online(value: Any) -> bool | None:
    number = as_int(value)
    if number is None or number < 0:
        return None
    return number == 1


@dataclass(frozen=True)
class Device:
    """One device, from ``device/list`` or ``device/info``."""

    serial: str
    name: str | None = None
    device_type: str | None = None
    model: str | None = None
    online: bool | None = None
    #: 0/1 disarmed/armed for cameras, 0/8/16 sleep/home/away for A1 hubs;
    #: see :func:`settings.defence_mode`.
    defence: int | None = None
    encrypted: bool | None = None
    version: str | None = None
    update_time: datetime | None = None
    signal: int | None = None
    local_name: str | None = None
    category: str | None = None
    parent_category: str | None = None
    net_type: str | None = None
    net_address: str | None = None
    alarm_sound_mode: AlarmSoundMode | None = None
    offline_notify: bool | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse one device object."""
        raw = as_dict(data)
        return cls(
            serial=as_str(raw.get("deviceSerial")) or "",
            name=as_str(raw.get("deviceName")),
            device_type=as_str(raw.get("deviceType")),
            model=as_str(raw.get("model")),
            online=_online(raw.get("status")),
            defence=as_int(raw.get("defence")),
            encrypted=as_bool(raw.get("isEncrypt")),
            version=as_str(raw.get("deviceVersion")),
            update_time=parse_cloud_datetime(raw.get("updateTime")),
            signal=as_int(raw.get("signal")),
            local_name=as_str(raw.get("localName")),
            category=as_str(raw.get("category")),
            parent_category=as_str(raw.get("parentCategory")),
            net_type=as_str(raw.get("netType")),
            net_address=as_str(raw.get("netAddress")),
            alarm_sound_mode=_enum_or_none(AlarmSoundMode, raw.get("alarmSoundMode")),
            offline_notify=as_bool(raw.get("offlineNotify")),
            raw=raw,
        )


@dataclass(frozen=True)
class Camera:
    """One channel, from ``camera/list`` or ``device/camera/list``."""

    serial: str
    channel: int
    name: str | None = None
    device_name: str | None = None
    ipc_serial: str | None = None
    online: bool | None = None
    #: Sharing state as sent (0 not shared; 1/2 shared, direction per endpoint).
    shared: int | None = None
    pic_url: str | None = None
    encrypted: bool | None = None
    #: 0 smooth, 1 balanced, 2 HD, 3 super HD.
    video_level: int | None = None
    related_ipc: bool | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse one channel object."""
        raw = as_dict(data)
        return cls(
            serial=as_str(raw.get("deviceSerial")) or "",
            channel=as_int(raw.get("channelNo")) or 1,
            name=as_str(raw.get("channelName")),
            device_name=as_str(raw.get("deviceName")),
            ipc_serial=as_str(raw.get("ipcSerial")),
            online=_online(raw.get("status")),
            shared=as_int(raw.get("isShared")),
            pic_url=as_str(raw.get("picUrl")),
            encrypted=as_bool(raw.get("isEncrypt")),
            video_level=as_int(raw.get("videoLevel")),
            related_ipc=as_bool(raw.get("relatedIpc")),
            raw=raw,
        )


@dataclass(frozen=True)
class Picture:
    """A picture address (``device/capture``, ``device/uuid/picture``)."""

    url: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{"picUrl": ...}``."""
        raw = as_dict(data)
        return cls(url=as_str(raw.get("picUrl")) or "", raw=raw)


@dataclass(frozen=True)
class DeviceStatus:
    """Per-device state from ``device/status/get``.

    Every field is None when the device did not report it or does not support
    it (the cloud's -1/-2).
    """

    privacy: bool | None = None
    pir: bool | None = None
    alarm_sound_mode: AlarmSoundMode | None = None
    #: Battery level in percent.
    battery: int | None = None
    lock_signal: int | None = None
    disk_count: int | None = None
    disks: tuple[DiskState | None, ...] | None = None
    cloud_type: int | None = None
    cloud_status: CloudStorageStatus | None = None
    nvr_disk_count: int | None = None
    nvr_disks: tuple[DiskState | None, ...] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse the ``data`` member of ``device/status/get``."""
        raw = as_dict(data)

        def switch(key: str) -> bool | None:
            # 0 off, 1 on; -1 initial, 2 unsupported (C1), -2 not reported.
            number = as_int(raw.get(key))
            return {0: False, 1: True}.get(number) if number is not None else None

        return cls(
            privacy=switch("privacyStatus"),
            pir=switch("pirStatus"),
            alarm_sound_mode=_enum_or_none(AlarmSoundMode, raw.get("alarmSoundMode")),
            battery=_reported(raw.get("battryStatus", raw.get("batteryStatus"))),
            lock_signal=_reported(raw.get("lockSignal")),
            disk_count=_reported(raw.get("diskNum")),
            disks=_disk_states(raw.get("diskState")),
            cloud_type=_reported(raw.get("cloudType")),
            cloud_status=_enum_or_none(CloudStorageStatus, raw.get("cloudStatus")),
            nvr_disk_count=_reported(raw.get("nvrDiskNum")),
            nvr_disks=_disk_states(raw.get("nvrDiskState")),
            raw=raw,
        )


def _page_or_default(page: Page | None, start: int, size: int, count: int) -> Page:
    return page if page is not None else Page(total=count, page=start, size=size)


class DevicesMixin(BaseClient):
    """Endpoints for the account's devices and channels."""

    async def add_device(self, serial: str, validate_code: str) -> None:
        """Add a device to the account with its 6-letter verification code."""
        path = PATH_DEVICE_ADD
        serial = check_serial(serial, path)
        check_text(validate_code, "validate_code", path)
        await self._lapp(path, {"deviceSerial": serial, "validateCode": validate_code})

    async def delete_device(self, serial: str) -> None:
        """Remove a device from the account."""
        path = PATH_DEVICE_DELETE
        serial = check_serial(serial, path)
        await self._lapp(path, {"deviceSerial": serial})

    async def rename_device(self, serial: str, name: str) -> None:
        """Rename a device (at most 50 bytes)."""
        path = PATH_DEVICE_RENAME
        serial = check_serial(serial, path)
        check_text(name, "name", path, max_bytes=MAX_DEVICE_NAME_BYTES)
        await self._lapp(path, {"deviceSerial": serial, "deviceName": name})

    async def capture_picture(
        self, serial: str, channel: int = 1, *, quality: CaptureQuality | None = None
    ) -> Picture:
        """Take a snapshot now; the cloud answers with the picture's URL."""
        path = PATH_DEVICE_CAPTURE
        serial = check_serial(serial, path)
        check_channel(channel, path)
        data = await self._lapp_object(
            path, {"deviceSerial": serial, "channelNo": channel, "quality": quality}
        )
        return Picture.from_api(data)

    async def add_ipc(
        self,
        serial: str,
        ipc_serial: str,
        *,
        channel: int | None = None,
        validate_code: str | None = None,
    ) -> None:
        """Link an IPC to an NVR (on ``channel``, or the first free one)."""
        path = PATH_IPC_ADD
        serial = check_serial(serial, path)
        ipc_serial = check_serial(ipc_serial, path, name="ipc_serial")
        check_channel(channel, path)
        await self._lapp(
            path,
            {
                "deviceSerial": serial,
                "ipcSerial": ipc_serial,
                "channelNo": channel,
                "validateCode": validate_code or None,
            },
        )

    async def delete_ipc(
        self, serial: str, ipc_serial: str, *, channel: int | None = None
    ) -> None:
        """Unlink an IPC from an NVR."""
        path = PATH_IPC_DELETE
        serial = check_serial(serial, path)
        ipc_serial = check_serial(ipc_serial, path, name="ipc_serial")
        check_channel(channel, path)
        await self._lapp(
            path,
            {"deviceSerial": serial, "ipcSerial": ipc_serial, "channelNo": channel},
        )

    async def _list_page[T](
        self, path: str, parse: Callable[[Any], T], page: int, page_size: int
    ) -> tuple[list[T], Page]:
        """One page of a paged list endpoint, parsed with ``parse``."""
        check_int_range(page, 0, None, "page", path)
        check_int_range(page_size, 1, MAX_PAGE_SIZE, "page_size", path)
        reply = await self._lapp(path, {"pageStart": page, "pageSize": page_size})
        items = parse_dicts(self._expect_list(reply.data, path), parse)
        return items, _page_or_default(reply.page, page, page_size, len(items))

    async def list_devices_page(
        self, page: int = 0, page_size: int = MAX_PAGE_SIZE
    ) -> tuple[list[Device], Page]:
        """Get one page of the account's devices (``page`` from 0)."""
        return await self._list_page(PATH_DEVICE_LIST, Device.from_api, page, page_size)

    async def list_devices(self) -> list[Device]:
        """Get every device of the account (all pages)."""
        items = await self._lapp_all_pages(PATH_DEVICE_LIST)
        return parse_dicts(items, Device.from_api)

    async def get_device_info(self, serial: str) -> Device:
        """Get one device's basic information."""
        path = PATH_DEVICE_INFO
        serial = check_serial(serial, path)
        return Device.from_api(await self._lapp_object(path, {"deviceSerial": serial}))

    async def list_cameras_page(
        self, page: int = 0, page_size: int = MAX_PAGE_SIZE
    ) -> tuple[list[Camera], Page]:
        """Get one page of the account's channels (``page`` from 0)."""
        return await self._list_page(PATH_CAMERA_LIST, Camera.from_api, page, page_size)

    async def list_cameras(self) -> list[Camera]:
        """Get every channel of every device of the account (all pages)."""
        items = await self._lapp_all_pages(PATH_CAMERA_LIST)
        return parse_dicts(items, Camera.from_api)

    async def get_picture_by_uuid(self, uuid: str, size: int) -> Picture:
        """Get a picture captured through the device SDK (Linktom devices)."""
        path = PATH_UUID_PICTURE
        check_text(uuid, "uuid", path)
        check_int_range(size, 0, MAX_UUID_PICTURE_SIZE, "size", path)
        data = await self._lapp_object(path, {"uuid": uuid, "size": size})
        return Picture.from_api(data)

    async def get_device_status(self, serial: str, channel: int = 1) -> DeviceStatus:
        """Get privacy, PIR, alarm sound, battery, disk and cloud state."""
        path = PATH_DEVICE_STATUS
        serial = check_serial(serial, path)
        check_channel(channel, path)
        # This endpoint names the parameter "channel", not "channelNo".
        data = await self._lapp_object(
            path, {"deviceSerial": serial, "channel": channel}
        )
        return DeviceStatus.from_api(data)

    async def list_device_channels(self, serial: str) -> list[Camera]:
        """Get the channels of one device (an NVR lists every physical channel)."""
        path = PATH_DEVICE_CHANNELS
        serial = check_serial(serial, path)
        reply = await self._lapp(path, {"deviceSerial": serial})
        return parse_dicts(self._expect_list(reply.data, path), Camera.from_api)
