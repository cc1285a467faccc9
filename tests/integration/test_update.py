"""Firmware: versions, an install followed to the end, failures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.update import (
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
    ATTR_LATEST_VERSION,
    ATTR_UPDATE_PERCENTAGE,
    DOMAIN as UPDATE_DOMAIN,
    SERVICE_INSTALL,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON
from homeassistant.exceptions import HomeAssistantError
import pytest

from .conftest import CAPACITY_PATH, DEVICE_LIST_PATH, advance

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator

ENTITY_ID = "update.living_room_firmware"
UPGRADE_PATH = "/api/lapp/device/upgrade"
UPGRADE_STATUS_PATH = "/api/lapp/device/upgrade/status"
VERSION_PATH = "/api/lapp/device/version/info"
OLD = "V5.3.8 build 230510"
NEW = "V5.3.9 build 231020"


async def _install(hass: HomeAssistant, entity_id: str = ENTITY_ID) -> None:
    await hass.services.async_call(
        UPDATE_DOMAIN, SERVICE_INSTALL, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def test_versions(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """Installed from the device list, latest from version/info."""
    state = hass.states.get(ENTITY_ID)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_INSTALLED_VERSION] == OLD
    assert state.attributes[ATTR_LATEST_VERSION] == NEW
    assert hass.states.get("update.garden_firmware").state == STATE_OFF


async def test_install_with_progress(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Upgrade, then its status every 30 s until done; the new version shows."""
    simulator.reset_log()
    await _install(hass)
    assert [r.path for r in simulator.requests] == [UPGRADE_PATH]
    assert simulator.requests[0].form["deviceSerial"] == "C6N000001"
    state = hass.states.get(ENTITY_ID)
    assert state.attributes[ATTR_IN_PROGRESS] is True
    assert state.attributes[ATTR_UPDATE_PERCENTAGE] == 0

    await advance(hass, freezer, 30)
    state = hass.states.get(ENTITY_ID)
    assert state.attributes[ATTR_IN_PROGRESS] is True
    assert state.attributes[ATTR_UPDATE_PERCENTAGE] == 50

    # Rebooting: the device is offline, the update entity stays available.
    await advance(hass, freezer, 30)
    assert hass.states.get("binary_sensor.living_room_connectivity").state == "off"
    state = hass.states.get(ENTITY_ID)
    assert state.attributes[ATTR_IN_PROGRESS] is True
    assert state.attributes[ATTR_UPDATE_PERCENTAGE] == 100

    await advance(hass, freezer, 30)
    state = hass.states.get(ENTITY_ID)
    assert state.state == STATE_OFF
    assert state.attributes[ATTR_IN_PROGRESS] is False
    assert state.attributes[ATTR_INSTALLED_VERSION] == NEW
    assert simulator.count(UPGRADE_STATUS_PATH) == 3
    # New firmware: its capabilities are read again, for that device only.
    assert [
        r.form["deviceSerial"] for r in simulator.requests if r.path == CAPACITY_PATH
    ] == ["C6N000001"]

    # No more status reads once it ended.
    await advance(hass, freezer, 120)
    assert simulator.count(UPGRADE_STATUS_PATH) == 3


