"""Setting up, restarting and unloading an entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.helpers import device_registry as dr

from custom_components.ezviz_open.const import CONF_TOKEN, DOMAIN

from .conftest import (
    CAMERA_LIST_PATH,
    CAPACITY_PATH,
    DEVICE_LIST_PATH,
    TOKEN_PATH,
    registered_device,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator


async def test_setup_and_unload(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The entry loads, stores its token, and unloads cleanly."""
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    assert simulator.count(TOKEN_PATH) == 1
    assert entry.data[CONF_TOKEN]["access_token"] in simulator.tokens
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_restart_reuses_token_and_capabilities(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A restart mints no token and reads no capability set again."""
    entry = init_integration
    assert simulator.count(CAPACITY_PATH) == 7
    simulator.reset_log()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert simulator.count(TOKEN_PATH) == 0
    assert simulator.count(CAPACITY_PATH) == 0
    assert simulator.count(DEVICE_LIST_PATH) == 1
    assert simulator.count(CAMERA_LIST_PATH) == 1


async def test_auth_failure_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A secret the cloud refuses makes setup fail and starts reauth."""
    simulator.set_app_secret("changed")
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_transient_failure_retries(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A cloud failure at setup retries later (not ready)."""
    simulator.faults.error(DEVICE_LIST_PATH, 49999, times=1)
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_devices(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """One device per EZVIZ device; NVR channels and hub detectors hang off theirs."""
    nvr = registered_device(hass, "NVR000005")
    assert nvr is not None
    assert nvr.manufacturer == "EZVIZ"
    assert nvr.sw_version == "V4.1.0 build 200601"
    channels = [
        device
        for device in dr.async_entries_for_config_entry(
            device_registry, init_integration.entry_id
        )
        if device.via_device_id == nvr.id
    ]
    assert sorted(device.name for device in channels) == ["Backyard", "Porch"]
    assert (
        len(
            dr.async_entries_for_config_entry(
                device_registry, init_integration.entry_id
            )
        )
        == 15  # 7 devices, 2 NVR channels, 5 detectors of the hub, the account
    )


async def test_remove_config_entry_device(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """A device still in the account cannot be removed by hand."""
    from custom_components.ezviz_open import async_remove_config_entry_device

    device = registered_device(hass, "C6N000001")
    assert device is not None
    assert not await async_remove_config_entry_device(hass, init_integration, device)
    orphan = device_registry.async_get_or_create(
        config_entry_id=init_integration.entry_id, identifiers={(DOMAIN, "GONE0001")}
    )
    assert await async_remove_config_entry_device(hass, init_integration, orphan)
