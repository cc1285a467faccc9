"""Config flow of the EZVIZ Open Platform integration.

An account is an EZVIZ Open Platform application: its app key (the unique id)
and secret, and the region whose host mints tokens. Credentials are checked by
obtaining a token and listing the devices; that token is kept with the entry
so that setting it up does not mint another one (each costs quota).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_URL
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol
from yarl import URL

from .api import EzvizOpenClient
from .api.errors import (
    EzvizAuthError,
    EzvizConnectionError,
    EzvizError,
    EzvizRateLimitError,
)
from .const import (
    BUDGET_PERIODS,
    CONF_ACCOUNT_INTERVAL,
    CONF_ALARM_HOLD,
    CONF_ALARM_INTERVAL,
    CONF_APP_KEY,
    CONF_APP_SECRET,
    CONF_BUDGET_PERIOD,
    CONF_BUDGET_RESERVE,
    CONF_DETAIL_INTERVAL,
    CONF_PUSH,
    CONF_PUSH_SECRET,
    CONF_REGION,
    CONF_REQUEST_BUDGET,
    CONF_STREAM_PROTOCOL,
    CONF_STREAM_QUALITY,
    CONF_TOKEN,
    CONF_VERIFICATION_CODES,
    CONF_WEBHOOK_ID,
    DEFAULT_ALARM_HOLD,
    DEFAULT_BUDGET_PERIOD,
    DEFAULT_BUDGET_RESERVE,
    DEFAULT_REQUEST_BUDGET,
    DEFAULT_STREAM_PROTOCOL,
    DEFAULT_STREAM_QUALITY,
    DOMAIN,
    LOGGER,
    MAX_ALARM_HOLD,
    MIN_ALARM_HOLD,
    REGION_CUSTOM,
    REGION_GLOBAL,
    REGIONS,
    STREAM_PROTOCOLS,
    STREAM_QUALITIES,
    base_url_for,
)
from .helpers import async_save_options
from .metering.governor import OPTION_CADENCES
from .metering.planner import CADENCES
from .push import webhook_url

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .data import EzvizOpenData

TITLE = "EZVIZ Open Platform"

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_TEXT = TextSelector(TextSelectorConfig(autocomplete="off"))
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_REGION = SelectSelector(
    SelectSelectorConfig(
        options=list(REGIONS), translation_key=CONF_REGION, mode=SelectSelectorMode.LIST
    )
)


def _normalise_url(value: str) -> str | None:
    """Return an http(s) base URL without trailing slash, or None if invalid."""
    try:
        url = URL(value.strip())
    except ValueError:
        return None
    if url.scheme not in ("http", "https") or not url.host:
        return None
    return str(url).rstrip("/")


def _whole_number(minimum: int, maximum: int, unit: str) -> NumberSelector:
    """Return a box for a whole number of ``unit`` from ``minimum`` to ``maximum``."""
    return NumberSelector(
        NumberSelectorConfig(
            min=minimum,
            max=maximum,
            step=1,
            unit_of_measurement=unit,
            mode=NumberSelectorMode.BOX,
        )
    )


#: The request budget's range: any application's quota, a day's or a month's.
MIN_REQUEST_BUDGET = 100
MAX_REQUEST_BUDGET = 100_000_000
#: At most this share of the budget is kept for what the user does.
MAX_BUDGET_RESERVE = 90


#: The unit each cadence option is entered in, as shown.
_UNITS = {timedelta(seconds=1): "s", timedelta(minutes=1): "min"}


def _cadence_fields() -> dict[vol.Required, NumberSelector]:
    """Return the cadence options' fields: defaults and ranges from the table."""
    fields: dict[vol.Required, NumberSelector] = {}
    for option, key in OPTION_CADENCES.items():
        cadence = CADENCES[key]
        unit = cadence.option_unit
        assert unit is not None
        fields[vol.Required(option, default=cadence.default // unit)] = _whole_number(
            cadence.minimum // unit, cadence.maximum // unit, _UNITS[unit]
        )
    return fields


class EzvizOpenConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up, re-authenticate and reconfigure an EZVIZ Open Platform account."""

    VERSION = 1

    def __init__(self) -> None:
        """Hold the credentials while the custom URL is asked for."""
        self._pending: dict[str, Any] = {}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> EzvizOpenOptionsFlow:
        """Return the options flow."""
        return EzvizOpenOptionsFlow()

    async def _async_validate(
        self, data: Mapping[str, Any]
    ) -> tuple[dict[str, str], dict[str, Any] | None]:
        """Obtain a token and list the devices; return (errors, stored token)."""
        client = EzvizOpenClient(
            async_get_clientsession(self.hass),
            data[CONF_APP_KEY],
            data[CONF_APP_SECRET],
            base_url=base_url_for(data),
        )
        try:
            token = await client.get_access_token()
            await client.list_devices()
        except EzvizAuthError:
            return {"base": "invalid_auth"}, None
        except EzvizRateLimitError:
            return {"base": "rate_limited"}, None
        except EzvizConnectionError:
            return {"base": "cannot_connect"}, None
        except EzvizError:
            LOGGER.exception("Unexpected reply from the EZVIZ cloud")
            return {"base": "unknown"}, None
        except Exception:
            LOGGER.exception("Unexpected exception")
            return {"base": "unknown"}, None
        return {}, token.as_dict()

    # -- user ------------------------------------------------------------------

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the application's key, secret and region."""
        if user_input is None:
            return self._show_credentials_form("user", {})
        await self.async_set_unique_id(user_input[CONF_APP_KEY].strip())
        self._abort_if_unique_id_configured()
        self._pending = {
            CONF_APP_KEY: user_input[CONF_APP_KEY].strip(),
            CONF_APP_SECRET: user_input[CONF_APP_SECRET].strip(),
            CONF_REGION: user_input[CONF_REGION],
        }
        if user_input[CONF_REGION] == REGION_CUSTOM:
            return await self.async_step_custom_url()
        return await self._async_finish("user")

    async def async_step_custom_url(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the base URL of a custom (self-hosted or test) endpoint."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if (url := _normalise_url(user_input[CONF_URL])) is None:
                errors[CONF_URL] = "invalid_url"
            else:
                self._pending[CONF_URL] = url
                return await self._async_finish("custom_url")
        default = self._pending.get(CONF_URL)
        if default is None and self.source == SOURCE_RECONFIGURE:
            default = self._get_reconfigure_entry().data.get(CONF_URL)
        return self.async_show_form(
            step_id="custom_url",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_URL): _URL}),
                {CONF_URL: default} if default else {},
            ),
            errors=errors,
        )

    async def _async_finish(self, step_id: str) -> ConfigFlowResult:
        """Validate the pending credentials; create or update the entry."""
        data = dict(self._pending)
        if data[CONF_REGION] != REGION_CUSTOM:
            data.pop(CONF_URL, None)
        errors, token = await self._async_validate(data)
        if errors:
            if step_id == "custom_url" and errors["base"] == "cannot_connect":
                return self.async_show_form(
                    step_id="custom_url",
                    data_schema=self.add_suggested_values_to_schema(
                        vol.Schema({vol.Required(CONF_URL): _URL}), data
                    ),
                    errors=errors,
                )
            first = "reconfigure" if self.source == SOURCE_RECONFIGURE else "user"
            return self._show_credentials_form(first, errors, data)
        data[CONF_TOKEN] = token
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(), data=data
            )
        return self.async_create_entry(title=TITLE, data=data)

    def _show_credentials_form(
        self,
        step_id: str,
        errors: dict[str, str],
        suggested: Mapping[str, Any] | None = None,
    ) -> ConfigFlowResult:
        schema = vol.Schema(
            {
                vol.Required(CONF_APP_KEY): _TEXT,
                vol.Required(CONF_APP_SECRET): _PASSWORD,
                vol.Required(CONF_REGION, default=REGION_GLOBAL): _REGION,
            }
        )
        values = {
            key: value
            for key, value in (suggested or {}).items()
            if key in (CONF_APP_KEY, CONF_REGION)
        }
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, values),
            errors=errors,
        )

    # -- reauth ----------------------------------------------------------------

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start re-authentication after the cloud refused the credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new secret for the same app key."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, CONF_APP_SECRET: user_input[CONF_APP_SECRET].strip()}
            errors, token = await self._async_validate(data)
            if not errors:
                return self.async_update_reload_and_abort(
                    entry, data_updates={**data, CONF_TOKEN: token}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_APP_SECRET): _PASSWORD}),
            description_placeholders={"app_key": entry.data[CONF_APP_KEY]},
            errors=errors,
        )

    # -- reconfigure -----------------------------------------------------------

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the region, URL or secret of the same application."""
        entry = self._get_reconfigure_entry()
        if user_input is None:
            return self._show_credentials_form("reconfigure", {}, entry.data)
        await self.async_set_unique_id(user_input[CONF_APP_KEY].strip())
        self._abort_if_unique_id_mismatch(reason="unique_id_mismatch")
        self._pending = {
            CONF_APP_KEY: user_input[CONF_APP_KEY].strip(),
            CONF_APP_SECRET: user_input[CONF_APP_SECRET].strip(),
            CONF_REGION: user_input[CONF_REGION],
        }
        if user_input[CONF_REGION] == REGION_CUSTOM:
            return await self.async_step_custom_url()
        return await self._async_finish("reconfigure")


class EzvizOpenOptionsFlow(OptionsFlow):
    """Poll cadences, stream settings and verification codes."""

    def __init__(self) -> None:
        """Hold the first step's answers until the codes are entered."""
        self._options: dict[str, Any] = {}

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the cadences and the stream settings."""
        if user_input is not None:
            self._options = {
                **self.config_entry.options,
                CONF_ACCOUNT_INTERVAL: int(user_input[CONF_ACCOUNT_INTERVAL]),
                CONF_DETAIL_INTERVAL: int(user_input[CONF_DETAIL_INTERVAL]),
                CONF_ALARM_INTERVAL: int(user_input[CONF_ALARM_INTERVAL]),
                CONF_REQUEST_BUDGET: int(user_input[CONF_REQUEST_BUDGET]),
                CONF_BUDGET_PERIOD: user_input[CONF_BUDGET_PERIOD],
                CONF_BUDGET_RESERVE: int(user_input[CONF_BUDGET_RESERVE]),
                CONF_ALARM_HOLD: int(user_input[CONF_ALARM_HOLD]),
                CONF_STREAM_PROTOCOL: user_input[CONF_STREAM_PROTOCOL],
                CONF_STREAM_QUALITY: user_input[CONF_STREAM_QUALITY],
            }
            if user_input.get(CONF_PUSH):
                self._options[CONF_PUSH] = True
                # Kept when push is turned off: the URL given to EZVIZ stays.
                self._options.setdefault(CONF_WEBHOOK_ID, webhook.async_generate_id())
                return await self.async_step_push()
            self._options.pop(CONF_PUSH, None)
            return await self._async_step_codes_or_finish()

        schema = vol.Schema(
            {
                **_cadence_fields(),
                vol.Required(
                    CONF_REQUEST_BUDGET, default=DEFAULT_REQUEST_BUDGET
                ): _whole_number(MIN_REQUEST_BUDGET, MAX_REQUEST_BUDGET, "calls"),
                vol.Required(
                    CONF_BUDGET_PERIOD, default=DEFAULT_BUDGET_PERIOD
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=list(BUDGET_PERIODS),
                        translation_key=CONF_BUDGET_PERIOD,
                    )
                ),
                vol.Required(
                    CONF_BUDGET_RESERVE, default=DEFAULT_BUDGET_RESERVE
                ): _whole_number(0, MAX_BUDGET_RESERVE, "%"),
                vol.Required(
                    CONF_ALARM_HOLD, default=DEFAULT_ALARM_HOLD
                ): _whole_number(MIN_ALARM_HOLD, MAX_ALARM_HOLD, "s"),
                vol.Required(
                    CONF_STREAM_PROTOCOL, default=DEFAULT_STREAM_PROTOCOL
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=list(STREAM_PROTOCOLS),
                        translation_key=CONF_STREAM_PROTOCOL,
                    )
                ),
                vol.Required(
                    CONF_STREAM_QUALITY, default=DEFAULT_STREAM_QUALITY
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=list(STREAM_QUALITIES),
                        translation_key=CONF_STREAM_QUALITY,
                    )
                ),
                vol.Required(CONF_PUSH, default=False): BooleanSelector(),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                schema, self.config_entry.options
            ),
        )

    async def async_step_push(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the webhook URL to give EZVIZ; ask for the signing secret."""
        if user_input is not None:
            secret = str(user_input.get(CONF_PUSH_SECRET) or "").strip()
            if secret:
                self._options[CONF_PUSH_SECRET] = secret
            else:
                self._options.pop(CONF_PUSH_SECRET, None)
            return await self._async_step_codes_or_finish()
        current = self.config_entry.options.get(CONF_PUSH_SECRET)
        return self.async_show_form(
            step_id="push",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Optional(CONF_PUSH_SECRET): _PASSWORD}),
                {CONF_PUSH_SECRET: current} if current else {},
            ),
            description_placeholders={
                "url": webhook_url(self.hass, self._options[CONF_WEBHOOK_ID])
            },
        )

    async def _async_step_codes_or_finish(self) -> ConfigFlowResult:
        """Ask for verification codes if a device can encrypt, else finish."""
        if self._encryptable_devices():
            return await self.async_step_verification_codes()
        return self._async_save(self._options)

    async def async_step_verification_codes(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the verification code of each device that can encrypt video."""
        devices = self._encryptable_devices()
        if user_input is not None:
            codes = {
                serial: code.strip()
                for serial, code in user_input.items()
                if serial in devices and isinstance(code, str) and code.strip()
            }
            return self._async_save({**self._options, CONF_VERIFICATION_CODES: codes})
        current = self.config_entry.options.get(CONF_VERIFICATION_CODES, {})
        schema = vol.Schema({vol.Optional(serial): _PASSWORD for serial in devices})
        return self.async_show_form(
            step_id="verification_codes",
            data_schema=self.add_suggested_values_to_schema(schema, current),
            description_placeholders={
                "devices": "\n".join(
                    f"- {serial}: {name}" for serial, name in devices.items()
                )
            },
        )

    def _async_save(self, options: dict[str, Any]) -> ConfigFlowResult:
        """Store the options now and reload; the flow manager then finds no change."""
        async_save_options(self.hass, self.config_entry, options)
        return self.async_create_entry(data=options)

    def _encryptable_devices(self) -> dict[str, str]:
        """Return serial -> name of the loaded account's encryptable devices."""
        runtime: EzvizOpenData | None = getattr(self.config_entry, "runtime_data", None)
        if runtime is None:
            return {}
        return runtime.account.encryptable_devices()
