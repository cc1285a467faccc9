"""Every translation holds every string of en.json, with the same placeholders.

``translations/en.json`` is generated from ``strings.json`` (``scripts/
translations.py --check`` fails when it is stale); the other languages are
written by hand, so this is where a key forgotten in one of them shows.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest

TRANSLATIONS = (
    Path(__file__).resolve().parents[1]
    / "custom_components"
    / "ezviz_open"
    / "translations"
)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _strings(node: dict[str, Any], path: str = "") -> dict[str, str]:
    """Flatten a translation file: ``a.b.c`` -> text."""
    found: dict[str, str] = {}
    for key, value in node.items():
        where = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            found |= _strings(value, where)
        else:
            found[where] = value
    return found


def _load(name: str) -> dict[str, str]:
    return _strings(json.loads((TRANSLATIONS / name).read_text(encoding="utf-8")))


OTHERS = sorted(p.name for p in TRANSLATIONS.glob("*.json") if p.name != "en.json")


def test_there_are_other_languages() -> None:
    assert OTHERS == ["zh-Hans.json"]


@pytest.mark.parametrize("name", OTHERS)
def test_translation_is_complete(name: str) -> None:
    """No key missing or left over; each string keeps en.json's placeholders."""
    english, other = _load("en.json"), _load(name)
    assert sorted(set(english) - set(other)) == []
    assert sorted(set(other) - set(english)) == []
    differing = {
        key: (
            sorted(PLACEHOLDER.findall(text)),
            sorted(PLACEHOLDER.findall(other[key])),
        )
        for key, text in english.items()
        if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(other[key]))
    }
    assert differing == {}
    assert all(text.strip() for text in other.values())
