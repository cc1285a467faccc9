"""The automation blueprints of ``blueprints/automation/ezviz_open``.

Each blueprint is loaded with Home Assistant's own blueprint schema, then
run as an automation against the simulator: the simulator raises the alarm
(found by the alarm poll), and the test checks what the automation did, in
the simulator where it sent requests (preset, arming, privacy, alarm sound)
and in Home Assistant (lights, the notification). Only the phone's notify
action is a stand-in: neither Home Assistant nor the simulator has a phone.
"""

from __future__ import annotations

from pathlib import Path
import re
import shutil
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import importer, models
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import ServiceCall, callback
from homeassistant.setup import async_setup_component
from homeassistant.util import yaml as yaml_util
import pytest

from simulator.state import Alarm as SimAlarm

from .conftest import advance

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import (
        MockConfigEntry,
    )
    from pytest_homeassistant_custom_component.test_util.aiohttp import (
        AiohttpClientMocker,
    )
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from simulator import Simulator

ROOT = Path(__file__).parents[2]
BLUEPRINTS = ROOT / "blueprints" / "automation" / "ezviz_open"
README = ROOT / "README.md"
RAW = "https://raw.githubusercontent.com/ezviz-open-ha/ezviz_open/main/"
IMPORT = "https://my.home-assistant.io/redirect/blueprint_import/?blueprint_url="
NOTIFY = "notify.mobile_app_phone"

LIVING_ROOM = "C6N000001"
GARDEN = "BC1000002"
FRONT_DOOR = "DB1000003"
HUB = "A1S000004"
DRIVEWAY = "C8C000006"
HUB_PANEL = "alarm_control_panel.alarm_hub_arming"

BLUEPRINT_FILES = sorted(path.name for path in BLUEPRINTS.glob("*.yaml"))


# -- helpers -------------------------------------------------------------------


def _alarm(simulator: Simulator, serial: str, alarm_type: int, name: str) -> str:
    """Raise an alarm in the simulator (the next alarm poll finds it)."""
    alarm_id = str(24027912025700000 + simulator.state.next_id())
    simulator.state.alarms.append(
        SimAlarm(
            alarm_id=alarm_id,
            serial=serial,
            alarm_type=alarm_type,
            alarm_time_ms=int(simulator.now() * 1000),
            channel_no=1,
            name=name,
        )
    )
    return alarm_id


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A config directory holding the blueprints, as after an import."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation" / "ezviz_open")
    return tmp_path


@pytest.fixture
def notifications(hass: HomeAssistant, simulator: Simulator) -> list[dict[str, Any]]:
    """The phone's notify action: each call's data, with the PTZ position then."""
    calls: list[dict[str, Any]] = []

    @callback
    def _notify(call: ServiceCall) -> None:
        ptz = simulator.state.devices[LIVING_ROOM].ptz
        position = (ptz.pan, ptz.tilt, ptz.zoom) if ptz is not None else None
        calls.append({**call.data, "ptz_position": position})

    domain, service = NOTIFY.split(".")
    hass.services.async_register(domain, service, _notify)
    return calls


