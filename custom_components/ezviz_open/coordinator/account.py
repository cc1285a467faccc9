"""The account cadence: the device list, and the camera list when it changed.

``device/list`` is read every cadence (one request per 50 devices): online
state, arming, names, encryption and firmware versions for the whole
account. ``camera/list`` (channels, NVR channel state, cover pictures) is
read only when the device list shows a change (a device added, removed,
renamed, re-encrypted or upgraded) and otherwise at the camera list's
planned maximum age. Right after, the capability store reads what new
devices and new firmware can do (``capabilities.py``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ..metering.planner import CadenceKey
from ..metering.usage import KIND_CAPABILITIES, counting_as
from .account_data import AccountData
from .base import EzvizCoordinator

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    from homeassistant.config_entries import ConfigEntry

    from ..api import EzvizOpenClient
    from ..api.devices import Camera, Device
    from ..metering.allowance import Allowance
    from .capabilities import CapabilityStore


def _list_signature(device: Device) -> tuple[Any, ...]:
    """Return what, when it changes, makes the camera list worth reading again."""
    return (device.name, device.encrypted, device.version)


class AccountCoordinator(EzvizCoordinator[AccountData]):
    """Device and camera lists for the whole account (see the module docstring)."""

    cadence = CadenceKey.DEVICE_LIST

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: EzvizOpenClient,
        allowance: Allowance,
        capabilities: CapabilityStore,
    ) -> None:
        """Set up the account cadence."""
        super().__init__(hass, entry, client, allowance, name="EZVIZ account")
        self.capabilities = capabilities
        #: Devices whose online state the last poll changed (not a push):
        #: while push is healthy, one means push missed it (``metering/governor.py``).
        self.polled_presence_changes: frozenset[str] = frozenset()

    async def _async_fetch(self) -> AccountData:
        previous = self.data
        self.polled_presence_changes = frozenset()
        devices = {device.serial: device for device in await self.client.list_devices()}
        if previous is not None:
            self.polled_presence_changes = frozenset(
                serial
                for serial, device in devices.items()
                if serial in previous.devices
                and device.online != previous.devices[serial].online
            )
        if previous is not None and self.allowance.polling_spent:
            # The period's polling allowance is used: the device list alone
            # (online state, arming), at its floor, until the period ends.
            return replace(previous, devices=devices)
        now = dt_util.utcnow()
        if previous is None or self._cameras_stale(previous, devices, now):
            cameras: dict[str, list[Camera]] = {}
            with counting_as(CadenceKey.CAMERA_LIST):
                listed = await self.client.list_cameras()
            for camera in listed:
                cameras.setdefault(camera.serial, []).append(camera)
            for channels in cameras.values():
                channels.sort(key=lambda camera: camera.channel)
            data = AccountData(devices=devices, cameras=cameras, cameras_read=now)
        else:
            data = replace(previous, devices=devices)
        with counting_as(KIND_CAPABILITIES):
            await self.capabilities.async_ensure(data)
        return data

    @property
    def camera_list_max_age(self) -> timedelta:
        """The camera list is read again at least this often (as planned)."""
        return self.allowance.planned(CadenceKey.CAMERA_LIST)

    def _cameras_stale(
        self, previous: AccountData, devices: dict[str, Device], now: datetime
    ) -> bool:
        if previous.cameras_read is None:
            return True
        if now - previous.cameras_read >= self.camera_list_max_age:
            return True
        if devices.keys() != previous.devices.keys():
            return True
        return any(
            _list_signature(device) != _list_signature(previous.devices[serial])
            or (
                previous.is_multichannel(serial)
                and device.online != previous.devices[serial].online
            )
            for serial, device in devices.items()
        )

    @callback
    def async_set_device(self, serial: str, **changes: Any) -> None:
        """Show a successful command at once; the next poll confirms it.

        The device list carries arming and encryption, so confirming costs no
        extra request.
        """
        if self.data is None or (device := self.data.devices.get(serial)) is None:
            return
        devices = {**self.data.devices, serial: replace(device, **changes)}
        self.data = replace(self.data, devices=devices)
        self.polled_presence_changes = frozenset()
        self.async_update_listeners()

    def encryptable_devices(self) -> dict[str, str]:
        """Return serial -> name of the devices that encrypt video or can."""
        return {
            serial: device.name or serial
            for serial, device in sorted(self.data.devices.items())
            if device.encrypted
            or (
                (caps := self.capabilities.get(serial)) is not None
                and caps.support_encrypt
            )
        }
