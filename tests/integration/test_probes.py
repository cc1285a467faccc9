"""Features the capability table names no flag for: the endpoint decides.

The fill light has no capability flag in the reference, so the fill light
select exists when ``fillLight/mode/get`` answers with a mode. The probe is
made once per device and firmware version, with the capability set, and kept
with it; only an answer is kept (data or 60020), never an error.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.ezviz_open.coordinator import CAPABILITY_RETRY

from .conftest import CAPACITY_PATH

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator

FILL_LIGHT_GET = "/api/v3/device/fillLight/mode/get"
PTZ = "C6N000001"  # Living Room: has a fill light
OUTDOOR = "C8C000006"  # Driveway: has a fill light
BATTERY = "BC1000002"  # Garden: answers 60020
DOORBELL = "DB1000003"  # Front Door: answers 60020
HUB = "A1S000004"  # Alarm Hub: no video, never asked
NVR = "NVR000005"  # Recorder: its channels are other cameras, never asked
OFFLINE = "C1C000007"  # Bedroom: offline, asked once it is online

SELECTS = {
    PTZ: "select.living_room_fill_light_mode",
    OUTDOOR: "select.driveway_fill_light_mode",
    BATTERY: "select.garden_fill_light_mode",
    DOORBELL: "select.front_door_fill_light_mode",
    HUB: "select.alarm_hub_fill_light_mode",
    NVR: "select.recorder_fill_light_mode",
    OFFLINE: "select.bedroom_fill_light_mode",
}


def _asked(simulator: Simulator) -> Counter[str]:
    """Fill light reads by device serial (probes and detail reads alike)."""
    return Counter(
        {key.lower(): value for key, value in r.headers.items()}["deviceserial"]
        for r in simulator.requests
        if r.path == FILL_LIGHT_GET
    )


def _selects(entity_registry: er.EntityRegistry) -> set[str]:
    return {
        serial
        for serial, entity_id in SELECTS.items()
        if entity_registry.async_get(entity_id) is not None
    }


async def _advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_select_where_the_endpoint_answers_data(
    hass: HomeAssistant,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Data: a select; 60020: none; a hub or a recorder: not even asked.

    The hub and the recorder are given a fill light in the simulator to show
    that their kind, not the cloud's answer, keeps them from being asked.
    Living Room and Driveway are read twice: the probe, then the select's
    first detail read.
    """
    simulator.state.devices[HUB].fill_light_mode = 0
    simulator.state.devices[NVR].fill_light_mode = 0
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _selects(entity_registry) == {PTZ, OUTDOOR}
    assert hass.states.get(SELECTS[PTZ]).state == "smart"
    assert hass.states.get(SELECTS[OUTDOOR]).state == "black_and_white"
    assert _asked(simulator) == {PTZ: 2, OUTDOOR: 2, BATTERY: 1, DOORBELL: 1}
    refused = {
        (r.status, r.code)
        for r in simulator.requests
        if r.path == FILL_LIGHT_GET and r.code != 200
    }
    assert refused == {(422, 60020)}


async def test_probe_once_per_firmware_and_kept_across_a_reload(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """Answers are stored with the capabilities; a new firmware asks again."""
    entry = init_integration
    simulator.reset_log()
    for _ in range(3):
        await _advance(hass, freezer, timedelta(minutes=1))
    assert _asked(simulator) == {}

    # A reload asks nothing: "not supported" is remembered like "has one".
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert simulator.count(CAPACITY_PATH) == 0
    # Only the selects' first detail reads.
    assert _asked(simulator) == {PTZ: 1, OUTDOOR: 1}
    assert _selects(entity_registry) == {PTZ, OUTDOOR}

    # New firmware on the battery camera, which now has a fill light.
    simulator.state.devices[BATTERY].upgrade.current = "V5.2.5 build 230301"
    simulator.state.devices[BATTERY].fill_light_mode = 1
    simulator.reset_log()
    await _advance(hass, freezer, timedelta(minutes=1))
    assert [
        r.form["deviceSerial"] for r in simulator.requests if r.path == CAPACITY_PATH
    ] == [BATTERY]
    assert _asked(simulator) == {BATTERY: 1}
    assert _selects(entity_registry) == {PTZ, OUTDOOR, BATTERY}


async def test_offline_device_asked_when_online(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """An offline camera is not asked (it could not answer) until it is online."""
    assert _asked(simulator)[OFFLINE] == 0
    simulator.state.devices[OFFLINE].fill_light_mode = 2
    simulator.set_online(OFFLINE, True)
    simulator.reset_log()
    await _advance(hass, freezer, timedelta(minutes=1))
    assert _asked(simulator) == {OFFLINE: 1}
    assert OFFLINE in _selects(entity_registry)


@pytest.mark.parametrize(
    "fault",
    [
        {"code": 20007},  # offline
        {"code": 10029},  # frequency limit
        {"http_status": 500},
    ],
    ids=["offline", "rate_limited", "server_error"],
)
async def test_transient_error_is_not_an_answer(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    mock_config_entry: MockConfigEntry,
    fault: dict[str, int],
) -> None:
    """A failed probe is neither remembered nor fatal: asked again later.

    Setup succeeds without the selects, a reload asks again (nothing was
    stored), and the retry after ``CAPABILITY_RETRY`` creates them.
    """
    rule = simulator.faults.add(FILL_LIGHT_GET, **fault)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert _selects(entity_registry) == set()
    assert _asked(simulator) == {PTZ: 1, OUTDOOR: 1, BATTERY: 1, DOORBELL: 1}

    # Not asked again at every account poll.
    simulator.reset_log()
    await _advance(hass, freezer, timedelta(minutes=1))
    assert _asked(simulator) == {}

    # Nothing was stored as "not supported": a reload asks again.
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _asked(simulator) == {PTZ: 1, OUTDOOR: 1, BATTERY: 1, DOORBELL: 1}
    assert _selects(entity_registry) == set()

    simulator.faults.remove(rule)
    simulator.reset_log()
    await _advance(hass, freezer, CAPABILITY_RETRY)
    assert _selects(entity_registry) == {PTZ, OUTDOOR}
    assert _asked(simulator) == {PTZ: 1, OUTDOOR: 1, BATTERY: 1, DOORBELL: 1}


async def test_failed_probe_after_new_firmware_keeps_the_entity(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """New firmware, probe refused by a transient error: the select stays.

    The previous firmware's answer stands until the new one answers, also
    across a reload.
    """
    simulator.state.devices[PTZ].upgrade.current = "V5.3.9 build 231020"
    rule = simulator.faults.error(FILL_LIGHT_GET, 20008)
    simulator.reset_log()
    await _advance(hass, freezer, timedelta(minutes=1))
    assert simulator.count(CAPACITY_PATH) == 1
    assert _asked(simulator) == {PTZ: 1}
    assert PTZ in _selects(entity_registry)

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    # Created by the integration again, not a leftover of the registry.
    assert "restored" not in hass.states.get(SELECTS[PTZ]).attributes

    simulator.faults.remove(rule)
    simulator.state.devices[PTZ].fill_light_mode = None  # the new firmware has none
    simulator.reset_log()
    await _advance(hass, freezer, CAPABILITY_RETRY)
    # Asked again: "not supported" now. The entity is not removed while
    # running (as with any capability change) and not created again.
    assert _asked(simulator) == {PTZ: 1}
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(SELECTS[PTZ]).attributes.get("restored") is True
