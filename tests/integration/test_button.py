"""Buttons: PTZ steps and mirror flips, which exist, and what a press sends."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator

PTZ_START = "/api/lapp/device/ptz/start"
PTZ_STOP = "/api/lapp/device/ptz/stop"
PTZ_MIRROR = "/api/lapp/device/ptz/mirror"


@pytest.fixture(autouse=True)
def no_ptz_pause() -> Iterator[None]:
    """PTZ steps without the pause between start and stop."""
    with patch("custom_components.ezviz_open.button.PTZ_STEP_DURATION", 0):
        yield


async def _press(hass: HomeAssistant, entity_id: str) -> None:
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def test_buttons_follow_capabilities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Full PTZ and mirrors on the C6; pan only on the Driveway; clear on the hub."""
    buttons = sorted(
        entry.unique_id
        for entry in er.async_entries_for_config_entry(
            entity_registry, init_integration.entry_id
        )
        if entry.domain == BUTTON_DOMAIN
    )
    assert buttons == [
        "A1S000004_clear_alarm",
        "C6N000001_mirror_center",
        "C6N000001_mirror_left_right",
        "C6N000001_mirror_up_down",
        "C6N000001_ptz_down",
        "C6N000001_ptz_left",
        "C6N000001_ptz_right",
        "C6N000001_ptz_up",
        "C6N000001_ptz_zoom_in",
        "C6N000001_ptz_zoom_out",
        "C8C000006_ptz_left",
        "C8C000006_ptz_right",
    ]


@pytest.mark.parametrize(
    ("entity_id", "direction", "pan", "tilt", "zoom"),
    [
        ("button.living_room_ptz_up", "0", 0, 2, 1),
        ("button.living_room_ptz_down", "1", 0, -2, 1),
        ("button.living_room_ptz_left", "2", -2, 0, 1),
        ("button.living_room_ptz_right", "3", 2, 0, 1),
        ("button.living_room_zoom_in", "8", 0, 0, 2),
    ],
)
async def test_ptz_step(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_id: str,
    direction: str,
    pan: int,
    tilt: int,
    zoom: int,
) -> None:
    """A press is a start and a stop (two requests), nothing read back."""
    simulator.reset_log()
    await _press(hass, entity_id)
    assert [r.path for r in simulator.requests] == [PTZ_START, PTZ_STOP]
    start, stop = simulator.requests
    assert start.form == {
        "accessToken": start.form["accessToken"],
        "deviceSerial": "C6N000001",
        "channelNo": "1",
        "direction": direction,
        "speed": "1",
    }
    assert stop.form["direction"] == direction
    ptz = simulator.state.devices["C6N000001"].ptz
    assert (ptz.pan, ptz.tilt, ptz.zoom) == (pan, tilt, zoom)
    assert ptz.moving is None


async def test_ptz_step_waits(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Between start and stop the button waits PTZ_STEP_DURATION."""
    with (
        patch("custom_components.ezviz_open.button.PTZ_STEP_DURATION", 0.3),
        patch(
            "custom_components.ezviz_open.helpers.asyncio.sleep", autospec=True
        ) as sleep,
    ):
        await _press(hass, "button.living_room_zoom_out")
    sleep.assert_awaited_once_with(0.3)


async def test_ptz_at_limit(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """At the left bound the cloud refuses (60004): no stop, a named reason."""
    simulator.state.devices["C8C000006"].ptz.pan = -20
    simulator.reset_log()
    with pytest.raises(HomeAssistantError) as err:
        await _press(hass, "button.driveway_ptz_left")
    assert err.value.translation_key == "ptz_limit"
    assert [(r.path, r.code) for r in simulator.requests] == [(PTZ_START, 60004)]


async def test_ptz_offline(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An offline device: the reason is named."""
    simulator.faults.error(PTZ_START, 20007, times=1)
    with pytest.raises(HomeAssistantError) as err:
        await _press(hass, "button.living_room_ptz_up")
    assert err.value.translation_key == "device_offline"


async def test_ptz_stop_sent_when_cancelled(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A step cut short still stops the camera."""

    async def _cancelled(delay: float) -> None:
        raise TimeoutError

    simulator.reset_log()
    with (
        patch("custom_components.ezviz_open.helpers.asyncio.sleep", _cancelled),
        pytest.raises(TimeoutError),
    ):
        await _press(hass, "button.living_room_ptz_up")
    assert [r.path for r in simulator.requests] == [PTZ_START, PTZ_STOP]


@pytest.mark.parametrize(
    ("entity_id", "command", "key"),
    [
        ("button.living_room_flip_image_vertically", "0", "up_down"),
        ("button.living_room_flip_image_horizontally", "1", "left_right"),
        ("button.living_room_flip_image_center", "2", "center"),
    ],
)
async def test_mirror(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_id: str,
    command: str,
    key: str,
) -> None:
    """A flip is one request."""
    simulator.reset_log()
    await _press(hass, entity_id)
    assert [r.path for r in simulator.requests] == [PTZ_MIRROR]
    assert simulator.requests[0].form["command"] == command
    assert simulator.requests[0].form["channelNo"] == "1"
    assert simulator.state.devices["C6N000001"].ptz.mirror[key] == 1
