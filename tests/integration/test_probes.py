"""Features the capability table names no flag for: the endpoint decides.

The reference's capability table has no flag for the fill light, the voice
prompts or the working mode (``support_wifi`` is about Wi-Fi configuration,
``support_battery_manage`` about the battery), so each entity exists when
its own read endpoint answers with data. The probe is made once per device
and firmware version, with the capability set, and kept with it; only an
answer is kept (data or 60020), never an error. Every test runs for each of
the three features.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.ezviz_open.coordinator.capabilities import CAPABILITY_RETRY

from .conftest import CAPACITY_PATH

if TYPE_CHECKING:
    from collections.abc import Callable

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator
    from simulator.state import Device

PTZ = "C6N000001"  # Living Room: fill light, voice prompts
BATTERY = "BC1000002"  # Garden: voice prompts, working-mode plan
DOORBELL = "DB1000003"  # Front Door: none of them
HUB = "A1S000004"  # Alarm Hub: no video, never asked
NVR = "NVR000005"  # Recorder: its channels are other cameras, never asked
OUTDOOR = "C8C000006"  # Driveway: fill light
OFFLINE = "C1C000007"  # Bedroom: offline, asked once it is online

#: The single-channel cameras online at setup: the devices asked.
CAMERAS = (PTZ, BATTERY, DOORBELL, OUTDOOR)
SLUGS = {
    PTZ: "living_room",
    BATTERY: "garden",
    DOORBELL: "front_door",
    HUB: "alarm_hub",
    NVR: "recorder",
    OUTDOOR: "driveway",
    OFFLINE: "bedroom",
}


@dataclass(frozen=True)
class Feature:
    """A probed feature: its endpoint, entity and how the simulator has it."""

    name: str
    #: The read the probe makes (also the entity's detail read).
    path: str
    #: The entity id without the device slug: "select.{slug}_fill_light_mode".
    entity: str
    #: Gives a simulated device the feature (None takes it away).
    give: Callable[[Device, Any], None]
    #: The demo devices whose endpoint answers data.
    has: frozenset[str]
    #: A demo camera without it (gains it with a new firmware).
    gains: str
    #: Enabled by default: its first detail read follows the probe.
    enabled: bool
    #: The state the entity of the first device in ``has`` shows.
    state: tuple[str, str] | None
    #: What "not supported" looks like on the wire: (HTTP status, code).
    refused: tuple[int, int]

    def entity_id(self, serial: str) -> str:
        """The entity of ``serial``."""
        return self.entity.format(slug=SLUGS[serial])


def _set_fill_light(device: Device, value: Any) -> None:
    device.fill_light_mode = value


def _set_sound_switch(device: Device, value: Any) -> None:
    device.sound_switch = value


def _set_timing_plan(device: Device, value: Any) -> None:
    device.timing_plan = None if value is None else {"eventArg": "0"}


FILL_LIGHT = Feature(
    name="fill_light",
    path="/api/v3/device/fillLight/mode/get",
    entity="select.{slug}_fill_light_mode",
    give=_set_fill_light,
    has=frozenset({PTZ, OUTDOOR}),
    gains=BATTERY,
    enabled=True,
    state=(PTZ, "smart"),
    refused=(422, 60020),
)
PROMPT_SOUND = Feature(
    name="prompt_sound",
    path="/api/lapp/device/sound/switch/status",
    entity="switch.{slug}_audio_prompts",
    give=_set_sound_switch,
    has=frozenset({PTZ, BATTERY}),
    gains=DOORBELL,
    # Disabled by default: the probe is its only request until enabled.
    enabled=False,
    state=None,
    refused=(200, 60020),
)
WORKING_MODE = Feature(
    name="working_mode",
    path="/api/v3/device/timing/plan/get",
    entity="select.{slug}_working_mode",
    give=_set_timing_plan,
    has=frozenset({BATTERY}),
    gains=PTZ,
    enabled=True,
    state=(BATTERY, "performance"),
    refused=(422, 60020),
)
FEATURES = pytest.mark.parametrize(
    "feature",
    [FILL_LIGHT, PROMPT_SOUND, WORKING_MODE],
    ids=lambda feature: feature.name,
)


def _serial(headers: dict[str, str], form: dict[str, str]) -> str:
    """The device a request is about: a v3 header or a lapp form field."""
    folded = {key.lower(): value for key, value in headers.items()}
    return folded.get("deviceserial") or form["deviceSerial"]


def _asked(simulator: Simulator, feature: Feature) -> Counter[str]:
    """Reads of the feature's endpoint by serial (probes and detail reads)."""
    return Counter(
        _serial(r.headers, r.form) for r in simulator.requests if r.path == feature.path
    )


