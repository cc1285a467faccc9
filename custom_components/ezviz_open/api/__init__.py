"""Async client for the EZVIZ Open Platform API.

Imports nothing from Home Assistant: the integration adapts it. Every
endpoint of the reference is one method of :class:`EzvizOpenClient`,
grouped by area in the mixin modules.
"""

from __future__ import annotations

from .alarms import AlarmsMixin
from .client import (
    CHINA_BASE_URL,
    GLOBAL_BASE_URL,
    BaseClient,
    LappReply,
    Page,
    TokenInfo,
)
from .detectors import DetectorsMixin
from .device_config import DeviceConfigMixin
from .devices import DevicesMixin
from .errors import (
    EzvizApiError,
    EzvizAuthError,
    EzvizConnectionError,
    EzvizDeviceBusyError,
    EzvizDeviceOfflineError,
    EzvizEncryptionError,
    EzvizError,
    EzvizNotFoundError,
    EzvizNotSupportedError,
    EzvizParameterError,
    EzvizPtzLimitError,
    EzvizRateLimitError,
    EzvizResponseError,
    EzvizServerError,
    EzvizTimeoutError,
    EzvizTokenRejectedError,
    error_for_code,
)
from .live import LiveMixin
from .ptz import PtzMixin
from .ram import SubAccountsMixin
from .settings import SettingsMixin
from .storage import StorageMixin
from .system import SystemMixin


class EzvizOpenClient(
    LiveMixin,
    DevicesMixin,
    SettingsMixin,
    SystemMixin,
    PtzMixin,
    AlarmsMixin,
    DetectorsMixin,
    DeviceConfigMixin,
    StorageMixin,
    SubAccountsMixin,
    BaseClient,
):
    """The EZVIZ Open Platform client: one async method per endpoint."""


__all__ = [
    "CHINA_BASE_URL",
    "GLOBAL_BASE_URL",
    "BaseClient",
    "EzvizApiError",
    "EzvizAuthError",
    "EzvizConnectionError",
    "EzvizDeviceBusyError",
    "EzvizDeviceOfflineError",
    "EzvizEncryptionError",
    "EzvizError",
    "EzvizNotFoundError",
    "EzvizNotSupportedError",
    "EzvizOpenClient",
    "EzvizParameterError",
    "EzvizPtzLimitError",
    "EzvizRateLimitError",
    "EzvizResponseError",
    "EzvizServerError",
    "EzvizTimeoutError",
    "EzvizTokenRejectedError",
    "LappReply",
    "Page",
    "TokenInfo",
    "error_for_code",
]
