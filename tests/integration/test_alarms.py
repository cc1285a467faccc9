"""Alarms: one account-wide poll, events, motion/doorbell hold, pictures."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.const import (
    EVENT_STATE_CHANGED,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
)
from homeassistant.core import Event, EventStateChangedData, callback
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
from yarl import URL

from custom_components.ezviz_open import image as image_platform
from custom_components.ezviz_open.api.alarms import Alarm, AlarmType
from custom_components.ezviz_open.const import CONF_VERIFICATION_CODES, DOMAIN
from custom_components.ezviz_open.coordinator.alarm_events import (
    ALARM_EVENT_TYPES,
    EVENT_TYPES,
    AlarmEvent,
    event_type_of,
)
from simulator import Simulator, generate_fleet
from simulator.state import Alarm as SimAlarm

from .conftest import ALARM_LIST_PATH, advance

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

LIVING_ROOM_EVENT = "event.living_room_alarm"
LIVING_ROOM_MOTION = "binary_sensor.living_room_motion"
LIVING_ROOM_PICTURE = "image.living_room_last_alarm_picture"
DRIVEWAY_PICTURE = "image.driveway_last_alarm_picture"

#: The event type of every alarm type the reference names in a group;
#: all the other types of the table are "other".
EXPECTED_GROUPS: dict[str, set[int]] = {
    "motion": {10002, 12000, 10035, 10028},
    "human": {10026, 10027, 12013},
    "line_crossing": {10013, 10025},
    "intrusion": {10014, 10033, 10029, 10030, 12003, 12007, 12009, 12005, 12015}
    | {12017, 12025},
    "face": {10015},
    "doorbell": {10016},
    "pir": {10000, 10010, 10018},
    "tamper": {10011, 12002, 10020, 10021, 10031, 12019, 12021, 12027, 12108}
    | {12110, 12114},
    "video_loss": {10012, 12001, 12091},
    "door_contact": {10004, 10019, 12120},
    "smoke": {10005, 12011, 12024},
    "gas": {10006},
    "water_leak": {10008},
    "emergency_button": {10001, 10009, 12023, 12026},
    "power_on": {12030, 12118},
    "power_off": {12029, 12119},
}


def _add_alarm(
    simulator: Simulator,
    serial: str,
    alarm_type: int,
    *,
    channel: int = 1,
    alarm_id: str | None = None,
    encrypted: int = 0,
) -> SimAlarm:
    alarm = SimAlarm(
        alarm_id=alarm_id or str(24027912025700000 + simulator.state.next_id()),
        serial=serial,
        alarm_type=alarm_type,
        alarm_time_ms=int(simulator.now() * 1000),
        channel_no=channel,
        name=serial,
        is_encrypt=encrypted,
    )
    simulator.state.alarms.append(alarm)
    return alarm


@pytest.mark.parametrize("alarm_type", list(AlarmType))
def test_every_alarm_type_has_its_event_type(alarm_type: AlarmType) -> None:
    """All 178 types of the reference's table map to one named event type."""
    expected = next(
        (name for name, codes in EXPECTED_GROUPS.items() if alarm_type in codes),
        "other",
    )
    assert event_type_of(alarm_type) == expected
    assert expected in EVENT_TYPES


def test_event_types_cover_the_table() -> None:
    """The groups name only known types; unknown codes are "other"."""
    assert len(AlarmType) == 178
    assert set(ALARM_EVENT_TYPES) <= {int(t) for t in AlarmType}
    assert set(EVENT_TYPES) == {*EXPECTED_GROUPS, "other"}
    assert event_type_of(99999) == "other"
    assert event_type_of(None) == "other"


