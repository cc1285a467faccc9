"""Capability sets by serial, read once per firmware version and stored.

``device/capacity``, one request per device, only for a device seen for the
first time or whose firmware version changed. Right after it, a feature the
reference's capability table names no flag for is decided by its endpoint (a
probe, ``PROBE_APPLIES``): the fill light (``fillLight/mode/get``), voice
prompts (``sound/switch/status``) and the working mode (``timing/plan/get``),
one request each per single-channel camera (not hubs, not recorders), made
when the device is online. Both are kept in Home Assistant's storage, so a
restart costs nothing here; a probe that fails (offline, rate limit, server
error) is asked again ``CAPABILITY_RETRY`` later, not remembered.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..api._parse import as_int
from ..api.errors import EzvizAuthError, EzvizError, EzvizRateLimitError
from ..api.system import DeviceCapabilities, Probe
from ..const import DOMAIN, LOGGER

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.config_entries import ConfigEntry

    from ..api import EzvizOpenClient
    from ..api.devices import Device
    from .account_data import AccountData

#: How long to wait before asking again for a capability set that failed.
CAPABILITY_RETRY = timedelta(minutes=10)
_STORAGE_VERSION = 1


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