async def test_failed_upgrade(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failed upgrade ends the progress and is logged."""
    simulator.state.devices["C6N000001"].upgrade.fail = True
    await _install(hass)
    await advance(hass, freezer, 30)
    state = hass.states.get(ENTITY_ID)
    assert state.attributes[ATTR_IN_PROGRESS] is False
    assert state.state == STATE_ON
    assert "firmware upgrade of C6N000001 failed" in caplog.text


async def test_upgrade_status_unreadable(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Progress that cannot be read is followed for 30 minutes at most."""
    simulator.faults.error(UPGRADE_STATUS_PATH, 20008)
    await _install(hass)
    await advance(hass, freezer, 30)
    assert hass.states.get(ENTITY_ID).attributes[ATTR_IN_PROGRESS] is True
    for _ in range(60):
        await advance(hass, freezer, 30)
    assert hass.states.get(ENTITY_ID).attributes[ATTR_IN_PROGRESS] is False
    simulator.reset_log()
    await advance(hass, freezer, 30)
    assert simulator.count(UPGRADE_STATUS_PATH) == 0


async def test_install_up_to_date_and_refused(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An upgrade in progress is an error; already the latest (60013) is none.

    The cloud withdrew the newer version the entity still offers: the reply
    says the installed one is the latest, and one read of version/info for
    that device shows it (instead of an update offered for up to a day).
    """
    simulator.faults.error(UPGRADE_PATH, 60014, times=1)
    with pytest.raises(HomeAssistantError) as err:
        await _install(hass)
    assert err.value.translation_key == "device_busy"

    assert hass.states.get(ENTITY_ID).state == STATE_ON
    simulator.state.devices["C6N000001"].upgrade.latest = OLD
    simulator.reset_log()
    await _install(hass)
    assert [r.path for r in simulator.requests] == [UPGRADE_PATH, VERSION_PATH]
    assert simulator.requests[1].form["deviceSerial"] == "C6N000001"
    state = hass.states.get(ENTITY_ID)
    assert state.attributes[ATTR_IN_PROGRESS] is False
    assert state.state == STATE_OFF
    assert state.attributes[ATTR_LATEST_VERSION] == OLD


async def test_version_reread_after_firmware_change(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Upgraded elsewhere: the list shows it; version/info is asked again once."""
    simulator.state.devices["C6N000001"].upgrade.current = NEW
    simulator.reset_log()
    await advance(hass, freezer, 60)
    assert simulator.count(DEVICE_LIST_PATH) == 1
    state = hass.states.get(ENTITY_ID)
    assert state.attributes[ATTR_INSTALLED_VERSION] == NEW
    assert state.state == STATE_OFF
    for _ in range(59):
        await advance(hass, freezer, 60)
    versions = [r for r in simulator.requests if r.path == VERSION_PATH]
    assert [r.form["deviceSerial"] for r in versions] == ["C6N000001"]


async def test_upgrade_progress_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A rate limit keeps the progress; refused credentials stop and reauth."""
    rule = simulator.faults.error(UPGRADE_STATUS_PATH, 10029)
    await _install(hass)
    await advance(hass, freezer, 30)
    state = hass.states.get(ENTITY_ID)
    assert state.attributes[ATTR_IN_PROGRESS] is True
    assert init_integration.runtime_data.allowance.active
    simulator.faults.remove(rule)
    simulator.faults.error(UPGRADE_STATUS_PATH, 10030)
    await advance(hass, freezer, 30)
    assert not init_integration.runtime_data.detail.upgrading("C6N000001")
    flows = hass.config_entries.flow.async_progress_by_handler("ezviz_open")
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_unload_stops_following(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """No progress reads once the entry is unloaded."""
    await _install(hass)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    simulator.reset_log()
    await advance(hass, freezer, 60)
    assert simulator.count(UPGRADE_STATUS_PATH) == 0


async def test_install_while_upgrading_is_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A second install while one runs sends nothing; progress is read once."""
    simulator.reset_log()
    await _install(hass)
    with pytest.raises(HomeAssistantError):
        await _install(hass)
    assert simulator.count(UPGRADE_PATH) == 1
    await advance(hass, freezer, 30)
    assert simulator.count(UPGRADE_STATUS_PATH) == 1


async def test_device_removed_while_upgrading_stops_following(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A device that leaves the account mid-upgrade: its progress is no longer read."""
    await _install(hass)
    detail = init_integration.runtime_data.detail
    assert detail.upgrading("C6N000001")
    del simulator.state.devices["C6N000001"]
    await advance(hass, freezer, 60)
    assert not detail.upgrading("C6N000001")
    assert hass.states.get(ENTITY_ID) is None
    simulator.reset_log()
    await advance(hass, freezer, 120)
    assert simulator.count(UPGRADE_STATUS_PATH) == 0
