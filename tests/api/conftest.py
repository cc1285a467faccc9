"""Fixtures for the API client tests: a loopback simulator, a session, clients.

Every fixture that talks to a loopback server requests ``socket_enabled``
(the Home Assistant test plugin blocks sockets by default).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.ezviz_open.api.client import BaseClient, TokenInfo
from simulator import Simulator

if TYPE_CHECKING:
    from custom_components.ezviz_open.api import EzvizOpenClient


@pytest.fixture
async def simulator(
    socket_enabled: None, exercised_endpoints: set[tuple[str, str]]
) -> AsyncIterator[Simulator]:
    """A simulator with the demo fleet on 127.0.0.1 (ephemeral port)."""
    async with Simulator(fleet="demo") as sim:
        yield sim
        exercised_endpoints.update(
            (request.method, request.path)
            for request in sim.requests
            if request.code == 200
        )


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """An aiohttp session, closed after the test."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def minted_tokens() -> list[TokenInfo]:
    """Every token handed to ``on_token``, in order."""
    return []


@pytest.fixture
def base_client(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    minted_tokens: list[TokenInfo],
) -> BaseClient:
    """The transport alone, pointed at the simulator."""
    return BaseClient(
        session,
        simulator.app_key,
        simulator.app_secret,
        base_url=simulator.base_url,
        on_token=minted_tokens.append,
    )


@pytest.fixture
def client(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    minted_tokens: list[TokenInfo],
) -> EzvizOpenClient:
    """The full client (all endpoint mixins), pointed at the simulator."""
    from custom_components.ezviz_open.api import EzvizOpenClient

    return EzvizOpenClient(
        session,
        simulator.app_key,
        simulator.app_secret,
        base_url=simulator.base_url,
        on_token=minted_tokens.append,
    )


type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def local_server(
    socket_enabled: None,
) -> AsyncIterator[Callable[[Handler], Awaitable[str]]]:
    """Start a tiny aiohttp server answering every path with ``handler``.

    For reply shapes the simulator cannot produce. Returns the base URL.
    """
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        server: Any = site._server
        port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    yield start
    for runner in runners:
        await runner.cleanup()
