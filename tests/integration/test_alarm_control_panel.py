"""Arming panels: hubs and cameras."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.alarm_control_panel import (
    DOMAIN as ALARM_DOMAIN,
    AlarmControlPanelState,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_ALARM_ARM_AWAY,
    SERVICE_ALARM_ARM_HOME,
    SERVICE_ALARM_DISARM,
)
from homeassistant.exceptions import HomeAssistantError
import pytest

from .conftest import DEVICE_LIST_PATH

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator

DEFENCE_PATH = "/api/lapp/device/defence/set"


@pytest.mark.parametrize(
    ("entity_id", "service", "wire", "state"),
    [
        ("alarm_control_panel.alarm_hub_arming", SERVICE_ALARM_DISARM, "0", "disarmed"),
        (
            "alarm_control_panel.alarm_hub_arming",
            SERVICE_ALARM_ARM_AWAY,
            "16",
            "armed_away",
        ),
        (
            "alarm_control_panel.alarm_hub_arming",
            SERVICE_ALARM_ARM_HOME,
            "8",
            "armed_home",
        ),
        (
            "alarm_control_panel.living_room_arming",
            SERVICE_ALARM_ARM_AWAY,
            "1",
            "armed_away",
        ),
        ("alarm_control_panel.driveway_arming", SERVICE_ALARM_DISARM, "0", "disarmed"),
    ],
)
async def test_arming(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_id: str,
    service: str,
    wire: str,
    state: str,
) -> None:
    """The command sends the device's own value; the state shows at once."""
    simulator.reset_log()
    await hass.services.async_call(
        ALARM_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    [request] = simulator.requests
    assert request.path == DEFENCE_PATH
    assert request.form["isDefence"] == wire
    assert hass.states.get(entity_id).state == state
    # No extra request: the next device list poll confirms it.
    assert simulator.count(DEVICE_LIST_PATH) == 0


async def test_hub_states(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A hub in home mode is armed_home and offers home and away."""
    state = hass.states.get("alarm_control_panel.alarm_hub_arming")
    assert state.state == AlarmControlPanelState.ARMED_HOME
    assert state.attributes["supported_features"] == 3
    camera = hass.states.get("alarm_control_panel.living_room_arming")
    assert camera.attributes["supported_features"] == 2


async def test_arming_offline_device_fails(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A cloud refusal becomes a translated error naming the reason."""
    simulator.faults.error(DEFENCE_PATH, 20007, times=1)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            ALARM_DOMAIN,
            SERVICE_ALARM_ARM_AWAY,
            {ATTR_ENTITY_ID: "alarm_control_panel.living_room_arming"},
            blocking=True,
        )
    assert err.value.translation_key == "device_offline"
    assert hass.states.get("alarm_control_panel.living_room_arming").state == "disarmed"


async def test_already_so_is_no_error(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """ "Already armed/disarmed so" (60021) is success, with nothing read back.

    The arming state comes with the device list, read within a minute anyway.
    """
    simulator.faults.error(DEFENCE_PATH, 60021, times=1)
    simulator.reset_log()
    await hass.services.async_call(
        ALARM_DOMAIN,
        SERVICE_ALARM_DISARM,
        {ATTR_ENTITY_ID: "alarm_control_panel.living_room_arming"},
        blocking=True,
    )
    assert [request.path for request in simulator.requests] == [DEFENCE_PATH]
    assert hass.states.get("alarm_control_panel.living_room_arming").state == "disarmed"


async def test_credentials_refused_start_reauth(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A command refused for the credentials says so and starts reauth."""
    simulator.faults.error(DEFENCE_PATH, 10030, times=1)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            ALARM_DOMAIN,
            SERVICE_ALARM_ARM_AWAY,
            {ATTR_ENTITY_ID: "alarm_control_panel.living_room_arming"},
            blocking=True,
        )
    assert err.value.translation_key == "invalid_auth"
    flows = hass.config_entries.flow.async_progress_by_handler("ezviz_open")
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_no_panel_without_arming(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A device whose capability set lacks ``support_defence`` has no arming panel."""
    simulator.state.devices["C6N000001"].capabilities["support_defence"] = "0"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("alarm_control_panel.living_room_arming") is None
    assert hass.states.get("binary_sensor.living_room_connectivity") is not None
    assert hass.states.get("alarm_control_panel.garden_arming") is not None