async def _automation(
    hass: HomeAssistant, config_dir: Path, blueprint: str, inputs: dict[str, Any]
) -> str:
    """Set up an automation from a blueprint; return its entity id."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": "blueprint_test",
                    "alias": "Blueprint test",
                    "use_blueprint": {
                        "path": f"ezviz_open/{blueprint}",
                        "input": inputs,
                    },
                }
            ]
        },
    )
    await hass.async_block_till_done()
    entity_id = "automation.blueprint_test"
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == STATE_ON  # not "unavailable": the config was valid
    return entity_id


# -- the files -----------------------------------------------------------------


def test_there_are_blueprints() -> None:
    """The four blueprints of the repository."""
    assert BLUEPRINT_FILES == [
        "alarm_notify.yaml",
        "arm_with_presence.yaml",
        "detector_alarm.yaml",
        "doorbell_notify.yaml",
    ]


@pytest.mark.parametrize("name", BLUEPRINT_FILES)
def test_blueprint_schema(name: str) -> None:
    """Home Assistant's automation blueprint schema accepts each file.

    Its metadata points at its own raw file, every declared input is used,
    and every input it selects from this integration says so.
    """
    path = BLUEPRINTS / name
    data = yaml_util.load_yaml_dict(path)
    blueprint = models.Blueprint(
        data, expected_domain="automation", schema=AUTOMATION_BLUEPRINT_SCHEMA
    )
    assert blueprint.domain == "automation"
    assert (
        blueprint.metadata["source_url"]
        == f"{RAW}blueprints/automation/ezviz_open/{name}"
    )
    assert blueprint.metadata["homeassistant"]["min_version"] == "2025.4.0"
    assert blueprint.name.startswith("EZVIZ ")
    assert blueprint.metadata["description"]
    declared = set(blueprint.inputs)
    used = set(re.findall(r"!input (\w+)", path.read_text(encoding="utf-8")))
    assert used == declared
    for key, spec in blueprint.inputs.items():
        assert spec.get("name"), key
        selector = spec["selector"]
        if "entity" in selector:
            for entity_filter in selector["entity"]["filter"]:
                domains = entity_filter["domain"]
                if domains in ("event", "camera", "alarm_control_panel", "switch"):
                    assert entity_filter["integration"] == "ezviz_open", key


def _readme_links() -> dict[str, str]:
    """The README's blueprint import links: decoded raw URL -> link."""
    text = README.read_text(encoding="utf-8")
    links = re.findall(re.escape(IMPORT) + r"([^)\s\"'>]+)", text)
    return {unquote(encoded): encoded for encoded in links}


def test_readme_import_links() -> None:
    """Each blueprint has an import link in the README, and each link a file."""
    links = _readme_links()
    for url, encoded in links.items():
        assert url.startswith(RAW), url
        assert (ROOT / url.removeprefix(RAW)).is_file(), url
        # Fully encoded, so that the redirect passes it on whole.
        assert ":" not in encoded
        assert "/" not in encoded
    linked = {url.rsplit("/", 1)[1] for url in links}
    assert linked == set(BLUEPRINT_FILES)


@pytest.mark.parametrize("name", BLUEPRINT_FILES)
async def test_import_link_imports(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, name: str
) -> None:
    """Home Assistant's importer takes the README's link to the file.

    GitHub is a stand-in serving the file of this checkout at its raw URL.
    """
    url = next(url for url in _readme_links() if url.endswith(f"/{name}"))
    aioclient_mock.get(url, text=(BLUEPRINTS / name).read_text(encoding="utf-8"))
    imported = await importer.fetch_blueprint_from_url(hass, url)
    assert imported.blueprint.domain == "automation"
    assert imported.blueprint.metadata["source_url"] == url
    assert imported.suggested_filename == f"ezviz-open-ha/{name.removesuffix('.yaml')}"


# -- doorbell_notify -----------------------------------------------------------


@pytest.mark.parametrize(
    ("picture", "url"),
    [
        ("alarm_picture", "/api/image_proxy/image.front_door_last_alarm_picture"),
        ("snapshot", "/api/camera_proxy/camera.front_door"),
    ],
)
async def test_doorbell_notify(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_dir: Path,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    notifications: list[dict[str, Any]],
    picture: str,
    url: str,
) -> None:
    """A ring notifies once, with its picture and a live view button."""
    await _automation(
        hass,
        config_dir,
        "doorbell_notify.yaml",
        {
            "doorbell": "event.front_door_alarm",
            "notify_action": NOTIFY,
            "picture": picture,
        },
    )
    # Motion at the door is not a ring.
    _alarm(simulator, FRONT_DOOR, 10002, "Front Door")
    await advance(hass, freezer, 180)
    assert hass.states.get("event.front_door_alarm").attributes["event_type"] == (
        "motion"
    )
    assert notifications == []

    alarm_id = _alarm(simulator, FRONT_DOOR, 10016, "Front Door")
    await advance(hass, freezer, 180)
    assert len(notifications) == 1
    sent = notifications[0]
    assert sent["title"] == "Front Door"
    assert sent["message"] == "Someone is at the door."
    assert sent["data"] == {
        "image": url,
        "actions": [
            {"action": "URI", "title": "Live view", "uri": "entityId:camera.front_door"}
        ],
    }

    # The phone loads the picture: that ring's own, or a snapshot.
    simulator.reset_log()
    client = await hass_client()
    response = await client.get(url)
    assert response.status == 200
    assert (await response.read()).startswith(b"\xff\xd8")
    if picture == "alarm_picture":
        fetched = [r.path for r in simulator.media_requests]
        assert fetched == [f"/_sim/pic/alarm-{FRONT_DOOR}-{alarm_id}.jpg"]
    else:
        assert [r.path for r in simulator.requests] == ["/api/lapp/device/capture"]


