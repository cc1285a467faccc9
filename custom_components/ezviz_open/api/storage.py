"""Recordings on the device and cloud storage service.

``v3/das/device/local/video/query`` lists a channel's recordings on its SD
card or disk; ``cloud/storage/*`` activate and describe the paid cloud
recording service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Self

from ._convert import check_enum, parse_time
from ._params import (
    check_channel,
    check_serial,
    check_text,
    format_cloud_datetime,
    param_error,
    switch_value,
)
from ._parse import as_dict, as_int, as_str
from .client import BaseClient

if TYPE_CHECKING:
    from datetime import datetime

PATH_LOCAL_VIDEO_QUERY = "/api/v3/das/device/local/video/query"
PATH_CLOUD_STORAGE_OPEN = "/api/lapp/cloud/storage/open"
PATH_CLOUD_STORAGE_INFO = "/api/lapp/cloud/storage/device/info"


class RecordType(IntEnum):
    """Kind of a local recording (``recordType`` filter)."""

    TIMING = 1
    EVENT = 2
    INTELLIGENT_CAR = 3
    INTELLIGENT_HUMAN = 4


# Replies name the type ("TIMING"); the sample shows only that one, the rest
# follow the request table's wording.
_RECORD_TYPE_NAMES = {
    "TIMING": RecordType.TIMING,
    "EVENT": RecordType.EVENT,
    "ALARM": RecordType.EVENT,
    "INTELLIGENT_CAR": RecordType.INTELLIGENT_CAR,
    "CAR": RecordType.INTELLIGENT_CAR,
    "INTELLIGENT_HUMAN": RecordType.INTELLIGENT_HUMAN,
    "HUMAN": RecordType.INTELLIGENT_HUMAN,
}


def record_type_of(value: Any) -> RecordType | str | None:
    """Return a ``RecordType`` from a name or number, the text if unknown, or None."""
    text = as_str(value)
    if not text:
        return None
    key = text.strip().upper().replace("-", "_")
    if key in _RECORD_TYPE_NAMES:
        return _RECORD_TYPE_NAMES[key]
    number = as_int(key) if key.isdigit() else None
    if number is not None:
        try:
            return RecordType(number)
        except ValueError:
            pass
    return text


class CloudStorageStatus(IntEnum):
    """Cloud storage service state."""

    NOT_SUPPORTED = -2
    DISABLED = -1
    NOT_ACTIVATED = 0
    ACTIVATED = 1
    EXPIRED = 2


@dataclass(frozen=True)
class LocalRecording:
    """One recording segment on the device's storage.

    Times are the device's wall clock (naive datetimes).
    """

    start_time: datetime | None
    end_time: datetime | None
    device_serial: str | None
    channel_no: int | None
    record_type: RecordType | str | None
    size: int | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse one item of the local video query."""
        raw = as_dict(data)
        return cls(
            start_time=parse_time(raw.get("startTime")),
            end_time=parse_time(raw.get("endTime")),
            device_serial=as_str(raw.get("deviceSerial")),
            channel_no=as_int(raw.get("cameraNo", raw.get("channelNo"))),
            record_type=record_type_of(raw.get("type")),
            size=as_int(raw.get("size")),
            raw=raw,
        )


@dataclass(frozen=True)
class CloudStorageInfo:
    """Cloud storage service of a device or channel.

    ``service_detail`` is only present when the device has two kinds of
    service.
    """

    user_name: str | None
    device_serial: str | None
    channel_no: int | None
    total_days: int | None
    status: CloudStorageStatus | int | None
    valid_days: int | None
    start_time: datetime | None
    expire_time: datetime | None
    service_detail: CloudStorageInfo | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``cloud/storage/device/info`` data.

        ``startTime``/``expireTime`` are documented "exactly on the second"
        but the sample carries milliseconds: both are accepted.
        """
        raw = as_dict(data)
        status_code = as_int(raw.get("status"))
        status: CloudStorageStatus | int | None = status_code
        if status_code is not None:
            try:
                status = CloudStorageStatus(status_code)
            except ValueError:
                status = status_code
        detail = raw.get("serviceDetail")
        return cls(
            user_name=as_str(raw.get("userName")),
            device_serial=as_str(raw.get("deviceSerial")),
            channel_no=as_int(raw.get("channelNo")),
            total_days=as_int(raw.get("totalDays")),
            status=status,
            valid_days=as_int(raw.get("validDays")),
            start_time=parse_time(raw.get("startTime")),
            expire_time=parse_time(raw.get("expireTime")),
            service_detail=(
                CloudStorageInfo.from_api(detail) if isinstance(detail, dict) else None
            ),
            raw=raw,
        )


class StorageMixin(BaseClient):
    """Local recordings and cloud storage."""

    async def list_local_recordings(
        self,
        serial: str,
        *,
        channel: int | None = 1,
        start: datetime | None = None,
        end: datetime | None = None,
        record_type: RecordType | None = None,
    ) -> list[LocalRecording]:
        """List the recordings of a channel between ``start`` and ``end``.

        The times are sent as the device's wall clock ("YYYY-MM-DD HH:MM:SS");
        the cloud defaults ``start`` to midnight and ``end`` to now, and every
        record type when ``record_type`` is None.
        """
        path = PATH_LOCAL_VIDEO_QUERY
        if start is not None and end is not None and start > end:
            raise param_error("start is after end", path)
        data = await self._v3(
            "GET",
            path,
            serial=check_serial(serial, path),
            channel=check_channel(channel, path),
            query={
                "recordType": (
                    None
                    if record_type is None
                    else check_enum(record_type, RecordType, "record_type", path)
                ),
                "startTime": None if start is None else format_cloud_datetime(start),
                "endTime": None if end is None else format_cloud_datetime(end),
            },
        )
        if data is None:
            return []
        return [LocalRecording.from_api(item) for item in self._expect_list(data, path)]

    async def open_cloud_storage(
        self,
        serial: str,
        card_password: str,
        *,
        channel: int | None = None,
        phone: str | None = None,
        immediately: bool = False,
    ) -> None:
        """Activate cloud storage with a card password (never logged).

        With ``immediately`` False the new service starts when the current one
        ends; True starts (or extends a same-kind service) now.
        """
        path = PATH_CLOUD_STORAGE_OPEN
        await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "cardPassword": check_text(card_password, "card_password", path),
                "phone": phone or None,
                "channelNo": check_channel(channel, path),
                "isImmediately": switch_value(immediately),
            },
        )

    async def get_cloud_storage_info(
        self, serial: str, *, channel: int | None = None, phone: str | None = None
    ) -> CloudStorageInfo:
        """Read the cloud storage service of a device (or one of its channels)."""
        path = PATH_CLOUD_STORAGE_INFO
        reply = await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "phone": phone or None,
                "channelNo": check_channel(channel, path),
            },
        )
        return CloudStorageInfo.from_api(self._expect_dict(reply.data, path))
