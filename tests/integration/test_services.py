"""Actions: what each sends, what invalid input and cloud refusals raise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest

from custom_components.ezviz_open.const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator

LIVING_ROOM = "camera.living_room"


async def _call(
    hass: HomeAssistant,
    service: str,
    data: dict[str, Any],
    entity_id: str = LIVING_ROOM,
    *,
    return_response: bool = False,
) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        service,
        {ATTR_ENTITY_ID: entity_id, **data},
        blocking=True,
        return_response=return_response,
    )


def _paths(simulator: Simulator) -> list[str]:
    return [request.path for request in simulator.requests]


async def test_services_registered_before_entries(hass: HomeAssistant) -> None:
    """The actions exist once the integration is set up, entry or not."""
    from homeassistant.setup import async_setup_component

    assert await async_setup_component(hass, DOMAIN, {})
    assert sorted(hass.services.async_services_for_domain(DOMAIN)) == [
        "format_storage",
        "play_ringtone",
        "preset_add",
        "preset_clear",
        "preset_goto",
        "ptz",
        "set_defence_schedule",
    ]


async def test_ptz(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Start, pause, stop: two requests with the given direction and speed."""
    simulator.reset_log()
    await _call(hass, "ptz", {"direction": "up", "speed": "fast", "duration": 0.1})
    assert _paths(simulator) == [
        "/api/lapp/device/ptz/start",
        "/api/lapp/device/ptz/stop",
    ]
    start = simulator.requests[0].form
    assert (start["direction"], start["speed"], start["channelNo"]) == ("0", "2", "1")
    assert simulator.state.devices["C6N000001"].ptz.tilt == 3


@pytest.mark.parametrize(
    ("entity_id", "code", "reason"),
    [
        ("camera.garden", None, "not_supported"),  # no PTZ at all: 60000
        (LIVING_ROOM, 20007, "device_offline"),
        (LIVING_ROOM, 60002, "ptz_limit"),
    ],
)
async def test_ptz_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_id: str,
    code: int | None,
    reason: str,
) -> None:
    """A refusal by the cloud names its reason."""
    if code is not None:
        simulator.faults.error("/api/lapp/device/ptz/start", code, times=1)
    simulator.reset_log()
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "ptz", {"direction": "up", "duration": 0.1}, entity_id)
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == reason
    assert _paths(simulator) == ["/api/lapp/device/ptz/start"]


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("ptz", {"direction": "sideways"}),
        ("ptz", {"direction": "up", "speed": "warp"}),
        ("ptz", {"direction": "up", "duration": 60}),
        ("ptz", {"direction": "up", "duration": "long"}),
        ("ptz", {}),
        ("preset_goto", {"index": 0}),
        ("preset_goto", {"index": "first"}),
        ("preset_clear", {"index": 1000}),
        ("preset_add", {"index": 1}),
        ("play_ringtone", {"ringtone": "fanfare"}),
        ("play_ringtone", {"ringtone": "alert_beep", "volume": 101}),
        ("format_storage", {"disk_index": -1}),
        ("format_storage", {"disk_index": "sd"}),
        ("set_defence_schedule", {"enabled": "maybe"}),
        ("set_defence_schedule", {"enabled": True, "days": ["funday"]}),
        ("set_defence_schedule", {"enabled": True, "days": []}),
        (
            "set_defence_schedule",
            {"enabled": True, "start_time": "25:00", "end_time": "06:00"},
        ),
        ("set_defence_schedule", {"enabled": True, "start_time": "22:00"}),
    ],
)
async def test_invalid_input(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    service: str,
    data: dict[str, Any],
) -> None:
    """Out of range or of the wrong type: a validation error, nothing sent."""
    simulator.reset_log()
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, service, data)
    assert err.value.translation_key == "invalid_action_data"
    assert simulator.requests == []


async def test_preset_add(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The cloud chooses the index; the response gives it."""
    simulator.reset_log()
    response = await _call(hass, "preset_add", {}, return_response=True)
    assert response == {LIVING_ROOM: {"index": 3}}
    assert _paths(simulator) == ["/api/lapp/device/preset/add"]
    assert 3 in simulator.state.devices["C6N000001"].ptz.presets


async def test_preset_add_full(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """No room for another preset (60007): said so."""
    ptz = simulator.state.devices["C6N000001"].ptz
    ptz.presets = dict.fromkeys(range(1, ptz.max_presets + 1), (0, 0, 1))
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "preset_add", {}, return_response=True)
    assert err.value.translation_key == "preset_limit"


async def test_preset_add_rejected_value(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A value the cloud rejects (10001) is a validation error naming it."""
    simulator.faults.error("/api/lapp/device/preset/add", 10001, times=1)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "preset_add", {}, return_response=True)
    assert err.value.translation_key == "invalid_parameter"