async def test_doorbell_encrypted_picture_falls_back_to_snapshot(
    hass: HomeAssistant,
    config_dir: Path,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    notifications: list[dict[str, Any]],
) -> None:
    """A picture that cannot be decrypted (no code) is replaced by a snapshot."""
    simulator.state.devices[FRONT_DOOR].is_encrypt = True
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await _automation(
        hass,
        config_dir,
        "doorbell_notify.yaml",
        {"doorbell": "event.front_door_alarm", "notify_action": NOTIFY},
    )
    simulator.state.alarms.append(
        SimAlarm(
            alarm_id=str(24027912025700000 + simulator.state.next_id()),
            serial=FRONT_DOOR,
            alarm_type=10016,
            alarm_time_ms=int(simulator.now() * 1000),
            channel_no=1,
            name="Front Door",
            is_encrypt=1,
        )
    )
    await advance(hass, freezer, 180)
    picture = hass.states.get("image.front_door_last_alarm_picture")
    assert picture.attributes["picture_status"] == "encrypted"
    assert [n["data"]["image"] for n in notifications] == [
        "/api/camera_proxy/camera.front_door"
    ]


# -- alarm_notify --------------------------------------------------------------


async def test_alarm_notify(
    hass: HomeAssistant,
    config_dir: Path,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    notifications: list[dict[str, Any]],
) -> None:
    """Motion while armed turns the PTZ camera, then notifies; then a quiet period."""
    ptz = simulator.state.devices[LIVING_ROOM].ptz
    assert (ptz.pan, ptz.tilt, ptz.zoom) != ptz.presets[2]
    assert hass.states.get(HUB_PANEL).state == "armed_home"
    await _automation(
        hass,
        config_dir,
        "alarm_notify.yaml",
        {
            "cameras": ["event.garden_alarm", "event.living_room_alarm"],
            "arming_panel": HUB_PANEL,
            "notify_action": NOTIFY,
            "ptz_camera": "camera.living_room",
            "preset": 2,
            "quiet_period": 5,
        },
    )
    simulator.reset_log()
    _alarm(simulator, GARDEN, 10010, "Garden")  # PIR
    await advance(hass, freezer, 180)
    moves = [r for r in simulator.requests if r.path == "/api/lapp/device/preset/move"]
    assert [(r.form["deviceSerial"], r.form["index"]) for r in moves] == [
        (LIVING_ROOM, "2")
    ]
    assert len(notifications) == 1
    sent = notifications[0]
    # The camera had turned before the phone was told.
    assert sent["ptz_position"] == ptz.presets[2]
    assert sent["title"] == "Garden"
    assert sent["message"].startswith("PIR motion at ")
    assert sent["data"] == {
        "image": "/api/image_proxy/image.garden_last_alarm_picture",
        "actions": [
            {"action": "URI", "title": "Live view", "uri": "entityId:camera.garden"}
        ],
    }

    # 3 minutes later: still quiet.
    _alarm(simulator, LIVING_ROOM, 10002, "Living Room")
    await advance(hass, freezer, 180)
    assert hass.states.get("event.living_room_alarm").attributes["event_type"] == (
        "motion"
    )
    assert len(notifications) == 1
    # 6 minutes after the notification: notifies again.
    _alarm(simulator, LIVING_ROOM, 10002, "Living Room")
    await advance(hass, freezer, 180)
    assert len(notifications) == 2
    assert notifications[1]["data"]["image"] == (
        "/api/image_proxy/image.living_room_last_alarm_picture"
    )


