"""Diagnostics: everything read, nothing secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.update import DOMAIN as UPDATE_DOMAIN, SERVICE_INSTALL
from homeassistant.const import ATTR_ENTITY_ID
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.ezviz_open.api.system import UpgradeState
from custom_components.ezviz_open.const import CONF_VERIFICATION_CODES

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from simulator import Simulator

CODE = "HJKLMN"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_diagnostics_with_every_entity_and_an_upgrade(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Every detail read is shown (storage media, an upgrade under way).

    The verification codes of the options are redacted.
    """
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={CONF_VERIFICATION_CODES: {"C8C000006": CODE}}
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await hass.services.async_call(
        UPDATE_DOMAIN,
        SERVICE_INSTALL,
        {ATTR_ENTITY_ID: "update.living_room_firmware"},
        blocking=True,
    )

    result = await get_diagnostics_for_config_entry(
        hass, hass_client, mock_config_entry
    )

    assert CODE not in repr(result)
    assert result["entry"]["options"][CONF_VERIFICATION_CODES] == "**REDACTED**"
    living_room = result["detail"]["C6N000001"]
    # Watched progress, made here (no reply behind it).
    assert living_room["upgrade"]["state"] == UpgradeState.UPGRADING
    assert living_room["upgrade"]["progress"] == 0
    # The storage media: a list of what the device reported.
    assert isinstance(living_room["storage"], list)
    assert living_room["storage"]
    assert "C6N000001 storage" in result["detail_needs"]
