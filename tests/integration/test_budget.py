"""The request budget against the simulator: the governor keeps polling within it.

A simulated day at a low budget stays within the budget less its reserve
while entities still follow the cloud at the planned cadences; healthy push
relaxes the device list and the alarm poll and its end restores them; a
growing fleet is planned again; a budget even the floors do not fit raises
a repair issue that goes with its cause.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.ezviz_open.const import (
    CONF_BUDGET_RESERVE,
    CONF_PUSH,
    CONF_PUSH_SECRET,
    CONF_REQUEST_BUDGET,
    CONF_WEBHOOK_ID,
    DOMAIN,
    ISSUE_BUDGET_FLOORS,
)
from custom_components.ezviz_open.metering.planner import CADENCES, CadenceKey
from custom_components.ezviz_open.metering.push_health import PUSH_HEALTHY_FOR
from simulator import Simulator, generate_fleet

from .conftest import (
    ALARM_LIST_PATH,
    CAMERA_LIST_PATH,
    DEVICE_LIST_PATH,
    STATUS_PATH,
    TOKEN_PATH,
    advance,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from custom_components.ezviz_open.metering.governor import BudgetGovernor

PROJECTED = "sensor.ezviz_open_platform_projected_cloud_requests"
LIVING_ROOM = "C6N000001"
LIVING_ROOM_CONNECTIVITY = "binary_sensor.living_room_connectivity"
LIVING_ROOM_PRIVACY = "switch.living_room_privacy_mode"
SECRET = "push-secret-1234"
WEBHOOK_ID = "0123456789abcdef0123456789abcdef"


async def _setup(
    hass: HomeAssistant, simulator: Simulator, options: dict[str, Any]
) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="EZVIZ Open Platform",
        unique_id=simulator.app_key,
        data={
            "app_key": simulator.app_key,
            "app_secret": simulator.app_secret,
            "region": "custom",
            "url": simulator.base_url,
        },
        options=options,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


def _governor(entry: MockConfigEntry) -> BudgetGovernor:
    governor: BudgetGovernor = entry.runtime_data.governor
    return governor


def _floors_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"{ISSUE_BUDGET_FLOORS}_{entry.entry_id}"
    )


async def test_low_budget_day_stays_within(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """1,000 calls a day for the demo fleet: a simulated day polls within 800.

    At the defaults the demo fleet polls some 2,300 times a day. Every cadence
    is stretched, the detail reads first, the device list last and only as far
    as needed; presence and settings still follow the cloud at those cadences.
    """
    entry = await _setup(
        hass, simulator, {CONF_REQUEST_BUDGET: 1000, CONF_BUDGET_RESERVE: 20}
    )
    plan = _governor(entry).plan
    assert plan is not None
    assert plan.fits
    assert plan.allowance == 800
    assert plan.stretched == (
        CadenceKey.DETAIL,
        CadenceKey.CAMERA_LIST,
        CadenceKey.ALARMS,
        CadenceKey.DEVICE_LIST,
    )
    intervals = plan.intervals
    for key in (CadenceKey.DETAIL, CadenceKey.CAMERA_LIST, CadenceKey.ALARMS):
        assert intervals[key] == CADENCES[key].floor
    device_list = intervals[CadenceKey.DEVICE_LIST]
    assert timedelta(seconds=60) < device_list < CADENCES[CadenceKey.DEVICE_LIST].floor
    state = hass.states.get(PROJECTED)
    assert int(state.state) == plan.projected <= 800
    assert state.attributes["intervals_s"]["device_list"] == device_list.seconds
    account = entry.runtime_data.account
    assert account.update_interval == device_list

    simulator.reset_log()
    for _ in range(24 * 60):
        await advance(hass, freezer, 60)
    day = Counter(r.path for r in simulator.requests if r.path != TOKEN_PATH)
    assert sum(day.values()) <= plan.allowance, day
    # Each cadence ran as planned (the harness fires up to a step late).
    assert (
        86400 // (device_list.seconds + 60)
        <= day[DEVICE_LIST_PATH]
        <= 86400 // device_list.seconds + 1
    )
    assert 40 <= day[ALARM_LIST_PATH] <= 48
    assert 3 <= day[CAMERA_LIST_PATH] <= 4
    detail_rounds = {
        int(r.time // 60) for r in simulator.requests if r.path == STATUS_PATH
    }
    assert 3 <= len(detail_rounds) <= 4

    # Presence follows the device list at its planned interval.
    simulator.set_online(LIVING_ROOM, False)
    waited = 0
    while hass.states.get(LIVING_ROOM_CONNECTIVITY).state != STATE_OFF:
        await advance(hass, freezer, 10)
        waited += 10
        assert waited <= device_list.seconds + 10
    simulator.set_online(LIVING_ROOM, True)
    for _ in range(device_list.seconds // 10 + 2):
        await advance(hass, freezer, 10)
    # Settings follow the detail reads, every six hours.
    assert hass.states.get(LIVING_ROOM_PRIVACY).state == STATE_OFF
    simulator.state.devices[LIVING_ROOM].privacy = 1
    waited = 0
    while hass.states.get(LIVING_ROOM_PRIVACY).state != STATE_ON:
        await advance(hass, freezer, 600)
        waited += 600
        assert waited <= intervals[CadenceKey.DETAIL].total_seconds() + 600
    assert _floors_issue(hass, entry) is None


def _signed(
    message_type: str, body: dict[str, Any], message_id: str
) -> tuple[str, dict[str, str]]:
    text = json.dumps(
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
    stamp = str(int(time.time() * 1000))
    signature = hmac.new(
        SECRET.encode(), (text + stamp).encode(), hashlib.sha1
    ).hexdigest()
    return text, {
        "t": stamp,
        "message_type": message_type,
        "signature": signature,
        "Content-Type": "text/plain",
    }


async def test_push_health_relaxes_and_restores_the_device_list(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A verified push relaxes device list and alarm poll; an hour without restores.

    Any verified message counts (here an on/offline message). While push is
    healthy the device list runs every 15 minutes; when no message came for
    an hour it is polled at once and every 60 s again.
    """
    entry = await _setup(
        hass,
        simulator,
        {CONF_PUSH: True, CONF_PUSH_SECRET: SECRET, CONF_WEBHOOK_ID: WEBHOOK_ID},
    )
    governor = _governor(entry)
    account = entry.runtime_data.account
    alarms = entry.runtime_data.alarms
    assert not governor.push_healthy
    assert account.update_interval == timedelta(seconds=60)
    assert hass.states.get(PROJECTED).attributes["push_healthy"] is False
    before = int(hass.states.get(PROJECTED).state)

    client = await hass_client_no_auth()
    body, headers = _signed(
        "ys.onoffline", {"devSerial": LIVING_ROOM, "status": 1}, "m-1"
    )
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data=body, headers=headers
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert governor.push_healthy
    push = CADENCES[CadenceKey.DEVICE_LIST].push_interval
    assert account.update_interval == push == timedelta(minutes=15)
    assert alarms.update_interval == CADENCES[CadenceKey.ALARMS].push_interval
    state = hass.states.get(PROJECTED)
    assert state.attributes["push_healthy"] is True
    assert state.attributes["intervals_s"]["device_list"] == 900
    assert int(state.state) < before - 1000

    simulator.reset_log()
    for _ in range(45):
        await advance(hass, freezer, 60)
    # The poll scheduled before push turned healthy, then one per 15 minutes.
    assert 3 <= simulator.count(DEVICE_LIST_PATH) <= 4
    assert governor.push_healthy

    simulator.reset_log()
    remaining = PUSH_HEALTHY_FOR - timedelta(minutes=45)
    await advance(hass, freezer, remaining.total_seconds() + 1)
    assert not governor.push_healthy
    assert account.update_interval == timedelta(seconds=60)
    assert alarms.update_interval == timedelta(seconds=180)
    # Polled at once: push no longer tells when a device goes offline.
    assert simulator.count(DEVICE_LIST_PATH) >= 1
    assert hass.states.get(PROJECTED).attributes["push_healthy"] is False
    simulator.reset_log()
    for _ in range(10):
        await advance(hass, freezer, 60)
    assert 9 <= simulator.count(DEVICE_LIST_PATH) <= 11


