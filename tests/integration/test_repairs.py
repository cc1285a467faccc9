"""Repair issues: an encrypted device without its verification code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from custom_components.ezviz_open.const import CONF_VERIFICATION_CODES, DOMAIN
from custom_components.ezviz_open.repairs import async_create_fix_flow

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator


def _code_issues(hass: HomeAssistant) -> dict[str, ir.IssueEntry]:
    return {
        issue_id: issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue_id.startswith("verification_code_missing")
    }


async def test_issue_for_encrypted_device_without_code(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Only the encrypted Driveway lacks a code: one fixable issue, cleared by a code."""
    issues = _code_issues(hass)
    issue_id = f"verification_code_missing_{init_integration.entry_id}_C8C000006"
    assert list(issues) == [issue_id]
    issue = issues[issue_id]
    assert issue.is_fixable
    assert issue.severity == ir.IssueSeverity.WARNING
    assert issue.translation_placeholders == {
        "name": "Driveway",
        "serial": "C8C000006",
    }

    # The code given in the options flow (cadences left at their defaults).
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["step_id"] == "verification_codes"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"C8C000006": "HJKLMN"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    assert init_integration.options[CONF_VERIFICATION_CODES] == {"C8C000006": "HJKLMN"}
    assert _code_issues(hass) == {}


async def test_fix_flow_stores_code(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The fix asks for the code, stores it in the options; the issue goes."""
    assert await async_setup_component(hass, "repairs", {})
    issue_id = f"verification_code_missing_{init_integration.entry_id}_C8C000006"
    manager = repairs_flow_manager(hass)
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"] == {
        "name": "Driveway",
        "serial": "C8C000006",
    }

    result = await manager.async_configure(result["flow_id"], {"code": "  "})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"code": "code_empty"}

    result = await manager.async_configure(result["flow_id"], {"code": " HJKLMN "})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    assert init_integration.options[CONF_VERIFICATION_CODES] == {"C8C000006": "HJKLMN"}
    assert _code_issues(hass) == {}
    # The reloaded entry streams with the code.
    state = hass.states.get("camera.driveway")
    assert state.attributes["supported_features"] == 2


async def test_fix_flow_entry_gone(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A fix for an entry that no longer exists aborts."""
    flow = await async_create_fix_flow(
        hass,
        "verification_code_missing_gone_C8C000006",
        {"entry_id": "gone", "serial": "C8C000006", "name": "Driveway"},
    )
    flow.hass = hass
    result = await flow.async_step_init({"issue_id": "ignored"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_removed"


async def test_issues_removed_with_entry(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Removing the entry removes its issues."""
    assert _code_issues(hass)
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert _code_issues(hass) == {}


async def test_issue_follows_the_device_list(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """A device that stops encrypting loses its issue at the next account read."""
    simulator.state.devices["C8C000006"].is_encrypt = False
    await init_integration.runtime_data.account.async_refresh()
    await hass.async_block_till_done()
    assert _code_issues(hass) == {}
    simulator.state.devices["C8C000006"].is_encrypt = True
    await init_integration.runtime_data.account.async_refresh()
    await hass.async_block_till_done()
    assert len(_code_issues(hass)) == 1
