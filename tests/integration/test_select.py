"""Selects: each write, what the cloud received, and what it costs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN
from homeassistant.exceptions import HomeAssistantError
import pytest

from .conftest import STATUS_PATH

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator


async def _select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )


@pytest.mark.parametrize(
    ("entity_id", "before", "option", "write", "read", "sent"),
    [
        (
            "select.living_room_fill_light_mode",
            "smart",
            "full_color",
            "/api/v3/device/fillLight/mode/set",
            "/api/v3/device/fillLight/mode/get",
            {"query": {"mode": "1"}},
        ),
        (
            "select.living_room_alarm_sound",
            "short",
            "mute",
            "/api/v3/device/alarmSound/enabled/set",
            STATUS_PATH,
            {"query": {"type": "2"}},
        ),
        (
            "select.front_door_chime_type",
            "electronic",
            "mechanical",
            "/api/lapp/device/chime/set",
            "/api/lapp/device/chime/get",
            {"form": {"deviceSerial": "DB1000003", "type": "1", "duration": "10000"}},
        ),
        (
            "select.garden_working_mode",
            "performance",
            "super_power_saving",
            "/api/v3/device/timing/plan/set",
            "/api/v3/device/timing/plan/get",
            {
                "json": {
                    "enable": "1",
                    "startTime": "08:00",
                    "endTime": "18:00",
                    "week": "1,2,3,4,5",
                    "eventArg": "3",
                }
            },
        ),
    ],
)
async def test_select_write(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_id: str,
    before: str,
    option: str,
    write: str,
    read: str,
    sent: dict[str, dict[str, Any]],
) -> None:
    """A write is followed by one read of that endpoint, for that device only."""
    assert hass.states.get(entity_id).state == before
    simulator.reset_log()
    await _select(hass, entity_id, option)
    assert [request.path for request in simulator.requests] == [write, read]
    request = simulator.requests[0]
    for part, values in sent.items():
        received = getattr(request, part)
        assert {key: received.get(key) for key in values} == values
    assert hass.states.get(entity_id).state == option


async def test_select_wire_state(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The device's headers carry the serial; the simulator's state follows."""
    simulator.reset_log()
    await _select(hass, "select.driveway_fill_light_mode", "smart")
    assert simulator.requests[0].headers["deviceSerial"] == "C8C000006"
    assert simulator.state.devices["C8C000006"].fill_light_mode == 2
    await _select(hass, "select.alarm_hub_alarm_sound", "short")
    assert simulator.state.devices["A1S000004"].alarm_sound_mode == 0


async def test_preset_goto(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Going to a preset is one request; nothing is read back."""
    entity_id = "select.living_room_ptz_preset"
    state = hass.states.get(entity_id)
    assert state.state == STATE_UNKNOWN
    assert state.attributes["options"] == [str(index) for index in range(1, 13)]
    simulator.reset_log()
    await _select(hass, entity_id, "2")
    assert [r.path for r in simulator.requests] == ["/api/lapp/device/preset/move"]
    assert simulator.requests[0].form["index"] == "2"
    assert simulator.requests[0].form["channelNo"] == "1"
    assert simulator.state.devices["C6N000001"].ptz.pan == -5
    assert hass.states.get(entity_id).state == STATE_UNKNOWN


async def test_preset_missing(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A number without a stored preset is refused with that reason."""
    with pytest.raises(HomeAssistantError) as err:
        await _select(hass, "select.living_room_ptz_preset", "7")
    assert err.value.translation_key == "preset_not_found"


async def test_select_offline(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A device that went offline refuses with that reason; nothing is read."""
    simulator.set_online("C6N000001", False)
    simulator.reset_log()
    with pytest.raises(HomeAssistantError) as err:
        await _select(hass, "select.living_room_fill_light_mode", "smart")
    assert err.value.translation_key == "device_offline"
    assert [r.path for r in simulator.requests] == ["/api/v3/device/fillLight/mode/set"]


async def test_select_unknown_value(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A value the select has no option for (custom alarm sound) is unknown."""
    simulator.state.devices["C6N000001"].alarm_sound_mode = 3
    await init_integration.runtime_data.detail.async_refresh_device("C6N000001")
    assert hass.states.get("select.living_room_alarm_sound").state == STATE_UNKNOWN


@pytest.mark.parametrize(
    "reply",
    [
        {"enable": 1, "weekPlans": []},
        {"enable": 0, "weekPlans": [{"weekDay": "1,2", "timePlan": []}]},
    ],
)
async def test_working_mode_of_a_plan_without_slots(
    hass: HomeAssistant, simulator: Simulator, reply: dict[str, Any]
) -> None:
    """A plan the simulator cannot produce (no time slot): no mode, no crash.

    Writing a mode to it writes one all-day range (every day when the plan
    has no days), keeping the plan's own enable flag.
    """
    from homeassistant.helpers.aiohttp_client import async_get_clientsession

    from custom_components.ezviz_open.api import EzvizOpenClient
    from custom_components.ezviz_open.api.device_config import TimingPlan, WorkingMode
    from custom_components.ezviz_open.select import (
        _set_working_mode,
        _with_working_mode,
        _working_mode,
    )

    plan = TimingPlan.from_api(reply)
    assert _working_mode(plan) is None
    assert _with_working_mode(plan, WorkingMode.PERFORMANCE) is plan

    client = EzvizOpenClient(
        async_get_clientsession(hass),
        simulator.app_key,
        simulator.app_secret,
        base_url=simulator.base_url,
    )
    simulator.reset_log()
    await _set_working_mode(client, "BC1000002", plan, WorkingMode.PERFORMANCE)
    request = simulator.requests[-1]
    assert request.path == "/api/v3/device/timing/plan/set"
    days = "1,2" if plan.week_plans else "0,1,2,3,4,5,6"
    assert request.json == {
        "enable": str(reply["enable"]),
        "startTime": "00:00",
        "endTime": "23:59",
        "week": days,
        "eventArg": "1",  # performance
    }
