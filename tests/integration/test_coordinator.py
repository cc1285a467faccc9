"""Cadences, request budget, rate limits, offline and changing devices."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
import pytest

from custom_components.ezviz_open.const import DOMAIN

from .conftest import (
    ALARM_LIST_PATH,
    CAMERA_LIST_PATH,
    CAPACITY_PATH,
    DEVICE_LIST_PATH,
    STATUS_PATH,
    TOKEN_PATH,
    advance,
    registered_device,
)

VERSION_PATH = "/api/lapp/device/version/info"

#: Detail requests per hour of the demo fleet at default options.
HOURLY_DETAIL = {
    STATUS_PATH: 6,
    "/api/lapp/camera/video/sound/status": 1,
    "/api/lapp/device/infrared/switch/get": 1,
    "/api/lapp/device/chime/get": 1,
    "/api/v3/device/switchStatus/get": 2,
    "/api/v3/device/fillLight/mode/get": 2,
    "/api/v3/device/timing/plan/get": 1,
    "/api/lapp/detector/list": 1,
}


if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import (
        MockConfigEntry,
    )

    from simulator import Simulator


async def test_requests_per_hour(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """An hour at default options: the request budget of the demo fleet.

    device/list every minute (60), camera/list once (hourly), and one detail
    round: only the endpoints enabled entities read, for online devices
    (Bedroom is offline). device/status/get serves the privacy switch, the
    alarm sound select and the battery, storage and cloud-storage sensors:
    one request per device that has any of them (Living Room, Garden, Front
    Door, Alarm Hub, Recorder, Driveway). Living Room also reads its
    microphone, infrared and fill light; Garden its motion light and working
    mode; Front Door its chime; Driveway its motion light and fill light;
    Alarm Hub its detector list. Firmware versions are read once a day (see
    the next test). No token, no capabilities. That is 76 per hour.
    """
    simulator.reset_log()
    for _ in range(60):
        await advance(hass, freezer, 60)
    counts = simulator.counts()
    assert counts.pop(DEVICE_LIST_PATH) == 60
    assert counts.pop(CAMERA_LIST_PATH) == 1
    assert counts.pop(ALARM_LIST_PATH) == 20  # every 180 s, account-wide
    assert counts == HOURLY_DETAIL
    assert sum(HOURLY_DETAIL.values()) == 15
    assert simulator.count(TOKEN_PATH) == 0
    assert simulator.count(CAPACITY_PATH) == 0


async def test_requests_per_day(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A simulated day: 24 detail rounds, firmware versions once per device.

    Time moves an hour at a time here, so the account cadence (60 s, one
    device/list a minute: 1,440 a day, measured above) runs once per step.
    With it the demo fleet costs 1,440 + 24 (camera/list) + 24 x 15 (detail,
    the hub's detector/list included) + 6 (version/info) = 1,830 requests per
    simulated day, plus one token a week.
    """
    simulator.reset_log()
    for _ in range(24):
        await advance(hass, freezer, 3600)
    counts = simulator.counts()
    assert counts.pop(DEVICE_LIST_PATH) == 24
    assert counts.pop(CAMERA_LIST_PATH) == 24
    assert counts.pop(VERSION_PATH) == 6
    assert counts.pop(ALARM_LIST_PATH) == 24  # one per step here; 480 a day
    assert counts == {path: 24 * count for path, count in HOURLY_DETAIL.items()}
    versions = [
        r.form["deviceSerial"] for r in simulator.requests if r.path == VERSION_PATH
    ]
    assert sorted(versions) == [
        "A1S000004",
        "BC1000002",
        "C6N000001",
        "C8C000006",
        "DB1000003",
        "NVR000005",
    ]
    daily = 1440 + 24 + 24 * sum(HOURLY_DETAIL.values()) + 6
    assert daily == 1830


