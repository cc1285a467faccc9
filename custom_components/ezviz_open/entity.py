"""Base entities of the EZVIZ Open Platform integration.

One Home Assistant device per EZVIZ device; the channels of a multi-channel
device (an NVR) are devices of their own, linked to it. The link is the
device registry's ``via_device_id``, set when the integration registers the
devices (``__init__.py``), parents first: ``DeviceInfo(via_device=...)`` is
deprecated from Home Assistant 2026.8, and its replacement does not exist in
the pinned minimum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api.system import DeviceCapabilities
from .const import CONF_VERIFICATION_CODES, DOMAIN
from .coordinator.account import AccountCoordinator

if TYPE_CHECKING:
    from homeassistant.helpers.entity_platform import AddEntitiesCallback

    from .api.devices import Camera, Device
    from .coordinator.account_data import AccountData
    from .data import EzvizOpenConfigEntry, EzvizOpenData
    from .topics import DetailTopic

MANUFACTURER = "EZVIZ"


def channel_identifier(serial: str, channel: int) -> str:
    """Device registry identifier of one channel of a multi-channel device."""
    return f"{serial}_{channel}"


def current_identifiers(data: AccountData | None) -> set[str]:
    """Return the registry identifiers of the account's devices and channels."""
    return {
        identifier
        for info, _parent in account_device_infos(data)
        for _domain, identifier in info["identifiers"]
    }


def verification_code(data: EzvizOpenData, serial: str) -> str | None:
    """Return a device's verification code from the options (None if not given)."""
    codes = data.options.get(CONF_VERIFICATION_CODES) or {}
    code = codes.get(serial)
    return code if isinstance(code, str) and code else None


def device_info(
    data: AccountData | None, serial: str, channel: int | None = None
) -> DeviceInfo:
    """Describe a device, or one channel of a multi-channel device, for the registry.

    Names and firmware follow the cloud (a device renamed in the EZVIZ app is
    renamed here; a name given in Home Assistant, ``name_by_user``, wins).
    """
    if channel is None:
        device = data.devices.get(serial) if data is not None else None
        return DeviceInfo(
            identifiers={(DOMAIN, serial)},
            manufacturer=MANUFACTURER,
            model=(device.model or device.device_type) if device else None,
            name=(device.name if device else None) or serial,
            serial_number=serial,
            sw_version=device.version if device else None,
        )
    camera = data.camera(serial, channel) if data is not None else None
    return DeviceInfo(
        identifiers={(DOMAIN, channel_identifier(serial, channel))},
        manufacturer=MANUFACTURER,
        name=(camera.name if camera else None) or f"{serial} {channel}",
        serial_number=camera.ipc_serial if camera else None,
    )


