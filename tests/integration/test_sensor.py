"""Sensors: values, unknowns, and what enabling a costly one adds."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.const import STATE_UNKNOWN
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from .conftest import STATUS_PATH

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator


async def test_default_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """Status-backed sensors are on; those costing a request each are off."""
    assert hass.states.get("sensor.garden_battery").state == "78"
    assert hass.states.get("sensor.living_room_storage").state == "normal"
    assert hass.states.get("sensor.front_door_storage").state == "unformatted"
    # One of the recorder's two disks is unformatted: that is what shows.
    assert hass.states.get("sensor.recorder_storage").state == "unformatted"
    assert hass.states.get("sensor.living_room_cloud_storage").state == "activated"
    assert hass.states.get("sensor.garden_cloud_storage").state == "not_activated"
    assert hass.states.get("sensor.front_door_cloud_storage").state == "expired"
    for entity_id in (
        "sensor.living_room_wi_fi_signal",
        "sensor.living_room_storage_capacity",
        "sensor.living_room_firmware_version",
    ):
        assert hass.states.get(entity_id) is None
        entry = entity_registry.async_get(entity_id)
        assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    # No battery for mains cameras, nor for the hub (its battery management
    # concerns its detectors).
    assert hass.states.get("sensor.living_room_battery") is None
    assert hass.states.get("sensor.alarm_hub_battery") is None


async def test_unreported_values_are_unknown(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """-1 / -2 from the cloud are unknown, not values."""
    device = simulator.state.devices["BC1000002"]
    device.battery = -1
    device.cloud = {"status": -2}
    await init_integration.runtime_data.detail.async_refresh_device("BC1000002")
    assert hass.states.get("sensor.garden_battery").state == STATE_UNKNOWN
    assert hass.states.get("sensor.garden_cloud_storage").state == STATE_UNKNOWN


async def test_formatting_storage(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A medium being formatted shows as formatting."""
    simulator.state.devices["C6N000001"].disks[0].status = 3
    await init_integration.runtime_data.detail.async_refresh_device("C6N000001")
    assert hass.states.get("sensor.living_room_storage").state == "formatting"


async def test_enabling_a_sensor_adds_its_endpoint(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """Enabling Wi-Fi signal adds device/info for that device, nothing else."""
    entity_registry.async_update_entity("sensor.garden_wi_fi_signal", disabled_by=None)
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.garden_wi_fi_signal").state == "64"
    simulator.reset_log()
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    info = [r for r in simulator.requests if r.path == "/api/lapp/device/info"]
    assert [r.form["deviceSerial"] for r in info] == ["BC1000002"]
    assert simulator.count(STATUS_PATH) == 6


async def test_offline_notification_sensor(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """Read-only, where the capability says so; shares device/info with Wi-Fi."""
    entity_id = "binary_sensor.living_room_offline_notification"
    entry = entity_registry.async_get(entity_id)
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert entry.entity_category == "diagnostic"
    # Only the camera with support_device_offline_notify has one.
    assert [
        e.entity_id
        for e in er.async_entries_for_config_entry(
            entity_registry, init_integration.entry_id
        )
        if e.translation_key == "offline_notification"
    ] == [entity_id]

    for enabled in (entity_id, "sensor.living_room_wi_fi_signal"):
        entity_registry.async_update_entity(enabled, disabled_by=None)
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(entity_id).state == "on"
    assert hass.states.get("sensor.living_room_wi_fi_signal").state == "82"

    simulator.state.devices["C6N000001"].offline_notify = 0
    simulator.reset_log()
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(entity_id).state == "off"
    # Both entities read one device/info per round.
    info = [r for r in simulator.requests if r.path == "/api/lapp/device/info"]
    assert [r.form["deviceSerial"] for r in info] == ["C6N000001"]
