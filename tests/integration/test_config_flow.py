"""The config flow: every step and error, followed through to an entry."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_URL
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest

from custom_components import ezviz_open
from custom_components.ezviz_open.const import (
    CONF_ACCOUNT_INTERVAL,
    CONF_APP_KEY,
    CONF_APP_SECRET,
    CONF_BUDGET_PERIOD,
    CONF_BUDGET_RESERVE,
    CONF_DETAIL_INTERVAL,
    CONF_REGION,
    CONF_REQUEST_BUDGET,
    CONF_STREAM_PROTOCOL,
    CONF_STREAM_QUALITY,
    CONF_TOKEN,
    CONF_VERIFICATION_CODES,
    DOMAIN,
    PERIOD_MONTH,
    REGION_CHINA,
    REGION_CUSTOM,
    REGION_GLOBAL,
)
from custom_components.ezviz_open.metering.planner import CADENCES, CadenceKey

from .conftest import DEVICE_LIST_PATH, TOKEN_PATH

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator


async def _start(hass: HomeAssistant, simulator: Simulator, secret: str | None = None):
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_APP_KEY: simulator.app_key,
            CONF_APP_SECRET: secret or simulator.app_secret,
            CONF_REGION: REGION_CUSTOM,
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "custom_url"
    return result


async def test_user_flow_custom_url(hass: HomeAssistant, simulator: Simulator) -> None:
    """Key, secret and a custom URL make an entry holding the token."""
    result = await _start(hass, simulator)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: f"{simulator.base_url}/"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "EZVIZ Open Platform"
    assert result["result"].unique_id == simulator.app_key
    data = result["data"]
    assert data[CONF_URL] == simulator.base_url
    assert data[CONF_REGION] == REGION_CUSTOM
    assert data[CONF_APP_SECRET] == simulator.app_secret
    assert data[CONF_TOKEN]["access_token"] in simulator.tokens
    # One token for the check and the entry's setup; the list for each.
    assert simulator.count(TOKEN_PATH) == 1
    assert simulator.count(DEVICE_LIST_PATH) == 2


async def test_token_from_flow_is_reused(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Setting up the new entry (and restarting it) mints no further token."""
    result = await _start(hass, simulator)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator.base_url}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    entry = result["result"]
    assert simulator.count(TOKEN_PATH) == 1
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.count(TOKEN_PATH) == 1


@pytest.mark.parametrize(
    ("region", "host"),
    [(REGION_GLOBAL, "open.ezvizlife.com"), (REGION_CHINA, "open.ys7.com")],
)
async def test_user_flow_regions(
    hass: HomeAssistant, simulator: Simulator, region: str, host: str
) -> None:
    """The fixed regions go to their hosts (unreachable here: cannot_connect)."""
    sent: list[str] = []

    from custom_components.ezviz_open import config_flow

    real = config_flow.EzvizOpenClient

    def _client(session, key, secret, *, base_url):
        sent.append(base_url)
        # Send the check to the simulator instead of the real cloud.
        return real(session, key, secret, base_url=simulator.base_url)

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config_flow, "EzvizOpenClient", _client)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                CONF_APP_KEY: simulator.app_key,
                CONF_APP_SECRET: simulator.app_secret,
                CONF_REGION: region,
            },
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert sent == [f"https://{host}"]
    assert CONF_URL not in result["data"]
    assert result["data"][CONF_REGION] == region


