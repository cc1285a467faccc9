"""Helpers of the EZVIZ Open Platform integration."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Concatenate

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api.errors import (
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
from .const import DOMAIN
from .entity import EzvizEntity

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

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


def translate_error(err: EzvizError) -> HomeAssistantError:
    """Turn a client error into a translated error naming the reason."""
    if isinstance(err, EzvizParameterError) and not isinstance(err, EzvizNoChangeError):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_parameter",
            translation_placeholders={"error": err.message},
        )
    key = next(
        (key for cls, key in _ERROR_KEYS if isinstance(err, cls)), "command_failed"
    )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"error": str(err)},
    )


def ezviz_exception_handler[_EntityT: EzvizEntity, **_P](
    func: Callable[Concatenate[_EntityT, _P], Coroutine[Any, Any, Any]],
) -> Callable[Concatenate[_EntityT, _P], Coroutine[Any, Any, None]]:
    """Run an entity's command, turning client errors into translated errors.

    "Already in that state" (``EzvizNoChangeError``) is success. An
    authentication failure also starts reauth.
    """

    async def handler(self: _EntityT, /, *args: _P.args, **kwargs: _P.kwargs) -> None:
        try:
            await func(self, *args, **kwargs)
        except EzvizNoChangeError:
            return
        except EzvizError as err:
            if isinstance(err, EzvizAuthError):
                self.coordinator.config_entry.async_start_reauth(self.hass)
            raise translate_error(err) from err

    return handler