def _entities(entity_registry: er.EntityRegistry, feature: Feature) -> set[str]:
    return {
        serial
        for serial in SLUGS
        if entity_registry.async_get(feature.entity_id(serial)) is not None
    }


def _probes_only(*serials: str) -> Counter[str]:
    return Counter(dict.fromkeys(serials, 1))


async def _advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


@FEATURES
async def test_entity_where_the_endpoint_answers_data(
    hass: HomeAssistant,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    mock_config_entry: MockConfigEntry,
    feature: Feature,
) -> None:
    """Data: an entity; 60020: none; a hub or a recorder: not even asked.

    The hub and the recorder are given the feature in the simulator to show
    that their kind, not the cloud's answer, keeps them from being asked.
    The devices with an enabled entity are read twice: the probe, then the
    entity's first detail read.
    """
    feature.give(simulator.state.devices[HUB], 1)
    feature.give(simulator.state.devices[NVR], 1)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _entities(entity_registry, feature) == feature.has
    if feature.state is not None:
        serial, state = feature.state
        assert hass.states.get(feature.entity_id(serial)).state == state
    expected = _probes_only(*CAMERAS)
    if feature.enabled:
        expected.update(feature.has)
    assert _asked(simulator, feature) == expected
    refused = {
        (r.status, r.code)
        for r in simulator.requests
        if r.path == feature.path and r.code != 200
    }
    assert refused == {feature.refused}


async def test_the_flags_once_used_no_longer_decide(
    hass: HomeAssistant,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    mock_config_entry: MockConfigEntry,
) -> None:
    """``support_wifi`` and ``support_battery_manage`` make no prompt, no mode.

    Garden keeps both flags, but its endpoints answer 60020: no *Audio
    prompts* switch, no *Working mode* select. What the flags do name stays:
    the *Wi-Fi signal* and *Battery* sensors.
    """
    garden = simulator.state.devices[BATTERY]
    assert garden.capabilities["support_wifi"] != "0"
    assert garden.capabilities["support_battery_manage"] == "1"
    garden.sound_switch = None
    garden.timing_plan = None
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entity_registry.async_get(PROMPT_SOUND.entity_id(BATTERY)) is None
    assert entity_registry.async_get(WORKING_MODE.entity_id(BATTERY)) is None
    assert entity_registry.async_get("sensor.garden_wi_fi_signal") is not None
    assert entity_registry.async_get("sensor.garden_battery") is not None


@FEATURES
async def test_probe_once_per_firmware_and_kept_across_a_reload(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
    feature: Feature,
) -> None:
    """Answers are stored with the capabilities; a new firmware asks again."""
    entry = init_integration
    simulator.reset_log()
    for _ in range(3):
        await _advance(hass, freezer, timedelta(minutes=1))
    assert _asked(simulator, feature) == {}

    # A reload asks nothing: "not supported" is remembered like "has it".
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert simulator.count(CAPACITY_PATH) == 0
    # Only the enabled entities' first detail reads.
    assert _asked(simulator, feature) == (
        _probes_only(*feature.has) if feature.enabled else {}
    )
    assert _entities(entity_registry, feature) == feature.has

    # New firmware on a camera without the feature, which now has it.
    device = simulator.state.devices[feature.gains]
    device.upgrade.current = "V9.9.9 build 991231"
    feature.give(device, 1)
    simulator.reset_log()
    await _advance(hass, freezer, timedelta(minutes=1))
    assert [
        r.form["deviceSerial"] for r in simulator.requests if r.path == CAPACITY_PATH
    ] == [feature.gains]
    assert _asked(simulator, feature) == {feature.gains: 1}
    assert _entities(entity_registry, feature) == feature.has | {feature.gains}


