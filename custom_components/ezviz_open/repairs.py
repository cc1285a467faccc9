"""Repair issues of the EZVIZ Open Platform integration, and their fixes.

An encrypted device (``isEncrypt`` 1) whose verification code is not in the
options cannot show its pictures: an issue says so, and its fix asks for the
code and stores it in the options (which reloads the entry and clears the
issue).

A camera whose live address the cloud refuses because its video is encrypted
(60019: the cloud gives HLS, RTMP and FLV addresses only for cameras with
encryption off) gets an issue naming it, raised by the camera. Its fix offers
the choice: turn encryption off (``encrypt/off`` with the verification code,
one request, after saying what that changes for privacy; the live view then
works without a reload), or keep it on (still images keep working, decrypted
with the code; the choice is kept in the options and the issue is not raised
again for that device).

The rate-limit issue is raised and cleared by ``Allowance``
(``metering/allowance.py``), the budget-floors issue by ``BudgetGovernor``
(``metering/governor.py``), the budget-spent issue by ``RequestCounter``
(``metering/usage.py``), a refused detector rename by ``detectors.py``; every
issue of an entry goes when the entry is removed (``async_delete_issues``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api.errors import EzvizAuthError, EzvizEncryptionError, EzvizError
from .const import (
    CONF_KEEP_ENCRYPTION,
    CONF_VERIFICATION_CODES,
    DOMAIN,
    ISSUE_BUDGET_FLOORS,
    ISSUE_BUDGET_SPENT,
    ISSUE_LIVE_VIEW_ENCRYPTED,
    ISSUE_RATE_LIMITED,
    ISSUE_VERIFICATION_CODE,
)
from .helpers import async_save_options

if TYPE_CHECKING:
    import sys

    # Home Assistant 2026.3 and later (which need Python 3.14) type repair flows'
    # results as RepairsFlowResult; earlier releases as the plain FlowResult.
    if sys.version_info >= (3, 14):
        from homeassistant.components.repairs import RepairsFlowResult as FlowResult
    else:
        from homeassistant.data_entry_flow import FlowResult

    from .data import EzvizOpenConfigEntry

CONF_CODE = "code"
#: 20010: the verification code is wrong; 60016: encryption is already off.
_WRONG_CODE = 20010
_ALREADY_OFF = 60016


def _prefix(entry_id: str) -> str:
    return f"{ISSUE_VERIFICATION_CODE}_{entry_id}_"


@callback
def async_update_verification_code_issues(
    hass: HomeAssistant, entry: EzvizOpenConfigEntry
) -> None:
    """Raise an issue per encrypted device without a code; clear the others."""
    data = entry.runtime_data.account.data
    codes: dict[str, str] = entry.options.get(CONF_VERIFICATION_CODES) or {}
    prefix = _prefix(entry.entry_id)
    missing = {
        serial: device.name or serial
        for serial, device in (data.devices.items() if data else ())
        if device.encrypted and not codes.get(serial)
    }
    registry = ir.async_get(hass)
    for domain, issue_id in list(registry.issues):
        if (
            domain == DOMAIN
            and issue_id.startswith(prefix)
            and issue_id.removeprefix(prefix) not in missing
        ):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    for serial, name in missing.items():
        if (DOMAIN, prefix + serial) in registry.issues:
            continue
        ir.async_create_issue(
            hass,
            DOMAIN,
            prefix + serial,
            data={"entry_id": entry.entry_id, "serial": serial, "name": name},
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_VERIFICATION_CODE,
            translation_placeholders={"name": name, "serial": serial},
        )


def _live_view_issue_id(entry_id: str, serial: str) -> str:
    return f"{ISSUE_LIVE_VIEW_ENCRYPTED}_{entry_id}_{serial}"


@callback
def async_raise_live_view_issue(
    hass: HomeAssistant, entry: EzvizOpenConfigEntry, serial: str, name: str
) -> None:
    """Say that ``serial``'s live view is refused for its encryption, unless kept."""
    if serial in (entry.options.get(CONF_KEEP_ENCRYPTION) or ()):
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        _live_view_issue_id(entry.entry_id, serial),
        data={"entry_id": entry.entry_id, "serial": serial, "name": name},
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_LIVE_VIEW_ENCRYPTED,
        translation_placeholders={"name": name, "serial": serial},
    )


@callback
def async_delete_live_view_issue(
    hass: HomeAssistant, entry_id: str, serial: str
) -> None:
    """Clear the issue: the live view of ``serial`` is no longer refused."""
    ir.async_delete_issue(hass, DOMAIN, _live_view_issue_id(entry_id, serial))


@callback
def async_delete_issues(
    hass: HomeAssistant, entry_id: str, *, keep_renames: bool = False
) -> None:
    """Delete the issues of an entry.

    On removal, all of them. On unload (``keep_renames``), those whose cause
    the next setup looks at again: the verification codes and the budget at
    once, the rate limit at the next refused call. A detector rename the hub refused is no
    state that a setup reads, so its issue stays until a rename goes through,
    the detector leaves, or the entry is removed.
    """
    prefixes: tuple[str, ...] = (
        _prefix(entry_id),
        f"{ISSUE_RATE_LIMITED}_{entry_id}",
        f"{ISSUE_BUDGET_FLOORS}_{entry_id}",
        f"{ISSUE_BUDGET_SPENT}_{entry_id}",
    )
    if not keep_renames:
        # Learnt only by asking: kept across a reload, until the camera finds
        # the live view works or the device's encryption off.
        prefixes += (
            f"detector_rename_{entry_id}_",
            f"{ISSUE_LIVE_VIEW_ENCRYPTED}_{entry_id}_",
        )
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN and issue_id.startswith(prefixes):
            ir.async_delete_issue(hass, DOMAIN, issue_id)


