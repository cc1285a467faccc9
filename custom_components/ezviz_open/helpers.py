"""Helpers of the EZVIZ Open Platform integration."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Concatenate

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api._parse import as_int
from .api.errors import (
    EzvizApiError,
    EzvizAuthError,
    EzvizConnectionError,
    EzvizDeviceBusyError,
    EzvizDeviceOfflineError,
    EzvizEncryptionError,
    EzvizError,
    EzvizNoChangeError,
    EzvizNotFoundError,
    EzvizNotSupportedError,
    EzvizParameterError,
    EzvizPtzLimitError,
    EzvizRateLimitError,
)
from .api.ptz import PtzDirection, PtzSpeed
from .const import DOMAIN
from .entity import EzvizDetailEntity, EzvizEntity
from .metering.usage import QuotaUsedUpError, format_time

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Mapping
    from datetime import datetime

    from homeassistant.config_entries import ConfigEntry

    from .api import EzvizOpenClient
    from .api.system import DeviceCapabilities

#: Client error class -> translation key of the error shown to the user.
#: Order matters: the first class that matches wins.
_ERROR_KEYS: tuple[tuple[type[EzvizError], str], ...] = (
    (EzvizAuthError, "invalid_auth"),
    (EzvizRateLimitError, "rate_limited"),
    (EzvizDeviceOfflineError, "device_offline"),
    (EzvizNotSupportedError, "not_supported"),
    (EzvizPtzLimitError, "ptz_limit"),
    (EzvizEncryptionError, "encryption"),
    (EzvizDeviceBusyError, "device_busy"),
    (EzvizNotFoundError, "not_found"),
    (EzvizConnectionError, "cannot_connect"),
)

#: Codes whose class alone would name the wrong reason.
_CODE_KEYS: dict[int | None, str] = {
    60011: "preset_not_found",  # an EzvizNotFoundError, but not the device
}


def quota_error(resets: datetime) -> HomeAssistantError:
    """Return the error of an action refused because the call quota is used up."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="quota_exhausted",
        translation_placeholders={"resets": format_time(resets)},
    )


def translate_error(
    err: EzvizError, quota_until: datetime | None = None
) -> HomeAssistantError:
    """Turn a client error into a translated error naming the reason.

    A used-up quota says when it is assumed to reset: the time a refusal
    without sending carries, else ``quota_until`` (``metering/allowance.py``).
    """
    if isinstance(err, EzvizRateLimitError) and err.is_quota:
        resets = err.resets if isinstance(err, QuotaUsedUpError) else quota_until
        if resets is not None:
            return quota_error(resets)
    if isinstance(err, EzvizParameterError) and not isinstance(err, EzvizNoChangeError):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_parameter",
            translation_placeholders={"error": err.message},
        )
    key = _CODE_KEYS.get(err.code) if isinstance(err, EzvizApiError) else None
    key = key or next(
        (key for cls, key in _ERROR_KEYS if isinstance(err, cls)), "command_failed"
    )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"error": str(err)},
    )


def ezviz_exception_handler[_EntityT: EzvizEntity, **_P, _R](
    func: Callable[Concatenate[_EntityT, _P], Coroutine[Any, Any, _R]],
) -> Callable[Concatenate[_EntityT, _P], Coroutine[Any, Any, _R | None]]:
    """Run an entity's command, turning client errors into translated errors.

    "Already in that state" (``EzvizNoChangeError``) is success (the result
    is then None), but it also says that what the entity shows may be stale:
    an entity read from a per-device endpoint reads it back (one request, for
    that device and endpoint), instead of showing a wrong state until the
    next detail round. Entities of the device list are read again within a
    minute anyway. An authentication failure also starts reauth.
    """

    async def handler(
        self: _EntityT, /, *args: _P.args, **kwargs: _P.kwargs
    ) -> _R | None:
        try:
            return await func(self, *args, **kwargs)
        except EzvizNoChangeError:
            if isinstance(self, EzvizDetailEntity):
                await self.runtime.detail.async_refresh_device(
                    self.serial, {self.topic}
                )
            return None
        except EzvizError as err:
            if isinstance(err, EzvizAuthError):
                self.coordinator.config_entry.async_start_reauth(self.hass)
            raise translate_error(err, self.runtime.allowance.quota_until) from err

    return handler


async def async_ptz_step(
    client: EzvizOpenClient,
    serial: str,
    channel: int,
    direction: PtzDirection,
    *,
    speed: PtzSpeed = PtzSpeed.MEDIUM,
    duration: float,
) -> None:
    """Move (or zoom) for ``duration`` seconds: start, wait, stop.

    Two requests. The stop is sent even when the wait is cancelled, so a
    camera is never left moving.
    """
    await client.start_ptz(serial, direction, speed, channel=channel)
    try:
        await asyncio.sleep(duration)
    finally:
        await client.stop_ptz(serial, direction, channel=channel)


def is_battery_camera(caps: DeviceCapabilities) -> bool:
    """Whether a device runs on battery and reports its level.

    A1-type hubs (``support_protection_mode`` 1) also claim battery
    management, for their detectors: they are not battery devices.
    """
    return (
        caps.support_battery_manage
        and as_int(caps.value("support_protection_mode")) != 1
    )


@callback
def async_save_options(
    hass: HomeAssistant, entry: ConfigEntry, options: Mapping[str, Any]
) -> None:
    """Store new options and reload the entry when they changed.

    ``OptionsFlowWithReload`` does this from Home Assistant 2025.8 on; the
    pinned minimum, 2025.4, predates it, so the flows that change options (the
    options flow and the verification-code repair) call this instead. The
    entry has no update listener: Home Assistant 2026.12 refuses reauth's and
    reconfigure's reloading abort while one is registered, and a listener
    would also fire for every token the client stores.
    """
    if hass.config_entries.async_update_entry(entry, options=dict(options)):
        hass.config_entries.async_schedule_reload(entry.entry_id)
