"""The account's devices in Home Assistant's device registry."""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN
from .detectors import (
    async_delete_rename_issues,
    current_detector_identifiers,
    detector_device_infos,
)
from .entity import account_device_infos, current_identifiers

if TYPE_CHECKING:
    from .data import EzvizOpenConfigEntry


@callback
def async_sync_device_registry(
    hass: HomeAssistant, entry: EzvizOpenConfigEntry
) -> None:
    """Register the account's devices, linking each child to its parent.

    Parents are registered first and children are linked by device id
    (``via_device_id``), so a channel or a detector never names a device that
    does not exist yet, whichever platform adds its entities first. Names and
    firmware follow the cloud. Devices that left the account are removed.
    """
    data = entry.runtime_data
    registry = dr.async_get(hass)
    device_ids: dict[str, str] = {}
    for info, parent in chain(
        account_device_infos(data.account.data), detector_device_infos(data)
    ):
        device = registry.async_get_or_create(config_entry_id=entry.entry_id, **info)
        for _domain, identifier in info["identifiers"]:
            device_ids[identifier] = device.id
        parent_id = device_ids.get(parent) if parent is not None else None
        if parent_id is not None and device.via_device_id != parent_id:
            registry.async_update_device(device.id, via_device_id=parent_id)

    current = (
        current_identifiers(data.account.data)
        | current_detector_identifiers(hass, entry)
        # The account's own device (account-wide entities).
        | {entry.entry_id}
    )
    gone: set[str] = set()
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        identifiers = {
            identifier for domain, identifier in device.identifiers if domain == DOMAIN
        }
        if identifiers and not identifiers & current:
            # The device is this entry's alone (removing the entry from a
            # shared device is deprecated from Home Assistant 2026.8).
            registry.async_remove_device(device.id)
            gone |= identifiers
    if gone:
        async_delete_rename_issues(hass, entry.entry_id, gone)
        data.capabilities.async_forget(gone)
        data.detail.async_forget(gone)