async def test_alarm_notify_only_while_armed_and_chosen(
    hass: HomeAssistant,
    config_dir: Path,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    notifications: list[dict[str, Any]],
) -> None:
    """Disarmed, or an alarm type not chosen: no notification, no move."""
    await _automation(
        hass,
        config_dir,
        "alarm_notify.yaml",
        {
            "cameras": ["event.living_room_alarm"],
            "arming_panel": HUB_PANEL,
            "armed_states": ["armed_away"],
            "notify_action": NOTIFY,
            "ptz_camera": "camera.living_room",
            "quiet_period": 0,
        },
    )
    simulator.reset_log()
    # Armed home, but only "armed away" was chosen.
    _alarm(simulator, LIVING_ROOM, 10002, "Living Room")
    await advance(hass, freezer, 180)
    assert notifications == []
    await hass.services.async_call(
        "alarm_control_panel",
        "alarm_arm_away",
        {"entity_id": HUB_PANEL},
        blocking=True,
    )
    assert simulator.state.devices[HUB].defence == 16
    # A lens covered is not motion.
    _alarm(simulator, LIVING_ROOM, 10011, "Living Room")
    await advance(hass, freezer, 180)
    assert hass.states.get("event.living_room_alarm").attributes["event_type"] == (
        "tamper"
    )
    assert notifications == []
    assert simulator.count("/api/lapp/device/preset/move") == 0
    # Motion while armed away: preset 1 (the default), then the notification.
    _alarm(simulator, LIVING_ROOM, 10002, "Living Room")
    await advance(hass, freezer, 180)
    assert len(notifications) == 1
    ptz = simulator.state.devices[LIVING_ROOM].ptz
    assert notifications[0]["ptz_position"] == ptz.presets[1]


async def test_alarm_notify_missing_preset_still_notifies(
    hass: HomeAssistant,
    config_dir: Path,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    notifications: list[dict[str, Any]],
) -> None:
    """The camera refuses an unknown preset; the phone is told all the same."""
    await _automation(
        hass,
        config_dir,
        "alarm_notify.yaml",
        {
            "cameras": ["event.living_room_alarm"],
            "arming_panel": HUB_PANEL,
            "notify_action": NOTIFY,
            "ptz_camera": "camera.living_room",
            "preset": 9,
        },
    )
    simulator.reset_log()
    _alarm(simulator, LIVING_ROOM, 10002, "Living Room")
    await advance(hass, freezer, 180)
    assert simulator.count("/api/lapp/device/preset/move") == 1
    assert len(notifications) == 1


async def test_alarm_notify_without_ptz_camera(
    hass: HomeAssistant,
    config_dir: Path,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    notifications: list[dict[str, Any]],
) -> None:
    """With the defaults (no PTZ camera): the notification alone."""
    await _automation(
        hass,
        config_dir,
        "alarm_notify.yaml",
        {
            "cameras": ["event.living_room_alarm"],
            "arming_panel": HUB_PANEL,
            "notify_action": NOTIFY,
        },
    )
    simulator.reset_log()
    _alarm(simulator, LIVING_ROOM, 10002, "Living Room")
    await advance(hass, freezer, 180)
    assert simulator.count("/api/lapp/device/preset/move") == 0
    assert [n["message"].split(" at ")[0] for n in notifications] == ["Motion"]
    assert notifications[0]["data"]["actions"][0]["uri"] == (
        "entityId:camera.living_room"
    )


# -- detector_alarm ------------------------------------------------------------