@pytest.fixture
async def growing(socket_enabled: None) -> AsyncIterator[Simulator]:
    """A generated account of 70 devices, of which 10 are in the account at first."""
    async with Simulator(fleet=generate_fleet(70)) as sim:
        yield sim


async def test_fleet_growth_replans(
    hass: HomeAssistant, growing: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Sixty more devices: the next poll plans again and stretches the detail reads."""
    simulator = growing
    later = dict(list(simulator.state.devices.items())[10:])
    for serial in later:
        del simulator.state.devices[serial]
    entry = await _setup(
        hass, simulator, {CONF_REQUEST_BUDGET: 8000, CONF_BUDGET_RESERVE: 20}
    )
    governor = _governor(entry)
    detail = entry.runtime_data.detail
    assert governor.plan is not None
    assert governor.plan.fits
    assert governor.plan.stretched == ()
    assert detail.update_interval == timedelta(hours=1)
    small = int(hass.states.get(PROJECTED).state)

    simulator.state.devices.update(later)
    await advance(hass, freezer, 60)
    plan = governor.plan
    assert plan.fits
    assert plan.stretched == (CadenceKey.DETAIL,)
    assert plan.intervals[CadenceKey.DEVICE_LIST] == timedelta(seconds=60)
    assert (
        detail.update_interval == plan.intervals[CadenceKey.DETAIL] > timedelta(hours=1)
    )
    assert plan.projected <= 6400
    assert int(hass.states.get(PROJECTED).state) == plan.projected > small

    # And back: the devices leave, the detail reads return to the hour.
    for serial in later:
        del simulator.state.devices[serial]
    await advance(hass, freezer, 60)
    assert governor.plan.stretched == ()
    assert detail.update_interval == timedelta(hours=1)


async def test_floors_that_do_not_fit_raise_an_issue(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """100 calls a day: every cadence at its floor, an issue with the numbers.

    The issue goes when a plan fits again (here the budget is raised, which
    reloads the entry), and with the entry.
    """
    entry = await _setup(
        hass, simulator, {CONF_REQUEST_BUDGET: 100, CONF_BUDGET_RESERVE: 20}
    )
    plan = _governor(entry).plan
    assert plan is not None
    assert not plan.fits
    assert plan.intervals == {k: c.floor for k, c in CADENCES.items()}
    runtime = entry.runtime_data
    assert runtime.account.update_interval == timedelta(minutes=15)
    assert runtime.alarms.update_interval == timedelta(minutes=30)
    assert runtime.detail.update_interval == timedelta(hours=6)
    assert runtime.account.camera_list_max_age == timedelta(hours=6)
    issue = _floors_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == ISSUE_BUDGET_FLOORS
    assert issue.translation_placeholders == {
        "devices": "7",
        "budget": "100",
        "period": "day",
        "reserve": "20",
        "allowance": "80",
        "floor_cost": str(plan.floor_cost),
    }
    assert plan.floor_cost == plan.projected > 80
    assert hass.states.get(PROJECTED).attributes["fits"] is False

    # At the floors, a day costs what the plan says.
    simulator.reset_log()
    for _ in range(24 * 4):
        await advance(hass, freezer, 900)
    polled = sum(1 for r in simulator.requests if r.path != TOKEN_PATH)
    assert polled <= plan.floor_cost

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_REQUEST_BUDGET: 10_000}
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _governor(entry).plan.fits
    assert _floors_issue(hass, entry) is None

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_REQUEST_BUDGET: 100}
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _floors_issue(hass, entry) is not None
    assert await hass.config_entries.async_remove(entry.entry_id)
    assert _floors_issue(hass, entry) is None


async def test_presence_push_missed_ends_push_health(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A device the device list finds offline, which push did not report.

    Push then no longer counts as healthy: the device list returns to 60 s
    (an account that pushes alarms only gets no relaxed presence). A pushed
    on/offline change confirmed by the poll keeps push healthy.
    """
    entry = await _setup(
        hass,
        simulator,
        {CONF_PUSH: True, CONF_PUSH_SECRET: SECRET, CONF_WEBHOOK_ID: WEBHOOK_ID},
    )
    governor = _governor(entry)
    account = entry.runtime_data.account
    client = await hass_client_no_auth()

    async def _post(message_type: str, body: dict[str, Any], message_id: str) -> None:
        text, headers = _signed(message_type, body, message_id)
        response = await client.post(
            f"/api/webhook/{WEBHOOK_ID}", data=text, headers=headers
        )
        assert response.status == 200
        await hass.async_block_till_done()

    # Pushed and then polled: push told first, the poll agrees.
    simulator.set_online(LIVING_ROOM, False)
    await _post("ys.onoffline", {"devSerial": LIVING_ROOM, "msgType": "OFFLINE"}, "m-1")
    assert governor.push_healthy
    assert hass.states.get(LIVING_ROOM_CONNECTIVITY).state == STATE_OFF
    for _ in range(16):
        await advance(hass, freezer, 60)
    assert governor.push_healthy
    assert account.update_interval == timedelta(minutes=15)

    # Back online, and push says nothing: the next poll finds it.
    simulator.set_online(LIVING_ROOM, True)
    simulator.reset_log()
    for _ in range(16):
        await advance(hass, freezer, 60)
    assert simulator.count(DEVICE_LIST_PATH) == 1
    assert hass.states.get(LIVING_ROOM_CONNECTIVITY).state == STATE_ON
    assert not governor.push_healthy
    assert account.update_interval == timedelta(seconds=60)
