"""The detail cadence and capability reads when the cloud refuses or fails.

Each failure stays as small as it is: one endpoint, one device, one round.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.helpers import (
    entity_registry as er,
    issue_registry as ir,
)
import pytest

from custom_components.ezviz_open.const import DOMAIN

from .conftest import (
    CAPACITY_PATH,
    DEVICE_LIST_PATH,
    STATUS_PATH,
    advance,
    registered_device,
)

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator

CHIME_PATH = "/api/lapp/device/chime/get"
MICROPHONE_PATH = "/api/lapp/camera/video/sound/status"
#: Every endpoint the demo fleet's default-enabled entities read.
DETAIL_PATHS = (
    STATUS_PATH,
    MICROPHONE_PATH,
    CHIME_PATH,
    "/api/lapp/device/infrared/switch/get",
    "/api/v3/device/switchStatus/get",
    "/api/v3/device/fillLight/mode/get",
    "/api/v3/device/timing/plan/get",
    "/api/lapp/detector/list",
)
PRIVACY = "switch.living_room_privacy_mode"
CHIME = "select.front_door_chime_type"
ARMING = "alarm_control_panel.living_room_arming"


def _reauth_flows(hass: HomeAssistant) -> list[str]:
    return [
        flow["context"]["source"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    ]


async def test_unsupported_endpoint_not_asked_again(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """An endpoint the device does not support (20015) is not read again."""
    chime = hass.states.get(CHIME).state
    simulator.faults.error(CHIME_PATH, 20015)
    simulator.reset_log()
    await advance(hass, freezer, 3600)
    await advance(hass, freezer, 3600)
    assert simulator.count(CHIME_PATH) == 1
    assert simulator.count(STATUS_PATH) == 12
    # The last value read stays.
    assert hass.states.get(CHIME).state == chime


async def test_device_refusal_keeps_last_value(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A refused read (offline, 20007) keeps that endpoint's last value only."""
    simulator.state.devices["C6N000001"].privacy = 1
    simulator.state.devices["C6N000001"].microphone = 0
    rule = simulator.faults.error(STATUS_PATH, 20007)
    await advance(hass, freezer, 3600)
    assert hass.states.get(PRIVACY).state == STATE_OFF
    assert hass.states.get("switch.living_room_microphone").state == STATE_OFF
    simulator.faults.remove(rule)
    await advance(hass, freezer, 3600)
    assert hass.states.get(PRIVACY).state == STATE_ON


async def test_transport_failure(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Unreadable replies: one read keeps its value; a whole round is a gap.

    A round where every read fails makes the detail entities unavailable
    until the next round; the account's entities (arming) are not affected.
    """
    simulator.faults.bad_body(STATUS_PATH, "malformed", times=1)
    await advance(hass, freezer, 3600)
    assert hass.states.get(PRIVACY).state == STATE_OFF

    rules = [simulator.faults.bad_body(path, "malformed") for path in DETAIL_PATHS]
    await advance(hass, freezer, 3600)
    assert hass.states.get(PRIVACY).state == STATE_UNAVAILABLE
    assert hass.states.get(CHIME).state == STATE_UNAVAILABLE
    assert hass.states.get(ARMING).state == "disarmed"
    for rule in rules:
        simulator.faults.remove(rule)
    await advance(hass, freezer, 3600)
    assert hass.states.get(PRIVACY).state == STATE_OFF


async def test_detail_rate_limited(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A rate limit on a detail read keeps every value and is logged once."""
    simulator.faults.error(STATUS_PATH, 10029, times=1)
    await advance(hass, freezer, 3600)
    assert hass.states.get(PRIVACY).state == STATE_OFF
    assert caplog.text.count("refused calls") == 1
    # The next accepted call clears the repair issue.
    await advance(hass, freezer, 300)
    issue_id = f"rate_limited_{init_integration.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert "accepts calls again" in caplog.text


async def test_detail_auth_failure_starts_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Credentials refused on a detail read start reauth."""
    simulator.faults.error(STATUS_PATH, 10030)
    await advance(hass, freezer, 3600)
    assert _reauth_flows(hass) == [SOURCE_REAUTH]


@pytest.mark.parametrize(
    ("code", "issue", "reauth"),
    [(None, False, []), (10029, True, []), (10030, False, [SOURCE_REAUTH])],
)
async def test_failed_read_back_after_a_command(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    code: int | None,
    issue: bool,
    reauth: list[str],
) -> None:
    """The write succeeded: its state shows even when reading it back fails.

    An unreadable reply is only logged; a rate limit raises the issue;
    refused credentials start reauth.
    """
    if code is None:
        simulator.faults.bad_body(STATUS_PATH, "malformed", times=1)
    else:
        simulator.faults.error(STATUS_PATH, code, times=1)
    simulator.reset_log()
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: PRIVACY}, blocking=True
    )
    await hass.async_block_till_done()
    assert [r.path for r in simulator.requests] == [
        "/api/lapp/device/scene/switch/set",
        STATUS_PATH,
    ]
    assert hass.states.get(PRIVACY).state == STATE_ON
    issue_id = f"rate_limited_{init_integration.entry_id}"
    assert (ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None) is issue
    assert _reauth_flows(hass) == reauth


async def test_capabilities_retried_later(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """A new device whose capabilities cannot be read yet: asked again in 10 min.

    Until then it has a device but no entities; the account poll carries on.
    """
    simulator.state.devices["C3W000010"] = simulator.state.unowned.pop("C3W000010")
    simulator.faults.error(CAPACITY_PATH, 20007, times=1)
    simulator.reset_log()
    await advance(hass, freezer, 60)
    assert simulator.count(CAPACITY_PATH) == 1
    device = registered_device(hass, "C3W000010")
    assert device is None or not er.async_entries_for_device(entity_registry, device.id)
    for _ in range(9):
        await advance(hass, freezer, 60)
    assert simulator.count(CAPACITY_PATH) == 1
    assert simulator.count(DEVICE_LIST_PATH) == 10
    await advance(hass, freezer, 60)
    assert simulator.count(CAPACITY_PATH) == 2
    device = registered_device(hass, "C3W000010")
    assert device is not None
    assert er.async_entries_for_device(entity_registry, device.id)


async def test_capabilities_rate_limited(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """A rate limit on a capability read backs off the account cadence."""
    simulator.state.devices["C3W000010"] = simulator.state.unowned.pop("C3W000010")
    simulator.faults.error(CAPACITY_PATH, 10029, times=1)
    simulator.reset_log()
    await advance(hass, freezer, 60)
    account = init_integration.runtime_data.account
    assert account.update_interval == timedelta(minutes=5)
    assert hass.states.get(ARMING).state == "disarmed"
    await advance(hass, freezer, 300)
    assert account.update_interval == timedelta(seconds=60)
    assert simulator.count(CAPACITY_PATH) == 2
    device = registered_device(hass, "C3W000010")
    assert device is not None
    assert er.async_entries_for_device(entity_registry, device.id)


async def test_setup_rate_limited(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Refused at setup (no data to keep yet): retried later, with the issue."""
    simulator.faults.error(DEVICE_LIST_PATH, 10029)
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    issue_id = f"rate_limited_{mock_config_entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
