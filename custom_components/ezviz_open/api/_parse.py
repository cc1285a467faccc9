"""Lenient readers for values the EZVIZ cloud sends with inconsistent types.

The cloud sends numbers as strings, booleans as ``"0"``/``"1"`` and sometimes
omits fields. These helpers accept what arrives and return strictly typed
values (or ``None``), so a model never fails on an unexpected type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
import math
from typing import Any


def as_str(value: Any) -> str | None:
    """Return a string, or None for a missing/empty value."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(value)
    return None


def as_int(value: Any) -> int | None:
    """Return an int from an int, a float, or a numeric string ("12", "12%")."""
    if value is None:
        return None
    if isinstance(value, int):  # bool is an int: True -> 1
        return int(value)
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            try:
                return int(float(text))
            except ValueError:
                return None
    return None


def as_float(value: Any) -> float | None:
    """Return a float from a number or numeric string."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().rstrip("%"))
        except ValueError:
            return None
    return None


def as_bool(value: Any) -> bool | None:
    """Return a bool from 0/1, "0"/"1", "true"/"false" or a bool."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value > 0  # -1/-2 mean "not reported/not supported"
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("1", "true", "on", "yes"):
            return True
        if text in ("0", "false", "off", "no"):
            return False
        number = as_int(text)
        return None if number is None else number != 0
    return None


def as_dict(value: Any) -> dict[str, Any]:
    """Return a dict (a copy), or an empty dict for anything else."""
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    return {}


def as_list(value: Any) -> list[Any]:
    """Return a list, or an empty list for anything else."""
    if isinstance(value, list | tuple):
        return list(value)
    return []


def as_dict_list(value: Any) -> list[dict[str, Any]]:
    """Return the dict items of a list, skipping anything that is not a dict."""
    return [as_dict(item) for item in as_list(value) if isinstance(item, Mapping)]


def parse_dicts[T](items: Iterable[Any], parse: Callable[[Any], T]) -> list[T]:
    """Parse each dict of ``items`` with ``parse``, skipping anything else."""
    return [parse(item) for item in items if isinstance(item, dict)]


def is_supported(value: Any) -> bool:
    """Whether a capability flag means "supported".

    Real capability sets mix "0"/"1" strings, bare integers, comma lists
    ("1,3"), words ("16-9") and lists of objects. A flag is supported when it
    is a non-zero number or a non-empty list/string that is not "0".
    """
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return value > 0  # -1/-2 mean "not reported/not supported"
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return False
        number = as_int(text) if "," not in text else None
        if number is not None and text.lstrip("-").isdigit():
            return number > 0
        return text not in ("0", "-1", "-2")
    if isinstance(value, list | tuple | Mapping):
        return len(value) > 0
    return False
