"""Coordinators of the EZVIZ Open Platform integration, one per cadence.

The cloud meters every call per application (10007 daily quota, 10029
frequency limit), so what is read, and how often, is chosen by what it costs.

Account cadence (``AccountCoordinator``, default every 60 s)
    ``device/list``: one request per 50 devices. It carries online state,
    arming (``defence``), names, encryption and firmware versions for the
    whole account, so online state and arming are fresh within a minute.
    ``camera/list`` (channels, NVR channel state, cover pictures) changes
    rarely: it is read only when the device list shows a change (a device
    added, removed, renamed, re-encrypted or upgraded) and otherwise at most
    once an hour, one request per 50 channels.

Capabilities (``CapabilityStore``)
    ``device/capacity``, one request per device, only for a device seen for
    the first time or whose firmware version changed. The sets are kept in
    Home Assistant's storage, so a restart costs nothing here.

Detail cadence (``DetailCoordinator``, default every 60 min)
    Per online device, only the endpoints that some *enabled* entity of that
    device reads (entities register what they need when added). One request
    per device and endpoint; ``device/status/get`` alone serves privacy,
    alarm sound, battery, storage and cloud storage. Offline devices are
    skipped. After a command only the endpoint that command touched is read
    again, for that device alone. ``device/version/info`` (the latest
    firmware) is read at most once a day per device, and again when the
    device list shows a new installed version (``TOPIC_MAX_AGE``). An A1
    hub's ``detector/list`` is one of these endpoints, registered for every
    hub (``detectors.py``) so that new detectors are found: one per hub.

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

A rate or quota refusal keeps the last data, stretches every cadence from
5 minutes up to an hour, logs once and raises a repair issue until a call
succeeds again.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import EzvizOpenClient
from .api.device_config import SwitchType
from .api.errors import (
    EzvizApiError,
    EzvizAuthError,
    EzvizError,
    EzvizNotSupportedError,
    EzvizRateLimitError,
)
from .api.system import DeviceCapabilities, UpgradeState, UpgradeStatus
from .const import (
    CAMERA_LIST_MAX_AGE,
    DOMAIN,
    ISSUE_RATE_LIMITED,
    LOGGER,
    RATE_LIMIT_BACKOFF_MAX,
    RATE_LIMIT_BACKOFF_MIN,
)

if TYPE_CHECKING:
    from . import EzvizOpenConfigEntry
    from .api.devices import Camera, Device

#: How long to wait before asking again for a capability set that failed.
CAPABILITY_RETRY = timedelta(minutes=10)
_STORAGE_VERSION = 1


class RateLimitState:
    """The account's standing with the cloud's rate and quota limits.

    Shared by every coordinator of an entry: the limits are per application,
    so when one cadence is refused, all of them slow down.
    """

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Start in good standing."""
        self._hass = hass
        self._entry_id = entry_id
        self.backoff: timedelta | None = None

    @property
    def issue_id(self) -> str:
        """The repair issue raised while calls are refused."""
        return f"{ISSUE_RATE_LIMITED}_{self._entry_id}"

    @property
    def active(self) -> bool:
        """Whether the cloud is refusing calls."""
        return self.backoff is not None

    @callback
    def hit(self, err: EzvizRateLimitError) -> timedelta:
        """Record a refusal; return how long to wait before the next call."""
        if self.backoff is None:
            self.backoff = RATE_LIMIT_BACKOFF_MIN
            LOGGER.warning(
                "The EZVIZ cloud refused calls (%s); keeping the last known "
                "state and polling less often until it accepts them again",
                "daily quota used up" if err.is_quota else "call frequency limit",
            )
            ir.async_create_issue(
                self._hass,
                DOMAIN,
                self.issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="quota_exhausted" if err.is_quota else "rate_limited",
            )
        else:
            self.backoff = min(self.backoff * 2, RATE_LIMIT_BACKOFF_MAX)
        return self.backoff

    @callback
    def clear(self) -> None:
        """Record an accepted call: back to normal, and no issue.

        The issue is deleted even in good standing: one raised before a
        reload, or by a setup that is being retried, belongs to an earlier
        state of this entry, and an accepted call means its cause is gone.
        """
        if self.backoff is not None:
            self.backoff = None
            LOGGER.info("The EZVIZ cloud accepts calls again")
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)


class EzvizCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Base: turns client errors into coordinator outcomes.

    Authentication errors start reauth; rate and quota refusals keep the
    last data and back off; other failures are retried at the next cadence.
    """

    config_entry: EzvizOpenConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EzvizOpenConfigEntry,
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

    async def _async_update_data(self) -> DataT:
        try:
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
        self.update_interval = self.base_interval
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

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EzvizOpenConfigEntry,
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

    async def _async_fetch(self) -> AccountData:
        previous = self.data
        devices = {device.serial: device for device in await self.client.list_devices()}
        now = dt_util.utcnow()
        if previous is None or self._cameras_stale(previous, devices, now):
            cameras: dict[str, list[Camera]] = {}
            for camera in await self.client.list_cameras():
                cameras.setdefault(camera.serial, []).append(camera)
            for channels in cameras.values():
                channels.sort(key=lambda camera: camera.channel)
            data = AccountData(devices=devices, cameras=cameras, cameras_read=now)
        else:
            data = replace(previous, devices=devices)
        await self.capabilities.async_ensure(data.devices.values())
        return data

    @staticmethod
    def _cameras_stale(
        previous: AccountData, devices: dict[str, Device], now: datetime
    ) -> bool:
        if previous.cameras_read is None:
            return True
        if now - previous.cameras_read >= CAMERA_LIST_MAX_AGE:
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
    """Capability sets by serial, read once per firmware version and stored."""

    def __init__(
        self, hass: HomeAssistant, entry: EzvizOpenConfigEntry, client: EzvizOpenClient
    ) -> None:
        """Set up an empty cache backed by Home Assistant's storage."""
        self._client = client
        self._store = _capability_store(hass, entry.entry_id)
        self._sets: dict[str, DeviceCapabilities] = {}
        self._versions: dict[str, str | None] = {}
        self._retry_after: dict[str, datetime] = {}
        self._loaded = False

    def get(self, serial: str) -> DeviceCapabilities | None:
        """Return the capability set of a device, if known."""
        return self._sets.get(serial)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Every known set as received (for diagnostics)."""
        return {serial: dict(caps.raw) for serial, caps in self._sets.items()}

    async def _async_load(self) -> None:
        self._loaded = True
        stored = await self._store.async_load() or {}
        for serial, item in stored.items():
            self._sets[serial] = DeviceCapabilities.from_api(item.get("raw"))
            self._versions[serial] = item.get("version")

    async def async_ensure(self, devices: Iterable[Device]) -> None:
        """Read the sets of new devices and of devices with new firmware."""
        if not self._loaded:
            await self._async_load()
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
        changed = False
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
            self._sets[device.serial] = result
            self._versions[device.serial] = device.version
            self._retry_after.pop(device.serial, None)
            changed = True
        if changed:
            # Rare (new devices, new firmware): written at once.
            await self._store.async_save(self._data_to_save())

    def _data_to_save(self) -> dict[str, dict[str, Any]]:
        return {
            serial: {"version": self._versions.get(serial), "raw": dict(caps.raw)}
            for serial, caps in self._sets.items()
        }

    @callback
    def async_forget(self, serials: Iterable[str]) -> None:
        """Drop the sets of devices that left the account."""
        dropped = False
        for serial in serials:
            dropped |= self._sets.pop(serial, None) is not None
            self._versions.pop(serial, None)
        if dropped:
            self._store.async_delay_save(self._data_to_save, 1)


def _capability_store(
    hass: HomeAssistant, entry_id: str
) -> Store[dict[str, dict[str, Any]]]:
    return Store(hass, _STORAGE_VERSION, f"{DOMAIN}.{entry_id}.capabilities")


async def async_remove_capability_store(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's stored capability sets (the entry is being removed)."""
    await _capability_store(hass, entry_id).async_remove()


# -- detail --------------------------------------------------------------------


class DetailTopic(StrEnum):
    """A per-device endpoint an entity can need; one request each."""

    STATUS = "status"
    PROMPT_SOUND = "prompt_sound"
    SOUND_LOCALIZATION = "sound_localization"
    MICROPHONE = "microphone"
    INFRARED = "infrared"
    MOTION_LIGHT = "motion_light"
    FILL_LIGHT = "fill_light"
    CHIME = "chime"
    WORKING_MODE = "working_mode"
    INFO = "info"
    STORAGE = "storage"
    VERSION = "version"
    #: The detectors of an A1-type hub (``detector/list``, see ``detectors.py``).
    DETECTORS = "detectors"
    #: Not read by the cadence: set while a firmware upgrade is watched.
    UPGRADE = "upgrade"


type _Fetcher = Callable[[EzvizOpenClient, str], Awaitable[Any]]

DETAIL_FETCHERS: dict[DetailTopic, _Fetcher] = {
    DetailTopic.STATUS: lambda client, serial: client.get_device_status(serial),
    DetailTopic.PROMPT_SOUND: lambda client, serial: client.get_prompt_sound(serial),
    DetailTopic.SOUND_LOCALIZATION: (
        lambda client, serial: client.get_sound_localization(serial)
    ),
    DetailTopic.MICROPHONE: lambda client, serial: client.get_microphone(serial),
    DetailTopic.INFRARED: lambda client, serial: client.get_infrared(serial),
    DetailTopic.MOTION_LIGHT: (
        lambda client, serial: client.get_switch_status(
            serial, SwitchType.MOTION_TRIGGERED_LIGHT
        )
    ),
    DetailTopic.FILL_LIGHT: lambda client, serial: client.get_fill_light_mode(serial),
    DetailTopic.CHIME: lambda client, serial: client.get_chime(serial),
    DetailTopic.WORKING_MODE: lambda client, serial: client.get_timing_plan(serial),
    DetailTopic.INFO: lambda client, serial: client.get_device_info(serial),
    DetailTopic.STORAGE: lambda client, serial: client.get_format_status(serial),
    DetailTopic.VERSION: lambda client, serial: client.get_device_version(serial),
    DetailTopic.DETECTORS: lambda client, serial: client.list_detectors(serial),
    DetailTopic.UPGRADE: lambda client, serial: client.get_upgrade_status(serial),
}