async def test_invalid_auth_then_fixed(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A wrong secret shows invalid_auth on the credentials form; fixing it works."""
    result = await _start(hass, simulator, secret="wrong")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator.base_url}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_APP_KEY: simulator.app_key,
            CONF_APP_SECRET: simulator.app_secret,
            CONF_REGION: REGION_CUSTOM,
        },
    )
    assert result["step_id"] == "custom_url"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator.base_url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_cannot_connect_then_fixed(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """An unreachable URL shows cannot_connect on the URL form."""
    result = await _start(hass, simulator)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: "http://127.0.0.1:1"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "custom_url"
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator.base_url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_invalid_url_then_fixed(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A URL that is not http(s) is refused without a request."""
    result = await _start(hass, simulator)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: "ftp://example.com"}
    )
    assert result["errors"] == {CONF_URL: "invalid_url"}
    assert simulator.count() == 0
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator.base_url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("code", "error"),
    [(10029, "rate_limited"), (10007, "rate_limited"), (49999, "unknown")],
)
async def test_cloud_errors_then_fixed(
    hass: HomeAssistant, simulator: Simulator, code: int, error: str
) -> None:
    """Refusals of the device list are shown, and a retry succeeds."""
    result = await _start(hass, simulator)
    simulator.faults.error(DEVICE_LIST_PATH, code, times=1)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator.base_url}
    )
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_APP_KEY: simulator.app_key,
            CONF_APP_SECRET: simulator.app_secret,
            CONF_REGION: REGION_CUSTOM,
        },
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator.base_url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unexpected_exception_then_fixed(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A bug in the check shows unknown; the form stays usable."""
    from custom_components.ezviz_open import config_flow

    result = await _start(hass, simulator)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            config_flow.EzvizOpenClient,
            "list_devices",
            lambda self: (_ for _ in ()).throw(RuntimeError("boom")),
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: simulator.base_url}
        )
    assert result["errors"] == {"base": "unknown"}


async def test_already_configured(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A second entry for the same app key aborts before any request."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_APP_KEY: simulator.app_key,
            CONF_APP_SECRET: "anything",
            CONF_REGION: REGION_GLOBAL,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert simulator.count() == 0


async def test_reauth(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A new secret for the same key: wrong first, then right."""
    entry = init_integration
    simulator.set_app_secret("new-secret")
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_APP_SECRET: "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_APP_SECRET: "new-secret"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_APP_SECRET] == "new-secret"
    assert entry.data[CONF_TOKEN]["access_token"] in simulator.tokens


async def test_reconfigure(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Region, URL and secret can change; the URL form is prefilled."""
    entry = init_integration
    simulator.set_app_secret("rotated")
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_APP_KEY: simulator.app_key,
            CONF_APP_SECRET: "rotated",
            CONF_REGION: REGION_CUSTOM,
        },
    )
    assert result["step_id"] == "custom_url"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator.base_url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_APP_SECRET] == "rotated"
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_reconfigure_error_then_fixed(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A wrong secret in reconfigure shows invalid_auth on the reconfigure form."""
    entry = init_integration
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_APP_KEY: simulator.app_key,
            CONF_APP_SECRET: "wrong",
            CONF_REGION: REGION_CUSTOM,
        },
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator.base_url}
    )
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {"base": "invalid_auth"}


async def test_reconfigure_other_key_aborts(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Another app key is another application: abort."""
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_APP_KEY: "another-key",
            CONF_APP_SECRET: "x",
            CONF_REGION: REGION_GLOBAL,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"


async def test_options(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Cadences, stream settings, then codes of the encryptable devices."""
    entry = init_integration
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_ACCOUNT_INTERVAL: 120,
            CONF_DETAIL_INTERVAL: 90,
            "alarm_interval": 300,
            "alarm_hold": 45,
            CONF_STREAM_PROTOCOL: "rtmp",
            CONF_STREAM_QUALITY: "smooth",
            CONF_REQUEST_BUDGET: 250_000,
            CONF_BUDGET_PERIOD: PERIOD_MONTH,
            CONF_BUDGET_RESERVE: 10,
        },
    )
    assert result["step_id"] == "verification_codes"
    schema_keys = {str(key) for key in result["data_schema"].schema}
    assert schema_keys == {"C6N000001", "NVR000005", "C8C000006"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"C8C000006": " ABCDEF ", "C6N000001": ""}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        CONF_ACCOUNT_INTERVAL: 120,
        CONF_DETAIL_INTERVAL: 90,
        "alarm_interval": 300,
        "alarm_hold": 45,
        CONF_STREAM_PROTOCOL: "rtmp",
        CONF_STREAM_QUALITY: "smooth",
        CONF_REQUEST_BUDGET: 250_000,
        CONF_BUDGET_PERIOD: PERIOD_MONTH,
        CONF_BUDGET_RESERVE: 10,
        CONF_VERIFICATION_CODES: {"C8C000006": "ABCDEF"},
    }
    await hass.async_block_till_done(wait_background_tasks=True)
    # The entry was reloaded with the new cadence and budget.
    assert entry.runtime_data.account.update_interval.total_seconds() == 120
    assert entry.runtime_data.alarms.update_interval.total_seconds() == 300
    governor = entry.runtime_data.governor
    assert (governor.budget, governor.period, governor.reserve) == (
        250_000,
        PERIOD_MONTH,
        10,
    )
    assert governor.plan is not None
    assert governor.plan.allowance == 225_000
    assert governor.plan.period == timedelta(days=31)


