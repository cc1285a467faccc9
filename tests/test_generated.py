"""What is generated from the code is current: a stale copy fails here.

docs/entities.md's table of described entities is read off the descriptions
(``scripts/entity_table.py``); translations/en.json off strings.json is
checked by ``scripts/test`` (``scripts/translations.py --check``, against
the pinned Home Assistant's common strings); the endpoint list and the
reference examples the tests use are checked against ``../shared`` by
``tests/api/test_reference_examples.py``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


entity_table = _load("entity_table")


def test_entity_table_is_current() -> None:
    text = entity_table.DOC.read_text("utf-8")
    assert entity_table.updated(text) == text, "run python scripts/entity_table.py"


def test_entity_table_has_every_description() -> None:
    table = entity_table.render()
    rows = [line for line in table.splitlines() if line.startswith("| *")]
    assert len(rows) == sum(len(d) for d in entity_table.DESCRIBED.values())
    assert "| *Microphone* | switch | `support_audio_onoff` | config | yes |" in table
    assert "| *Audio prompts* | switch | probe `prompt_sound` | config | no |" in table


def test_entity_table_goes_stale_with_the_descriptions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A description added or dropped changes the table: the check would fail."""
    text = entity_table.DOC.read_text("utf-8")
    switches = entity_table.DESCRIBED["switch"]
    monkeypatch.setitem(entity_table.DESCRIBED, "switch", switches[:1])
    assert entity_table.updated(text) != text
    assert "*Microphone*" not in entity_table.render()


def test_an_entity_no_capability_decides_is_refused() -> None:
    """A description no single flag or probe makes exist cannot be documented."""

    class _Never:
        key = "never"

        @staticmethod
        def exists_fn(_caps: object) -> bool:
            return False

    with pytest.raises(ValueError, match="never"):
        entity_table._exists_with(_Never())