#: The form field of a verification code.
_CODE_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_CODE): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        )
    }
)


class _DeviceRepairFlow(RepairsFlow):
    """The fix of an issue about one device of one entry."""

    def __init__(self, entry_id: str, serial: str, name: str) -> None:
        """Remember which device the issue is about."""
        self._entry_id = entry_id
        self._serial = serial
        self._name = name

    def _placeholders(self, **extra: str) -> dict[str, str]:
        return {"name": self._name, "serial": self._serial, **extra}


class VerificationCodeRepairFlow(_DeviceRepairFlow):
    """Ask for a device's verification code and store it in the options."""

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> FlowResult:
        """Start the fix (the flow manager passes the issue's data here)."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> FlowResult:
        """Ask for the code."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="entry_removed")
        errors: dict[str, str] = {}
        if user_input is not None:
            if code := user_input[CONF_CODE].strip():
                codes = dict(entry.options.get(CONF_VERIFICATION_CODES) or {})
                codes[self._serial] = code
                async_save_options(
                    self.hass,
                    entry,
                    {**entry.options, CONF_VERIFICATION_CODES: codes},
                )
                return self.async_create_entry(data={})
            errors[CONF_CODE] = "code_empty"
        return self.async_show_form(
            step_id="confirm",
            data_schema=_CODE_SCHEMA,
            description_placeholders=self._placeholders(),
            errors=errors,
        )


class LiveViewEncryptedRepairFlow(_DeviceRepairFlow):
    """Turn a camera's video encryption off, or keep it on, as its owner chooses."""

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> FlowResult:
        """Offer the two choices."""
        return self.async_show_menu(
            step_id="init",
            menu_options=["turn_off_encryption", "keep_encryption"],
            description_placeholders=self._placeholders(),
        )

    async def async_step_turn_off_encryption(
        self, user_input: dict[str, str] | None = None
    ) -> FlowResult:
        """Say what turning encryption off changes, then do it (one request)."""
        entry: EzvizOpenConfigEntry | None = self.hass.config_entries.async_get_entry(
            self._entry_id
        )
        if entry is None:
            return self.async_abort(reason="entry_removed")
        runtime = getattr(entry, "runtime_data", None)
        if runtime is None:
            return self.async_abort(reason="entry_not_loaded")
        stored = (entry.options.get(CONF_VERIFICATION_CODES) or {}).get(self._serial)
        errors: dict[str, str] = {}
        error_text = ""
        if user_input is not None:
            code = stored or user_input.get(CONF_CODE, "").strip()
            if not code:
                errors[CONF_CODE] = "code_empty"
            else:
                try:
                    await runtime.client.disable_encryption(self._serial, code)
                except EzvizEncryptionError as err:
                    if err.code != _ALREADY_OFF:
                        errors[CONF_CODE if not stored else "base"] = (
                            "code_wrong" if err.code == _WRONG_CODE else "failed"
                        )
                        error_text = str(err)
                except EzvizAuthError:
                    entry.async_start_reauth(self.hass)
                    return self.async_abort(reason="reauth")
                except EzvizError as err:
                    errors["base"] = "failed"
                    error_text = str(err)
                if not errors:
                    # Shown at once: the camera streams without a reload.
                    runtime.account.async_set_device(self._serial, encrypted=False)
                    return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="turn_off_encryption",
            # With the code in the options, a confirmation; else it is asked.
            data_schema=vol.Schema({}) if stored else _CODE_SCHEMA,
            description_placeholders=self._placeholders(error=error_text),
            errors=errors,
        )

    async def async_step_keep_encryption(
        self, user_input: dict[str, str] | None = None
    ) -> FlowResult:
        """Keep encryption on: remember the choice (the options; a reload)."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="entry_removed")
        if user_input is not None:
            kept = set(entry.options.get(CONF_KEEP_ENCRYPTION) or ()) | {self._serial}
            async_save_options(
                self.hass,
                entry,
                {**entry.options, CONF_KEEP_ENCRYPTION: sorted(kept)},
            )
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="keep_encryption",
            data_schema=vol.Schema({}),
            description_placeholders=self._placeholders(),
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Create the fix flow of an issue."""
    if data and issue_id.startswith(ISSUE_VERIFICATION_CODE):
        return VerificationCodeRepairFlow(
            str(data["entry_id"]), str(data["serial"]), str(data.get("name") or "")
        )
    if data and issue_id.startswith(ISSUE_LIVE_VIEW_ENCRYPTED):
        return LiveViewEncryptedRepairFlow(
            str(data["entry_id"]), str(data["serial"]), str(data.get("name") or "")
        )
    return ConfirmRepairFlow()
