"""Repair issues: raised while their cause lasts, gone with it and with the entry.

The integration raises three kinds (``async_create_issue``): the rate or
quota limit (``metering/allowance.py``), an encrypted device without its
verification code (``repairs.py``) and a detector rename its hub refused
(``detectors.py``, whose own causes are tested in test_detectors.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.components.camera import async_get_stream_source
from homeassistant.components.repairs import ConfirmRepairFlow, repairs_flow_manager
from homeassistant.config_entries import ConfigEntryState
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.ezviz_open.const import (
    CONF_KEEP_ENCRYPTION,
    CONF_VERIFICATION_CODES,
    DOMAIN,
)
from custom_components.ezviz_open.repairs import async_create_fix_flow

from .conftest import DEVICE_LIST_PATH, registered_device

ENCRYPT_OFF_PATH = "/api/lapp/device/encrypt/off"
DRIVEWAY = "C8C000006"

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator

HUB = "A1S000004"


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
    # Pictures are shown with the code; the live view is the cloud's to refuse.
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


def _entry_issues(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """The kinds of issue an entry has (its id without entry and device)."""
    return {
        issue_id.partition(f"_{entry.entry_id}")[0]
        for domain, issue_id in ir.async_get(hass).issues
        if domain == DOMAIN and entry.entry_id in issue_id
    }


async def _refused_once(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
) -> None:
    """One account read refused (10029): the rate-limit issue is raised."""
    simulator.faults.error(DEVICE_LIST_PATH, 10029, times=1)
    freezer.tick(timedelta(seconds=60))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert "rate_limited" in _entry_issues(hass, entry)


async def test_rate_limit_issue_cleared_by_retried_setup(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Refused at setup: the issue stays while refused, goes once a retry is accepted.

    A retried setup starts in good standing; its first accepted call still
    clears the issue the refused attempt raised.
    """
    entry = mock_config_entry
    rule = simulator.faults.error(DEVICE_LIST_PATH, 10029)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert _entry_issues(hass, entry) == {"rate_limited"}

    # Still refused: the retry raises it again.
    await hass.config_entries.async_reload(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert _entry_issues(hass, entry) == {"rate_limited"}

    simulator.faults.remove(rule)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert _entry_issues(hass, entry) == {"verification_code_missing"}


async def test_unload_keeps_only_refused_renames(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """Unloading deletes the issues a setup raises again if due; removal, all.

    The rate limit is raised again by the next refused call, the missing
    verification code by the next setup; a refused detector rename is no
    state a setup reads, so it stays until the entry is removed.
    """
    entry = init_integration
    await _refused_once(hass, simulator, freezer, entry)
    detector = registered_device(hass, f"{HUB}_detector_T20000041")
    assert detector is not None
    # Too long a name: the client refuses it without a request.
    device_registry.async_update_device(detector.id, name_by_user="x" * 60)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _entry_issues(hass, entry) == {
        "rate_limited",
        "verification_code_missing",
        "detector_rename",
    }

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert _entry_issues(hass, entry) == {"detector_rename"}

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _entry_issues(hass, entry) == {
        "verification_code_missing",
        "detector_rename",
    }

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert _entry_issues(hass, entry) == set()


async def test_rate_limit_issue_removed_with_entry_not_loaded(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """An entry removed while its setup waits for a retry takes its issue along."""
    simulator.faults.error(DEVICE_LIST_PATH, 10007)
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"rate_limited_{mock_config_entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_key == "quota_exhausted"
    await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert _entry_issues(hass, mock_config_entry) == set()


async def _live_view_fix(
    hass: HomeAssistant, entry: MockConfigEntry, step: str
) -> tuple[str, FlowResult]:
    """Open the Driveway's live view (refused: encrypted), start its fix, choose ``step``.

    Answers the issue id and the chosen step's form.
    """
    assert await async_setup_component(hass, "repairs", {})
    assert await async_get_stream_source(hass, "camera.driveway") is None
    issue_id = f"live_view_encrypted_{entry.entry_id}_{DRIVEWAY}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    manager = repairs_flow_manager(hass)
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["turn_off_encryption", "keep_encryption"]
    result = await manager.async_configure(result["flow_id"], {"next_step_id": step})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step
    return issue_id, result


async def test_live_view_fix_turns_encryption_off(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The fix says what changes, turns encryption off, and the camera streams."""
    issue_id, result = await _live_view_fix(
        hass, init_integration, "turn_off_encryption"
    )
    manager = repairs_flow_manager(hass)
    # No code in the options: it is asked for (and not stored).
    assert [str(key) for key in result["data_schema"].schema] == ["code"]

    simulator.reset_log()
    result = await manager.async_configure(result["flow_id"], {"code": "WRONGX"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"code": "code_wrong"}
    assert simulator.state.devices[DRIVEWAY].is_encrypt

    result = await manager.async_configure(result["flow_id"], {"code": "HJKLMN"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [(r.path, r.code) for r in simulator.requests] == [
        (ENCRYPT_OFF_PATH, 20010),
        (ENCRYPT_OFF_PATH, 200),
    ]
    assert not simulator.state.devices[DRIVEWAY].is_encrypt
    assert CONF_VERIFICATION_CODES not in init_integration.options
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    # At once, without a reload: the camera streams.
    state = hass.states.get("camera.driveway")
    assert state.attributes["supported_features"] == 2
    assert state.attributes["stream_status"] == "available"
    assert init_integration.state is ConfigEntryState.LOADED
    assert await async_get_stream_source(hass, "camera.driveway")


async def test_live_view_fix_with_stored_code(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """With the code in the options, turning encryption off is a confirmation."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={CONF_VERIFICATION_CODES: {DRIVEWAY: "HJKLMN"}}
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    _, result = await _live_view_fix(hass, mock_config_entry, "turn_off_encryption")
    manager = repairs_flow_manager(hass)
    assert list(result["data_schema"].schema) == []
    simulator.reset_log()
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (request,) = simulator.requests
    assert (request.path, request.form["validateCode"]) == (ENCRYPT_OFF_PATH, "HJKLMN")
    assert not simulator.state.devices[DRIVEWAY].is_encrypt


async def test_live_view_fix_keeps_encryption(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Keeping encryption is remembered: refused again, no issue again."""
    issue_id, result = await _live_view_fix(hass, init_integration, "keep_encryption")
    manager = repairs_flow_manager(hass)
    simulator.reset_log()
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    assert init_integration.options[CONF_KEEP_ENCRYPTION] == [DRIVEWAY]
    assert simulator.count(ENCRYPT_OFF_PATH) == 0
    assert simulator.state.devices[DRIVEWAY].is_encrypt
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    # The reloaded entry asks once more, is refused, and raises nothing.
    assert await async_get_stream_source(hass, "camera.driveway") is None
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    state = hass.states.get("camera.driveway")
    assert state.attributes["stream_status"] == "encrypted"


@pytest.mark.parametrize(
    ("code", "typed", "errors"),
    [
        (None, "  ", {"code": "code_empty"}),  # nothing typed: nothing sent
        (60016, "HJKLMN", None),  # already off: done
        (20007, "HJKLMN", {"base": "failed"}),  # offline
        (49999, "HJKLMN", {"base": "failed"}),  # a server error
    ],
)
async def test_live_view_fix_errors(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    code: int | None,
    typed: str,
    errors: dict[str, str] | None,
) -> None:
    """What the cloud answers decides: an error on the form, or done."""
    _, result = await _live_view_fix(hass, init_integration, "turn_off_encryption")
    if code is not None:
        simulator.faults.error(ENCRYPT_OFF_PATH, code, times=1)
    simulator.reset_log()
    result = await repairs_flow_manager(hass).async_configure(
        result["flow_id"], {"code": typed}
    )
    if errors is None:
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert hass.states.get("camera.driveway").attributes["stream_status"] == (
            "available"
        )
        return
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert simulator.count(ENCRYPT_OFF_PATH) == (0 if code is None else 1)
    if code is not None:
        assert str(code) in result["description_placeholders"]["error"]
    assert "HJKLMN" not in repr(result)


async def test_live_view_fix_auth_failure_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Refused credentials abort the fix and start reauthentication."""
    _, result = await _live_view_fix(hass, init_integration, "turn_off_encryption")
    simulator.faults.error(ENCRYPT_OFF_PATH, 10030, times=1)
    result = await repairs_flow_manager(hass).async_configure(
        result["flow_id"], {"code": "HJKLMN"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth"
    await hass.async_block_till_done()
    assert [
        flow["context"]["source"]
        for flow in init_integration.async_get_active_flows(hass, {"reauth"})
    ] == ["reauth"]


@pytest.mark.parametrize("step", ["turn_off_encryption", "keep_encryption"])
async def test_live_view_fix_without_its_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    step: str,
) -> None:
    """A removed entry aborts either step; an unloaded one cannot send anything."""
    flow = await async_create_fix_flow(
        hass,
        f"live_view_encrypted_gone_{DRIVEWAY}",
        {"entry_id": "gone", "serial": DRIVEWAY, "name": "Driveway"},
    )
    flow.hass = hass
    result = await getattr(flow, f"async_step_{step}")()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_removed"

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    flow = await async_create_fix_flow(
        hass,
        f"live_view_encrypted_{init_integration.entry_id}_{DRIVEWAY}",
        {"entry_id": init_integration.entry_id, "serial": DRIVEWAY, "name": "Driveway"},
    )
    flow.hass = hass
    result = await flow.async_step_turn_off_encryption({"code": "HJKLMN"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_not_loaded"
    assert simulator.count(ENCRYPT_OFF_PATH) == 0


async def test_other_issues_are_confirmed(hass: HomeAssistant) -> None:
    """An issue with a fix of its own gets that fix; the others a confirmation."""
    flow = await async_create_fix_flow(hass, "rate_limited_x", None)
    assert isinstance(flow, ConfirmRepairFlow)
