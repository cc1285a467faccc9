"""The curated dashboard of the demo run (``config/ezviz-dashboard.yaml``).

``config/configuration.yaml`` registers it as the YAML-mode dashboard
``dashboard-ezviz`` ("EZVIZ" in the sidebar). A dashboard naming an entity
that does not exist shows a warning in its card instead of the card, and
nothing else notices; so ``scripts/develop --check`` loads the dashboard as
the frontend does (websocket ``lovelace/config``) and checks that every
entity it names has a state. The browser run (``scripts/browser_run.py``)
opens it and waits for its live views.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.ha_client import DemoError

if TYPE_CHECKING:
    from scripts.ha_client import HomeAssistantApi

ROOT = Path(__file__).resolve().parent.parent
FILENAME = "ezviz-dashboard.yaml"  # next to configuration.yaml (its `filename:`)
SOURCE = ROOT / "config" / FILENAME
URL_PATH = "dashboard-ezviz"  # the key under `lovelace: dashboards:`

#: Keys whose value is an entity id or a list of them, wherever they appear:
#: a card's or row's ``entity``, a picture card's ``camera_image`` and
#: ``image_entity``, and the ``entity_id`` of an action's ``target`` or data.
ENTITY_KEYS = frozenset({"entity", "entity_id", "camera_image", "image_entity"})


def named_entities(config: Any) -> list[str]:
    """Every entity id a dashboard configuration names, sorted, once each.

    Walks every card, row, badge and action, however nested (stacks,
    sections, conditional cards). Besides ``ENTITY_KEYS``, an ``entities``
    list names entities by plain strings; its dicts are walked like cards.
    """
    found: set[str] = set()

    def ids(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [v for v in value if isinstance(v, str)]
        return []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ENTITY_KEYS or key == "entities":
                    found.update(ids(value))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(config)
    return sorted(found)


def cameras(config: Any) -> list[str]:
    """The cameras whose live view the dashboard shows (``camera_view: live``)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("camera_view") == "live" and node.get("camera_image"):
                found.add(str(node["camera_image"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(config)
    return sorted(found)


async def load(api: HomeAssistantApi) -> dict[str, Any]:
    """The dashboard as Home Assistant serves it to the frontend."""
    try:
        config: dict[str, Any] = await api.ws_command(
            {"type": "lovelace/config", "url_path": URL_PATH, "force": True}
        )
    except DemoError as err:
        raise DemoError(
            f"dashboard {URL_PATH}: {err} (is it under `lovelace: dashboards:` in "
            f"configuration.yaml and is {FILENAME} next to it? A config directory "
            f"made before the dashboard existed lacks both: copy them from config/)"
        ) from err
    return config


async def check_dashboard(api: HomeAssistantApi, states: dict[str, Any]) -> str:
    """Every entity the dashboard names exists; DemoError naming those that do not."""
    config = await load(api)
    named = named_entities(config)
    if not named:
        raise DemoError(f"dashboard {URL_PATH} names no entity")
    missing = [e for e in named if e not in states]
    if missing:
        raise DemoError(
            f"dashboard {URL_PATH} names entities that do not exist "
            f"({len(missing)} of {len(named)}): {', '.join(missing)}"
        )
    return (
        f"dashboard: {URL_PATH} names {len(named)} entities, all exist "
        f"({len(cameras(config))} live views)"
    )
