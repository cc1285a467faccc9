"""Binary sensors of EZVIZ devices: connectivity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
)
from homeassistant.const import EntityCategory

from .entity import EzvizEntity, async_setup_device_entities

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from . import EzvizOpenConfigEntry, EzvizOpenData

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the online sensor of each device and of each NVR channel."""

    def _entities(data: EzvizOpenData, serial: str) -> list[EzvizEntity]:
        entities: list[EzvizEntity] = [EzvizOnlineSensor(data, serial)]
        account = data.account.data
        if account is not None and account.is_multichannel(serial):
            entities.extend(
                EzvizOnlineSensor(data, serial, camera.channel)
                for camera in account.channels(serial)
            )
        return entities

    async_setup_device_entities(entry, async_add_entities, _entities)


class EzvizOnlineSensor(EzvizEntity, BinarySensorEntity):
    """Whether the device (or channel) is connected to the cloud."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(
        self, data: EzvizOpenData, serial: str, channel: int | None = None
    ) -> None:
        """Set up the sensor."""
        super().__init__(data, serial, "online", channel)

    @property
    def available(self) -> bool:
        """Available while the account is read: offline is a state, not a gap."""
        if not self.coordinator.last_update_success:
            return False
        if self.channel is not None:
            return self.camera is not None
        return self.device is not None

    @property
    def is_on(self) -> bool:
        """Whether the device (or channel) is online."""
        return self.online