@pytest.mark.parametrize(
    ("sent", "event_type", "raw"),
    [
        ("motiondetect", "motion", "motiondetect"),
        ("VMD", "motion", "VMD"),
        ("pir", "pir", "pir"),
        ("SmartFaceDet", "face", "SmartFaceDet"),
        ("facedetection", "face", "facedetection"),
        ("SmartHumanDet", "human", "SmartHumanDet"),
        ("shelteralarm", "tamper", "shelteralarm"),
        ("videoloss", "video_loss", "videoloss"),
        ("smokeAlarm", "smoke", "smokeAlarm"),
        ("devTampering", "tamper", "devTampering"),
        ("UnderVoltage", "other", "UnderVoltage"),  # 10032 is not grouped
        ("babyCryDet", "other", "babyCryDet"),
        ("10002", "motion", 10002),
        (10016, "doorbell", 10016),
    ],
)
def test_pushed_names_take_their_codes_event_type(
    sent: object, event_type: str, raw: object
) -> None:
    """A pushed name is typed like its code; the type as sent is the attribute."""
    event = AlarmEvent.from_alarm(
        Alarm.from_api({"alarmType": sent, "deviceSerial": "C6N000001"})
    )
    assert event.event_type == event_type
    assert event.attributes["alarm_type"] == raw


async def test_history_is_not_an_event(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Setup reads what already happened once: no event fires for it."""
    assert simulator.count(ALARM_LIST_PATH) == 1
    assert hass.states.get(LIVING_ROOM_EVENT).state == STATE_UNKNOWN
    assert hass.states.get(LIVING_ROOM_MOTION).state == STATE_OFF
    # The last picture of each camera is known.
    picture = hass.states.get(LIVING_ROOM_PICTURE)
    assert picture.state != STATE_UNKNOWN
    assert picture.attributes["event_type"] == "motion"


async def test_new_alarm_is_one_event_and_holds_motion(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A new alarm fires once, turns motion on, and off after the hold time."""
    simulator.reset_log()
    alarm = _add_alarm(simulator, "C6N000001", 10002)
    await advance(hass, freezer, 180)
    state = hass.states.get(LIVING_ROOM_EVENT)
    assert state.attributes["event_type"] == "motion"
    assert state.attributes["alarm_id"] == alarm.alarm_id
    assert state.attributes["channel"] == 1
    assert state.attributes["has_picture"] is True
    assert state.attributes["alarm_time"]
    fired_at = state.state
    assert hass.states.get(LIVING_ROOM_MOTION).state == STATE_ON
    # The poll asked from the newest alarm time seen, for every status.
    request = next(r for r in simulator.requests if r.path == ALARM_LIST_PATH)
    assert int(request.form["startTime"]) % 1000 == 0
    assert request.form["status"] == "2"

    # Polled again (the alarm is still listed): not a second event.
    await advance(hass, freezer, 20)
    assert hass.states.get(LIVING_ROOM_MOTION).state == STATE_ON  # hold 30 s
    await advance(hass, freezer, 15)
    assert hass.states.get(LIVING_ROOM_MOTION).state == STATE_OFF
    await advance(hass, freezer, 180)
    assert hass.states.get(LIVING_ROOM_EVENT).state == fired_at
    assert hass.states.get(LIVING_ROOM_MOTION).state == STATE_OFF
    assert simulator.count(ALARM_LIST_PATH) == 2


@pytest.mark.parametrize(
    ("serial", "name", "alarm_type", "encrypted", "status"),
    [
        ("C6N000001", "living_room", 10002, False, "available"),
        ("DB1000003", "front_door", 10016, True, "encrypted"),  # no code
    ],
)
async def test_event_fires_after_the_alarm_shows(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    serial: str,
    name: str,
    alarm_type: int,
    encrypted: bool,
    status: str,
) -> None:
    """Whatever reacts to the event at once sees this alarm's picture.

    An automation triggered by the event (the doorbell blueprint) reads the
    picture entity, and Home Assistant may run it before the loop turns.
    """
    simulator.state.devices[serial].is_encrypt = encrypted
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    seen: list[tuple[str | None, str | None, str]] = []

    @callback
    def _on_event(event: Event[EventStateChangedData]) -> None:
        new_state = event.data["new_state"]
        assert new_state is not None
        picture = hass.states.get(f"image.{name}_last_alarm_picture")
        assert picture is not None
        seen.append(
            (
                new_state.attributes.get("alarm_id"),
                picture.attributes["alarm_id"],
                picture.attributes["picture_status"],
            )
        )

    hass.bus.async_listen(EVENT_STATE_CHANGED, _on_event, _is_alarm_event(name))
    alarm = _add_alarm(simulator, serial, alarm_type, encrypted=int(encrypted))
    await advance(hass, freezer, 180)
    assert seen == [(alarm.alarm_id, alarm.alarm_id, status)]


def _is_alarm_event(name: str) -> Callable[[EventStateChangedData], bool]:
    @callback
    def _filter(data: EventStateChangedData) -> bool:
        return data["entity_id"] == f"event.{name}_alarm"

    return _filter


@pytest.mark.parametrize(
    ("code", "reauth", "limited"),
    [(10030, True, False), (10029, False, True), (49999, False, False)],
)
async def test_alarm_poll_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    code: int,
    reauth: bool,
    limited: bool,
) -> None:
    """A refused alarm poll: reauth, a back-off, or a retry at the next poll.

    The last alarm of each channel stays. Refused credentials stop the poll
    until reauth; a rate limit slows every cadence and raises the repair
    issue; any other failure is retried at the next poll.
    """
    alarms = init_integration.runtime_data.alarms
    before = dict(alarms.data)
    assert before
    simulator.faults.error(ALARM_LIST_PATH, code, times=1)
    # The alarm poll alone: a device-list poll accepted at the same instant
    # would end the back-off again, in an order that differs between Home
    # Assistant releases.
    await alarms.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert alarms.data == before
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == (
        ["reauth"] if reauth else []
    )
    assert init_integration.runtime_data.allowance.active is limited
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"rate_limited_{init_integration.entry_id}"
    )
    assert (issue is not None) is limited
    if limited:
        assert alarms.last_update_success
        assert alarms.update_interval == timedelta(minutes=5)
        return
    assert not alarms.last_update_success
    alarm = _add_alarm(simulator, "C6N000001", 10002)
    simulator.reset_log()
    await advance(hass, freezer, 180)
    if reauth:
        assert simulator.count(ALARM_LIST_PATH) == 0
        return
    assert simulator.count(ALARM_LIST_PATH) == 1
    assert alarms.last_update_success
    assert hass.states.get(LIVING_ROOM_EVENT).attributes["alarm_id"] == alarm.alarm_id


