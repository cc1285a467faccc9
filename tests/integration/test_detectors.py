"""Detectors of the A1 hub: devices, sensors, mode switches, clearing, churn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.switch import (
    DOMAIN as SWITCH_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_ENTITY_ID, STATE_OFF, STATE_ON
from homeassistant.core import State
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache,
)

from custom_components.ezviz_open.api.detectors import Detector, DetectorType, SafeMode
from custom_components.ezviz_open.api.system import DeviceCapabilities
from custom_components.ezviz_open.binary_sensor import alarm_matches
from custom_components.ezviz_open.const import DOMAIN
from custom_components.ezviz_open.coordinator.alarm_events import AlarmEvent
from custom_components.ezviz_open.detectors import guard_allows
from simulator.state import Alarm as SimAlarm, Detector as SimDetector

from .conftest import advance, registered_device

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

    from simulator import Simulator

HUB = "A1S000004"
LIST_PATH = "/api/lapp/detector/list"
STATUS_SET_PATH = "/api/lapp/detector/status/set"
CANCEL_PATH = "/api/lapp/detector/cancelAlarm"
RENAME_PATH = "/api/lapp/detector/name/change"
DOOR = "binary_sensor.front_door_contact_door"
HALLWAY_HOME = "switch.hallway_motion_armed_in_home_mode"


@pytest.mark.parametrize(
    ("entity_id", "device_class", "state"),
    [
        (DOOR, BinarySensorDeviceClass.DOOR, STATE_OFF),
        ("binary_sensor.hallway_motion_motion", BinarySensorDeviceClass.MOTION, "off"),
        ("binary_sensor.kitchen_smoke_smoke", BinarySensorDeviceClass.SMOKE, "off"),
        (
            "binary_sensor.basement_leak_moisture",
            BinarySensorDeviceClass.MOISTURE,
            STATE_OFF,
        ),
        (
            "binary_sensor.emergency_button_safety",
            BinarySensorDeviceClass.SAFETY,
            STATE_OFF,
        ),
        ("binary_sensor.basement_leak_battery", BinarySensorDeviceClass.BATTERY, "on"),
        ("binary_sensor.kitchen_smoke_battery", BinarySensorDeviceClass.BATTERY, "off"),
        (
            "binary_sensor.kitchen_smoke_zone_fault",
            BinarySensorDeviceClass.PROBLEM,
            STATE_OFF,
        ),
        (
            "binary_sensor.kitchen_smoke_connectivity",
            BinarySensorDeviceClass.CONNECTIVITY,
            STATE_ON,
        ),
    ],
)
async def test_detector_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_id: str,
    device_class: str,
    state: str,
) -> None:
    """Each detector type has the sensor of its kind; diagnostics from the list."""
    current = hass.states.get(entity_id)
    assert current is not None
    assert current.state == state
    assert current.attributes[ATTR_DEVICE_CLASS] == device_class


async def test_detector_devices(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """One device per detector, via the hub; mode switches where the mask says."""
    hub = registered_device(hass, HUB)
    assert hub is not None
    detectors = {
        device.name: device
        for device in dr.async_entries_for_config_entry(
            device_registry, init_integration.entry_id
        )
        if device.via_device_id == hub.id
    }
    assert sorted(detectors) == [
        "Basement Leak",
        "Emergency Button",
        "Front Door Contact",
        "Hallway Motion",
        "Kitchen Smoke",
    ]
    assert detectors["Kitchen Smoke"].model == "Smoke Detector"
    assert detectors["Kitchen Smoke"].serial_number == "T40000043"
    switches = sorted(
        entry.entity_id
        for entry in er.async_entries_for_config_entry(
            entity_registry, init_integration.entry_id
        )
        if entry.domain == SWITCH_DOMAIN
        and entry.device_id in {d.id for d in detectors.values()}
    )
    # Guard mask "0,0,7,7,7,...": contacts and PIRs only.
    assert switches == [
        "switch.front_door_contact_armed_in_away_mode",
        "switch.front_door_contact_armed_in_home_mode",
        "switch.front_door_contact_armed_in_sleep_mode",
        "switch.hallway_motion_armed_in_away_mode",
        HALLWAY_HOME,
        "switch.hallway_motion_armed_in_sleep_mode",
    ]
    # Interference is noisy: disabled by default.
    entry = entity_registry.async_get(
        "binary_sensor.kitchen_smoke_wireless_interference"
    )
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION


@pytest.mark.parametrize("wrapped", [True, False])
async def test_detectors_from_either_reply_shape(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    wrapped: bool,
) -> None:
    """The reference's result-wrapped detector/list and the plain one both work."""
    simulator.result_wrapper = wrapped
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert simulator.count(LIST_PATH) >= 1
    hub = registered_device(hass, HUB)
    assert hub is not None
    detectors = [
        device.serial_number
        for device in dr.async_entries_for_config_entry(
            device_registry, mock_config_entry.entry_id
        )
        if device.via_device_id == hub.id
    ]
    assert sorted(detectors) == [
        "T10000042",
        "T10000044",
        "T20000041",
        "T30000045",
        "T40000043",
    ]
    assert hass.states.get(DOOR).state == STATE_OFF


