"""The loopback HTTP server in front of every camera's relay.

One per Home Assistant, listening on 127.0.0.1 while some camera has handed
out its URL; a request is served only with its relay's unguessable token
(``auth``), and no access log is kept.
"""

from __future__ import annotations

import asyncio
import hmac
import socket
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN, LOGGER
from .upstream import UPSTREAM_TIMEOUT

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import Event, HomeAssistant


class Relayed(Protocol):
    """What the server needs of a relay (``relay.LiveRelay``)."""

    label: str
    relay_id: str
    token: str
    connections: set[asyncio.Task[Any]]

    async def async_serve(self, request: web.Request) -> web.StreamResponse:
        """Stream to ``request`` until the client leaves."""


DATA_RELAY_SERVER: HassKey[RelayServer] = HassKey(f"{DOMAIN}_relay_server")


class RelayServer:
    """The loopback HTTP server of every camera's relay (one per Home Assistant).

    It listens while a camera has handed out its URL, and stops when the
    last camera goes away or Home Assistant stops.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        """Create the server (not yet listening)."""
        self.hass = hass
        self._relays: dict[str, Relayed] = {}
        self._runner: web.AppRunner | None = None
        self._base_url = ""
        self._lock = asyncio.Lock()
        self._handlers: set[asyncio.Task[Any]] = set()
        #: The ends of the remux threads still running (see open_remux_upstream).
        self.threads: set[asyncio.Future[None]] = set()
        self._unsub_stop: Callable[[], None] | None = None

    async def async_url(self, relay: Relayed) -> str:
        """Serve ``relay`` (listening if not yet); return its local URL.

        The token goes in ``auth``, a parameter Home Assistant redacts where
        it logs a stream's source.
        """
        async with self._lock:
            if self._runner is None:
                await self._async_start()
            self._relays[relay.relay_id] = relay
        return f"{self._base_url}/ezviz_open/live/{relay.relay_id}?auth={relay.token}"

    async def async_unregister(self, relay: Relayed) -> None:
        """Stop serving ``relay``; stop listening when it was the last."""
        async with self._lock:
            if self._relays.pop(relay.relay_id, None) is not None and not self._relays:
                await self._async_stop()

    async def _async_start(self) -> None:
        app = web.Application()
        app.router.add_get("/ezviz_open/live/{relay_id}", self._handle)
        runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await runner.setup()
        # A socket of our own, to learn the ephemeral port it was given.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(runner, sock).start()
        self._base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._runner = runner

        async def _on_stop(_event: Event) -> None:
            self._unsub_stop = None
            async with self._lock:
                self._relays.clear()
                await self._async_stop()

        self._unsub_stop = self.hass.bus.async_listen_once(
            EVENT_HOMEASSISTANT_STOP, _on_stop
        )

    async def _async_stop(self) -> None:
        runner, self._runner = self._runner, None
        if self._unsub_stop is not None:
            self._unsub_stop()
            self._unsub_stop = None
        if runner is None:
            return
        for task in list(self._handlers):
            task.cancel()
        await runner.cleanup()
        if self.threads:
            # A remux thread ends at its next packet, or its read timeout.
            await asyncio.wait(list(self.threads), timeout=UPSTREAM_TIMEOUT + 5)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        relay = self._relays.get(request.match_info["relay_id"])
        token = request.query.get("auth", "")
        if relay is None or not hmac.compare_digest(
            token.encode(), relay.token.encode()
        ):
            raise web.HTTPNotFound
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        relay.connections.add(task)
        try:
            return await relay.async_serve(request)
        except ConnectionError:
            # The worker went away (the stream stopped): so does the upstream.
            LOGGER.debug("%s: the stream's reader left", relay.label)
            return web.Response()
        finally:
            self._handlers.discard(task)
            relay.connections.discard(task)


def relay_server(hass: HomeAssistant) -> RelayServer:
    """Return Home Assistant's relay server (created, not started, on first use)."""
    if (server := hass.data.get(DATA_RELAY_SERVER)) is None:
        server = hass.data[DATA_RELAY_SERVER] = RelayServer(hass)
    return server
