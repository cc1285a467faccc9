"""Coordinators of the EZVIZ Open Platform integration, one per cadence.

The cloud meters every call per application (10007 daily quota, 10029
frequency limit), so what is read, and how often, is chosen by what it costs.
The intervals below are the defaults (``budget.CADENCES``); the budget
governor (``governor.py``) sets each cadence's interval, and the camera
list's maximum age, to the plan that fits the request budget.

Account cadence (``AccountCoordinator``, default every 60 s)
    ``device/list``: one request per 50 devices. It carries online state,
    arming (``defence``), names, encryption and firmware versions for the
    whole account, so online state and arming are fresh within a minute.
    ``camera/list`` (channels, NVR channel state, cover pictures) changes
    rarely: it is read only when the device list shows a change (a device
    added, removed, renamed, re-encrypted or upgraded) and otherwise once an
    hour (``camera_list_max_age``), one request per 50 channels.

Capabilities (``CapabilityStore``)
    ``device/capacity``, one request per device, only for a device seen for
    the first time or whose firmware version changed. Right after it, a
    feature the reference's capability table names no flag for is decided
    by its endpoint (a probe, ``PROBE_APPLIES``): the fill light
    (``fillLight/mode/get``), voice prompts (``sound/switch/status``) and
    the working mode (``timing/plan/get``), one request each per
    single-channel camera (not hubs, not recorders), made when the device
    is online. Both are kept in Home Assistant's storage, so a restart
    costs nothing here; a probe that fails (offline, rate limit, server
    error) is asked again 10 minutes later, not remembered.

Detail cadence (``DetailCoordinator``, default every 60 min)
    Per online device, only the endpoints that some *enabled* entity of that
    device reads (entities register what they need when added). One request
    per device and endpoint; ``device/status/get`` alone serves privacy,
    alarm sound, battery, storage and cloud storage. Offline devices are
    skipped. After a command only the endpoint that command touched is read
    again, for that device alone. ``device/version/info`` (the latest
    firmware) is read at most once a day per device, and again when the
    device list shows a new installed version (``TOPIC_VERSION``). An A1
    hub's ``detector/list`` is one of these endpoints, registered for every
    hub (``detectors.py``) so that new detectors are found: one per hub.
    Each endpoint is a topic, declared once in ``topics.py`` with its reader,
    its type and how often it may be read.

Firmware upgrades
    Only while an upgrade started from Home Assistant runs:
    ``device/upgrade/status`` every 30 s, for 30 minutes at most.

Requests per day at default options, for ``n`` devices (``c`` channels) of
which each has ``k`` detail endpoints in use by default-enabled entities
(``k`` is 0-4 for the demo mix: status, microphone, infrared and fill light
for a PTZ camera; status and the detector list for an A1 hub), and ``u``
that can be upgraded::

    account   1440 * ceil(n / 50)            device/list every 60 s
    cameras     24 * ceil(c / 50)            hourly (plus one per change)
    detail      24 * n * k                   hourly
    versions     u                            daily
    token        1 / 7                        a token lives 7 days

    demo fleet (7 devices, 15 detail endpoints, 6 online upgradable):
        1440 + 24 + 360 + 6 = 1,830 per day
    10 devices, k = 4:  1440 + 24 + 960 + 10 = 2,434 per day (< 3,000)
    each further device: 24 * k + 1 <= 97 per day (< 250)

A frequency refusal (10029) keeps the last data, stretches every cadence
from 5 minutes up to an hour, logs once and raises a repair issue until a
call succeeds again. A used-up quota (10007) stops every request until the
budget period ends but for an hourly check (``RateLimitState``), and once
the period's polling allowance is spent only the device list is polled, at
its floor (``usage.py``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api._parse import as_int
from .api.errors import (
    EzvizApiError,
    EzvizAuthError,
    EzvizError,
    EzvizNotSupportedError,
    EzvizRateLimitError,
)
from .api.system import DeviceCapabilities, Probe, UpgradeState, UpgradeStatus
from .budget import CADENCES, CadenceKey
from .const import (
    DOMAIN,
    ISSUE_RATE_LIMITED,
    LOGGER,
    QUOTA_CHECK_INTERVAL,
    RATE_LIMIT_BACKOFF_MAX,
    RATE_LIMIT_BACKOFF_MIN,
)
from .topics import TOPIC_UPGRADE, DetailTopic
from .usage import (
    KIND_CAPABILITIES,
    KIND_OTHER,
    QuotaUsedUpError,
    RequestCounter,
    counting_as,
    current_kind,
    format_time,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.config_entries import ConfigEntry

    from .api import EzvizOpenClient
    from .api.devices import Camera, Device

#: How long to wait before asking again for a capability set that failed.
CAPABILITY_RETRY = timedelta(minutes=10)
_STORAGE_VERSION = 1


class RateLimitState:
    """The account's standing with the cloud's rate and quota limits.

    Shared by every coordinator of an entry: the limits are per application,
    so when one cadence is refused, all of them slow down. A frequency
    refusal (10029) backs off from 5 minutes to an hour. A used-up quota
    (10007) stops every request until the budget period ends (``usage.py``;
    the assumed reset), but for the account cadence's hourly check, and
    refuses actions at once with the time it resets.
    """

    def __init__(
        self, hass: HomeAssistant, entry_id: str, usage: RequestCounter
    ) -> None:
        """Start in good standing."""
        self._hass = hass
        self._entry_id = entry_id
        self.usage = usage
        self.backoff: timedelta | None = None
        self._resume_listeners: list[Callable[[], None]] = []
        if usage.quota_until is not None:
            # Used up before a restart or reload, within this period.
            self.backoff = QUOTA_CHECK_INTERVAL
            self._async_quota_issue(usage.quota_until)

    @property
    def quota_until(self) -> datetime | None:
        """While the quota is used up: when it is assumed to reset."""
        return self.usage.quota_until

    @property
    def issue_id(self) -> str:
        """The repair issue raised while calls are refused."""
        return f"{ISSUE_RATE_LIMITED}_{self._entry_id}"

    @property
    def active(self) -> bool:
        """Whether the cloud is refusing calls."""
        return self.backoff is not None

    @property
    def polling_spent(self) -> bool:
        """Whether polling is held back: the period's allowance is used."""
        return self.usage.polling_spent()

    @callback
    def hit(self, err: EzvizRateLimitError) -> timedelta:
        """Record a refusal; return how long to wait before the next call."""
        if err.is_quota:
            return self._quota_used_up()
        if self.backoff is None:
            self.backoff = RATE_LIMIT_BACKOFF_MIN
            LOGGER.warning(
                "The EZVIZ cloud refused calls (call frequency limit); keeping "
                "the last known state and polling less often until it accepts "
                "them again"
            )
            ir.async_create_issue(
                self._hass,
                DOMAIN,
                self.issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="rate_limited",
            )
        else:
            self.backoff = min(self.backoff * 2, RATE_LIMIT_BACKOFF_MAX)
        return self.backoff

    @callback
    def _quota_used_up(self) -> timedelta:
        self.backoff = QUOTA_CHECK_INTERVAL
        first = self.usage.quota_until is None
        until = self.usage.quota_until or self.usage.period_end
        self.usage.async_set_quota(until)
        if first:
            LOGGER.warning(
                "The EZVIZ cloud refused calls (call quota used up); keeping the "
                "last known state and asking nothing more of it until %s, but "
                "for one check every %s",
                until,
                QUOTA_CHECK_INTERVAL,
            )
            self._async_quota_issue(until)
        return self.backoff

    @callback
    def _async_quota_issue(self, until: datetime) -> None:
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="quota_exhausted",
            translation_placeholders={"resets": format_time(until)},
        )

    @callback
    def async_cloud_error(self, err: EzvizApiError) -> None:
        """Notice a used-up quota whoever was refused (the client's ``on_error``)."""
        if isinstance(err, EzvizRateLimitError) and err.is_quota:
            self.hit(err)

    @callback
    def async_before_request(self, path: str) -> None:
        """Refuse to send while the quota is used up (the client's ``on_request``).

        Only the account cadence goes through: its first request is the
        hourly check, and what follows it only when the check was accepted.
        """
        if self.quota_until is not None and current_kind() not in _CHECK_KINDS:
            raise QuotaUsedUpError(self.quota_until, path)

    @callback
    def async_new_period(self) -> bool:
        """Assume the quota reset with the new budget period; return if it was used up.

        Requests may go out again, but the cadences stay held back and the
        issue stays until the account cadence's next call is accepted
        (``clear``), which brings the others back (resume listeners).
        """
        if self.quota_until is None:
            return False
        self.usage.async_set_quota(None)
        return True

    @callback
    def async_add_resume_listener(self, resume: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``resume`` when the cloud accepts calls again; return the undo."""
        self._resume_listeners.append(resume)
        return lambda: self._resume_listeners.remove(resume)

    @callback
    def clear(self) -> None:
        """Record an accepted call: back to normal, and no issue.

        The issue is deleted even in good standing: one raised before a
        reload, or by a setup that is being retried, belongs to an earlier
        state of this entry, and an accepted call means its cause is gone.
        """
        if self.quota_until is not None:
            self.usage.async_set_quota(None)
        if self.backoff is not None:
            self.backoff = None
            LOGGER.info("The EZVIZ cloud accepts calls again")
            for resume in list(self._resume_listeners):
                resume()
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)


#: The kinds sent while the quota is used up (the account cadence's check).
_CHECK_KINDS = frozenset(
    {CadenceKey.DEVICE_LIST, CadenceKey.CAMERA_LIST, KIND_CAPABILITIES}
)


class EzvizCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Base: turns client errors into coordinator outcomes.

    Authentication errors start reauth; rate and quota refusals keep the
    last data and back off; other failures are retried at the next cadence.
    """

    config_entry: ConfigEntry
    #: What this cadence's requests are counted as (usage.py).
    request_kind: str = KIND_OTHER

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: EzvizOpenClient,
        rate_limit: RateLimitState,
        *,
        name: str,
        interval: timedelta,
    ) -> None:
        """Set up a cadence."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=name,
            update_interval=interval,
        )
        self.client = client
        self.rate_limit = rate_limit
        self.base_interval = interval

    async def _async_fetch(self) -> DataT:
        """Read this cadence's data from the cloud."""
        raise NotImplementedError

    @property
    def polling_interval(self) -> timedelta:
        """The interval while the cloud accepts calls."""
        return self.base_interval

    async def _async_update_data(self) -> DataT:
        try:
            with counting_as(self.request_kind):
                data = await self._async_fetch()
        except EzvizAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except EzvizRateLimitError as err:
            self.update_interval = max(self.base_interval, self.rate_limit.hit(err))
            if self.data is None:
                raise UpdateFailed(
                    translation_domain=DOMAIN, translation_key="rate_limited"
                ) from err
            return self.data
        except EzvizError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        self.update_interval = self.polling_interval
        self.rate_limit.clear()
        return data


