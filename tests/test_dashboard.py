"""The curated dashboard (config/ezviz-dashboard.yaml) and its entity walker.

``scripts/develop --check`` checks the walker's entity ids against a running
Home Assistant; these tests check that the walker finds every place a card
names an entity, and that the dashboard file is wired up as the demo needs.
"""

from __future__ import annotations

from typing import Any

from homeassistant.util.yaml import load_yaml
import yaml

from scripts import dashboard


def test_walker_finds_entities_in_every_kind_of_place() -> None:
    """Cards, rows, stacks, sections, badges, conditions and action targets."""
    config: dict[str, Any] = {
        "views": [
            {
                "type": "sections",
                "badges": [{"entity": "sensor.badge"}],
                "sections": [
                    {
                        "cards": [
                            {
                                "type": "picture-glance",
                                "camera_image": "camera.one",
                                "camera_view": "live",
                                "image_entity": "image.still",
                                "entities": [
                                    "switch.plain",
                                    {
                                        "entity": "button.row",
                                        "tap_action": {
                                            "action": "perform-action",
                                            "perform_action": "button.press",
                                            "target": {
                                                "entity_id": ["button.target_a"]
                                            },
                                        },
                                    },
                                ],
                            },
                            {
                                "type": "vertical-stack",
                                "cards": [
                                    {
                                        "type": "conditional",
                                        "conditions": [
                                            {
                                                "condition": "state",
                                                "entity": "binary_sensor.c",
                                            }
                                        ],
                                        "card": {
                                            "type": "entities",
                                            "entities": [
                                                {
                                                    "type": "section",
                                                    "label": "no entity",
                                                },
                                                {"entity": "select.nested"},
                                            ],
                                        },
                                    },
                                    {
                                        "type": "button",
                                        "hold_action": {
                                            "action": "perform-action",
                                            "data": {"entity_id": "button.target_b"},
                                        },
                                    },
                                ],
                            },
                            {"type": "logbook", "entities": ["event.a", "event.a"]},
                            {"type": "picture-glance", "camera_image": "camera.still"},
                        ]
                    }
                ],
            }
        ]
    }
    assert dashboard.named_entities(config) == [
        "binary_sensor.c",
        "button.row",
        "button.target_a",
        "button.target_b",
        "camera.one",
        "camera.still",
        "event.a",
        "image.still",
        "select.nested",
        "sensor.badge",
        "switch.plain",
    ]
    assert dashboard.cameras(config) == ["camera.one"]


def test_walker_finds_nothing_in_a_dashboard_without_entities() -> None:
    """Markdown and navigation name no entity (so the check would fail)."""
    config = {
        "views": [
            {"cards": [{"type": "markdown", "content": "camera.not_an_entity_key"}]}
        ]
    }
    assert dashboard.named_entities(config) == []


def test_the_demo_dashboard_is_registered_and_complete() -> None:
    """configuration.yaml serves the file; it shows six live views and the hub."""
    configuration = load_yaml(dashboard.ROOT / "config" / "configuration.yaml")
    assert isinstance(configuration, dict)
    registered = configuration["lovelace"]["dashboards"][dashboard.URL_PATH]
    assert registered["mode"] == "yaml"
    assert registered["filename"] == dashboard.FILENAME
    assert "-" in dashboard.URL_PATH  # Home Assistant requires it in a url path
    assert "logbook" in configuration  # the event history card

    config = yaml.safe_load(dashboard.SOURCE.read_text())
    assert dashboard.cameras(config) == [
        "camera.backyard",
        "camera.driveway",
        "camera.front_door",
        "camera.garden",
        "camera.living_room",
        "camera.porch",
    ]
    named = dashboard.named_entities(config)
    assert "alarm_control_panel.alarm_hub_arming" in named
    assert any(e.startswith("image.") for e in named)


def test_each_ptz_arrow_presses_its_own_button() -> None:
    """A copied row whose target was not edited would move another camera."""
    config = yaml.safe_load(dashboard.SOURCE.read_text())
    rows: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("entity", "")).startswith("button."):
                rows.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(config)
    assert len(rows) >= 6  # four arrows in the Living Room, two on the Driveway
    for row in rows:
        action = row["tap_action"]
        assert action["perform_action"] == "button.press"
        assert action["target"]["entity_id"] == row["entity"]