async def test_options_ranges_come_from_the_cadence_table(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Each cadence option's default and range are the table's; budget defaults."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    fields = {str(key): key for key in result["data_schema"].schema}
    for option, key, unit in (
        (CONF_ACCOUNT_INTERVAL, CadenceKey.DEVICE_LIST, timedelta(seconds=1)),
        (CONF_DETAIL_INTERVAL, CadenceKey.DETAIL, timedelta(minutes=1)),
        ("alarm_interval", CadenceKey.ALARMS, timedelta(seconds=1)),
    ):
        cadence = CADENCES[key]
        config = result["data_schema"].schema[fields[option]].config
        assert fields[option].default() == cadence.default / unit
        assert (config["min"], config["max"]) == (
            cadence.minimum / unit,
            cadence.maximum / unit,
        )
    assert fields[CONF_REQUEST_BUDGET].default() == 10_000
    assert fields[CONF_BUDGET_PERIOD].default() == "day"
    assert fields[CONF_BUDGET_RESERVE].default() == 20
    # Out of range: refused by the form.
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_ACCOUNT_INTERVAL: 10}
        )


async def test_each_flow_reloads_once(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Reauth, reconfigure and options reload the entry once; a new token does not.

    The entry has no update listener: Home Assistant 2026.12 refuses the
    reloading abort of reauth and reconfigure while one is registered, and
    the same reload would otherwise run twice.
    """
    entry = init_integration
    assert not entry.update_listeners
    setups: list[str] = []
    original = ezviz_open.async_setup_entry

    async def _counting_setup(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
        setups.append(entry.entry_id)
        return await original(hass, entry)

    with patch.object(ezviz_open, "async_setup_entry", _counting_setup):
        # A stored token (the client renews it) changes the data: no reload.
        client = entry.runtime_data.client
        before = entry.data[CONF_TOKEN]
        await client.get_access_token(force=True)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert entry.data[CONF_TOKEN] != before
        assert setups == []

        simulator.set_app_secret("new-secret")
        result = await entry.start_reauth_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_APP_SECRET: "new-secret"}
        )
        assert result["reason"] == "reauth_successful"
        await hass.async_block_till_done(wait_background_tasks=True)
        assert len(setups) == 1

        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                CONF_APP_KEY: simulator.app_key,
                CONF_APP_SECRET: "new-secret",
                CONF_REGION: REGION_CUSTOM,
            },
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: simulator.base_url}
        )
        assert result["reason"] == "reconfigure_successful"
        await hass.async_block_till_done(wait_background_tasks=True)
        assert len(setups) == 2

        result = await hass.config_entries.options.async_init(entry.entry_id)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_ACCOUNT_INTERVAL: 300}
        )
        if result["type"] is FlowResultType.FORM:  # the verification codes
            result = await hass.config_entries.options.async_configure(
                result["flow_id"], {}
            )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done(wait_background_tasks=True)
        assert len(setups) == 3
        assert entry.runtime_data.account.update_interval.total_seconds() == 300

        # The same options again: nothing to reload.
        result = await hass.config_entries.options.async_init(entry.entry_id)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_ACCOUNT_INTERVAL: 300}
        )
        if result["type"] is FlowResultType.FORM:
            result = await hass.config_entries.options.async_configure(
                result["flow_id"], {}
            )
        await hass.async_block_till_done(wait_background_tasks=True)
        assert len(setups) == 3
    assert not entry.update_listeners