# -- account -------------------------------------------------------------------


@dataclass(frozen=True)
class AccountData:
    """The account's devices and channels, from the two list endpoints."""

    devices: dict[str, Device] = field(default_factory=dict)
    #: Channels by device serial, in channel order.
    cameras: dict[str, list[Camera]] = field(default_factory=dict)
    cameras_read: datetime | None = None

    def channels(self, serial: str) -> list[Camera]:
        """Return the configured channels of a device (unconfigured NVR inputs dropped)."""
        return [
            camera
            for camera in self.cameras.get(serial, [])
            if not (camera.name == serial and camera.online is False)
            or len(self.cameras.get(serial, [])) == 1
        ]

    def is_multichannel(self, serial: str) -> bool:
        """Whether the device has channels of its own (an NVR, a door station)."""
        return len(self.cameras.get(serial, [])) > 1

    def camera(self, serial: str, channel: int) -> Camera | None:
        """One channel of a device."""
        for camera in self.cameras.get(serial, []):
            if camera.channel == channel:
                return camera
        return None


def _list_signature(device: Device) -> tuple[Any, ...]:
    """Return what, when it changes, makes the camera list worth reading again."""
    return (device.name, device.encrypted, device.version)


class AccountCoordinator(EzvizCoordinator[AccountData]):
    """Device and camera lists for the whole account (see the module docstring)."""

    request_kind = CadenceKey.DEVICE_LIST

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: EzvizOpenClient,
        rate_limit: RateLimitState,
        capabilities: CapabilityStore,
        interval: timedelta,
    ) -> None:
        """Set up the account cadence."""
        super().__init__(
            hass, entry, client, rate_limit, name="EZVIZ account", interval=interval
        )
        self.capabilities = capabilities
        #: Devices whose online state the last poll changed (not a push):
        #: while push is healthy, one means push missed it (``governor.py``).
        self.polled_presence_changes: frozenset[str] = frozenset()
        #: The camera list is read again at least this often (the budget
        #: governor stretches it when the budget is short).
        self.camera_list_max_age = CADENCES[CadenceKey.CAMERA_LIST].default

    async def _async_fetch(self) -> AccountData:
        previous = self.data
        self.polled_presence_changes = frozenset()
        devices = {device.serial: device for device in await self.client.list_devices()}
        if previous is not None:
            self.polled_presence_changes = frozenset(
                serial
                for serial, device in devices.items()
                if serial in previous.devices
                and device.online != previous.devices[serial].online
            )
        if previous is not None and self.rate_limit.polling_spent:
            # The period's polling allowance is used: the device list alone
            # (online state, arming), at its floor, until the period ends.
            return replace(previous, devices=devices)
        now = dt_util.utcnow()
        if previous is None or self._cameras_stale(previous, devices, now):
            cameras: dict[str, list[Camera]] = {}
            with counting_as(CadenceKey.CAMERA_LIST):
                listed = await self.client.list_cameras()
            for camera in listed:
                cameras.setdefault(camera.serial, []).append(camera)
            for channels in cameras.values():
                channels.sort(key=lambda camera: camera.channel)
            data = AccountData(devices=devices, cameras=cameras, cameras_read=now)
        else:
            data = replace(previous, devices=devices)
        with counting_as(KIND_CAPABILITIES):
            await self.capabilities.async_ensure(data)
        return data

    @property
    def polling_interval(self) -> timedelta:
        """The interval, stretched to the device list's floor while the budget is spent."""
        if self.rate_limit.polling_spent:
            return max(self.base_interval, CADENCES[CadenceKey.DEVICE_LIST].floor)
        return self.base_interval

    def _cameras_stale(
        self, previous: AccountData, devices: dict[str, Device], now: datetime
    ) -> bool:
        if previous.cameras_read is None:
            return True
        if now - previous.cameras_read >= self.camera_list_max_age:
            return True
        if devices.keys() != previous.devices.keys():
            return True
        return any(
            _list_signature(device) != _list_signature(previous.devices[serial])
            or (
                previous.is_multichannel(serial)
                and device.online != previous.devices[serial].online
            )
            for serial, device in devices.items()
        )

    @callback
    def async_set_device(self, serial: str, **changes: Any) -> None:
        """Show a successful command at once; the next poll confirms it.

        The device list carries arming and encryption, so confirming costs no
        extra request.
        """
        if self.data is None or (device := self.data.devices.get(serial)) is None:
            return
        devices = {**self.data.devices, serial: replace(device, **changes)}
        self.data = replace(self.data, devices=devices)
        self.polled_presence_changes = frozenset()
        self.async_update_listeners()

    def encryptable_devices(self) -> dict[str, str]:
        """Return serial -> name of the devices that encrypt video or can."""
        return {
            serial: device.name or serial
            for serial, device in sorted(self.data.devices.items())
            if device.encrypted
            or (
                (caps := self.capabilities.get(serial)) is not None
                and caps.support_encrypt
            )
        }


