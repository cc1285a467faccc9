"""The detail cadence: per-device state, read only where an entity needs it.

Per online device, only the endpoints that some *enabled* entity of that
device reads (entities register what they need when added). One request per
device and endpoint; ``device/status/get`` alone serves privacy, alarm
sound, battery, storage and cloud storage. Offline devices are skipped.
After a command only the endpoint that command touched is read again, for
that device alone. ``device/version/info`` (the latest firmware) is read at
most once a day per device, and again when the device list shows a new
installed version (``TOPIC_VERSION``). An A1 hub's ``detector/list`` is one
of these endpoints, registered for every hub (``detectors.py``) so that new
detectors are found: one per hub. Each endpoint is a topic, declared once in
``topics.py`` with its reader, its type and how often it may be read.

Firmware upgrades: only while an upgrade started from Home Assistant runs,
``device/upgrade/status`` every 30 s, for 30 minutes at most.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from ..api.errors import (
    EzvizApiError,
    EzvizAuthError,
    EzvizError,
    EzvizNotSupportedError,
    EzvizRateLimitError,
)
from ..api.system import UpgradeState, UpgradeStatus
from ..const import DOMAIN, LOGGER
from ..listeners import Listeners
from ..metering.planner import CadenceKey
from ..metering.usage import KIND_OTHER, counting_as
from ..topics import TOPIC_UPGRADE, DetailTopic
from .base import EzvizCoordinator

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.config_entries import ConfigEntry

    from ..api import EzvizOpenClient
    from ..api.devices import Device
    from ..metering.allowance import Allowance
    from .account import AccountCoordinator


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

    cadence = CadenceKey.DETAIL

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: EzvizOpenClient,
        allowance: Allowance,
        account: AccountCoordinator,
    ) -> None:
        """Set up the detail cadence."""
        super().__init__(hass, entry, client, allowance, name="EZVIZ device detail")
        self.account = account
        self.data = {}
        self._needs: Counter[DetailKey] = Counter()
        self._unsupported: set[DetailKey] = set()
        self._read_at: dict[DetailKey, datetime] = {}
        self._upgrades: dict[str, CALLBACK_TYPE] = {}
        self._needs_listeners: Listeners[()] = Listeners()

    @callback
    def async_register(self, serial: str, topic: DetailTopic[Any]) -> CALLBACK_TYPE:
        """Record that an entity reads ``topic`` of ``serial``; return the undo."""
        key: DetailKey = (serial, topic)
        self._needs[key] += 1
        if self._needs[key] == 1:
            self._needs_listeners.async_call()

        @callback
        def _unregister() -> None:
            self._needs[key] -= 1
            if self._needs[key] <= 0:
                del self._needs[key]
                self._needs_listeners.async_call()

        return _unregister

    @callback
    def async_add_needs_listener(self, changed: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``changed`` when what entities read changes; return the undo.

        The budget governor plans again then: what a round costs changed.
        """
        return self._needs_listeners.async_add(changed)

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
        return now - read_at >= max_age - self.allowance.planned(self.cadence) / 2

    async def _async_update_data(self) -> DetailData:
        if self.allowance.active:
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
        if self.allowance.polling_spent:
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
            self.allowance.hit(err)
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
                self.allowance.hit(err)
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