async def test_mode_switch_at_the_wire(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A mode switch sends detector/status/set, then reads that hub's list only."""
    assert hass.states.get(HALLWAY_HOME).state == STATE_OFF
    simulator.reset_log()
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: HALLWAY_HOME}, blocking=True
    )
    sent = [r for r in simulator.requests if r.path == STATUS_SET_PATH]
    assert len(sent) == 1
    assert {k: v for k, v in sent[0].form.items() if k != "accessToken"} == {
        "deviceSerial": HUB,
        "detectorSerial": "T10000042",
        "safeMode": "0",
        "enable": "1",
    }
    assert simulator.counts() == {STATUS_SET_PATH: 1, LIST_PATH: 1}
    assert simulator.state.devices[HUB].detectors[1].at_home_enable == 1
    assert hass.states.get(HALLWAY_HOME).state == STATE_ON

    await hass.services.async_call(
        SWITCH_DOMAIN,
        SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: "switch.front_door_contact_armed_in_sleep_mode"},
        blocking=True,
    )
    assert simulator.requests[-2].form["safeMode"] == "2"
    assert simulator.requests[-2].form["enable"] == "0"
    assert simulator.state.devices[HUB].detectors[0].sleep_enable == 0
    assert (
        hass.states.get("switch.front_door_contact_armed_in_sleep_mode").state
        == STATE_OFF
    )


async def test_clear_alarm(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """The hub's button clears its alarm; zone faults read again at once."""
    simulator.state.devices[HUB].detectors[2].zf_status = 1
    await advance(hass, freezer, 3600)
    assert hass.states.get("binary_sensor.kitchen_smoke_zone_fault").state == STATE_ON
    simulator.reset_log()
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.alarm_hub_clear_alarm"},
        blocking=True,
    )
    assert simulator.counts() == {CANCEL_PATH: 1, LIST_PATH: 1}
    assert simulator.requests[0].form["deviceSerial"] == HUB
    assert hass.states.get("binary_sensor.kitchen_smoke_zone_fault").state == STATE_OFF


