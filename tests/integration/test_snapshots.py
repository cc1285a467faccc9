"""Snapshots of every platform and of diagnostics, with the demo fleet."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.components import (
    camera as camera_component,
    image as image_component,
)
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from syrupy.filters import props

from custom_components.ezviz_open import PLATFORMS

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.const import Platform
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
    from syrupy.assertion import SnapshotAssertion

    from simulator import Simulator


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", PLATFORMS)
async def test_platform(
    hass: HomeAssistant,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    platform: Platform,
) -> None:
    """Every entity of a platform (all enabled), its registry entry and state.

    Cameras get a fixed access token (Home Assistant's own, for the image
    proxy) so that their attributes are stable.
    """
    # Alarm times (the state of alarm pictures) fixed, and the clock with them.
    freezer.move_to("2025-01-01T12:00:00+00:00")
    for minutes, alarm in enumerate(simulator.state.alarms, start=1):
        alarm.alarm_time_ms = 1_735_732_800_000 - minutes * 60_000
    mock_config_entry.add_to_hass(hass)
    with (
        patch("custom_components.ezviz_open.PLATFORMS", [platform]),
        patch.object(camera_component._RND, "getrandbits", return_value=0xC0FFEE),
        patch.object(image_component._RND, "getrandbits", return_value=0xC0FFEE),
    ):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    snapshot: SnapshotAssertion,
    init_integration: MockConfigEntry,
) -> None:
    """Diagnostics hold no secret."""
    result = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    text = repr(result)
    assert simulator.app_secret not in text
    assert simulator.app_key not in text
    for token in simulator.tokens:
        assert token not in text
    assert simulator.base_url not in text
    # The budget period is the day the test runs.
    assert result == snapshot(
        exclude=props("expire_time_ms", "period_start", "period_end")
    )
