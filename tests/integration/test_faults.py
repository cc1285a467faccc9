"""Regressions found by the soak (scripts/soak): faults that must not spread."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.ezviz_open.const import DOMAIN

from .conftest import DEVICE_LIST_PATH, STATUS_PATH, TOKEN_PATH

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

    from simulator import Simulator


async def _advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _reauth_flows(hass: HomeAssistant) -> list[object]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"].get("source") == SOURCE_REAUTH
    ]


async def test_fresh_token_rejected_is_not_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """10002 for the old token and again for the one just minted: retry, no reauth.

    The credentials minted the new token, so a new secret would not help.
    """
    simulator.expire_tokens()
    simulator.faults.error(DEVICE_LIST_PATH, 10002, times=2)
    simulator.reset_log()
    await _advance(hass, freezer, timedelta(seconds=60))
    assert [r.path for r in simulator.requests] == [
        DEVICE_LIST_PATH,
        TOKEN_PATH,
        DEVICE_LIST_PATH,
    ]
    assert _reauth_flows(hass) == []
    assert (
        hass.states.get("binary_sensor.living_room_connectivity").state
        == STATE_UNAVAILABLE
    )
    await _advance(hass, freezer, timedelta(seconds=60))
    assert hass.states.get("binary_sensor.living_room_connectivity").state == "on"
    assert _reauth_flows(hass) == []


async def test_detail_round_waits_while_rate_limited(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """While the cloud refuses calls, the detail round is not sent request by request.

    The account cadence probes (one device/list per backoff step); the detail
    round that falls due meanwhile keeps the last state instead of sending
    every per-device read into the refusal.
    """
    rule = simulator.faults.error("*", 10029)
    simulator.reset_log()
    for _ in range(60):
        await _advance(hass, freezer, timedelta(seconds=60))
    assert simulator.count(STATUS_PATH) == 0
    assert set(simulator.counts()) == {DEVICE_LIST_PATH}
    assert simulator.count(DEVICE_LIST_PATH) <= 5
    assert hass.states.get("switch.living_room_privacy_mode").state == "off"
    simulator.faults.remove(rule)
    simulator.reset_log()
    for _ in range(60):
        await _advance(hass, freezer, timedelta(seconds=60))
    assert simulator.count(STATUS_PATH) > 0