async def test_hold_time_from_options(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    """The hold time and the alarm cadence come from the options."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={"alarm_interval": 60, "alarm_hold": 120}
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    _add_alarm(simulator, "DB1000003", 10016)
    await advance(hass, freezer, 60)
    assert hass.states.get("binary_sensor.front_door_doorbell").state == STATE_ON
    assert hass.states.get("binary_sensor.front_door_motion").state == STATE_OFF
    assert (
        hass.states.get("event.front_door_alarm").attributes["event_type"] == "doorbell"
    )
    await advance(hass, freezer, 100)
    assert hass.states.get("binary_sensor.front_door_doorbell").state == STATE_ON
    await advance(hass, freezer, 30)
    assert hass.states.get("binary_sensor.front_door_doorbell").state == STATE_OFF


async def test_alarm_routing(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """NVR alarms go to their channel; hub alarms to the hub."""
    _add_alarm(simulator, "NVR000005", 10013, channel=1)
    _add_alarm(simulator, "A1S000004", 10005)
    await advance(hass, freezer, 180)
    porch = hass.states.get("event.porch_alarm")
    assert porch.attributes["event_type"] == "line_crossing"
    assert hass.states.get("binary_sensor.porch_motion").state == STATE_ON
    assert hass.states.get("event.recorder_alarm").state == STATE_UNKNOWN
    assert hass.states.get("event.alarm_hub_alarm").attributes["event_type"] == "smoke"


async def test_paged_poll(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """More than 50 new alarms: further pages, each alarm once."""
    events: list[str] = []
    hass.bus.async_listen(
        "state_changed",
        lambda e: events.append(e.data["new_state"].attributes.get("alarm_id"))
        if e.data["entity_id"] == "event.garden_alarm"
        else None,
    )
    for _ in range(60):
        _add_alarm(simulator, "BC1000002", 10010)
    simulator.reset_log()
    await advance(hass, freezer, 180)
    assert simulator.count(ALARM_LIST_PATH) == 2
    assert len(events) == 60
    assert len(set(events)) == 60


@pytest.fixture
def picture_fetches() -> Iterator[list[str]]:
    """Paths of the alarm pictures fetched (the simulator logs API calls only)."""
    calls: list[str] = []
    real = image_platform.async_fetch_picture

    async def _spy(
        hass: HomeAssistant, url: str, label: str, code: str | None
    ) -> bytes | None:
        calls.append(URL(url).path)
        return await real(hass, url, label, code)

    with patch.object(image_platform, "async_fetch_picture", _spy):
        yield calls


async def test_alarm_picture(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    picture_fetches: list[str],
    init_integration: MockConfigEntry,
) -> None:
    """Fetched when shown, once per alarm; encrypted ones without a code say why."""
    client = await hass_client()
    resp = await client.get(f"/api/image_proxy/{LIVING_ROOM_PICTURE}")
    assert resp.status == 200
    body = await resp.read()
    assert body.startswith(b"\xff\xd8")
    assert len(picture_fetches) == 1
    assert picture_fetches[0].startswith("/_sim/pic/alarm-C6N000001-")
    resp = await client.get(f"/api/image_proxy/{LIVING_ROOM_PICTURE}")
    assert await resp.read() == body
    assert len(picture_fetches) == 1

    # No code for the encrypted camera: nothing is fetched.
    assert hass.states.get(DRIVEWAY_PICTURE).attributes["picture_status"] == (
        "encrypted"
    )
    resp = await client.get(f"/api/image_proxy/{DRIVEWAY_PICTURE}")
    assert resp.status == 500
    assert len(picture_fetches) == 1


@pytest.mark.parametrize(
    ("code", "status", "http_status"),
    [("HJKLMN", "available", 200), ("ABCDEF", "wrong_code", 500)],
    ids=["right-code", "wrong-code"],
)
async def test_encrypted_alarm_picture(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    picture_fetches: list[str],
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    code: str,
    status: str,
    http_status: int,
) -> None:
    """With the code, an encrypted picture is decrypted; a wrong code says so."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={CONF_VERIFICATION_CODES: {"C8C000006": code}}
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(DRIVEWAY_PICTURE).attributes["picture_status"] == (
        "available"
    )
    client = await hass_client()
    resp = await client.get(f"/api/image_proxy/{DRIVEWAY_PICTURE}")
    assert resp.status == http_status
    assert picture_fetches[0].endswith("-enc.jpg")
    if http_status == 200:
        # The simulator's picture of that alarm (its time burned in), decrypted.
        assert await resp.read() == simulator.picture(picture_fetches[0])
    state = hass.states.get(DRIVEWAY_PICTURE)
    assert state.attributes["picture_status"] == status
    # A dashboard is given a link only to a picture it can show.
    assert ("entity_picture" in state.attributes) is (http_status == 200)
    # Shown again: the decrypted picture is kept, a wrong code is not retried.
    resp = await client.get(f"/api/image_proxy/{DRIVEWAY_PICTURE}")
    assert resp.status == http_status
    assert len(picture_fetches) == 1


async def test_alarm_requests_do_not_grow_with_devices(
    hass: HomeAssistant,
    socket_enabled: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A simulated day of the alarm cadence: 480 requests, 7 or 70 devices."""
    per_day: dict[int, int] = {}
    for size, fleet in ((7, "demo"), (70, generate_fleet(70))):
        async with Simulator(fleet=fleet) as sim:
            entry = MockConfigEntry(
                domain=DOMAIN,
                unique_id=f"{sim.app_key}-{size}",
                data={
                    "app_key": sim.app_key,
                    "app_secret": sim.app_secret,
                    "region": "custom",
                    "url": sim.base_url,
                },
            )
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done(wait_background_tasks=True)
            sim.reset_log()
            for _ in range(480):
                await advance(hass, freezer, 180)
            per_day[size] = sim.count(ALARM_LIST_PATH)
            assert await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()
    assert per_day == {7: 480, 70: 480}


async def test_push_and_poll_are_one_event(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """An alarm pushed, then polled (with or without its id): one event.

    While push delivers, the alarm poll runs every 15 minutes only.
    """
    coordinator = init_integration.runtime_data.alarms
    fired: list[str | None] = []
    hass.bus.async_listen(
        "state_changed",
        lambda e: fired.append(e.data["new_state"].attributes.get("alarm_id"))
        if e.data["entity_id"] == LIVING_ROOM_EVENT
        else None,
    )
    first = _add_alarm(simulator, "C6N000001", 10002)
    pushed = {
        "alarmId": first.alarm_id,
        "alarmType": 10002,
        "alarmTime": first.alarm_time_ms,
        "channelNo": 1,
        "deviceSerial": "C6N000001",
    }
    assert coordinator.async_push_alarm(Alarm.from_api(pushed)) is True
    assert coordinator.async_push_alarm(Alarm.from_api(pushed)) is False
    await hass.async_block_till_done()
    assert fired == [first.alarm_id]
    assert hass.states.get(LIVING_ROOM_MOTION).state == STATE_ON
    assert coordinator.push_health.healthy
    assert coordinator.update_interval == timedelta(minutes=15)

    # A push without an id, then the poll lists it with one.
    freezer.tick(timedelta(seconds=5))
    second = _add_alarm(simulator, "C6N000001", 10015)
    pushed = {
        "alarmType": 10015,
        "alarmTime": second.alarm_time_ms,
        "channelNo": 1,
        "deviceSerial": "C6N000001",
    }
    assert coordinator.async_push_alarm(Alarm.from_api(pushed)) is True
    simulator.reset_log()
    # The poll scheduled before push was healthy still comes; the next one
    # only 15 minutes later.
    await advance(hass, freezer, 180)
    assert simulator.count(ALARM_LIST_PATH) == 1
    await advance(hass, freezer, 600)
    assert simulator.count(ALARM_LIST_PATH) == 1  # slowed down by push
    await advance(hass, freezer, 300)
    assert simulator.count(ALARM_LIST_PATH) == 2
    assert fired[0] == first.alarm_id
    assert fired[1] is None
    assert len(fired) == 2
    assert hass.states.get(LIVING_ROOM_EVENT).attributes["event_type"] == "face"

    # A push by name without an id, then the poll lists it as 10002: one event.
    freezer.tick(timedelta(seconds=5))
    third = _add_alarm(simulator, "C6N000001", 10002)
    pushed = {
        "alarmType": "motiondetect",
        "alarmTime": third.alarm_time_ms,
        "channelNo": 1,
        "deviceSerial": "C6N000001",
    }
    assert coordinator.async_push_alarm(Alarm.from_api(pushed)) is True
    simulator.reset_log()
    await advance(hass, freezer, 900)
    assert simulator.count(ALARM_LIST_PATH) == 1
    assert len(fired) == 3
    assert fired[2] is None
    assert hass.states.get(LIVING_ROOM_EVENT).attributes["alarm_type"] == "motiondetect"


async def test_no_picture_link_without_a_picture(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """No broken image on a dashboard: a link only where a picture can be shown.

    The Porch channel has had no alarm; the Driveway's picture is encrypted
    and no code is given; the Living Room's can be shown.
    """
    porch = hass.states.get("image.porch_last_alarm_picture")
    assert porch.attributes["picture_status"] == "no_picture"
    assert "entity_picture" not in porch.attributes
    driveway = hass.states.get(DRIVEWAY_PICTURE)
    assert driveway.attributes["picture_status"] == "encrypted"
    assert "entity_picture" not in driveway.attributes
    living_room = hass.states.get(LIVING_ROOM_PICTURE)
    assert living_room.attributes["picture_status"] == "available"
    assert living_room.attributes["entity_picture"].startswith(
        f"/api/image_proxy/{LIVING_ROOM_PICTURE}?token="
    )
