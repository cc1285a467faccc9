"""The EZVIZ Open Platform integration: setup, unload, removal.

What an entry holds is ``data.py``; how it is built and wired, ``runtime.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import Platform
from homeassistant.helpers import config_validation as cv

from .const import DOMAIN
from .coordinator.capabilities import async_remove_capability_store
from .detectors import current_detector_identifiers
from .entity import current_identifiers
from .metering.usage import async_remove_usage_store
from .repairs import async_delete_issues
from .runtime import async_setup_runtime
from .services import async_setup_services

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import device_registry as dr
    from homeassistant.helpers.typing import ConfigType

    from .data import EzvizOpenConfigEntry

PLATFORMS: list[Platform] = [
    Platform.ALARM_CONTROL_PANEL,
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CAMERA,
    Platform.EVENT,
    Platform.IMAGE,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.UPDATE,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once, for every entry)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: EzvizOpenConfigEntry) -> bool:
    """Set up an EZVIZ Open Platform account."""
    await async_setup_runtime(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Entities have registered what they read: fetch it once now, in the
    # background, then at the detail cadence.
    entry.async_create_background_task(
        hass,
        entry.runtime_data.detail.async_refresh(),
        f"{DOMAIN} first detail refresh",
    )
    return True


async def async_unload_entry(hass: HomeAssistant, entry: EzvizOpenConfigEntry) -> bool:
    """Unload an entry, and the issues that its next setup raises again if due."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.usage.async_unload()
        async_delete_issues(hass, entry.entry_id, keep_renames=True)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: EzvizOpenConfigEntry) -> None:
    """Delete what the entry stored besides itself."""
    async_delete_issues(hass, entry.entry_id)
    await async_remove_capability_store(hass, entry.entry_id)
    await async_remove_usage_store(hass, entry.entry_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: EzvizOpenConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Allow removing a device only once it left the account."""
    current = (
        current_identifiers(entry.runtime_data.account.data)
        | current_detector_identifiers(hass, entry)
        | {entry.entry_id}
    )
    return not any(
        domain == DOMAIN and identifier in current
        for domain, identifier in device.identifiers
    )