async def test_offline_device(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """An offline device makes only its own entities unavailable."""
    assert hass.states.get("switch.living_room_privacy_mode").state == STATE_OFF
    simulator.set_online("C6N000001", False)
    await advance(hass, freezer, 60)
    assert hass.states.get("binary_sensor.living_room_connectivity").state == STATE_OFF
    assert hass.states.get("switch.living_room_privacy_mode").state == STATE_UNAVAILABLE
    assert (
        hass.states.get("alarm_control_panel.living_room_arming").state
        == STATE_UNAVAILABLE
    )
    assert hass.states.get("alarm_control_panel.driveway_arming").state == "armed_away"
    assert hass.states.get("binary_sensor.driveway_connectivity").state == STATE_ON
    simulator.set_online("C6N000001", True)
    await advance(hass, freezer, 60)
    assert hass.states.get("switch.living_room_privacy_mode").state == STATE_OFF


def _states_by_device(
    hass: HomeAssistant, entry: MockConfigEntry
) -> dict[str, dict[str, str]]:
    """Return device serial -> entity id -> state (NVR channels count as the NVR)."""
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    result: dict[str, dict[str, str]] = {}
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        if entity.disabled_by is not None:
            continue
        device = devices.async_get(entity.device_id)
        [identifier] = [i for domain, i in device.identifiers if domain == DOMAIN]
        serial = identifier.split("_")[0]
        result.setdefault(serial, {})[entity.entity_id] = hass.states.get(
            entity.entity_id
        ).state
    return result


@pytest.mark.parametrize("serial", ["C6N000001", "NVR000005"])
async def test_offline_device_every_entity(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    serial: str,
) -> None:
    """Every entity of an offline device is unavailable, and no other's.

    Its connectivity sensors stay available and say off. The demo's Bedroom
    (C1C000007) is offline from the start; a PTZ camera (camera, buttons,
    switches, selects, sensors, update) and an NVR with its channels go
    offline here.
    """

    def assert_offline(states: dict[str, str]) -> None:
        assert states
        for entity_id, state in states.items():
            if entity_id.startswith("binary_sensor.") and entity_id.endswith(
                "_connectivity"
            ):
                assert state == STATE_OFF, entity_id
            else:
                assert state == STATE_UNAVAILABLE, entity_id

    before = _states_by_device(hass, init_integration)
    assert_offline(before["C1C000007"])
    assert STATE_UNAVAILABLE not in before[serial].values()
    simulator.set_online(serial, False)
    await advance(hass, freezer, 60)
    after = _states_by_device(hass, init_integration)
    assert_offline(after.pop(serial))
    before.pop(serial)
    # The account's own sensors change by themselves: the plan counts online
    # devices, and the request count grows.
    after.pop(init_integration.entry_id)
    before.pop(init_integration.entry_id)
    assert after == before


async def test_rate_limit_keeps_state_and_backs_off(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A frequency refusal keeps the last state, backs off, logs once, raises an issue.

    A used-up quota (10007) stops requests instead: tests/integration/test_usage.py.
    """
    entry = init_integration
    issue_registry = ir.async_get(hass)
    rule = simulator.faults.error(DEVICE_LIST_PATH, 10029)
    simulator.reset_log()
    await advance(hass, freezer, 60)
    assert hass.states.get("alarm_control_panel.living_room_arming").state == "disarmed"
    issue = issue_registry.async_get_issue(DOMAIN, f"rate_limited_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "rate_limited"
    account = entry.runtime_data.account
    assert account.update_interval == timedelta(minutes=5)
    # Backing off: no call during the next four minutes, then one.
    for _ in range(4):
        await advance(hass, freezer, 60)
    assert simulator.count(DEVICE_LIST_PATH) == 1
    await advance(hass, freezer, 60)
    assert simulator.count(DEVICE_LIST_PATH) == 2
    assert account.update_interval == timedelta(minutes=10)
    assert caplog.text.count("refused calls") == 1
    # Accepted again: normal cadence, issue gone.
    simulator.faults.remove(rule)
    await advance(hass, freezer, 600)
    assert account.update_interval == timedelta(seconds=60)
    assert (
        issue_registry.async_get_issue(DOMAIN, f"rate_limited_{entry.entry_id}") is None
    )
    assert hass.states.get("alarm_control_panel.living_room_arming").state == "disarmed"


async def test_transient_failure_marks_unavailable(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A failed account read is retried at the next cadence."""
    simulator.faults.error(DEVICE_LIST_PATH, 49999, times=1)
    await advance(hass, freezer, 60)
    assert hass.states.get("binary_sensor.living_room_connectivity").state == (
        STATE_UNAVAILABLE
    )
    await advance(hass, freezer, 60)
    assert hass.states.get("binary_sensor.living_room_connectivity").state == STATE_ON


async def test_auth_failure_while_running_starts_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A token the cloud stops accepting, and a secret it refuses: reauth."""
    simulator.set_app_secret("changed")
    simulator.expire_tokens()
    await advance(hass, freezer, 60)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_devices_added_and_removed(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A new device gets entities without a reload; a removed one leaves."""
    simulator.state.devices["C3W000010"] = simulator.state.unowned.pop("C3W000010")
    del simulator.state.devices["C8C000006"]
    simulator.reset_log()
    await advance(hass, freezer, 60)
    assert simulator.count(CAMERA_LIST_PATH) == 1
    assert simulator.count(CAPACITY_PATH) == 1
    new = registered_device(hass, "C3W000010")
    assert new is not None
    entities = er.async_entries_for_device(er.async_get(hass), new.id)
    assert {entity.domain for entity in entities} == {
        "alarm_control_panel",
        "binary_sensor",
        "camera",
        "event",
        "image",
    }
    assert registered_device(hass, "C8C000006") is None
    assert hass.states.get("switch.driveway_video_encryption") is None


async def test_firmware_change_rereads_capabilities(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A new firmware version reads that device's capabilities again."""
    device = simulator.state.devices["C1C000007"]
    device.upgrade.current = "V5.3.0 build 230101"
    simulator.reset_log()
    await advance(hass, freezer, 60)
    capacity = [r for r in simulator.requests if r.path == CAPACITY_PATH]
    assert [r.form["deviceSerial"] for r in capacity] == ["C1C000007"]
    entry = registered_device(hass, "C1C000007")
    assert entry.sw_version == "V5.3.0 build 230101"


async def test_channel_removed_from_a_recorder(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A channel gone from the camera list leaves with its device; the rest stay.

    The device list does not show it (same name, firmware, encryption), so it
    goes when the camera list is read again, at the latest after an hour.
    """
    nvr = simulator.state.devices["NVR000005"]
    nvr.channels = [channel for channel in nvr.channels if channel.no != 2]
    await advance(hass, freezer, 3600)
    assert registered_device(hass, "NVR000005_2") is None
    assert registered_device(hass, "NVR000005_1")
    assert init_integration.runtime_data.account.data.camera("NVR000005", 2) is None
    assert init_integration.runtime_data.account.data.camera("NVR000005", 1)


async def test_camera_list_read_when_never_read(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Account data without a camera-list read time reads the camera list again."""
    account = init_integration.runtime_data.account
    account.data = replace(account.data, cameras_read=None)
    simulator.reset_log()
    await account.async_refresh()
    assert simulator.count(DEVICE_LIST_PATH) == 1
    assert simulator.count(CAMERA_LIST_PATH) == 1
    assert account.data.cameras_read is not None


async def test_shown_change_of_an_unknown_device_is_ignored(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A command's result for a device not (or no longer) listed changes nothing."""
    account = init_integration.runtime_data.account
    before = account.data
    updates: list[None] = []
    unsubscribe = account.async_add_listener(lambda: updates.append(None))
    account.async_set_device("NOT0LISTED", defence=1)
    account.async_set_device("C6N000001", defence=1)
    unsubscribe()
    assert account.data.devices.keys() == before.devices.keys()
    assert account.data.devices["C6N000001"].defence == 1
    assert len(updates) == 1  # the known device only