# -- capabilities --------------------------------------------------------------


class CapabilityStore:
    """Capability sets by serial, read once per firmware version and stored.

    A feature the reference's capability table names no flag for (a
    :class:`Probe`) is decided by asking its endpoint, right after the set
    is read, for the devices of a kind that can have it (``PROBE_APPLIES``),
    when they are online. The answer ("has it" or "not supported") is kept
    with the set; an error that is no answer (offline, rate limit, a server
    error) is not, and the probe is asked again ``CAPABILITY_RETRY`` later.
    A new firmware version asks again; meanwhile the previous answer stands,
    so no entity comes or goes on a failed probe.
    """

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: EzvizOpenClient
    ) -> None:
        """Set up an empty cache backed by Home Assistant's storage."""
        self._client = client
        self._store = _capability_store(hass, entry.entry_id)
        self._sets: dict[str, DeviceCapabilities] = {}
        self._versions: dict[str, str | None] = {}
        self._retry_after: dict[str, datetime] = {}
        self._probe_retry_after: dict[str, datetime] = {}
        self._loaded = False
        self._dirty = False

    def get(self, serial: str) -> DeviceCapabilities | None:
        """Return the capability set of a device, if known."""
        return self._sets.get(serial)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Every known set as received (for diagnostics)."""
        return {serial: dict(caps.raw) for serial, caps in self._sets.items()}

    def probes_as_dict(self) -> dict[str, dict[str, bool]]:
        """Every probe answer by serial (for diagnostics)."""
        return {
            serial: {probe: probe in caps.features for probe in sorted(caps.probed)}
            for serial, caps in self._sets.items()
            if caps.probed
        }

    async def _async_load(self) -> None:
        self._loaded = True
        stored = await self._store.async_load() or {}
        for serial, item in stored.items():
            self._sets[serial] = replace(
                DeviceCapabilities.from_api(item.get("raw")),
                features=_stored_probes(item.get("features")),
                probed=_stored_probes(item.get("probed")),
            )
            self._versions[serial] = item.get("version")

    async def async_ensure(self, account: AccountData) -> None:
        """Read the sets of new devices and of devices with new firmware; probe."""
        if not self._loaded:
            await self._async_load()
        try:
            await self._async_read_sets(account.devices.values())
            await self._async_probe(account)
        finally:
            if self._dirty:
                # Rare (new devices, new firmware): written at once.
                self._dirty = False
                await self._store.async_save(self._data_to_save())

    async def _async_read_sets(self, devices: Iterable[Device]) -> None:
        now = dt_util.utcnow()
        wanted = [
            device
            for device in devices
            if (
                device.serial not in self._sets
                or self._versions.get(device.serial) != device.version
            )
            and self._retry_after.get(device.serial, now) <= now
        ]
        if not wanted:
            return
        results = await asyncio.gather(
            *(self._client.get_device_capabilities(d.serial) for d in wanted),
            return_exceptions=True,
        )
        for device, result in zip(wanted, results, strict=True):
            if isinstance(result, EzvizAuthError | EzvizRateLimitError):
                raise result
            if isinstance(result, BaseException):
                if not isinstance(result, EzvizError):
                    raise result
                LOGGER.debug(
                    "Capabilities of %s not available yet: %s", device.serial, result
                )
                self._retry_after[device.serial] = now + CAPABILITY_RETRY
                continue
            previous = self._sets.get(device.serial)
            # Until the new firmware's probes answer, the old answers stand.
            self._sets[device.serial] = (
                result
                if previous is None
                else replace(result, features=previous.features)
            )
            self._versions[device.serial] = device.version
            self._retry_after.pop(device.serial, None)
            self._dirty = True

    async def _async_probe(self, account: AccountData) -> None:
        """Ask the probes not yet answered for the current sets."""
        now = dt_util.utcnow()
        wanted = [
            (serial, probe)
            for serial, device in account.devices.items()
            if device.online is not False
            and (caps := self._sets.get(serial)) is not None
            and self._probe_retry_after.get(serial, now) <= now
            for probe, applies in PROBE_APPLIES.items()
            if probe not in caps.probed and applies(account, serial, caps)
        ]
        if not wanted:
            return
        results = await asyncio.gather(
            *(self._client.probe(serial, probe) for serial, probe in wanted),
            return_exceptions=True,
        )
        auth_error: EzvizAuthError | None = None
        for (serial, probe), result in zip(wanted, results, strict=True):
            if isinstance(result, EzvizAuthError):
                auth_error = auth_error or result
                continue
            if isinstance(result, BaseException):
                if not isinstance(result, EzvizError):
                    raise result
                # No answer about the device: not remembered, asked again later.
                LOGGER.debug("Probe %s of %s not answered: %s", probe, serial, result)
                self._probe_retry_after[serial] = now + CAPABILITY_RETRY
                continue
            self._sets[serial] = self._sets[serial].answered(probe, supported=result)
            self._dirty = True
        if auth_error is not None:
            raise auth_error

    def _data_to_save(self) -> dict[str, dict[str, Any]]:
        return {
            serial: {
                "version": self._versions.get(serial),
                "raw": dict(caps.raw),
                "features": sorted(caps.features),
                "probed": sorted(caps.probed),
            }
            for serial, caps in self._sets.items()
        }

    @callback
    def async_forget(self, serials: Iterable[str]) -> None:
        """Drop the sets of devices that left the account."""
        dropped = False
        for serial in serials:
            dropped |= self._sets.pop(serial, None) is not None
            self._versions.pop(serial, None)
            self._probe_retry_after.pop(serial, None)
        if dropped:
            self._store.async_delay_save(self._data_to_save, 1)


def _stored_probes(value: Any) -> frozenset[Probe]:
    """Probe names as stored, those this version knows."""
    known = {probe.value for probe in Probe}
    names = value if isinstance(value, list) else []
    return frozenset(Probe(name) for name in names if name in known)


def _own_camera(account: AccountData, serial: str, caps: DeviceCapabilities) -> bool:
    """Whether a device is a camera of its own: exactly one video channel.

    Not an alarm hub (no video; ``support_protection_mode`` 1 is the
    reference's "protection mode only", the A1), not a recorder (an NVR's
    channels are other devices' cameras, and the probed endpoints take no
    channel).
    """
    return (
        len(account.cameras.get(serial, [])) == 1
        and as_int(caps.value("support_protection_mode")) != 1
    )


#: For each probe, the devices that can have the feature (the others are
#: never asked, so they cost nothing).
PROBE_APPLIES: dict[Probe, Callable[[AccountData, str, DeviceCapabilities], bool]] = {
    Probe.FILL_LIGHT: _own_camera,
    Probe.PROMPT_SOUND: _own_camera,
    Probe.WORKING_MODE: _own_camera,
}


def _capability_store(
    hass: HomeAssistant, entry_id: str
) -> Store[dict[str, dict[str, Any]]]:
    return Store(hass, _STORAGE_VERSION, f"{DOMAIN}.{entry_id}.capabilities")


async def async_remove_capability_store(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's stored capability sets (the entry is being removed)."""
    await _capability_store(hass, entry_id).async_remove()