#: Topics read less often than every detail round: at most once per this age
#: (the device list carries the installed firmware, so the latest version is
#: asked for once a day, and again when the installed version changes).
TOPIC_MAX_AGE: dict[DetailTopic, timedelta] = {
    DetailTopic.VERSION: timedelta(hours=24),
}

#: Topics that only commands read (never the cadence).
ON_DEMAND_TOPICS: frozenset[DetailTopic] = frozenset({DetailTopic.UPGRADE})

#: While a firmware upgrade runs, its progress is read this often, for at
#: most ``UPGRADE_WATCH_MAX`` (see ``DetailCoordinator.async_watch_upgrade``).
UPGRADE_POLL_INTERVAL = timedelta(seconds=30)
UPGRADE_WATCH_MAX = timedelta(minutes=30)

#: serial -> topic -> the last value read (the client's typed result).
type DetailData = dict[str, dict[DetailTopic, Any]]


class DetailCoordinator(EzvizCoordinator[DetailData]):
    """Per-device state, read only where an enabled entity needs it."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EzvizOpenConfigEntry,
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
        self._needs: Counter[tuple[str, DetailTopic]] = Counter()
        self._unsupported: set[tuple[str, DetailTopic]] = set()
        self._read_at: dict[tuple[str, DetailTopic], datetime] = {}
        self._upgrades: dict[str, CALLBACK_TYPE] = {}

    @callback
    def async_register(self, serial: str, topic: DetailTopic) -> CALLBACK_TYPE:
        """Record that an entity reads ``topic`` of ``serial``; return the undo."""
        key = (serial, topic)
        self._needs[key] += 1

        @callback
        def _unregister() -> None:
            self._needs[key] -= 1
            if self._needs[key] <= 0:
                del self._needs[key]

        return _unregister

    def needed(self, serial: str | None = None) -> set[tuple[str, DetailTopic]]:
        """Return the (serial, topic) pairs some enabled entity reads."""
        return {
            key
            for key in self._needs
            if (serial is None or key[0] == serial) and key not in self._unsupported
        }

    def value(self, serial: str, topic: DetailTopic) -> Any:
        """Return the last value read for ``topic`` of ``serial`` (None if never)."""
        return (self.data or {}).get(serial, {}).get(topic)

    def _device(self, serial: str) -> Device | None:
        data = self.account.data
        return data.devices.get(serial) if data is not None else None

    def _online(self, serial: str) -> bool:
        device = self._device(serial)
        return device is not None and device.online is not False

    def _due(self, key: tuple[str, DetailTopic], now: datetime) -> bool:
        """Whether the cadence should read ``key`` in this round."""
        serial, topic = key
        if topic in ON_DEMAND_TOPICS:
            return False
        max_age = TOPIC_MAX_AGE.get(topic)
        read_at = self._read_at.get(key)
        if max_age is None or read_at is None:
            return True
        if topic is DetailTopic.VERSION:
            # New firmware (the device list says so): the latest may be too.
            device = self._device(serial)
            version = self.value(serial, topic)
            if (
                device is not None
                and device.version is not None
                and getattr(version, "current", None) != device.version
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
            key for key in self.needed() if self._online(key[0]) and self._due(key, now)
        }
        return await self._async_read(keys)

    async def _async_read(self, keys: set[tuple[str, DetailTopic]]) -> DetailData:
        """Read ``keys`` concurrently; per-device failures keep the old value."""
        ordered = sorted(keys)
        results = await asyncio.gather(
            *(DETAIL_FETCHERS[topic](self.client, serial) for serial, topic in ordered),
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
        self, serial: str, topics: Iterable[DetailTopic] | None = None
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
    def async_set_value(self, serial: str, topic: DetailTopic, value: Any) -> None:
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
            DetailTopic.UPGRADE,
            UpgradeStatus(state=UpgradeState.UPGRADING, progress=0),
        )
        if serial in self._upgrades:
            return
        deadline = dt_util.utcnow() + UPGRADE_WATCH_MAX

        async def _poll(now: datetime) -> None:
            try:
                status: UpgradeStatus = await self.client.get_upgrade_status(serial)
            except EzvizAuthError:
                self._async_stop_watching(serial, keep=False)
                self.config_entry.async_start_reauth(self.hass)
                return
            except EzvizRateLimitError as err:
                self.rate_limit.hit(err)
                status = self.value(serial, DetailTopic.UPGRADE)
            except EzvizError as err:
                # Rebooting devices may not answer: keep the last progress.
                LOGGER.debug("Reading the upgrade of %s failed: %s", serial, err)
                status = self.value(serial, DetailTopic.UPGRADE)
            else:
                self.async_set_value(serial, DetailTopic.UPGRADE, status)
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
        if not keep and self.data.get(serial, {}).pop(DetailTopic.UPGRADE, None):
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
