"""Client-side checks and wire formats for request parameters.

A bad argument is reported as :class:`EzvizParameterError` with ``code`` None
(the cloud was never asked), so callers only ever handle client exceptions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ._parse import as_int
from .errors import EzvizParameterError

MAX_SERIAL_LENGTH = 50
CLOUD_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# Epoch values at or above this are milliseconds (10**11 s is the year 5138).
_EPOCH_MS_THRESHOLD = 100_000_000_000


def param_error(message: str, endpoint: str) -> EzvizParameterError:
    """Build the error raised for an argument rejected before any request."""
    return EzvizParameterError(message, code=None, endpoint=endpoint)


def check_serial(serial: str, endpoint: str, *, name: str = "serial") -> str:
    """Return the serial number without surrounding blanks, or raise."""
    if not isinstance(serial, str) or not serial.strip():
        raise param_error(f"{name} must be a non-empty string", endpoint)
    text = serial.strip()
    if len(text) > MAX_SERIAL_LENGTH:
        raise param_error(
            f"{name} must be at most {MAX_SERIAL_LENGTH} characters", endpoint
        )
    return text


def check_channel(channel: int | None, endpoint: str) -> int | None:
    """Return a channel number (1 or more), None meaning "the device itself"."""
    if channel is None:
        return None
    if isinstance(channel, bool) or not isinstance(channel, int) or channel < 1:
        raise param_error("channel must be an integer of 1 or more", endpoint)
    return channel


def check_int_range(
    value: int, low: int, high: int | None, name: str, endpoint: str
) -> int:
    """Return ``value`` when it is an int within [low, high], or raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise param_error(f"{name} must be an integer", endpoint)
    if value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise param_error(f"{name} must be in {bounds}, got {value}", endpoint)
    return value


def check_text(
    value: str, name: str, endpoint: str, *, max_bytes: int | None = None
) -> str:
    """Return a non-blank string (at most ``max_bytes`` in UTF-8), or raise."""
    if not isinstance(value, str) or not value.strip():
        raise param_error(f"{name} must be a non-empty string", endpoint)
    if max_bytes is not None and len(value.encode()) > max_bytes:
        raise param_error(f"{name} must be at most {max_bytes} bytes", endpoint)
    return value


def switch_value(enabled: bool) -> int:
    """Return the wire value of an on/off switch (1 on, 0 off)."""
    return 1 if enabled else 0


def format_cloud_datetime(value: datetime) -> str:
    """Format a datetime as the cloud writes it: ``YYYY-MM-DD HH:MM:SS``.

    The wall-clock fields are sent as they are: the cloud takes them as the
    device's local time, so an aware datetime should already be in that zone.
    """
    return value.strftime(CLOUD_DATETIME_FORMAT)


def parse_cloud_datetime(value: Any) -> datetime | None:
    """Parse ``YYYY-MM-DD HH:MM:SS`` (or an epoch number) leniently.

    Returns a naive datetime for the text form (the cloud does not say which
    zone it means) and an aware UTC datetime for epoch seconds/milliseconds.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not text.isdigit():
            try:
                return datetime.strptime(text, CLOUD_DATETIME_FORMAT)
            except ValueError:
                pass
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                return None
    if isinstance(value, bool):
        return None
    number = as_int(value)
    if number is None or number <= 0:
        return None
    seconds = number / 1000 if number >= _EPOCH_MS_THRESHOLD else number
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