async def test_preset_goto_and_clear(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Go to a preset, clear it, then going there again is refused by name."""
    ptz = simulator.state.devices["C6N000001"].ptz
    simulator.reset_log()
    await _call(hass, "preset_goto", {"index": 2})
    assert _paths(simulator) == ["/api/lapp/device/preset/move"]
    assert simulator.requests[0].form["index"] == "2"
    assert (ptz.pan, ptz.tilt, ptz.zoom) == ptz.presets[2]

    simulator.reset_log()
    await _call(hass, "preset_clear", {"index": 2})
    assert _paths(simulator) == ["/api/lapp/device/preset/clear"]
    assert 2 not in ptz.presets

    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "preset_goto", {"index": 2})
    assert err.value.translation_key == "preset_not_found"
    assert err.value.translation_placeholders == {"index": "2"}


async def test_preset_goto_other_refusal(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Other refusals keep their own reason."""
    simulator.faults.error("/api/lapp/device/preset/move", 20002, times=1)
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "preset_goto", {"index": 1})
    assert err.value.translation_key == "not_found"


async def test_preset_on_nvr_channel(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An NVR channel's action carries its channel number."""
    simulator.reset_log()
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "preset_goto", {"index": 1}, "camera.backyard")
    assert err.value.translation_key == "not_supported"
    request = simulator.requests[0]
    assert (request.form["deviceSerial"], request.form["channelNo"]) == (
        "NVR000005",
        "2",
    )


async def test_play_ringtone(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """One v3 request with the ringtone and volume in the query."""
    simulator.reset_log()
    await _call(
        hass,
        "play_ringtone",
        {"ringtone": "alarm_beep", "volume": 50},
        "camera.front_door",
    )
    assert _paths(simulator) == ["/api/v3/device/audition"]
    request = simulator.requests[0]
    assert request.headers["deviceSerial"] == "DB1000003"
    assert request.query == {"voiceIndex": "201", "volume": "50"}
    assert simulator.state.devices["DB1000003"].last_audition["voiceIndex"] == 201


async def test_play_ringtone_not_supported(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The NVR plays no sound (60020): said so."""
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "play_ringtone", {"ringtone": "alert_beep"}, "camera.porch")
    assert err.value.translation_key == "not_supported"


async def test_format_storage(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """One request, then at most the touched device's status is read again."""
    simulator.reset_log()
    await _call(hass, "format_storage", {"disk_index": 0}, "camera.front_door")
    requests = simulator.requests
    assert requests[0].path == "/api/v3/device/format/disk"
    assert requests[0].method == "PUT"
    assert requests[0].query == {"diskIndex": "0"}
    assert len(requests) <= 2
    for request in requests[1:]:
        assert request.path == "/api/lapp/device/status/get"
        assert request.form["deviceSerial"] == "DB1000003"
    assert simulator.state.devices["DB1000003"].disks[0].status == 3


async def test_format_storage_refused(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A disk that is already formatting (20016): the device is busy."""
    await _call(hass, "format_storage", {"disk_index": 1}, "camera.porch")
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "format_storage", {"disk_index": 1}, "camera.porch")
    assert err.value.translation_key == "device_busy"


async def test_set_defence_schedule(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """One request; an end before the start is the next day."""
    simulator.reset_log()
    await _call(
        hass,
        "set_defence_schedule",
        {
            "enabled": True,
            "start_time": "22:00",
            "end_time": "06:30",
            "days": ["fri", "mon"],
        },
    )
    assert _paths(simulator) == ["/api/lapp/device/defence/plan/set"]
    form = simulator.requests[0].form
    assert (form["startTime"], form["stopTime"], form["period"], form["enable"]) == (
        "22:00",
        "n06:30",
        "0,4",
        "1",
    )
    assert "channelNo" not in form


async def test_set_defence_schedule_enable_only(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Only what is given is sent."""
    simulator.reset_log()
    await _call(hass, "set_defence_schedule", {"enabled": False})
    form = simulator.requests[0].form
    assert form["enable"] == "0"
    assert not {"startTime", "stopTime", "period"} & form.keys()


async def test_set_defence_schedule_not_supported(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A battery camera has no schedule: said so."""
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "set_defence_schedule", {"enabled": True}, "camera.garden")
    assert err.value.translation_key == "not_supported"
