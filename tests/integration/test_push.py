"""Push: EZVIZ messages on a webhook, verified, de-duplicated and dispatched."""

from __future__ import annotations

from datetime import datetime, timedelta
import hashlib
import hmac
import json
import logging
import time
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.ezviz_open.const import (
    CONF_PUSH,
    CONF_PUSH_SECRET,
    CONF_WEBHOOK_ID,
)
from custom_components.ezviz_open.push import (
    MAX_BODY,
    PUSH_MAX_AGE,
    PushReceiver,
    online_of,
)
from simulator.state import Alarm as SimAlarm

from .conftest import ALARM_LIST_PATH

if TYPE_CHECKING:
    from aiohttp import ClientResponse
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from simulator import Simulator

SECRET = "push-secret-1234"
WEBHOOK_ID = "0123456789abcdef0123456789abcdef"
PATH = f"/api/webhook/{WEBHOOK_ID}"
LIVING_ROOM = "C6N000001"
LIVING_ROOM_EVENT = "event.living_room_alarm"
LIVING_ROOM_MOTION = "binary_sensor.living_room_motion"

type Post = Any

#: The options flow's first step, push aside.
INIT_INPUT: dict[str, Any] = {
    "account_interval": 60,
    "detail_interval": 60,
    "alarm_interval": 180,
    "alarm_hold": 30,
    "stream_protocol": "hls",
    "stream_quality": "hd",
}


def _message(
    message_type: str, body: dict[str, Any], *, message_id: str = "m-1"
) -> str:
    return json.dumps(
        {
            "header": {
                "channelNo": 1,
                "deviceId": LIVING_ROOM,
                "messageId": message_id,
                "messageTime": int(time.time() * 1000),
                "type": message_type,
            },
            "body": body,
        }
    )


def _alarm_body(alarm_id: str | None = "A-1", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "alarmType": 10002,
        "alarmTime": int(time.time() * 1000),
        "channelNo": 1,
        "devSerial": LIVING_ROOM,
        "pictureList": [{"id": "1", "url": "https://pictures.example/alarm.jpg"}],
        **extra,
    }
    if alarm_id is not None:
        body["alarmId"] = alarm_id
    return body


def _headers(
    body: str,
    message_type: str = "ys.alarm",
    *,
    secret: str | None = SECRET,
    t: int | None = None,
) -> dict[str, str]:
    stamp = str(int(time.time() * 1000) if t is None else t)
    headers = {"t": stamp, "message_type": message_type, "Content-Type": "text/plain"}
    if secret is not None:
        headers["signature"] = hmac.new(
            secret.encode(), (body + stamp).encode(), hashlib.sha1
        ).hexdigest()
    return headers


@pytest.fixture
def push_options() -> dict[str, Any]:
    """Push enabled with a signing secret."""
    return {CONF_PUSH: True, CONF_PUSH_SECRET: SECRET, CONF_WEBHOOK_ID: WEBHOOK_ID}