@FEATURES
async def test_offline_device_asked_when_online(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
    feature: Feature,
) -> None:
    """An offline camera is not asked (it could not answer) until it is online."""
    assert _asked(simulator, feature)[OFFLINE] == 0
    feature.give(simulator.state.devices[OFFLINE], 1)
    simulator.set_online(OFFLINE, True)
    simulator.reset_log()
    await _advance(hass, freezer, timedelta(minutes=1))
    assert _asked(simulator, feature) == {OFFLINE: 1}
    assert OFFLINE in _entities(entity_registry, feature)


@FEATURES
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
    feature: Feature,
    fault: dict[str, int],
) -> None:
    """A failed probe is neither remembered nor fatal: asked again later.

    Setup succeeds without the entities, a reload asks again (nothing was
    stored), and the retry after ``CAPABILITY_RETRY`` creates them.
    """
    rule = simulator.faults.add(feature.path, **fault)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert _entities(entity_registry, feature) == set()
    assert _asked(simulator, feature) == _probes_only(*CAMERAS)

    # Not asked again at every account poll.
    simulator.reset_log()
    await _advance(hass, freezer, timedelta(minutes=1))
    assert _asked(simulator, feature) == {}

    # Nothing was stored as "not supported": a reload asks again.
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _asked(simulator, feature) == _probes_only(*CAMERAS)
    assert _entities(entity_registry, feature) == set()

    simulator.faults.remove(rule)
    simulator.reset_log()
    await _advance(hass, freezer, CAPABILITY_RETRY)
    assert _entities(entity_registry, feature) == feature.has
    assert _asked(simulator, feature) == _probes_only(*CAMERAS)


@FEATURES
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_failed_probe_after_new_firmware_keeps_the_entity(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    feature: Feature,
) -> None:
    """New firmware, probe refused by a transient error: the entity stays.

    The previous firmware's answer stands until the new one answers, also
    across a reload. (Entities enabled, so that each one has a state.)
    """
    serial = min(feature.has)
    entity_id = feature.entity_id(serial)
    simulator.state.devices[serial].upgrade.current = "V9.9.9 build 991231"
    rule = simulator.faults.error(feature.path, 20008)
    simulator.reset_log()
    await _advance(hass, freezer, timedelta(minutes=1))
    assert simulator.count(CAPACITY_PATH) == 1
    assert _asked(simulator, feature) == {serial: 1}
    assert hass.states.get(entity_id) is not None

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    # Created by the integration again, not a leftover of the registry.
    assert "restored" not in hass.states.get(entity_id).attributes

    simulator.faults.remove(rule)
    feature.give(simulator.state.devices[serial], None)  # the new firmware has none
    simulator.reset_log()
    await _advance(hass, freezer, CAPABILITY_RETRY)
    # Asked again: "not supported" now. The entity is not removed while
    # running (as with any capability change) and not created again.
    assert _asked(simulator, feature) == {serial: 1}
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(entity_id).attributes.get("restored") is True


@FEATURES
async def test_refused_credentials_on_a_probe_start_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
    feature: Feature,
) -> None:
    """A probe refused for credentials is no answer either, and starts reauth.

    Nothing is stored for it: once the entry is loaded again (as after the
    reauth), the probe is asked again and its answer makes the entity.
    """
    feature.give(simulator.state.devices[OFFLINE], 1)
    simulator.set_online(OFFLINE, True)
    simulator.faults.error(feature.path, 10030, times=1)
    simulator.reset_log()
    await _advance(hass, freezer, timedelta(minutes=1))
    assert _asked(simulator, feature) == {OFFLINE: 1}
    flows = hass.config_entries.flow.async_progress_by_handler("ezviz_open")
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert OFFLINE not in _entities(entity_registry, feature)

    simulator.reset_log()
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    # The probe, then the first detail read of an entity enabled by default.
    assert _asked(simulator, feature)[OFFLINE] == 1 + feature.enabled
    assert OFFLINE in _entities(entity_registry, feature)
