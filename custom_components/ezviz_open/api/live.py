"""Live and playback stream addresses (``live/address/*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any, Self

from ._convert import check_enum
from ._params import (
    check_channel,
    check_int_range,
    check_serial,
    check_text,
    format_cloud_datetime,
    param_error,
    parse_cloud_datetime,
)
from ._parse import as_dict, as_str
from .client import BaseClient
from .errors import EzvizResponseError

PATH_LIVE_ADDRESS_GET = "/api/lapp/live/address/get"
PATH_LIVE_ADDRESS_DISABLE = "/api/lapp/live/address/disable"

#: Validity bounds of an HLS/RTMP/FLV address, in seconds (30 s .. 720 days).
MIN_EXPIRE_SECONDS = 30
MAX_EXPIRE_SECONDS = 720 * 86400


class StreamProtocol(IntEnum):
    """Stream protocol of a play address (``protocol``)."""

    EZOPEN = 1  # ezopen:// (EZVIZ players only, not ffmpeg)
    HLS = 2
    RTMP = 3
    FLV = 4


class StreamQuality(IntEnum):
    """Stream quality (``quality``): main or sub bitrate."""

    HD = 1
    SMOOTH = 2


class AddressType(IntEnum):
    """What the address plays (``type``)."""

    PREVIEW = 1
    LOCAL_PLAYBACK = 2
    CLOUD_PLAYBACK = 3


@dataclass(frozen=True)
class LiveAddress:
    """A play address and when it stops working."""

    #: Kept out of the repr: the address itself grants access to the stream.
    url: str = field(repr=False)
    id: str | None = None
    #: As the cloud writes it (``YYYY-MM-DD HH:MM:SS``), naive: no zone is given.
    expire_time: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse the ``data`` member of ``live/address/get``."""
        raw = as_dict(data)
        return cls(
            url=as_str(raw.get("url")) or "",
            id=as_str(raw.get("id")),
            expire_time=parse_cloud_datetime(raw.get("expireTime")),
            raw=raw,
        )


def _optional[E: IntEnum](
    value: E | None, enum: type[E], name: str, endpoint: str
) -> E | None:
    return None if value is None else check_enum(value, enum, name, endpoint)


class LiveMixin(BaseClient):
    """Endpoints for live and playback addresses."""

    async def get_live_address(
        self,
        serial: str,
        channel: int = 1,
        *,
        protocol: StreamProtocol | None = None,
        quality: StreamQuality | None = None,
        expire_time: int | timedelta | None = None,
        address_type: AddressType | None = None,
        code: str | None = None,
        start_time: datetime | None = None,
        stop_time: datetime | None = None,
    ) -> LiveAddress:
        """Get a play address for one channel.

        ``protocol``, ``quality`` and ``address_type`` default to the cloud's
        defaults (ezopen, HD, preview) when None. ``expire_time`` is the
        validity in seconds (or a timedelta), 30 s to 720 days. ``code`` is the
        verification code of an encrypted device. ``start_time``/``stop_time``
        bound a playback (device local time).
        """
        path = PATH_LIVE_ADDRESS_GET
        serial = check_serial(serial, path)
        check_channel(channel, path)
        expire_seconds: int | None = None
        if expire_time is not None:
            if isinstance(expire_time, timedelta):
                seconds = expire_time.total_seconds()
                if seconds != int(seconds):
                    raise param_error("expire_time must be whole seconds", path)
                expire_seconds = int(seconds)
            else:
                expire_seconds = expire_time
            check_int_range(
                expire_seconds,
                MIN_EXPIRE_SECONDS,
                MAX_EXPIRE_SECONDS,
                "expire_time",
                path,
            )
        if code is not None:
            check_text(code, "code", path)
        if start_time is not None and stop_time is not None and start_time > stop_time:
            raise param_error("start_time must not be after stop_time", path)
        reply = await self._lapp(
            path,
            {
                "deviceSerial": serial,
                "channelNo": channel,
                "protocol": _optional(protocol, StreamProtocol, "protocol", path),
                "quality": _optional(quality, StreamQuality, "quality", path),
                "expireTime": expire_seconds,
                "type": _optional(address_type, AddressType, "address_type", path),
                "code": code,
                "startTime": (
                    format_cloud_datetime(start_time) if start_time else None
                ),
                "stopTime": format_cloud_datetime(stop_time) if stop_time else None,
            },
        )
        address = LiveAddress.from_api(self._expect_dict(reply.data, path))
        if not address.url:
            raise EzvizResponseError("reply has no play address url", endpoint=path)
        return address

    async def disable_live_address(
        self, serial: str, channel: int = 1, *, url_id: str | None = None
    ) -> None:
        """Invalidate a play address obtained earlier (by its ``id``)."""
        path = PATH_LIVE_ADDRESS_DISABLE
        serial = check_serial(serial, path)
        check_channel(channel, path)
        await self._lapp(
            path, {"deviceSerial": serial, "channelNo": channel, "urlId": url_id}
        )
