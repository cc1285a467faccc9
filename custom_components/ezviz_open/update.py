"""Firmware updates of EZVIZ devices.

The installed version comes with the device list (the account cadence, free);
the latest one from ``device/version/info``, read once a day per device and
again when the installed version changes (see ``TOPIC_VERSION`` in
``topics.py``). An install starts ``device/upgrade``; its progress is
then read from ``device/upgrade/status`` every 30 seconds until it ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityFeature,
)
from homeassistant.const import EntityCategory

from .api.system import DeviceVersion, UpgradeState
from .entity import EzvizDetailEntity, EzvizEntity, async_setup_device_entities
from .helpers import ezviz_exception_handler
from .topics import TOPIC_UPGRADE, TOPIC_VERSION

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api.system import DeviceCapabilities, UpgradeStatus
    from .data import EzvizOpenConfigEntry, EzvizOpenData

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a firmware update entity to each device that can be upgraded."""

    def _entities(
        data: EzvizOpenData, serial: str, caps: DeviceCapabilities
    ) -> list[EzvizEntity]:
        if not caps.support_upgrade:
            return []
        return [EzvizFirmwareUpdate(data, serial)]

    async_setup_device_entities(entry, async_add_entities, _entities)


class EzvizFirmwareUpdate(EzvizDetailEntity[DeviceVersion], UpdateEntity):
    """The device's firmware: installed, latest, install with progress."""

    _attr_device_class = UpdateDeviceClass.FIRMWARE
    _attr_entity_category = EntityCategory.CONFIG
    _attr_supported_features = (
        UpdateEntityFeature.INSTALL | UpdateEntityFeature.PROGRESS
    )
    _attr_translation_key = "firmware"
    topic = TOPIC_VERSION

    def __init__(self, data: EzvizOpenData, serial: str) -> None:
        """Set up the entity."""
        super().__init__(data, serial, "firmware")

    @property
    def _version(self) -> DeviceVersion | None:
        return self.detail_value

    @property
    def _upgrade(self) -> UpgradeStatus | None:
        return self.runtime.detail.value(self.serial, TOPIC_UPGRADE)

    @property
    def available(self) -> bool:
        """Available as usual, and throughout an upgrade (the device reboots)."""
        return super().available or (
            self.runtime.detail.upgrading(self.serial)
            and self.coordinator.last_update_success
        )

    @property
    def installed_version(self) -> str | None:
        """The installed firmware, as the device list reports it (``deviceVersion``).

        The list is read every minute, so it shows an upgrade done elsewhere
        before ``device/version/info`` is read again.
        """
        device = self.device
        return (device.version or None) if device is not None else None

    @property
    def latest_version(self) -> str | None:
        """The latest firmware the cloud offers for the device.

        Shown only while ``device/version/info`` has been read (the entity is
        unavailable before), so the guard is for typing only.
        """
        version = self._version
        return None if version is None else version.latest or self.installed_version

    @property
    def in_progress(self) -> bool:
        """Whether an upgrade started here is running (or the device reboots)."""
        upgrade = self._upgrade
        return upgrade is not None and upgrade.state in (
            UpgradeState.UPGRADING,
            UpgradeState.REBOOTING,
        )

    @property
    def update_percentage(self) -> int | None:
        """Progress of the running upgrade, in percent.

        Home Assistant asks only while ``in_progress``, so an upgrade status
        is there; rebooting is the last step.
        """
        upgrade = self._upgrade
        if upgrade is not None and upgrade.state is UpgradeState.REBOOTING:
            return 100
        return None if upgrade is None else upgrade.progress

    async def async_install(
        self, version: str | None, backup: bool, **kwargs: Any
    ) -> None:
        """Start the upgrade to the latest firmware and follow its progress."""
        await self._async_upgrade()

    @ezviz_exception_handler
    async def _async_upgrade(self) -> None:
        await self.runtime.client.upgrade_device(self.serial)
        self.runtime.detail.async_watch_upgrade(self.serial)
