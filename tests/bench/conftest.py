"""Fixtures of the benchmark: custom integrations enabled, sockets open."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components."""


@pytest.fixture(autouse=True)
def bench_sockets(socket_enabled: None) -> None:
    """Every measurement talks to the simulator over loopback HTTP."""


@pytest.fixture(autouse=True)
def bench_loop_without_debug(hass: HomeAssistant) -> None:
    """Run the event loop as in production.

    The harness turns asyncio's debug mode on, which records a stack for
    every callback and future: measurements would time that instead.
    """
    hass.loop.set_debug(False)
