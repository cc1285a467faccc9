"""The request count (metering/usage.py): what it counts, how it persists and resets,
polling held back when the budget is spent, and a used-up quota (10007)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.camera import async_get_image, async_get_stream_source
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN, SERVICE_TURN_ON
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.ezviz_open.const import (
    CONF_BUDGET_PERIOD,
    CONF_BUDGET_RESERVE,
    CONF_REQUEST_BUDGET,
    DOMAIN,
    PERIOD_MONTH,
)
from custom_components.ezviz_open.metering.planner import CadenceKey

from .conftest import (
    ALARM_LIST_PATH,
    CAMERA_LIST_PATH,
    CAPACITY_PATH,
    DEVICE_LIST_PATH,
    TOKEN_PATH,
    advance,
)

if TYPE_CHECKING:
    from datetime import datetime

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

    from custom_components.ezviz_open.metering.usage import RequestCounter
    from simulator import Simulator

SENSOR = "sensor.ezviz_open_platform_cloud_requests"
PRIVACY = "switch.living_room_privacy_mode"
CAMERA = "camera.living_room"


def _usage(entry: MockConfigEntry) -> RequestCounter:
    usage: RequestCounter = entry.runtime_data.usage
    return usage


def _local(text: str) -> datetime:
    """A local time of Home Assistant's zone (the tests' US/Pacific)."""
    parsed = dt_util.parse_datetime(text)
    assert parsed is not None
    return parsed.replace(tzinfo=dt_util.get_default_time_zone())


async def _setup(
    hass: HomeAssistant, simulator: Simulator, options: dict[str, Any] | None = None
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
        options=options or {},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def _turn_on_privacy(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: PRIVACY}, blocking=True
    )


def _issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


# -- counting ------------------------------------------------------------------


async def test_counts_what_the_cloud_received_by_kind(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Every request the simulator received is counted once, under its kind."""
    usage = _usage(init_integration)
    for _ in range(4):
        await advance(hass, freezer, 60)
    counts = simulator.counts()
    assert usage.total == len(simulator.requests)
    assert usage.by_kind["token"] == counts.pop(TOKEN_PATH) == 1
    assert usage.by_kind["device_list"] == counts.pop(DEVICE_LIST_PATH) == 5
    assert usage.by_kind["camera_list"] == counts.pop(CAMERA_LIST_PATH) == 1
    assert usage.by_kind["alarms"] == counts.pop(ALARM_LIST_PATH) == 2
    # A capability set per device, three probes per online single-channel
    # camera (Living Room, Garden, Front Door, Driveway).
    assert counts.pop(CAPACITY_PATH) == 7
    assert usage.by_kind["capabilities"] == 7 + 3 * 4
    # The first detail round read the rest.
    assert usage.by_kind["detail"] == sum(counts.values()) - 3 * 4
    assert "user" not in usage.by_kind
    state = hass.states.get(SENSOR)
    assert state is not None
    assert int(state.state) == usage.total
    assert state.attributes["by_kind"]["device_list"] == 5
    assert state.attributes["reserve"] == 2000
    assert state.attributes["budget"] == 10_000

    # A command and the read of what it changed: the user's.
    simulator.reset_log()
    await _turn_on_privacy(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.requests) == 2
    assert usage.by_kind["user"] == 2
    assert int(hass.states.get(SENSOR).state) == usage.total