@pytest.fixture
async def push_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    entry_data: dict[str, str],
    push_options: dict[str, Any],
) -> MockConfigEntry:
    """The simulator's account, set up with push enabled."""
    entry = MockConfigEntry(
        domain="ezviz_open",
        title="EZVIZ Open Platform",
        unique_id=simulator.app_key,
        data=entry_data,
        options=push_options,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


@pytest.fixture
async def post(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> Post:
    """POST a text body to the webhook, as the cloud does."""
    client = await hass_client_no_auth()

    async def _post(body: str | bytes, headers: dict[str, str]) -> ClientResponse:
        response = await client.post(PATH, data=body, headers=headers)
        await hass.async_block_till_done()
        return response

    return _post


@pytest.fixture
def fired(hass: HomeAssistant) -> list[str | None]:
    """The alarm ids of the living room's events, in order."""
    seen: list[str | None] = []

    def _listen(event: Any) -> None:
        if event.data["entity_id"] == LIVING_ROOM_EVENT and event.data["new_state"]:
            state = event.data["new_state"]
            if state.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE):
                seen.append(state.attributes.get("alarm_id"))

    hass.bus.async_listen("state_changed", _listen)
    return seen


async def test_signed_alarm_fires_once(
    hass: HomeAssistant,
    simulator: Simulator,
    push_entry: MockConfigEntry,
    post: Post,
    fired: list[str | None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A signed alarm is one event at once; a replay or a repeat is not another."""
    caplog.set_level(logging.DEBUG)
    simulator.reset_log()
    body = _message("ys.alarm", _alarm_body("A-1"), message_id="m-1")
    headers = _headers(body)
    response = await post(body, headers)
    assert response.status == 200
    assert await response.json() == {"messageId": "m-1"}
    assert fired == ["A-1"]
    state = hass.states.get(LIVING_ROOM_EVENT)
    assert state.attributes["event_type"] == "motion"
    assert state.attributes["has_picture"] is True
    assert hass.states.get(LIVING_ROOM_MOTION).state == STATE_ON
    assert push_entry.runtime_data.push_health.healthy

    # The cloud retries (same messageId): answered again, handled once.
    response = await post(body, headers)
    assert response.status == 200
    assert await response.json() == {"messageId": "m-1"}
    # Another message about the same alarm: the alarm is known.
    again = _message("ys.alarm", _alarm_body("A-1"), message_id="m-2")
    assert (await post(again, _headers(again))).status == 200
    assert fired == ["A-1"]
    assert simulator.requests == []  # push costs no request
    assert SECRET not in caplog.text
    assert headers["signature"] not in caplog.text


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("bad_signature", 401),
        ("missing_signature", 401),
        ("stale", 401),
        ("future", 401),
        ("not_json", 400),
        ("no_header", 400),
        ("no_timestamp", 400),
        ("too_large", 413),
    ],
)
async def test_rejected(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    post: Post,
    fired: list[str | None],
    caplog: pytest.LogCaptureFixture,
    case: str,
    status: int,
) -> None:
    """Bad, missing and stale signatures and bad bodies fire nothing."""
    caplog.set_level(logging.DEBUG)
    body: str | bytes = _message("ys.alarm", _alarm_body("A-9"))
    now_ms = int(time.time() * 1000)
    headers = _headers(str(body))
    if case == "bad_signature":
        headers = _headers(str(body), secret="not-the-secret")
    elif case == "missing_signature":
        headers.pop("signature")
    elif case == "stale":
        headers = _headers(str(body), t=now_ms - (PUSH_MAX_AGE + 60) * 1000)
    elif case == "future":
        headers = _headers(str(body), t=now_ms + (PUSH_MAX_AGE + 60) * 1000)
    elif case == "not_json":
        body = "{not json"
        headers = _headers(body)
    elif case == "no_header":
        body = json.dumps({"body": _alarm_body("A-9")})
        headers = _headers(body)
    elif case == "no_timestamp":
        headers.pop("t")
    elif case == "too_large":
        body = b"x" * (MAX_BODY + 1)
    response = await post(body, headers)
    assert response.status == status
    assert "messageId" not in await response.json()
    assert fired == []
    assert not push_entry.runtime_data.push_health.healthy
    assert SECRET not in caplog.text
    if "signature" in headers:
        assert headers["signature"] not in caplog.text


async def test_push_then_poll_is_one_event(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    push_entry: MockConfigEntry,
    post: Post,
    fired: list[str | None],
) -> None:
    """An alarm pushed and later polled is one event; polling slows down."""
    alarm = SimAlarm(
        alarm_id="24027912025799999",
        serial=LIVING_ROOM,
        alarm_type=10002,
        alarm_time_ms=int(simulator.now() * 1000),
        channel_no=1,
        name=LIVING_ROOM,
        is_encrypt=0,
    )
    simulator.state.alarms.append(alarm)
    body = _message(
        "ys.alarm",
        _alarm_body(alarm.alarm_id, alarmTime=alarm.alarm_time_ms),
        message_id="m-poll",
    )
    assert (await post(body, _headers(body))).status == 200
    assert fired == [alarm.alarm_id]
    alarms = push_entry.runtime_data.alarms
    assert alarms.update_interval == timedelta(minutes=15)

    simulator.reset_log()
    freezer.tick(timedelta(minutes=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.count(ALARM_LIST_PATH) == 1
    assert fired == [alarm.alarm_id]


async def test_alarm_without_id_then_polled(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    push_entry: MockConfigEntry,
    post: Post,
    fired: list[str | None],
) -> None:
    """A push without an alarm id (text time, picture URL) and its poll: one event."""
    alarm_ms = int(simulator.now() * 1000)
    simulator.state.alarms.append(
        SimAlarm(
            alarm_id="24027912025788888",
            serial=LIVING_ROOM,
            alarm_type=10015,
            alarm_time_ms=alarm_ms,
            channel_no=1,
            name=LIVING_ROOM,
            is_encrypt=0,
        )
    )
    body = _message(
        "ys.alarm",
        {
            "alarmType": "10015",
            "alarmTime": alarm_ms,
            "deviceSerial": LIVING_ROOM.lower(),
            "alarmPicUrl": "https://pictures.example/face.jpg",
            "crypt": 0,
        },
        message_id="m-noid",
    )
    assert (await post(body, _headers(body))).status == 200
    assert fired == [None]
    assert hass.states.get(LIVING_ROOM_EVENT).attributes["event_type"] == "face"
    freezer.tick(timedelta(minutes=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert fired == [None]


async def test_alarm_time_as_text_is_local(
    hass: HomeAssistant, push_entry: MockConfigEntry, post: Post
) -> None:
    """A pushed alarm time sent as text (no zone) is taken as local time."""
    body = _message(
        "ys.alarm",
        _alarm_body("A-text", alarmTime="2026-12-01 13:05:00"),
        message_id="m-text",
    )
    assert (await post(body, _headers(body))).status == 200
    local = datetime(2026, 12, 1, 13, 5, tzinfo=dt_util.get_default_time_zone())
    state = hass.states.get(LIVING_ROOM_EVENT)
    assert state.attributes["alarm_id"] == "A-text"
    assert state.attributes["alarm_time"] == local.isoformat()


async def test_poll_finding_a_missed_alarm_polls_as_usual_again(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    push_entry: MockConfigEntry,
    post: Post,
    fired: list[str | None],
) -> None:
    """Push is healthy, yet the poll finds an alarm it did not deliver.

    Push is then no longer trusted: the next polls come at the configured
    interval (3 minutes), not every 15 minutes.
    """
    body = _message("ys.alarm", _alarm_body("A-pushed"), message_id="m-ok")
    assert (await post(body, _headers(body))).status == 200
    alarms = push_entry.runtime_data.alarms
    assert alarms.push_health.healthy
    assert alarms.update_interval == timedelta(minutes=15)
    missed = SimAlarm(
        alarm_id="24027912025777777",
        serial=LIVING_ROOM,
        alarm_type=10002,
        alarm_time_ms=int(simulator.now() * 1000),
        channel_no=1,
        name=LIVING_ROOM,
        is_encrypt=0,
    )
    simulator.state.alarms.append(missed)
    simulator.reset_log()
    freezer.tick(timedelta(minutes=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.count(ALARM_LIST_PATH) == 1
    assert fired == ["A-pushed", missed.alarm_id]
    assert not alarms.push_health.healthy
    assert alarms.update_interval == timedelta(minutes=3)


async def test_alarm_picture_that_cannot_be_fetched(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    push_entry: MockConfigEntry,
    post: Post,
) -> None:
    """A picture whose host does not answer says so, and is tried again when shown.

    Failing the same way again changes nothing on the entity.
    """
    picture = "image.living_room_last_alarm_picture"
    dead = [{"id": "1", "url": "http://127.0.0.1:9/alarm.jpg"}]
    body = _message(
        "ys.alarm", _alarm_body("A-dead", pictureList=dead), message_id="m-dead"
    )
    assert (await post(body, _headers(body))).status == 200
    assert hass.states.get(picture).attributes["alarm_id"] == "A-dead"
    assert hass.states.get(picture).attributes["picture_status"] == "available"
    client = await hass_client()
    assert (await client.get(f"/api/image_proxy/{picture}")).status == 500
    failed = hass.states.get(picture)
    assert failed.attributes["picture_status"] == "fetch_failed"
    assert (await client.get(f"/api/image_proxy/{picture}")).status == 500
    assert hass.states.get(picture).last_updated == failed.last_updated


async def test_onoffline_sets_availability_at_once(
    hass: HomeAssistant,
    simulator: Simulator,
    push_entry: MockConfigEntry,
    post: Post,
) -> None:
    """ys.onoffline: entities go unavailable and back at once.

    Going offline costs no request; coming back reads that device's detail
    again (one request per topic its entities read), nothing else.
    """
    assert hass.states.get(LIVING_ROOM_MOTION).state != STATE_UNAVAILABLE
    simulator.reset_log()
    body = _message("ys.onoffline", {"msgType": "OFFLINE"}, message_id="o-1")
    response = await post(body, _headers(body, "ys.onoffline"))
    assert response.status == 200
    assert await response.json() == {"messageId": "o-1"}
    assert hass.states.get(LIVING_ROOM_MOTION).state == STATE_UNAVAILABLE
    assert hass.states.get(LIVING_ROOM_EVENT).state == STATE_UNAVAILABLE
    assert simulator.requests == []

    body = _message(
        "ys.onoffline", {"devSerial": LIVING_ROOM, "status": 1}, message_id="o-2"
    )
    assert (await post(body, _headers(body, "ys.onoffline"))).status == 200
    assert hass.states.get(LIVING_ROOM_MOTION).state != STATE_UNAVAILABLE
    _assert_detail_of(simulator, push_entry, LIVING_ROOM)


async def test_ignored_messages(
    hass: HomeAssistant,
    simulator: Simulator,
    push_entry: MockConfigEntry,
    post: Post,
    fired: list[str | None],
) -> None:
    """Unknown types, unknown devices and unclear states are answered, not used."""
    simulator.reset_log()
    messages = [
        ("ys.iot", {"a": 1}),
        ("ys.onoffline", {"devSerial": "UNKNOWN01", "msgType": "OFFLINE"}),
        ("ys.onoffline", {"msgType": "restarting"}),
    ]
    for index, (kind, content) in enumerate(messages):
        body = _message(kind, content, message_id=f"i-{index}")
        assert (await post(body, _headers(body, kind))).status == 200
    # An alarm that names no device.
    body = json.dumps(
        {"header": {"messageId": "i-9", "type": "ys.alarm"}, "body": {"alarmId": "Z"}}
    )
    assert (await post(body, _headers(body))).status == 200
    assert fired == []
    assert hass.states.get(LIVING_ROOM_MOTION).state != STATE_UNAVAILABLE
    assert simulator.requests == []


def test_online_of() -> None:
    """The on/offline body is read leniently."""
    assert online_of({"msgType": "ONLINE"}) is True
    assert online_of({"status": "0"}) is False
    assert online_of({"online": True}) is True
    assert online_of({"online": False}) is False
    assert online_of({"state": None, "type": "disconnect"}) is False
    assert online_of({}) is None


@pytest.mark.parametrize(
    "push_options", [{CONF_PUSH: True, CONF_WEBHOOK_ID: WEBHOOK_ID}]
)
async def test_without_secret(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    post: Post,
    fired: list[str | None],
) -> None:
    """Without a secret unsigned messages pass, but stale ones are still refused."""
    body = _message("ys.alarm", _alarm_body("S-1"), message_id="s-1")
    stale = _headers(
        body, secret=None, t=int(time.time() * 1000) - (PUSH_MAX_AGE + 60) * 1000
    )
    assert (await post(body, stale)).status == 401
    assert fired == []
    assert (await post(body, _headers(body, secret=None))).status == 200
    assert fired == ["S-1"]


async def test_options_enable_push_shows_url(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Enabling push shows the URL to register, takes the secret, registers."""
    await hass.config.async_update(external_url="https://ha.example.org")
    entry = init_integration
    assert webhook.DOMAIN not in hass.data or not hass.data[webhook.DOMAIN]
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {**INIT_INPUT, CONF_PUSH: True},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "push"
    url = result["description_placeholders"]["url"]
    assert url.startswith("https://ha.example.org/api/webhook/")
    webhook_id = url.rsplit("/", 1)[1]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PUSH_SECRET: f" {SECRET} "}
    )
    assert result["step_id"] == "verification_codes"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_PUSH] is True
    assert entry.options[CONF_PUSH_SECRET] == SECRET
    assert entry.options[CONF_WEBHOOK_ID] == webhook_id
    await hass.async_block_till_done(wait_background_tasks=True)
    assert webhook_id in hass.data[webhook.DOMAIN]

    # Opened again: the same URL, the secret suggested; clearing it keeps push.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**INIT_INPUT, CONF_PUSH: True}
    )
    assert result["description_placeholders"]["url"] == url
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PUSH_SECRET: ""}
    )
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert CONF_PUSH_SECRET not in entry.options
    await hass.async_block_till_done(wait_background_tasks=True)

    # Turned off: the webhook goes, its id stays for next time.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**INIT_INPUT, CONF_PUSH: False}
    )
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_PUSH not in entry.options
    assert entry.options[CONF_WEBHOOK_ID] == webhook_id
    await hass.async_block_till_done(wait_background_tasks=True)
    assert webhook_id not in hass.data[webhook.DOMAIN]


