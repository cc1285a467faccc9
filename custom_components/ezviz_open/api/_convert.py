"""Enum checks and time conversions used by the part-B endpoint modules.

Complements ``_params`` (serial/channel/range checks): times cross the wire
as epoch milliseconds, epoch seconds, device-local wall-clock text and
"HH:MM" times of day.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from enum import Enum
import math
from typing import Any

from ._params import param_error

# Epoch values at or above this are milliseconds (10**11 s is the year 5138).
_MS_THRESHOLD = 100_000_000_000


def check_enum[E: Enum](value: Any, enum: type[E], name: str, endpoint: str) -> E:
    """Return ``value`` as a member of ``enum`` or raise a parameter error."""
    if isinstance(value, bool):
        raise param_error(f"{name} must be a {enum.__name__}, not a bool", endpoint)
    try:
        return enum(value)
    except ValueError:
        raise param_error(
            f"{name} {value!r} is not a valid {enum.__name__}", endpoint
        ) from None


def to_epoch_ms(value: datetime) -> int:
    """Epoch milliseconds; a naive datetime is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp() * 1000)


def from_epoch(value: float) -> datetime | None:
    """Return an aware UTC datetime from epoch seconds or ms (None if absurd)."""
    if math.isnan(value) or value <= 0:
        return None
    seconds = value / 1000 if value >= _MS_THRESHOLD else value
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_time(value: Any) -> datetime | None:
    """Read a time sent as epoch (s or ms, number or digit string) or as text.

    Text ("2022-11-10T11:44:15", "2017-09-01 15:30:45") is the device's wall
    clock and comes back naive; epoch values come back aware (UTC).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return from_epoch(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.isdigit():
            return from_epoch(int(text))
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None
    return None


def hh_mm(value: time | str, name: str, endpoint: str) -> str:
    """Format a time of day as "HH:MM" (accepts a ``time`` or "H:MM" text)."""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    try:
        parsed = datetime.strptime(value.strip(), "%H:%M")
    except (AttributeError, TypeError, ValueError):
        raise param_error(
            f"{name} must be a time or 'HH:MM', got {value!r}", endpoint
        ) from None
    return parsed.strftime("%H:%M")