async def test_detectors_added_and_removed(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A detector paired or removed on the hub comes and goes without a reload."""
    hub = simulator.state.devices[HUB]
    hub.detectors.append(SimDetector(serial="T80000046", type="GAS", location="Boiler"))
    await advance(hass, freezer, 3600)
    gas = hass.states.get("binary_sensor.boiler_gas")
    assert gas is not None
    assert gas.attributes[ATTR_DEVICE_CLASS] == BinarySensorDeviceClass.GAS
    serial = f"{HUB}_detector_T80000046"
    assert registered_device(hass, serial) is not None

    hub.detectors = [d for d in hub.detectors if d.serial != "T80000046"]
    await advance(hass, freezer, 3600)
    assert registered_device(hass, serial) is None
    assert hass.states.get("binary_sensor.boiler_gas") is None

    # Paired again: it comes back.
    hub.detectors.append(SimDetector(serial="T80000046", type="GAS", location="Boiler"))
    await advance(hass, freezer, 3600)
    assert hass.states.get("binary_sensor.boiler_gas") is not None


async def test_detector_alarm_holds(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A door-contact alarm of the hub named after the contact turns it on."""
    simulator.state.alarms.append(
        SimAlarm(
            alarm_id="24027912025799999",
            serial=HUB,
            alarm_type=10004,
            alarm_time_ms=int(simulator.now() * 1000),
            channel_no=1,
            name="Front Door Contact",
        )
    )
    await advance(hass, freezer, 180)
    assert hass.states.get(DOOR).state == STATE_ON
    # The smoke detector is not concerned.
    assert hass.states.get("binary_sensor.kitchen_smoke_smoke").state == STATE_OFF
    await advance(hass, freezer, 31)
    assert hass.states.get(DOOR).state == STATE_OFF


def _tamper_alarm(simulator: Simulator, alarm_id: str, kind: int, name: str) -> None:
    simulator.state.alarms.append(
        SimAlarm(
            alarm_id=alarm_id,
            serial=HUB,
            alarm_type=kind,
            alarm_time_ms=int(simulator.now() * 1000),
            channel_no=1,
            name=name,
        )
    )


async def test_detector_tamper(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Tamper turns on with "sensor tampered" of that detector, off with recovery."""
    smoke = "binary_sensor.kitchen_smoke_tamper"
    door = "binary_sensor.front_door_contact_tamper"
    state = hass.states.get(smoke)
    assert state is not None
    assert state.state == STATE_OFF
    assert state.attributes[ATTR_DEVICE_CLASS] == BinarySensorDeviceClass.TAMPER
    _tamper_alarm(simulator, "24027912025700001", 12021, "Kitchen Smoke")
    await advance(hass, freezer, 180)
    assert hass.states.get(smoke).state == STATE_ON
    assert hass.states.get(door).state == STATE_OFF
    # It stays on (no hold time) until the hub reports the recovery.
    await advance(hass, freezer, 3600)
    assert hass.states.get(smoke).state == STATE_ON
    _tamper_alarm(simulator, "24027912025700002", 12022, "Kitchen Smoke")
    await advance(hass, freezer, 180)
    assert hass.states.get(smoke).state == STATE_OFF
    # An alarm naming no detector of a hub with several concerns none of them.
    _tamper_alarm(simulator, "24027912025700003", 12021, "")
    await advance(hass, freezer, 180)
    assert hass.states.get(smoke).state == STATE_OFF
    assert hass.states.get(door).state == STATE_OFF


async def test_detector_tamper_restored(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """The tamper state survives a restart (its alarm is not read again)."""
    mock_restore_cache(hass, [State("binary_sensor.kitchen_smoke_tamper", STATE_ON)])
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("binary_sensor.kitchen_smoke_tamper").state == STATE_ON
    assert hass.states.get("binary_sensor.front_door_contact_tamper").state == (
        STATE_OFF
    )


def _rename_issues(issue_registry: ir.IssueRegistry) -> list[str]:
    return [
        issue_id
        for domain, issue_id in issue_registry.issues
        if domain == DOMAIN and issue_id.startswith("detector_rename_")
    ]


def _detector_device(hass: HomeAssistant, serial: str = "T20000041") -> dr.DeviceEntry:
    device = registered_device(hass, f"{HUB}_detector_{serial}")
    assert device is not None
    return device


async def test_rename_in_home_assistant_renames_on_hub(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A detector device renamed in HA is renamed on its hub: one request."""
    device = _detector_device(hass)
    simulator.reset_log()
    device_registry.async_update_device(device.id, name_by_user="  Back Door ")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.counts() == {RENAME_PATH: 1}
    form = simulator.requests[0].form
    assert {k: v for k, v in form.items() if k != "accessToken"} == {
        "deviceSerial": HUB,
        "detectorSerial": "T20000041",
        "newName": "Back Door",
    }
    assert simulator.state.devices[HUB].detectors[0].location == "Back Door"
    # The device's own name follows the hub's at once, with no further read.
    device = _detector_device(hass)
    assert device.name == "Back Door"
    assert device.name_by_user == "  Back Door "
    assert not _rename_issues(issue_registry)

    # The next read of the hub agrees: nothing is sent back.
    simulator.reset_log()
    await advance(hass, freezer, 3600)
    assert RENAME_PATH not in simulator.counts()
    assert _detector_device(hass).name == "Back Door"

    # The same name again, a cleared name, or other changes: nothing sent.
    simulator.reset_log()
    device_registry.async_update_device(device.id, name_by_user="Back Door")
    device_registry.async_update_device(device.id, name_by_user=None)
    device_registry.async_update_device(device.id, area_id="hallway")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.counts() == {}
    assert simulator.state.devices[HUB].detectors[0].location == "Back Door"


async def test_rename_without_capability_stays_local(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A hub without support_modify_detectorname gets no rename request."""
    simulator.state.devices[HUB].capabilities["support_modify_detectorname"] = "0"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    device = _detector_device(hass)
    simulator.reset_log()
    device_registry.async_update_device(device.id, name_by_user="Back Door")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.counts() == {}
    assert _detector_device(hass).name_by_user == "Back Door"
    assert simulator.state.devices[HUB].detectors[0].location == "Front Door Contact"


async def test_rename_of_other_devices_stays_local(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Renaming the hub or a camera in HA sends nothing to the cloud."""
    simulator.reset_log()
    for serial in (HUB, "C6N000001"):
        device = registered_device(hass, serial)
        assert device is not None
        device_registry.async_update_device(device.id, name_by_user="Renamed")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.counts() == {}


async def test_rename_on_hub_renames_device(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Renamed in the EZVIZ app: the device follows at the next read, no write."""
    simulator.state.devices[HUB].detectors[0].location = "Patio Door"
    simulator.state.devices["C6N000001"].name = "Front Yard"
    simulator.reset_log()
    await advance(hass, freezer, 3600)
    assert RENAME_PATH not in simulator.counts()
    assert _detector_device(hass).name == "Patio Door"
    camera = registered_device(hass, "C6N000001")
    assert camera is not None
    assert camera.name == "Front Yard"
    # Entity IDs stay; friendly names follow the device.
    state = hass.states.get(DOOR)
    assert state is not None
    assert state.attributes["friendly_name"] == "Patio Door Door"


@pytest.mark.parametrize(
    ("code", "name", "issue_key"),
    [
        (None, "Back<Door>", "detector_name_rejected"),
        (20007, "Back Door", "detector_rename_failed"),
        (49999, "Back Door", "detector_rename_failed"),
    ],
)
async def test_rename_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    issue_registry: ir.IssueRegistry,
    code: int | None,
    name: str,
    issue_key: str,
) -> None:
    """A refused rename keeps the HA name, changes nothing, and says why."""
    if code is not None:
        simulator.faults.error(RENAME_PATH, code, times=1)
    device = _detector_device(hass)
    device_registry.async_update_device(device.id, name_by_user=name)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.count(RENAME_PATH) == 1
    assert simulator.state.devices[HUB].detectors[0].location == "Front Door Contact"
    device = _detector_device(hass)
    assert device.name == "Front Door Contact"
    assert device.name_by_user == name
    issue_id = f"detector_rename_{init_integration.entry_id}_{HUB}_T20000041"
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == issue_key
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["detector"] == "Front Door Contact"
    assert issue.translation_placeholders["name"] == name

    # A good name afterwards succeeds and clears the issue.
    device_registry.async_update_device(device.id, name_by_user="Back Door 2")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.devices[HUB].detectors[0].location == "Back Door 2"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_rename_auth_failure_starts_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An authentication refusal starts reauth (and says the rename failed)."""
    simulator.faults.error(RENAME_PATH, 10005, times=1)
    device = _detector_device(hass)
    device_registry.async_update_device(device.id, name_by_user="Back Door")
    await hass.async_block_till_done(wait_background_tasks=True)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    issue = issue_registry.async_get_issue(
        DOMAIN, f"detector_rename_{init_integration.entry_id}_{HUB}_T20000041"
    )
    assert issue is not None
    assert issue.translation_key == "detector_rename_failed"


async def test_rename_already_named_counts_as_done(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """An "already the current status" reply (60022) is success, shown at once."""
    simulator.faults.error(RENAME_PATH, 60022, times=1)
    device = _detector_device(hass)
    device_registry.async_update_device(device.id, name_by_user="Back Door")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.count(RENAME_PATH) == 1
    assert not _rename_issues(ir.async_get(hass))
    assert _detector_device(hass).name == "Back Door"


async def test_rename_refused_issue_removed_with_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Removing the entry removes its rename issues."""
    device = _detector_device(hass)
    device_registry.async_update_device(device.id, name_by_user="x" * 60)
    await hass.async_block_till_done(wait_background_tasks=True)
    # The client refuses an over-long name itself: nothing sent.
    assert simulator.count(RENAME_PATH) == 0
    assert len(_rename_issues(issue_registry)) == 1
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert not _rename_issues(issue_registry)


async def test_rename_refused_issue_goes_with_its_cause(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A refused rename's issue goes when the name is cleared or the detector leaves.

    Cleared in Home Assistant, the device shows the hub's name again: no
    name is left to send. Removed from the hub, the detector's device goes.
    """
    hub = simulator.state.devices[HUB]
    for serial in ("T20000041", "T10000042"):
        device = _detector_device(hass, serial)
        device_registry.async_update_device(device.id, name_by_user="x" * 60)
    await hass.async_block_till_done(wait_background_tasks=True)
    prefix = f"detector_rename_{init_integration.entry_id}_{HUB}_"
    assert sorted(_rename_issues(issue_registry)) == [
        f"{prefix}T10000042",
        f"{prefix}T20000041",
    ]

    device = _detector_device(hass, "T20000041")
    device_registry.async_update_device(device.id, name_by_user=None)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _rename_issues(issue_registry) == [f"{prefix}T10000042"]
    assert simulator.count(RENAME_PATH) == 0

    hub.detectors = [d for d in hub.detectors if d.serial != "T10000042"]
    await advance(hass, freezer, 3600)
    assert _rename_issues(issue_registry) == []


def _detector(serial: str, kind: DetectorType, name: str) -> Detector:
    return Detector.from_api(
        {"detectorSerial": serial, "detectorType": kind.value, "location": name}
    )


def _event(event_type: str, name: str | None) -> AlarmEvent:
    return AlarmEvent(
        serial=HUB,
        channel=None,
        event_type=event_type,
        alarm_id=None,
        alarm_type=None,
        raw_type=None,
        time=None,
        name=name,
        picture_url=None,
        encrypted=False,
    )


def test_alarm_matching() -> None:
    """By name when it names a detector; by kind when only one can match."""
    door = _detector("T1", DetectorType.MAGNETIC_CONTACT, "Door")
    window = _detector("T2", DetectorType.OPEN_CLOSE, "Window")
    smoke = _detector("T3", DetectorType.SMOKE, "Smoke")
    remote = _detector("T4", DetectorType.REMOTE_CONTROL, "Remote")
    listed = {d.serial or "": d for d in (door, window, smoke, remote)}
    assert alarm_matches(_event("door_contact", "Door"), door, listed)
    assert not alarm_matches(_event("door_contact", "Door"), window, listed)
    # Unnamed: two contacts could have raised it.
    assert not alarm_matches(_event("door_contact", None), door, listed)
    assert alarm_matches(_event("smoke", "Elsewhere"), smoke, listed)
    assert not alarm_matches(_event("smoke", None), door, listed)
    assert not alarm_matches(_event("smoke", None), remote, listed)


def test_guard_mask() -> None:
    """Bit 0 away, bit 1 sleep, bit 2 home, per type in the reference's order."""
    caps = DeviceCapabilities.from_api(
        {"support_modify_detectorguard": "0,0,1,6,x,0,7,0,0,0"}
    )
    contact = _detector("T1", DetectorType.MAGNETIC_CONTACT, "Door")
    pir = _detector("T2", DetectorType.PIR, "Hall")
    curtain = _detector("T3", DetectorType.CURTAIN, "Curtain")
    assert guard_allows(caps, contact, SafeMode.AWAY)
    assert not guard_allows(caps, contact, SafeMode.HOME)
    assert guard_allows(caps, pir, SafeMode.HOME)
    assert guard_allows(caps, pir, SafeMode.SLEEP)
    assert not guard_allows(caps, pir, SafeMode.AWAY)
    assert not guard_allows(caps, curtain, SafeMode.AWAY)
    assert not guard_allows(DeviceCapabilities(), contact, SafeMode.AWAY)
    assert not guard_allows(None, contact, SafeMode.AWAY)
