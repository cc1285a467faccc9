"""Detail topics are declared beside their platform or in topics.py: keys stay unique.

Topics are equal by key (the detail cadence keys what it reads by topic), so
two declarations with one key would read one endpoint for both.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import custom_components.ezviz_open as integration
from custom_components.ezviz_open.topics import DetailTopic


def declared_topics() -> dict[str, dict[int, str]]:
    """Key -> each distinct topic object with that key -> a name it goes by.

    A topic imported elsewhere is the same object, so it counts once.
    """
    found: dict[str, dict[int, str]] = {}
    prefix = f"{integration.__name__}."
    for info in pkgutil.walk_packages(integration.__path__, prefix):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, DetailTopic):
                found.setdefault(value.key, {}).setdefault(
                    id(value), f"{info.name}.{name}"
                )
    return found


def duplicates(found: dict[str, dict[int, str]]) -> dict[str, list[str]]:
    """The keys that more than one declaration uses."""
    return {
        key: sorted(objects.values())
        for key, objects in found.items()
        if len(objects) > 1
    }


def test_topic_keys_are_unique() -> None:
    found = declared_topics()
    # The shared topics and those beside their platform are all found.
    assert {
        "status",
        "info",
        "microphone",
        "fill_light",
        "storage",
        "detectors",
    } <= set(found)
    assert duplicates(found) == {}


def test_a_key_declared_twice_is_found() -> None:
    def read(_client: Any, _serial: str) -> Any:
        raise NotImplementedError

    first = DetailTopic[object]("same", read)
    second = DetailTopic[object]("same", read)
    assert first == second  # one endpoint for both: what the check prevents
    found = {"same": {id(first): "a.FIRST", id(second): "b.SECOND"}}
    assert duplicates(found) == {"same": ["a.FIRST", "b.SECOND"]}
