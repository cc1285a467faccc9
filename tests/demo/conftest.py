"""The demo tests run once, in the pinned run (``scripts/test``).

``scripts/develop`` starts Home Assistant from ``.venv`` (the pinned 2025.4.4)
whatever interpreter runs pytest, so in ``scripts/test --newest`` (pytest from
``.venv-newest``) these tests would only repeat the same run. They are skipped
there, with that reason.
"""

from __future__ import annotations

from pathlib import Path
import sys

import pytest

ROOT = Path(__file__).resolve().parents[2]
PINNED_VENV = ROOT / ".venv"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the demo tests unless pytest runs from the demo's own venv."""
    here = Path(__file__).parent
    if Path(sys.prefix).resolve() == PINNED_VENV.resolve():
        return
    skip = pytest.mark.skip(
        reason=(
            f"scripts/develop runs Home Assistant from {PINNED_VENV.name} (the pinned "
            f"version); pytest runs from {sys.prefix}: the demo runs in the pinned "
            "run (scripts/test) only"
        )
    )
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(skip)
