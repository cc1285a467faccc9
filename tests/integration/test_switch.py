"""Switches: each write, and what it costs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest

from custom_components.ezviz_open.const import CONF_VERIFICATION_CODES
from custom_components.ezviz_open.helpers import async_save_options

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator


@pytest.mark.parametrize(
    ("entity_id", "service", "write", "read", "state"),
    [
        (
            "switch.living_room_privacy_mode",
            SERVICE_TURN_ON,
            "/api/lapp/device/scene/switch/set",
            "/api/lapp/device/status/get",
            STATE_ON,
        ),
        (
            "switch.living_room_microphone",
            SERVICE_TURN_OFF,
            "/api/lapp/camera/video/sound/set",
            "/api/lapp/camera/video/sound/status",
            STATE_OFF,
        ),
        (
            "switch.living_room_infrared_light",
            SERVICE_TURN_OFF,
            "/api/lapp/device/infrared/switch/set",
            "/api/lapp/device/infrared/switch/get",
            STATE_OFF,
        ),
        (
            "switch.garden_motion_triggered_light",
            SERVICE_TURN_OFF,
            "/api/v3/device/switchStatus/set",
            "/api/v3/device/switchStatus/get",
            STATE_OFF,
        ),
    ],
)
async def test_switch_write(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_id: str,
    service: str,
    write: str,
    read: str,
    state: str,
) -> None:
    """A write is followed by one read of that endpoint, for that device only."""
    simulator.reset_log()
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert [request.path for request in simulator.requests] == [write, read]
    assert hass.states.get(entity_id).state == state


async def test_switch_write_when_reply_has_no_state(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A reply without the state: unknown, then what was written, kept.

    The default write sets ``enabled`` on whatever the endpoint last replied;
    after the cloud accepted the command the switch shows it, even when the
    read that should confirm it fails, and raises nothing.
    """
    entity_id = "switch.living_room_infrared_light"
    detail = init_integration.runtime_data.detail
    # The simulator always says; a device that does not answers "enable": null.
    simulator.state.devices["C6N000001"].infrared = None
    await detail.async_refresh_device("C6N000001")
    assert hass.states.get(entity_id).state == STATE_UNKNOWN

    read = "/api/lapp/device/infrared/switch/get"
    simulator.faults.error(read, 20008, times=1)  # device response timeout
    simulator.reset_log()
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert [r.path for r in simulator.requests] == [
        "/api/lapp/device/infrared/switch/set",
        read,
    ]
    assert simulator.state.devices["C6N000001"].infrared == 1
    assert hass.states.get(entity_id).state == STATE_ON

    # Later reads show what the device says.
    simulator.state.devices["C6N000001"].infrared = 0
    await detail.async_refresh_device("C6N000001")
    assert hass.states.get(entity_id).state == STATE_OFF


async def test_switch_write_values(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The wire values of a write."""
    simulator.reset_log()
    await hass.services.async_call(
        SWITCH_DOMAIN,
        SERVICE_TURN_ON,
        {ATTR_ENTITY_ID: "switch.living_room_privacy_mode"},
        blocking=True,
    )
    request = simulator.requests[0]
    assert request.form["deviceSerial"] == "C6N000001"
    assert request.form["enable"] == "1"
    assert simulator.state.devices["C6N000001"].privacy == 1


async def test_switch_unsupported(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A refusal names its reason."""
    simulator.faults.error("/api/lapp/device/scene/switch/set", 60020, times=1)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_ON,
            {ATTR_ENTITY_ID: "switch.living_room_privacy_mode"},
            blocking=True,
        )
    assert err.value.translation_key == "not_supported"


async def test_encryption_off_needs_code(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Without a verification code the switch refuses; with it, it works."""
    entity_id = "switch.driveway_video_encryption"
    assert hass.states.get(entity_id).state == STATE_ON
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: entity_id}, blocking=True
        )
    assert err.value.translation_key == "verification_code_missing"
    async_save_options(
        hass,
        init_integration,
        {
            CONF_VERIFICATION_CODES: {
                "C8C000006": simulator.state.devices["C8C000006"].validate_code
            }
        },
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.reset_log()
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert [r.path for r in simulator.requests] == ["/api/lapp/device/encrypt/off"]
    assert hass.states.get(entity_id).state == STATE_OFF
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert hass.states.get(entity_id).state == STATE_ON


async def test_already_so_reads_the_state_back(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """ "Already in that state" (60022) shows the device's real state at once.

    Privacy was turned on elsewhere, so the cached state (off) is wrong until
    the next detail round, an hour away. The reply to turning it on says so:
    one read of the status endpoint, for that device, shows it.
    """
    entity_id = "switch.living_room_privacy_mode"
    assert hass.states.get(entity_id).state == STATE_OFF
    simulator.state.devices["C6N000001"].privacy = 1
    simulator.faults.error("/api/lapp/device/scene/switch/set", 60022, times=1)
    simulator.reset_log()
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert [request.path for request in simulator.requests] == [
        "/api/lapp/device/scene/switch/set",
        "/api/lapp/device/status/get",
    ]
    assert simulator.requests[1].form["deviceSerial"] == "C6N000001"
    assert hass.states.get(entity_id).state == STATE_ON
