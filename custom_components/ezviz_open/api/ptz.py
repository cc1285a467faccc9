"""Pan/tilt/zoom, mirror flip and presets (lapp ``device/ptz/*``, ``device/preset/*``)."""

from __future__ import annotations

from enum import IntEnum

from ._convert import check_enum
from ._params import check_channel, check_int_range, check_serial
from ._parse import as_int
from .client import BaseClient
from .errors import EzvizResponseError

PATH_PTZ_START = "/api/lapp/device/ptz/start"
PATH_PTZ_STOP = "/api/lapp/device/ptz/stop"
PATH_PTZ_MIRROR = "/api/lapp/device/ptz/mirror"
PATH_PRESET_ADD = "/api/lapp/device/preset/add"
PATH_PRESET_MOVE = "/api/lapp/device/preset/move"
PATH_PRESET_CLEAR = "/api/lapp/device/preset/clear"


class PtzDirection(IntEnum):
    """The ``direction`` operation command, numbered as the reference does."""

    UP = 0
    DOWN = 1
    LEFT = 2
    RIGHT = 3
    UP_LEFT = 4
    DOWN_LEFT = 5
    UP_RIGHT = 6
    DOWN_RIGHT = 7
    ZOOM_IN = 8
    ZOOM_OUT = 9
    FOCUS_NEAR = 10
    FOCUS_FAR = 11


class PtzSpeed(IntEnum):
    """The ``speed`` of a PTZ movement."""

    SLOW = 0
    MEDIUM = 1
    FAST = 2


class MirrorCommand(IntEnum):
    """The ``command`` of a mirror flip."""

    UP_DOWN = 0
    LEFT_RIGHT = 1
    CENTER = 2


class PtzMixin(BaseClient):
    """PTZ movement, mirror flip and preset positions."""

    async def start_ptz(
        self,
        serial: str,
        direction: PtzDirection,
        speed: PtzSpeed = PtzSpeed.MEDIUM,
        *,
        channel: int = 1,
    ) -> None:
        """Start moving (or zooming/focusing); it goes on until ``stop_ptz``.

        At a mechanical limit the cloud answers 60002..60005, raised as
        ``EzvizPtzLimitError``.
        """
        path = PATH_PTZ_START
        await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "channelNo": check_channel(channel, path),
                "direction": check_enum(direction, PtzDirection, "direction", path),
                "speed": check_enum(speed, PtzSpeed, "speed", path),
            },
        )

    async def stop_ptz(
        self,
        serial: str,
        direction: PtzDirection | None = None,
        *,
        channel: int = 1,
    ) -> None:
        """Stop a PTZ movement.

        The parameter table marks ``direction`` required while the reference's
        sample request omits it: it is sent when given.
        """
        path = PATH_PTZ_STOP
        await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "channelNo": check_channel(channel, path),
                "direction": (
                    None
                    if direction is None
                    else check_enum(direction, PtzDirection, "direction", path)
                ),
            },
        )

    async def mirror_ptz(
        self, serial: str, command: MirrorCommand, *, channel: int = 1
    ) -> None:
        """Flip the image (up/down, left/right or centre)."""
        path = PATH_PTZ_MIRROR
        await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "channelNo": check_channel(channel, path),
                "command": check_enum(command, MirrorCommand, "command", path),
            },
        )

    async def add_preset(self, serial: str, *, channel: int = 1) -> int:
        """Store the current position as a preset; return its index.

        The cloud chooses the index (1..12 on a C6) and does not list presets:
        the caller must keep it.
        """
        path = PATH_PRESET_ADD
        reply = await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "channelNo": check_channel(channel, path),
            },
        )
        index = as_int(self._expect_dict(reply.data, path).get("index"))
        if index is None:
            raise EzvizResponseError(
                "preset/add reply carries no preset index", endpoint=path
            )
        return index

    async def move_to_preset(
        self, serial: str, index: int, *, channel: int = 1
    ) -> None:
        """Move to a stored preset (60011 when it does not exist)."""
        path = PATH_PRESET_MOVE
        await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "channelNo": check_channel(channel, path),
                "index": check_int_range(index, 1, None, "index", path),
            },
        )

    async def clear_preset(self, serial: str, index: int, *, channel: int = 1) -> None:
        """Delete a stored preset."""
        path = PATH_PRESET_CLEAR
        await self._lapp(
            path,
            {
                "deviceSerial": check_serial(serial, path),
                "channelNo": check_channel(channel, path),
                "index": check_int_range(index, 1, None, "index", path),
            },
        )