async def test_count_survives_a_reload(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Within a period the count goes on after a reload; it is stored within a minute."""
    entry = init_integration
    at_setup = _usage(entry).total
    await advance(hass, freezer, 61)
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}.usage"]["data"]
    assert stored["total"] >= at_setup > 0
    before = len(simulator.requests)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.requests) > before  # the setup asked again
    assert _usage(entry).total == len(simulator.requests)
    assert _usage(entry).by_kind["device_list"] == simulator.count(DEVICE_LIST_PATH)
    # Removing the entry removes its count.
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{entry.entry_id}.usage" not in hass_storage


async def test_day_boundary(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """At local midnight the count starts again from 0 (a count stored before too)."""
    freezer.move_to(_local("2026-03-10 23:58:00"))
    entry = await _setup(hass, simulator)
    usage = _usage(entry)
    assert usage.period_start == _local("2026-03-10 00:00:00")
    assert usage.total == len(simulator.requests) > 0
    await advance(hass, freezer, 60)
    simulator.reset_log()
    await advance(hass, freezer, 60)  # 00:00
    assert usage.period_start == _local("2026-03-11 00:00:00")
    assert usage.period_end == _local("2026-03-12 00:00:00")
    assert usage.total == len(simulator.requests) > 0
    state = hass.states.get(SENSOR)
    assert int(state.state) == usage.total
    assert state.attributes["last_reset"] == _local("2026-03-11 00:00:00").isoformat()
    # A count stored on the previous day is not taken up after a restart.
    await hass.config_entries.async_unload(entry.entry_id)
    freezer.move_to(_local("2026-03-12 00:30:00"))
    simulator.reset_log()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _usage(entry).total == len(simulator.requests)


async def test_month_boundary(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """A monthly budget runs across days and starts again on the 1st, 00:00 local."""
    freezer.move_to(_local("2026-01-30 23:59:00"))
    entry = await _setup(hass, simulator, {CONF_BUDGET_PERIOD: PERIOD_MONTH})
    usage = _usage(entry)
    assert usage.period_start == _local("2026-01-01 00:00:00")
    assert usage.period_end == _local("2026-02-01 00:00:00")
    await advance(hass, freezer, 120)  # past midnight: the same month
    assert usage.total == len(simulator.requests)
    freezer.move_to(_local("2026-01-31 23:59:30"))
    simulator.reset_log()
    await advance(hass, freezer, 60)
    assert usage.period_start == _local("2026-02-01 00:00:00")
    assert usage.period_end == _local("2026-03-01 00:00:00")
    assert usage.total == len(simulator.requests) > 0


# -- budget spent --------------------------------------------------------------


async def test_budget_spent_holds_polling_back(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Only the device list at its floor; actions go on; an issue until midnight."""
    freezer.move_to(_local("2026-03-10 08:00:00"))
    # 100 requests, 20 % reserve: polling may use 80 (setup takes about 45).
    # The planner keeps every cadence at its floor, so spending the rest
    # takes hours.
    entry = await _setup(
        hass, simulator, {CONF_REQUEST_BUDGET: 100, CONF_BUDGET_RESERVE: 20}
    )
    usage = _usage(entry)
    issue_id = f"budget_spent_{entry.entry_id}"
    while not usage.polling_spent():
        assert _issue(hass, issue_id) is None
        await advance(hass, freezer, 300)
    assert dt_util.now() < _local("2026-03-10 23:00:00")
    issue = _issue(hass, issue_id)
    assert issue is not None
    assert issue.translation_key == "budget_spent"
    assert issue.translation_placeholders["resumes"] == "2026-03-11 00:00"
    assert issue.translation_placeholders["minutes"] == "15"
    # A reload takes the count and the issue up again.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    usage = _usage(entry)
    assert usage.polling_spent()
    assert _issue(hass, issue_id) is not None
    # What was never read since is read once: no entity is left without state.
    assert hass.states.get(PRIVACY).state == "off"
    state_before = hass.states.get(PRIVACY).state
    assert state_before == "off"

    simulator.reset_log()
    for _ in range(60):
        await advance(hass, freezer, 60)
    # One device list at the floor (15 min) at most every 15 minutes.
    assert simulator.counts() == {DEVICE_LIST_PATH: 4}
    assert hass.states.get(PRIVACY).state == state_before

    # An action still goes through (from the reserve).
    simulator.reset_log()
    await _turn_on_privacy(hass)
    assert simulator.count("/api/lapp/device/scene/switch/set") == 1
    assert hass.states.get(PRIVACY).state == "on"

    # Midnight: a new period, the issue goes, polling resumes at once.
    freezer.move_to(_local("2026-03-10 23:59:58"))
    await advance(hass, freezer, 1)  # what was due before midnight
    simulator.reset_log()
    await advance(hass, freezer, 2)
    assert _issue(hass, issue_id) is None
    assert not usage.polling_spent()
    assert simulator.count(DEVICE_LIST_PATH) == 1
    assert simulator.count(ALARM_LIST_PATH) == 1
    planned = entry.runtime_data.governor.plan
    assert planned is not None
    assert (
        entry.runtime_data.account.update_interval
        == (planned.intervals[CadenceKey.DEVICE_LIST])
    )


# -- quota used up (10007) -----------------------------------------------------


async def test_quota_used_up(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing is asked but one check an hour; state kept; actions refused; recovery."""
    freezer.move_to(_local("2026-03-10 12:00:00"))
    entry = await _setup(hass, simulator)
    issue_id = f"rate_limited_{entry.entry_id}"
    rule = simulator.faults.error("*", 10007)
    simulator.reset_log()
    await advance(hass, freezer, 60)
    assert simulator.counts() == {DEVICE_LIST_PATH: 1}
    issue = _issue(hass, issue_id)
    assert issue is not None
    assert issue.translation_key == "quota_exhausted"
    assert issue.translation_placeholders["resets"] == "2026-03-11 00:00"
    assert hass.states.get(PRIVACY).state == "off"
    assert hass.states.get("alarm_control_panel.living_room_arming").state == "disarmed"

    # Actions are refused at once, without a request, saying until when.
    with pytest.raises(HomeAssistantError) as err:
        await _turn_on_privacy(hass)
    assert err.value.translation_key == "quota_exhausted"
    assert err.value.translation_placeholders == {"resets": "2026-03-11 00:00"}
    with pytest.raises(HomeAssistantError) as err:
        await async_get_stream_source(hass, CAMERA)
    assert err.value.translation_key == "quota_exhausted"
    # A snapshot shows the cover picture (no API call) instead of a capture.
    image = await async_get_image(hass, CAMERA)
    assert image.content.startswith(b"\xff\xd8")
    assert len(simulator.requests) == 1

    # An hour: nothing but one device-list check at its end.
    for _ in range(58):
        await advance(hass, freezer, 60)
    assert len(simulator.requests) == 1
    await advance(hass, freezer, 120)
    assert simulator.counts() == {DEVICE_LIST_PATH: 2}
    assert caplog.text.count("call quota used up") == 1

    # The cloud accepts calls again: the issue goes, polling resumes.
    simulator.faults.remove(rule)
    await advance(hass, freezer, 3600)
    assert _issue(hass, issue_id) is None
    assert entry.runtime_data.allowance.quota_until is None
    planned = entry.runtime_data.governor.plan
    assert planned is not None
    assert (
        entry.runtime_data.account.update_interval
        == (planned.intervals[CadenceKey.DEVICE_LIST])
    )
    simulator.reset_log()
    await _turn_on_privacy(hass)
    assert hass.states.get(PRIVACY).state == "on"
    for _ in range(3):
        await advance(hass, freezer, 60)
    assert simulator.count(DEVICE_LIST_PATH) == 3
    assert simulator.count(ALARM_LIST_PATH) >= 1


async def test_quota_resumes_at_period_end(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """At the period's end (the assumed reset) polling resumes at once."""
    freezer.move_to(_local("2026-03-10 23:30:00"))
    entry = await _setup(hass, simulator)
    rule = simulator.faults.error("*", 10007)
    await advance(hass, freezer, 60)
    assert entry.runtime_data.allowance.quota_until == _local("2026-03-11 00:00:00")
    simulator.faults.remove(rule)
    freezer.move_to(_local("2026-03-10 23:59:58"))
    await advance(hass, freezer, 1)  # what was due before midnight
    simulator.reset_log()
    await advance(hass, freezer, 2)
    assert simulator.count(DEVICE_LIST_PATH) == 1
    assert simulator.count(ALARM_LIST_PATH) == 1
    assert entry.runtime_data.allowance.quota_until is None
    assert _issue(hass, f"rate_limited_{entry.entry_id}") is None


async def test_quota_refused_action_enters_quota_state(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """A 10007 answered to an action stops requests too, and says when it resets."""
    rule = simulator.faults.error("/api/lapp/device/scene/switch/set", 10007)
    with pytest.raises(HomeAssistantError) as err:
        await _turn_on_privacy(hass)
    assert err.value.translation_key == "quota_exhausted"
    resets = _usage(init_integration).period_end
    assert init_integration.runtime_data.allowance.quota_until == resets
    simulator.faults.remove(rule)
    simulator.reset_log()
    with pytest.raises(HomeAssistantError):
        await _turn_on_privacy(hass)
    assert simulator.requests == []


async def test_quota_used_up_survives_a_reload(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """A reload (or restart) does not ask again before the hourly check is due."""
    freezer.move_to(_local("2026-03-10 12:00:00"))
    entry = await _setup(hass, simulator)
    rule = simulator.faults.error("*", 10007)
    await advance(hass, freezer, 60)
    simulator.reset_log()
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert simulator.requests == []
    issue = _issue(hass, f"rate_limited_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders == {"resets": "2026-03-11 00:00"}
    # Setup retries (5 s, 10 s, ... 80 s) cost nothing until the hour is over.
    for _ in range(57):
        await advance(hass, freezer, 60)
    assert simulator.requests == []
    for _ in range(4):
        await advance(hass, freezer, 60)
    assert simulator.counts() == {DEVICE_LIST_PATH: 1}
    assert entry.state is ConfigEntryState.SETUP_RETRY
    simulator.faults.remove(rule)
    for _ in range(62):
        await advance(hass, freezer, 60)
        if entry.state is ConfigEntryState.LOADED:
            break
    assert entry.state is ConfigEntryState.LOADED
    assert _issue(hass, f"rate_limited_{entry.entry_id}") is None
    assert _usage(entry).quota_until is None
