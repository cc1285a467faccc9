"""The quick benchmark (``scripts/bench --quick``), part of the test suite.

Fleets of 1 and 10 devices through six simulated hours (scaled up to a
day), 10 devices again with healthy push, every user command on the demo fleet, and one detail refresh of 20
devices with 50 ms latency per request: the same measurements and targets
as the full benchmark, in well under a minute. With ``$EZVIZ_BENCH_DIR`` set each test
also writes its measurements there (``scripts/bench --quick`` reads them).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .harness import measure_commands, measure_concurrency, measure_day
from .report import evaluate

#: Simulated hours per fleet, scaled up to a day (every hourly cadence runs
#: six times; the daily firmware-version round is the one read at setup).
QUICK_HOURS = 6

if TYPE_CHECKING:
    from collections.abc import Sequence

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator


def _check(name: str, results: Sequence[dict[str, Any]]) -> None:
    if directory := os.environ.get("EZVIZ_BENCH_DIR"):
        for n, result in enumerate(results):
            Path(directory, f"quick_{name}_{n}.json").write_text(json.dumps(result))
    missed = [
        f"{v.target}: {v.measured}"
        for v in evaluate(results)
        if not v.ok and not v.exception
    ]
    assert not missed, missed


async def test_quick_day_and_commands(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Requests per day for 1 and 10 devices (with and without push), per command."""
    results = [
        await measure_day(hass, freezer, "1", hours=QUICK_HOURS),
        await measure_day(hass, freezer, "10", hours=QUICK_HOURS),
        await measure_day(
            hass,
            freezer,
            "10",
            hours=QUICK_HOURS,
            push=hass_client_no_auth,
        ),
        await measure_commands(hass, freezer),
    ]
    _check("day_and_commands", results)
    ten, pushed = results[1], results[2]
    assert ten["devices"] == pushed["devices"] == 10
    assert ten["per_refresh"]["account"]["max"] == 1
    assert pushed["variant"] == "push"
    assert pushed["plan"]["push_healthy"]
    assert pushed["push"]["delivered"] == pushed["push"]["sent"] > 0
    assert pushed["per_day"]["total"] < ten["per_day"]["total"]


async def test_quick_concurrency(hass: HomeAssistant) -> None:
    """A detail refresh runs its requests concurrently, within the bound."""
    result = await measure_concurrency(hass, "20", 0.05)
    _check("concurrency", [result])
    assert 1 < result["peak_in_flight"] <= result["bound"]
