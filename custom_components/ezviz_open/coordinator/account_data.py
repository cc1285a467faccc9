"""What the account cadence reads: the account's devices and their channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from ..api.devices import Camera, Device


@dataclass(frozen=True)
class AccountData:
    """The account's devices and channels, from the two list endpoints."""

    devices: dict[str, Device] = field(default_factory=dict)
    #: Channels by device serial, in channel order.
    cameras: dict[str, list[Camera]] = field(default_factory=dict)
    cameras_read: datetime | None = None

    def channels(self, serial: str) -> list[Camera]:
        """Return the configured channels of a device (unconfigured NVR inputs dropped)."""
        return [
            camera
            for camera in self.cameras.get(serial, [])
            if not (camera.name == serial and camera.online is False)
            or len(self.cameras.get(serial, [])) == 1
        ]

    def is_multichannel(self, serial: str) -> bool:
        """Whether the device has channels of its own (an NVR, a door station)."""
        return len(self.cameras.get(serial, [])) > 1

    def camera(self, serial: str, channel: int) -> Camera | None:
        """One channel of a device."""
        for camera in self.cameras.get(serial, []):
            if camera.channel == channel:
                return camera
        return None