async def test_url_without_configured_address(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Without a known address the step shows the webhook's path."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "custom_components.ezviz_open.push.webhook.async_generate_url",
            _no_url,
        )
        result = await hass.config_entries.options.async_configure(
            result["flow_id"],
            {**INIT_INPUT, CONF_PUSH: True},
        )
    assert result["description_placeholders"]["url"].startswith("/api/webhook/")


def _no_url(*args: Any, **kwargs: Any) -> str:
    raise NoURLAvailableError


async def test_unload_unregisters(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    post: Post,
    fired: list[str | None],
) -> None:
    """Unloading the entry removes the webhook; a later push fires nothing."""
    assert WEBHOOK_ID in hass.data[webhook.DOMAIN]
    assert await hass.config_entries.async_unload(push_entry.entry_id)
    await hass.async_block_till_done()
    assert push_entry.state is ConfigEntryState.NOT_LOADED
    assert WEBHOOK_ID not in hass.data[webhook.DOMAIN]
    body = _message("ys.alarm", _alarm_body("U-1"), message_id="u-1")
    response = await post(body, _headers(body))
    assert response.status == 200  # Home Assistant hides unknown webhooks
    assert await response.text() == ""
    assert fired == []


def test_replay_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the newest message ids are remembered; messages without one pass."""
    monkeypatch.setattr("custom_components.ezviz_open.push.SEEN_MESSAGES", 2)
    receiver = PushReceiver(SimpleNamespace(options={}))  # type: ignore[arg-type]
    assert not receiver._replayed(None)
    assert not receiver._replayed("a")
    assert not receiver._replayed("b")
    assert receiver._replayed("a")  # now the newest
    assert not receiver._replayed("c")  # "b" is forgotten
    assert not receiver._replayed("b")
    assert receiver._replayed("c")


# -- pushes sent by the simulator ------------------------------------------------

BEDROOM = "C1C000007"  # offline in the demo fleet
BEDROOM_PRIVACY = "switch.bedroom_privacy_mode"


def _assert_detail_of(
    simulator: Simulator, entry: MockConfigEntry, serial: str
) -> None:
    """The requests since the log was reset read ``serial``'s detail, once per topic."""
    needed = entry.runtime_data.detail.needed(serial)
    assert needed
    serials = {
        r.form.get("deviceSerial") or r.headers.get("deviceSerial")
        for r in simulator.requests
    }
    assert serials == {serial}
    paths = [r.path for r in simulator.requests]
    assert len(paths) == len(set(paths)) == len(needed)