def service_device_info(entry: EzvizOpenConfigEntry) -> DeviceInfo:
    """Describe the account itself: the device of account-wide entities."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        manufacturer=MANUFACTURER,
        name=entry.title,
        entry_type=DeviceEntryType.SERVICE,
    )


def account_device_infos(
    data: AccountData | None,
) -> Iterator[tuple[DeviceInfo, str | None]]:
    """Every device and channel of the account, each with its parent's identifier.

    Parents come before their channels, so a registry filled in this order
    can link each channel to a device that exists.
    """
    if data is None:
        return
    for serial in data.devices:
        yield device_info(data, serial), None
        if data.is_multichannel(serial):
            for camera in data.channels(serial):
                yield device_info(data, serial, camera.channel), serial


def video_channels(data: AccountData, serial: str) -> list[tuple[int | None, int]]:
    """Return the video channels of a device as (entity channel, API channel).

    A single-channel camera has its video on the device itself (entity
    channel None); a multi-channel device (an NVR) has one per configured
    channel, on that channel's own device. Devices without video (an alarm
    hub) have none.
    """
    if data.is_multichannel(serial):
        return [(camera.channel, camera.channel) for camera in data.channels(serial)]
    return [(None, camera.channel) for camera in data.cameras.get(serial, [])[:1]]


class EzvizEntity(CoordinatorEntity[AccountCoordinator]):
    """An entity of an EZVIZ device, or of one channel of a multi-channel device.

    Available while the account is read and the device (or channel) is online.
    """

    _attr_has_entity_name = True

    def __init__(
        self,
        data: EzvizOpenData,
        serial: str,
        key: str,
        channel: int | None = None,
    ) -> None:
        """Attach the entity to its device."""
        super().__init__(data.account)
        self.runtime = data
        self.serial = serial
        self.channel = channel
        key_id = serial if channel is None else channel_identifier(serial, channel)
        self._attr_unique_id = f"{key_id}_{key}"
        self._attr_device_info = device_info(data.account.data, serial, channel)

    @property
    def device(self) -> Device | None:
        """The device as last listed (entities exist once the list was read)."""
        return self.coordinator.data.devices.get(self.serial)

    @property
    def camera(self) -> Camera | None:
        """The entity's channel as last listed (None for device entities)."""
        channel = self.channel
        return (
            None
            if channel is None
            else self.coordinator.data.camera(self.serial, channel)
        )

    @property
    def verification_code(self) -> str | None:
        """The device's verification code from the options (None if not given)."""
        return verification_code(self.runtime, self.serial)

    @property
    def capabilities(self) -> DeviceCapabilities:
        """The device's capability set."""
        return self.runtime.capabilities.get(self.serial) or DeviceCapabilities()

    @property
    def online(self) -> bool:
        """Whether the device (or the channel) is online."""
        device = self.device
        if device is None or device.online is False:
            return False
        if self.channel is not None:
            camera = self.camera
            return camera is not None and camera.online is not False
        return True

    @property
    def available(self) -> bool:
        """Available while the account is read and the device is online."""
        return super().available and self.online


class EzvizDetailEntity[T](EzvizEntity):
    """An entity whose state comes from a per-device endpoint (``topic``)."""

    topic: DetailTopic[T]

    async def async_added_to_hass(self) -> None:
        """Register what this entity reads and follow the detail cadence."""
        await super().async_added_to_hass()
        detail = self.runtime.detail
        self.async_on_remove(detail.async_register(self.serial, self.topic))
        self.async_on_remove(detail.async_add_listener(self._handle_coordinator_update))

    @property
    def detail_value(self) -> T | None:
        """The last value read for this entity's topic."""
        return self.runtime.detail.value(self.serial, self.topic)

    @property
    def available(self) -> bool:
        """Available once its endpoint has been read, while the device is online."""
        return (
            super().available
            and self.runtime.detail.last_update_success
            and self.detail_value is not None
        )


#: (runtime data, device serial, its capability set) -> the device's entities.
type EntityFactory = Callable[
    [EzvizOpenData, str, DeviceCapabilities], Iterable[EzvizEntity]
]


@callback
def async_setup_device_entities(
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddEntitiesCallback,
    factory: EntityFactory,
) -> None:
    """Add a platform's entities now, and for devices that appear later.

    ``factory`` gets each device whose capabilities are known, with that set;
    it runs again for a device only when the set changes (new firmware).
    """
    data = entry.runtime_data
    seen: dict[str, DeviceCapabilities] = {}
    known: dict[str, set[str | None]] = {}

    @callback
    def _add_new() -> None:
        account = data.account.data
        new: list[EzvizEntity] = []
        for serial in account.devices:
            caps = data.capabilities.get(serial)
            if caps is None or seen.get(serial) is caps:
                continue
            seen[serial] = caps
            ids = known.setdefault(serial, set())
            for entity in factory(data, serial, caps):
                if entity.unique_id not in ids:
                    ids.add(entity.unique_id)
                    new.append(entity)
        for serial in set(seen) - set(account.devices):
            # Gone from the account (its entities go with its device): if it
            # comes back, it gets its entities again.
            del seen[serial]
            known.pop(serial, None)
        if new:
            async_add_entities(new)

    _add_new()
    entry.async_on_unload(data.account.async_add_listener(_add_new))
