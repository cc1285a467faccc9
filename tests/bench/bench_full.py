"""The full benchmark, one measurement per test (``scripts/bench`` runs it).

Not collected by the normal test run (the name does not start with
``test_``): ``scripts/bench`` names this file to pytest. Each test writes its
measurement to ``$EZVIZ_BENCH_DIR/<test id>.json``; ``scripts/bench_run.py``
gathers them into the report.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

import pytest

from .harness import measure_commands, measure_concurrency, measure_day, measure_setup
from .stream import measure_stream

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

#: Largest first: with ``-n 2`` the longest runs start at once.
FLEETS = ("250", "120", "50", "10", "1", "demo")
#: Entities write their state while a day runs (slower; same requests).
FAITHFUL = os.environ.get("EZVIZ_BENCH_FAITHFUL") == "1"
#: Options beyond the defaults, for the table of docs/request-budget.md (fleet, account s, detail min).
VARIANTS = (
    ("10", 30, None),
    ("10", 300, None),
    ("10", None, 10),
    ("10", None, 240),
    ("50", 300, 240),
)


def _save(request: pytest.FixtureRequest, result: dict[str, Any]) -> None:
    directory = os.environ.get("EZVIZ_BENCH_DIR")
    if not directory:
        return
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    Path(directory, f"{name}.json").write_text(json.dumps(result, indent=1))


@pytest.mark.parametrize("fleet", FLEETS)
async def test_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    request: pytest.FixtureRequest,
    fleet: str,
) -> None:
    """1, 2: a simulated day at default options."""
    _save(request, await measure_day(hass, freezer, fleet, faithful=FAITHFUL))


async def test_day_push(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    request: pytest.FixtureRequest,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """1: ten devices at default options while push is healthy."""
    _save(
        request,
        await measure_day(
            hass, freezer, "10", faithful=FAITHFUL, push=hass_client_no_auth
        ),
    )


@pytest.mark.parametrize(("fleet", "account", "detail"), VARIANTS)
async def test_day_options(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    request: pytest.FixtureRequest,
    fleet: str,
    account: int | None,
    detail: int | None,
) -> None:
    """A simulated day at other options (the table of docs/request-budget.md)."""
    result = await measure_day(
        hass,
        freezer,
        fleet,
        account_interval=account,
        detail_interval=detail,
        faithful=FAITHFUL,
    )
    _save(request, {**result, "variant": "options"})


async def test_commands(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    request: pytest.FixtureRequest,
) -> None:
    """3: what each user command costs beyond itself."""
    _save(request, await measure_commands(hass, freezer))


async def test_concurrency(hass: HomeAssistant, request: pytest.FixtureRequest) -> None:
    """4: one 50-device detail refresh at 100 ms per request."""
    _save(request, await measure_concurrency(hass, "50", 0.1))


@pytest.mark.parametrize("latency", [0.0, 0.1])
async def test_setup(
    hass: HomeAssistant, request: pytest.FixtureRequest, latency: float
) -> None:
    """5: entry setup to all entities, 120 devices."""
    _save(request, await measure_setup(hass, "120", latency))


@pytest.mark.parametrize("codec", ["h264", "h265"])
@pytest.mark.parametrize("protocol", ["flv", "hls"])
async def test_stream(
    hass: HomeAssistant, request: pytest.FixtureRequest, protocol: str, codec: str
) -> None:
    """6: live video through Home Assistant's stream worker (60 s, real time)."""
    _save(request, await measure_stream(hass, protocol, codec))