@pytest.fixture
async def sim_push(
    simulator: Simulator,
    push_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> Simulator:
    """The simulator pushing to the entry's webhook over loopback HTTP, signed."""
    client = await hass_client_no_auth()
    simulator.push.configure(str(client.make_url(PATH)), secret=SECRET)
    return simulator


async def test_text_alarm_type_push(
    hass: HomeAssistant,
    sim_push: Simulator,
    freezer: FrozenDateTimeFactory,
    fired: list[str | None],
) -> None:
    """``motiondetect``: motion on, event ``motion``, the text kept as alarm_type."""
    sim_push.state.devices[LIVING_ROOM].push_alarm_type = "name"  # per device
    sent = await sim_push.push.alarm(LIVING_ROOM, 10002)
    await hass.async_block_till_done()
    assert sent.delivered
    assert json.loads(sent.body)["body"]["alarmType"] == "motiondetect"
    assert fired == [json.loads(sent.body)["body"]["alarmId"]]
    state = hass.states.get(LIVING_ROOM_EVENT)
    assert state.attributes["event_type"] == "motion"
    assert state.attributes["alarm_type"] == "motiondetect"
    assert hass.states.get(LIVING_ROOM_MOTION).state == STATE_ON

    # The poll lists the same alarm (as 10002): still one event.
    sim_push.reset_log()
    freezer.tick(timedelta(minutes=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sim_push.count(ALARM_LIST_PATH) == 1
    assert len(fired) == 1


async def test_unknown_text_alarm_type_push(
    hass: HomeAssistant, sim_push: Simulator, fired: list[str | None]
) -> None:
    """A text the map does not know: event ``other``, the text as alarm_type."""
    sent = await sim_push.push.alarm(LIVING_ROOM, "babyCryDet", record=False)
    await hass.async_block_till_done()
    assert sent.delivered
    assert len(fired) == 1
    state = hass.states.get(LIVING_ROOM_EVENT)
    assert state.attributes["event_type"] == "other"
    assert state.attributes["alarm_type"] == "babyCryDet"
    assert hass.states.get(LIVING_ROOM_MOTION).state != STATE_ON


async def test_numeric_alarm_type_push(
    hass: HomeAssistant, sim_push: Simulator, fired: list[str | None]
) -> None:
    """A number still works, chosen per call on a device that sends names."""
    sim_push.state.devices[LIVING_ROOM].push_alarm_type = "name"
    sent = await sim_push.push.alarm(LIVING_ROOM, 10015, form="code")
    await hass.async_block_till_done()
    assert sent.delivered
    assert json.loads(sent.body)["body"]["alarmType"] == 10015
    state = hass.states.get(LIVING_ROOM_EVENT)
    assert state.attributes["event_type"] == "face"
    assert state.attributes["alarm_type"] == 10015
    assert hass.states.get(LIVING_ROOM_MOTION).state == STATE_ON
    assert len(fired) == 1


async def test_online_push_reads_that_device_only(
    hass: HomeAssistant, sim_push: Simulator, push_entry: MockConfigEntry
) -> None:
    """A device offline since setup comes back with its detail, not in an hour.

    Its privacy switch had never been read (unavailable); the online push
    makes it available at once, reading that device's topics only, without
    time moving on.
    """
    assert hass.states.get(BEDROOM_PRIVACY).state == STATE_UNAVAILABLE
    sim_push.reset_log()
    sent = await sim_push.push.onoffline(BEDROOM, online=True)
    await hass.async_block_till_done()
    assert sent.delivered
    assert hass.states.get(BEDROOM_PRIVACY).state == "off"
    assert hass.states.get("binary_sensor.bedroom_motion").state != STATE_UNAVAILABLE
    _assert_detail_of(sim_push, push_entry, BEDROOM)

    # Already online with its detail read: a repeated online push costs nothing.
    sim_push.reset_log()
    assert (await sim_push.push.onoffline(BEDROOM, online=True)).delivered
    await hass.async_block_till_done()
    assert sim_push.requests == []

    # Offline: unavailable at once, no request.
    assert (await sim_push.push.onoffline(BEDROOM, online=False)).delivered
    await hass.async_block_till_done()
    assert hass.states.get(BEDROOM_PRIVACY).state == STATE_UNAVAILABLE
    assert sim_push.requests == []