# -- detail --------------------------------------------------------------------


#: While a firmware upgrade runs, its progress is read this often, for at
#: most ``UPGRADE_WATCH_MAX`` (see ``DetailCoordinator.async_watch_upgrade``).
UPGRADE_POLL_INTERVAL = timedelta(seconds=30)
UPGRADE_WATCH_MAX = timedelta(minutes=30)

#: serial -> topic -> the last value read (the client's typed result, the
#: topic's ``T``: ``DetailCoordinator.value`` gives it back with its type).
type DetailData = dict[str, dict[DetailTopic[Any], object]]
#: One endpoint of one device.
type DetailKey = tuple[str, DetailTopic[Any]]


class DetailCoordinator(EzvizCoordinator[DetailData]):
    """Per-device state, read only where an enabled entity needs it."""

    request_kind = CadenceKey.DETAIL

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: EzvizOpenClient,
        rate_limit: RateLimitState,
        account: AccountCoordinator,
        interval: timedelta,
    ) -> None:
        """Set up the detail cadence."""
        super().__init__(
            hass,
            entry,
            client,
            rate_limit,
            name="EZVIZ device detail",
            interval=interval,
        )
        self.account = account
        self.data = {}
        self._needs: Counter[DetailKey] = Counter()
        self._unsupported: set[DetailKey] = set()
        self._read_at: dict[DetailKey, datetime] = {}
        self._upgrades: dict[str, CALLBACK_TYPE] = {}
        #: Called when what entities read changes (the budget plans again).
        self.on_needs_change: Callable[[], None] | None = None

    @callback
    def async_register(self, serial: str, topic: DetailTopic[Any]) -> CALLBACK_TYPE:
        """Record that an entity reads ``topic`` of ``serial``; return the undo."""
        key: DetailKey = (serial, topic)
        self._needs[key] += 1
        if self._needs[key] == 1 and self.on_needs_change is not None:
            self.on_needs_change()

        @callback
        def _unregister() -> None:
            self._needs[key] -= 1
            if self._needs[key] <= 0:
                del self._needs[key]
                if self.on_needs_change is not None:
                    self.on_needs_change()

        return _unregister

    def needed(self, serial: str | None = None) -> set[DetailKey]:
        """Return the (serial, topic) pairs some enabled entity reads."""
        return {
            key
            for key in self._needs
            if (serial is None or key[0] == serial) and key not in self._unsupported
        }

    def value[T](self, serial: str, topic: DetailTopic[T]) -> T | None:
        """Return the last value read for ``topic`` of ``serial`` (None if never)."""
        # Only _async_read (the topic's own reader) and async_set_value (typed
        # by the topic) store values, so the one under ``topic`` is a T.
        return cast("T | None", (self.data or {}).get(serial, {}).get(topic))

    def _device(self, serial: str) -> Device | None:
        data = self.account.data
        return data.devices.get(serial) if data is not None else None

    def _online(self, serial: str) -> bool:
        device = self._device(serial)
        return device is not None and device.online is not False

    def _due[T](self, serial: str, topic: DetailTopic[T], now: datetime) -> bool:
        """Whether the cadence should read ``topic`` of ``serial`` in this round."""
        max_age = topic.max_age
        read_at = self._read_at.get((serial, topic))
        if max_age is None or read_at is None:
            return True
        device = self._device(serial)
        value = self.value(serial, topic)
        if (
            topic.stale_fn is not None
            and device is not None
            and value is not None
            and topic.stale_fn(device, value)
        ):
            return True
        # Half a round of slack, so that a daily topic is read once a day.
        return now - read_at >= max_age - self.base_interval / 2

    async def _async_update_data(self) -> DetailData:
        if self.rate_limit.active:
            # The account cadence probes the cloud while it refuses calls; a
            # whole round now would only be refused too, request by request.
            return self.data
        return await super()._async_update_data()

    async def _async_fetch(self) -> DetailData:
        now = dt_util.utcnow()
        keys = {
            key
            for key in self.needed()
            if self._online(key[0]) and self._due(*key, now)
        }
        if self.rate_limit.polling_spent:
            # The budget is spent: only what was never read (after a
            # restart, an entity just enabled), so no entity is left
            # without a state; nothing is read again until the period ends.
            keys = {key for key in keys if key not in self._read_at}
        return await self._async_read(keys)

    async def _async_read(self, keys: set[DetailKey]) -> DetailData:
        """Read ``keys`` concurrently; per-device failures keep the old value."""
        ordered = sorted(keys, key=lambda key: (key[0], key[1].key))
        results = await asyncio.gather(
            *(topic.read(self.client, serial) for serial, topic in ordered),
            return_exceptions=True,
        )
        data: DetailData = {
            serial: dict(values) for serial, values in (self.data or {}).items()
        }
        first_transport_error: EzvizError | None = None
        successes = 0
        for (serial, topic), result in zip(ordered, results, strict=True):
            if isinstance(result, EzvizAuthError | EzvizRateLimitError):
                raise result
            if isinstance(result, EzvizNotSupportedError):
                LOGGER.debug("%s does not support %s; not asking again", serial, topic)
                self._unsupported.add((serial, topic))
                continue
            if isinstance(result, EzvizApiError):
                # Offline, busy, not found: this device only; keep its last value.
                LOGGER.debug("Reading %s of %s failed: %s", topic, serial, result)
                continue
            if isinstance(result, EzvizError):
                first_transport_error = first_transport_error or result
                continue
            if isinstance(result, BaseException):
                raise result
            data.setdefault(serial, {})[topic] = result
            self._read_at[serial, topic] = dt_util.utcnow()
            successes += 1
        if first_transport_error is not None and not successes:
            raise first_transport_error
        return data

    async def async_refresh_device(
        self, serial: str, topics: Iterable[DetailTopic[Any]] | None = None
    ) -> None:
        """Read again what a command touched, for one device, and notify.

        Does not move the cadence's schedule.
        """
        wanted = set(topics) if topics is not None else None
        keys = {
            key for key in self.needed(serial) if wanted is None or key[1] in wanted
        }
        if not keys:
            return
        try:
            self.data = await self._async_read(keys)
        except EzvizAuthError:
            self.config_entry.async_start_reauth(self.hass)
            return
        except EzvizRateLimitError as err:
            self.rate_limit.hit(err)
            return
        except EzvizError as err:
            LOGGER.debug("Refreshing %s after a command failed: %s", serial, err)
            return
        self.async_update_listeners()

    @callback
    def async_set_value[T](self, serial: str, topic: DetailTopic[T], value: T) -> None:
        """Show the result of a successful command at once."""
        self.data.setdefault(serial, {})[topic] = value
        self.async_update_listeners()

    @callback
    def async_watch_upgrade(self, serial: str) -> None:
        """Follow a firmware upgrade that was just started, until it ends.

        Its progress (``device/upgrade/status``) is read every
        ``UPGRADE_POLL_INTERVAL`` while it runs, and for no longer than
        ``UPGRADE_WATCH_MAX``: the only requests this integration makes that
        grow with the duration of a command, and only while a user-started
        upgrade lasts.
        """
        self.async_set_value(
            serial,
            TOPIC_UPGRADE,
            UpgradeStatus(state=UpgradeState.UPGRADING, progress=0),
        )
        if serial in self._upgrades:
            return
        deadline = dt_util.utcnow() + UPGRADE_WATCH_MAX

        async def _poll(now: datetime) -> None:
            status: UpgradeStatus | None
            try:
                with counting_as(KIND_OTHER):
                    status = await TOPIC_UPGRADE.read(self.client, serial)
            except EzvizAuthError:
                self._async_stop_watching(serial, keep=False)
                self.config_entry.async_start_reauth(self.hass)
                return
            except EzvizRateLimitError as err:
                self.rate_limit.hit(err)
                status = self.value(serial, TOPIC_UPGRADE)
            except EzvizError as err:
                # Rebooting devices may not answer: keep the last progress.
                LOGGER.debug("Reading the upgrade of %s failed: %s", serial, err)
                status = self.value(serial, TOPIC_UPGRADE)
            else:
                self.async_set_value(serial, TOPIC_UPGRADE, status)
            if status is not None and status.state is UpgradeState.FAILED:
                LOGGER.warning("The firmware upgrade of %s failed", serial)
            if status is not None and status.state in (
                UpgradeState.UPGRADED,
                UpgradeState.FAILED,
            ):
                self._async_stop_watching(serial, keep=True)
                if status.state is UpgradeState.UPGRADED:
                    # The device list shows the new version (and the
                    # capabilities are read again for it): now, not in a minute.
                    await self.account.async_request_refresh()
            elif now >= deadline:
                LOGGER.warning(
                    "The firmware upgrade of %s did not finish within %s; "
                    "no longer following it",
                    serial,
                    UPGRADE_WATCH_MAX,
                )
                self._async_stop_watching(serial, keep=False)

        self._upgrades[serial] = async_track_time_interval(
            self.hass,
            _poll,
            UPGRADE_POLL_INTERVAL,
            name=f"{DOMAIN} upgrade of {serial}",
            cancel_on_shutdown=True,
        )

    @callback
    def _async_stop_watching(self, serial: str, *, keep: bool) -> None:
        if (cancel := self._upgrades.pop(serial, None)) is not None:
            cancel()
        if not keep and self.data.get(serial, {}).pop(TOPIC_UPGRADE, None):
            self.async_update_listeners()

    def upgrading(self, serial: str) -> bool:
        """Whether an upgrade of ``serial`` is being followed."""
        return serial in self._upgrades

    async def async_shutdown(self) -> None:
        """Stop following upgrades (the entry unloads)."""
        await super().async_shutdown()
        for cancel in self._upgrades.values():
            cancel()
        self._upgrades.clear()

    @callback
    def async_forget(self, serials: Iterable[str]) -> None:
        """Drop the state of devices that left the account."""
        serials = set(serials)
        for serial in serials:
            self.data.pop(serial, None)
            if (cancel := self._upgrades.pop(serial, None)) is not None:
                cancel()
        self._read_at = {
            key: value for key, value in self._read_at.items() if key[0] not in serials
        }
