"""An entry's runtime: the client, the coordinators and what ties them.

``async_setup_runtime`` builds ``EzvizOpenData`` (``data.py``) for an entry and
wires its parts: the request counter and rate-limit state see every request
the client sends, the governor plans the coordinators' cadences, and the
device registry and repair issues follow the account's device list.
"""

from __future__ import annotations

from types import MappingProxyType

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryError,
    ConfigEntryNotReady,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import EzvizOpenClient, TokenInfo
from .const import (
    CONF_APP_KEY,
    CONF_APP_SECRET,
    CONF_TOKEN,
    DOMAIN,
    MAX_CONCURRENT_REQUESTS,
    base_url_for,
)
from .coordinator.account import AccountCoordinator
from .coordinator.alarms import AlarmCoordinator
from .coordinator.capabilities import CapabilityStore
from .coordinator.detail import DetailCoordinator
from .data import EzvizOpenConfigEntry, EzvizOpenData
from .detectors import async_track_detector_renames
from .metering.allowance import Allowance
from .metering.governor import BudgetGovernor, asked_intervals
from .metering.push_health import PushHealth
from .metering.usage import RequestCounter, format_time
from .push import async_setup_push
from .registry import async_sync_device_registry
from .repairs import async_update_verification_code_issues


async def async_setup_runtime(hass: HomeAssistant, entry: EzvizOpenConfigEntry) -> None:
    """Build the entry's runtime data and wire its parts to each other.

    The client asks the allowance before every request (``metering``);
    the coordinators poll at the cadences the governor plans; the device
    registry and the repair issues follow the account. Raises what Home
    Assistant expects of a setup that cannot finish (not ready, auth failed).
    """

    @callback
    def _store_token(token: TokenInfo) -> None:
        # Kept with the entry so that a restart reuses it: minting costs quota.
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_TOKEN: token.as_dict()}
        )

    usage = RequestCounter(hass, entry.entry_id, entry.options)
    await usage.async_load()
    # As asked; the governor stretches them if the budget is short.
    allowance = Allowance(hass, entry.entry_id, usage, asked_intervals(entry.options))
    client = EzvizOpenClient(
        async_get_clientsession(hass),
        entry.data[CONF_APP_KEY],
        entry.data[CONF_APP_SECRET],
        base_url=base_url_for(entry.data),
        token=TokenInfo.from_dict(entry.data.get(CONF_TOKEN) or {}),
        on_token=_store_token,
        on_request=allowance.async_before_request,
        on_error=allowance.async_cloud_error,
        max_concurrent_requests=MAX_CONCURRENT_REQUESTS,
    )
    capabilities = CapabilityStore(hass, entry, client)
    account = AccountCoordinator(hass, entry, client, allowance, capabilities)
    detail = DetailCoordinator(hass, entry, client, allowance, account)
    if allowance.quota_until is not None and not usage.quota_check_due():
        # Used up before this setup (a restart, a reload): nothing is asked
        # until the hourly check is due; the retries until then cost nothing.
        usage.async_set_up_again_at_quota_check()
        await usage.async_unload()
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="quota_exhausted",
            translation_placeholders={"resets": format_time(allowance.quota_until)},
        )
    try:
        await account.async_config_entry_first_refresh()
    except (ConfigEntryAuthFailed, ConfigEntryError, ConfigEntryNotReady):
        # Retried as a new setup, with a new counter: this one's count first.
        usage.async_set_up_again_at_quota_check()
        await usage.async_unload()
        raise
    push_health = PushHealth()
    alarms = AlarmCoordinator(hass, entry, client, allowance, account, push_health)
    # What already happened (no events): the last picture of each channel.
    await alarms.async_refresh()

    entry.runtime_data = EzvizOpenData(
        client=client,
        account=account,
        detail=detail,
        capabilities=capabilities,
        allowance=allowance,
        alarms=alarms,
        push_health=push_health,
        governor=BudgetGovernor(hass, entry, account, detail, allowance, push_health),
        usage=usage,
        options=MappingProxyType(dict(entry.options)),
    )
    entry.runtime_data.governor.async_start()

    @callback
    def _sync_registry() -> None:
        async_sync_device_registry(hass, entry)

    _sync_registry()
    entry.async_on_unload(account.async_add_listener(_sync_registry))
    # Detectors come and go with their hub's list (a detail topic).
    entry.async_on_unload(detail.async_add_listener(_sync_registry))

    @callback
    def _update_issues() -> None:
        async_update_verification_code_issues(hass, entry)

    _update_issues()
    entry.async_on_unload(account.async_add_listener(_update_issues))
    async_track_detector_renames(hass, entry)

    @callback
    def _new_period(spent: bool) -> None:
        quota = allowance.async_new_period()
        if not (quota or spent):
            return
        # Polling held back for the budget or the quota resumes now: after
        # a used-up quota the account cadence asks first, and the others
        # follow once it is accepted (``_resume``).
        for coordinator in (account,) if quota else (account, alarms):
            entry.async_create_background_task(
                hass, coordinator.async_request_refresh(), f"{DOMAIN} new period"
            )

    @callback
    def _resume() -> None:
        # The account cadence's check was accepted: the alarms, stretched
        # while the cloud refused calls, are read now, not an hour later.
        entry.async_create_background_task(
            hass, alarms.async_request_refresh(), f"{DOMAIN} resume"
        )

    entry.async_on_unload(usage.async_add_period_listener(_new_period))
    entry.async_on_unload(allowance.async_add_resume_listener(_resume))
    async_setup_push(hass, entry)
