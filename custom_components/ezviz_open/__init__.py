"""The EZVIZ Open Platform integration."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryError,
    ConfigEntryNotReady,
)
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .alarm_coordinator import AlarmCoordinator
from .api import EzvizOpenClient, TokenInfo
from .budget import CadenceKey
from .config_flow import base_url_for
from .const import (
    CONF_APP_KEY,
    CONF_APP_SECRET,
    CONF_TOKEN,
    DOMAIN,
    MAX_CONCURRENT_REQUESTS,
)
from .coordinator import (
    AccountCoordinator,
    CapabilityStore,
    DetailCoordinator,
    RateLimitState,
    async_remove_capability_store,
)
from .detectors import (
    async_delete_rename_issues,
    async_track_detector_renames,
    current_detector_identifiers,
    detector_device_infos,
)
from .entity import account_device_infos, current_identifiers
from .governor import BudgetGovernor, asked_intervals
from .push import async_setup_push
from .repairs import async_delete_issues, async_update_verification_code_issues
from .services import async_setup_services
from .usage import RequestCounter, async_remove_usage_store, format_time

if TYPE_CHECKING:
    from homeassistant.helpers.typing import ConfigType

PLATFORMS: list[Platform] = [
    Platform.ALARM_CONTROL_PANEL,
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CAMERA,
    Platform.EVENT,
    Platform.IMAGE,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.UPDATE,
]


CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


@dataclass
class EzvizOpenData:
    """What an entry holds while it is loaded."""

    client: EzvizOpenClient
    account: AccountCoordinator
    detail: DetailCoordinator
    capabilities: CapabilityStore
    rate_limit: RateLimitState
    alarms: AlarmCoordinator
    #: Keeps the cadences to the plan that fits the request budget.
    governor: BudgetGovernor
    #: Requests sent this budget period, by kind.
    usage: RequestCounter
    #: The options the entry was set up with (a change reloads the entry).
    options: MappingProxyType[str, Any]


type EzvizOpenConfigEntry = ConfigEntry[EzvizOpenData]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once, for every entry)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: EzvizOpenConfigEntry) -> bool:
    """Set up an EZVIZ Open Platform account."""

    @callback
    def _store_token(token: TokenInfo) -> None:
        # Kept with the entry so that a restart reuses it: minting costs quota.
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_TOKEN: token.as_dict()}
        )

    usage = RequestCounter(hass, entry.entry_id, entry.options)
    await usage.async_load()
    rate_limit = RateLimitState(hass, entry.entry_id, usage)

    @callback
    def _before_request(path: str) -> None:
        rate_limit.async_before_request(path)
        usage.async_count(path)

    client = EzvizOpenClient(
        async_get_clientsession(hass),
        entry.data[CONF_APP_KEY],
        entry.data[CONF_APP_SECRET],
        base_url=base_url_for(entry.data),
        token=TokenInfo.from_dict(entry.data.get(CONF_TOKEN) or {}),
        on_token=_store_token,
        on_request=_before_request,
        on_error=rate_limit.async_cloud_error,
        max_concurrent_requests=MAX_CONCURRENT_REQUESTS,
    )
    capabilities = CapabilityStore(hass, entry, client)
    # As asked; the governor stretches them if the budget is short.
    asked = asked_intervals(entry.options)
    account = AccountCoordinator(
        hass, entry, client, rate_limit, capabilities, asked[CadenceKey.DEVICE_LIST]
    )
    detail = DetailCoordinator(
        hass, entry, client, rate_limit, account, asked[CadenceKey.DETAIL]
    )
    if rate_limit.quota_until is not None and not usage.quota_check_due():
        # Used up before this setup (a restart, a reload): nothing is asked
        # until the hourly check is due; the retries until then cost nothing.
        usage.async_set_up_again_at_quota_check()
        await usage.async_unload()
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="quota_exhausted",
            translation_placeholders={"resets": format_time(rate_limit.quota_until)},
        )
    try:
        await account.async_config_entry_first_refresh()
    except (ConfigEntryAuthFailed, ConfigEntryError, ConfigEntryNotReady):
        # Retried as a new setup, with a new counter: this one's count first.
        usage.async_set_up_again_at_quota_check()
        await usage.async_unload()
        raise
    alarms = AlarmCoordinator(
        hass, entry, client, rate_limit, account, asked[CadenceKey.ALARMS]
    )
    # What already happened (no events): the last picture of each channel.
    await alarms.async_refresh()

    entry.runtime_data = EzvizOpenData(
        client=client,
        account=account,
        detail=detail,
        capabilities=capabilities,
        rate_limit=rate_limit,
        alarms=alarms,
        governor=BudgetGovernor(hass, entry, account, detail, alarms),
        usage=usage,
        options=MappingProxyType(dict(entry.options)),
    )
    entry.runtime_data.governor.async_start()

    @callback
    def _sync_registry() -> None:
        _async_sync_device_registry(hass, entry)

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
        quota = rate_limit.async_new_period()
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
    entry.async_on_unload(rate_limit.async_add_resume_listener(_resume))
    async_setup_push(hass, entry)

    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Entities have registered what they read: fetch it once now, in the
    # background, then at the detail cadence.
    entry.async_create_background_task(
        hass, detail.async_refresh(), f"{DOMAIN} first detail refresh"
    )
    return True


async def async_unload_entry(hass: HomeAssistant, entry: EzvizOpenConfigEntry) -> bool:
    """Unload an entry, and the issues that its next setup raises again if due."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.usage.async_unload()
        async_delete_issues(hass, entry.entry_id, keep_renames=True)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: EzvizOpenConfigEntry) -> None:
    """Delete what the entry stored besides itself."""
    async_delete_issues(hass, entry.entry_id)
    await async_remove_capability_store(hass, entry.entry_id)
    await async_remove_usage_store(hass, entry.entry_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: EzvizOpenConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Allow removing a device only once it left the account."""
    current = (
        current_identifiers(entry.runtime_data.account.data)
        | current_detector_identifiers(hass, entry)
        | {entry.entry_id}
    )
    return not any(
        domain == DOMAIN and identifier in current
        for domain, identifier in device.identifiers
    )


@callback
def _async_sync_device_registry(
    hass: HomeAssistant, entry: EzvizOpenConfigEntry
) -> None:
    """Register the account's devices, linking each child to its parent.

    Parents are registered first and children are linked by device id
    (``via_device_id``), so a channel or a detector never names a device that
    does not exist yet, whichever platform adds its entities first. Names and
    firmware follow the cloud. Devices that left the account are removed.
    """
    data = entry.runtime_data
    registry = dr.async_get(hass)
    device_ids: dict[str, str] = {}
    for info, parent in chain(
        account_device_infos(data.account.data), detector_device_infos(data)
    ):
        device = registry.async_get_or_create(config_entry_id=entry.entry_id, **info)
        for _domain, identifier in info["identifiers"]:
            device_ids[identifier] = device.id
        parent_id = device_ids.get(parent) if parent is not None else None
        if parent_id is not None and device.via_device_id != parent_id:
            registry.async_update_device(device.id, via_device_id=parent_id)

    current = (
        current_identifiers(data.account.data)
        | current_detector_identifiers(hass, entry)
        # The account's own device (account-wide entities).
        | {entry.entry_id}
    )
    gone: set[str] = set()
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        identifiers = {
            identifier for domain, identifier in device.identifiers if domain == DOMAIN
        }
        if identifiers and not identifiers & current:
            # The device is this entry's alone (removing the entry from a
            # shared device is deprecated from Home Assistant 2026.8).
            registry.async_remove_device(device.id)
            gone |= identifiers
    if gone:
        async_delete_rename_issues(hass, entry.entry_id, gone)
        data.capabilities.async_forget(gone)
        data.detail.async_forget(gone)