@pytest.fixture
async def outputs(hass: HomeAssistant) -> list[str]:
    """A light and a siren, as input booleans (and Home Assistant's turn_on)."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"hall_light": {}, "siren": {}}}
    )
    return ["input_boolean.hall_light", "input_boolean.siren"]


async def _detector_automation(
    hass: HomeAssistant, config_dir: Path, outputs: list[str]
) -> None:
    await _automation(
        hass,
        config_dir,
        "detector_alarm.yaml",
        {
            "hub": "event.alarm_hub_alarm",
            "turn_on": outputs,
            "alarm_cameras": ["camera.living_room", "camera.garden"],
            "notify_action": NOTIFY,
        },
    )


async def test_detector_alarm_while_armed(
    hass: HomeAssistant,
    config_dir: Path,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    notifications: list[dict[str, Any]],
    outputs: list[str],
) -> None:
    """A door contact while the hub is armed: lights, sirens, alarm sound, phone."""
    await _detector_automation(hass, config_dir, outputs)
    assert hass.states.get(HUB_PANEL).state == "armed_home"
    _alarm(simulator, HUB, 10004, "Front Door Contact")
    await advance(hass, freezer, 180)
    assert [hass.states.get(e).state for e in outputs] == [STATE_ON, STATE_ON]
    for serial in (LIVING_ROOM, GARDEN):
        sound = simulator.state.devices[serial].last_audition
        assert sound is not None
        assert (sound["voiceIndex"], sound["volume"]) == (201, 100)  # alarm beep
    assert len(notifications) == 1
    assert notifications[0]["title"] == "Alarm Hub"
    assert notifications[0]["message"].startswith(
        "Door contact: Front Door Contact at "
    )


@pytest.mark.parametrize(
    ("alarm_type", "detector", "kind"),
    [
        (10005, "Kitchen Smoke", "Smoke"),
        (10006, "Boiler", "Gas"),
        (10008, "Basement Leak", "Water leak"),
    ],
)
async def test_detector_alarm_disarmed(
    hass: HomeAssistant,
    config_dir: Path,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    notifications: list[dict[str, Any]],
    outputs: list[str],
    alarm_type: int,
    detector: str,
    kind: str,
) -> None:
    """Disarmed, a door contact does nothing; smoke, gas or a leak alarm anyway."""
    await hass.services.async_call(
        "alarm_control_panel", "alarm_disarm", {"entity_id": HUB_PANEL}, blocking=True
    )
    assert simulator.state.devices[HUB].defence == 0
    await _detector_automation(hass, config_dir, outputs)
    _alarm(simulator, HUB, 10004, "Front Door Contact")
    await advance(hass, freezer, 180)
    assert hass.states.get("event.alarm_hub_alarm").attributes["event_type"] == (
        "door_contact"
    )
    assert [hass.states.get(e).state for e in outputs] == [STATE_OFF, STATE_OFF]
    assert simulator.state.devices[LIVING_ROOM].last_audition is None
    assert notifications == []

    _alarm(simulator, HUB, alarm_type, detector)
    await advance(hass, freezer, 180)
    assert [hass.states.get(e).state for e in outputs] == [STATE_ON, STATE_ON]
    assert simulator.state.devices[LIVING_ROOM].last_audition["voiceIndex"] == 201
    assert len(notifications) == 1
    assert notifications[0]["message"].startswith(f"{kind}: {detector} at ")


# -- arm_with_presence ---------------------------------------------------------


async def test_arm_with_presence(
    hass: HomeAssistant,
    config_dir: Path,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Everyone away: privacy off, hub and cameras armed; back: disarmed, privacy on."""
    devices = simulator.state.devices
    devices[LIVING_ROOM].privacy = 1
    hass.states.async_set("zone.home", "1")
    await _automation(
        hass,
        config_dir,
        "arm_with_presence.yaml",
        {
            "arming_panels": [
                HUB_PANEL,
                "alarm_control_panel.living_room_arming",
                "alarm_control_panel.driveway_arming",
            ],
            "privacy_switches": ["switch.living_room_privacy_mode"],
        },
    )
    armed = (HUB, LIVING_ROOM, DRIVEWAY)
    assert [devices[s].defence for s in armed] == [8, 0, 1]

    hass.states.async_set("zone.home", "0")
    await hass.async_block_till_done()
    await advance(hass, freezer, 60)
    assert [devices[s].defence for s in armed] == [8, 0, 1]  # not yet: 2 minutes
    await advance(hass, freezer, 61)
    assert [devices[s].defence for s in armed] == [16, 1, 1]  # hub away, cameras on
    assert devices[LIVING_ROOM].privacy == 0
    assert hass.states.get(HUB_PANEL).state == "armed_away"

    hass.states.async_set("zone.home", "1")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [devices[s].defence for s in armed] == [0, 0, 0]
    assert devices[LIVING_ROOM].privacy == 1
    assert hass.states.get("switch.living_room_privacy_mode").state == STATE_ON
    assert hass.states.get(HUB_PANEL).state == "disarmed"


async def test_arm_with_presence_back_before_the_delay(
    hass: HomeAssistant,
    config_dir: Path,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Back within the delay: nothing was armed, and the hub stays armed home."""
    hass.states.async_set("zone.home", "2")
    await _automation(
        hass,
        config_dir,
        "arm_with_presence.yaml",
        {"arming_panels": [HUB_PANEL], "leave_delay": {"minutes": 5}},
    )
    hass.states.async_set("zone.home", "0")
    await hass.async_block_till_done()
    await advance(hass, freezer, 240)
    hass.states.async_set("zone.home", "1")
    await advance(hass, freezer, 120)
    assert hass.states.get(HUB_PANEL).state == "armed_home"
    assert simulator.state.devices[HUB].defence == 8
    assert simulator.count("/api/lapp/device/defence/set") == 0
