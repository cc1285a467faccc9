"""The soak, short (``scripts/soak --quick``); ``scripts/soak`` runs the full day.

``SOAK_SEED`` replays a seed; ``SOAK_FULL=1`` runs the simulated day.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .soak import SoakConfig, run_soak

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

#: The seed of the test suite's run (fixed, so that a failure replays).
DEFAULT_SEED = 20250404


async def test_soak(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, socket_enabled: None
) -> None:
    """The integration rides through faults; see ``soak.py`` for the promises."""
    config = SoakConfig(
        seed=int(os.environ.get("SOAK_SEED", DEFAULT_SEED)),
        quick=os.environ.get("SOAK_FULL") != "1",
    )
    print(f"\nsoak seed: {config.seed}")  # noqa: T201 - the replay handle
    report = await run_soak(hass, freezer, config)
    print(report.summary())  # noqa: T201 - the summary is the point
    assert not report.failures, report.summary()
