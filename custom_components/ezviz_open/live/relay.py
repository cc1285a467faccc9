"""Live video that keeps going: a loopback HTTP-FLV relay in front of the cloud.

Home Assistant's stream worker keeps one source URL for the whole life of a
stream. When that source ends or fails it retries the *same* URL after 10 s,
20 s, ... and never asks the camera again; ``Stream.update_source`` called
while it waits to retry ends the stream for good (2025.4). The cloud's play
addresses expire and its live sessions end by themselves, at moments nobody
can predict. So the worker is given a local URL instead, served by this
module on 127.0.0.1, and behind it each connection reads the cloud's stream.
When the cloud ends it (a session is over, an address expires or is about
to), the relay opens another one and carries on: the worker sees one FLV
stream that does not end, with timestamps that keep rising (flv.py splices).

Costs: an upstream is open only while a client is connected (nothing while
nobody streams). A play address is asked for when there is none, or the one
held expires within ``RENEW_MARGIN`` (a quarter of its validity at most);
one request per renewal. The cloud's ``expireTime`` decides, not the
validity asked for. An FLV address is used again after a session ends (a new
connection starts a new session); an HLS address whose playlist has ended is
not: an ended playlist stays ended for a while.

Upstreams (``upstream.py``): protocol 4 (HTTP-FLV) is copied tag by tag;
H.265 in EZVIZ's legacy form (codec id 12) is rewritten into enhanced FLV on
the way, the only form FFmpeg reads (``flv.py``). Protocol 2 (HLS) and 3
(RTMP) are remuxed to FLV by PyAV. The server (``server.py``) listens on
loopback only.

Secrets: the local URL carries an unguessable token in its ``auth`` query
parameter, which Home Assistant redacts where it logs a stream's source.
The cloud's addresses are never logged here. The server listens on the
loopback interface only and keeps no access log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
import secrets
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..const import LOGGER
from .address import PlayAddress, granted_validity, renew_after
from .flv import (
    FlvError,
    FlvSplicer,
    Reader,
    read_flv_header,
    read_flv_tags,
    readable_tag,
)
from .server import relay_server
from .upstream import (
    UpstreamFailedError,
    UpstreamRefusedError,
    open_flv_upstream,
    open_remux_upstream,
)

if TYPE_CHECKING:
    import contextlib

    from homeassistant.core import HomeAssistant

#: Without media from the cloud for this long, the relay ends its response
#: (Home Assistant's worker would give up after 30 s of silence anyway).
GIVE_UP_AFTER: Final = 20.0  # seconds
#: Waits between failed upstream attempts: 0.5 s, 1 s, 2 s, 4 s, 4 s, ...
RETRY_FIRST: Final = 0.5
RETRY_MAX: Final = 4.0

type AddressFetcher = Callable[[], Awaitable[tuple[str, datetime | None] | None]]


class LiveRelay:
    """One camera's never-ending stream: a local URL and the addresses behind it."""

    def __init__(
        self,
        hass: HomeAssistant,
        label: str,
        fetch: AddressFetcher,
        validity: timedelta,
        *,
        flv: bool,
    ) -> None:
        """Relay for ``label`` (an entity id, for logs).

        ``fetch`` asks the cloud for an address (one request) and answers its
        URL and ``expireTime``, or None (it logs why). ``flv``: the addresses
        are HTTP-FLV, copied as they are; else HLS or RTMP, remuxed.
        """
        self.hass = hass
        self.label = label
        self._fetch = fetch
        self._validity = validity
        self._flv = flv
        self.relay_id = secrets.token_hex(8)
        self.token = secrets.token_urlsafe(32)
        self._address: PlayAddress | None = None
        self._lock = asyncio.Lock()
        #: The tasks answering a client now.
        self.connections: set[asyncio.Task[Any]] = set()

    def clock(self) -> float:
        """Seconds, monotonic (the event loop's clock)."""
        return self.hass.loop.time()

    async def async_source(self) -> str | None:
        """Return the local URL, once an address is at hand (None if the cloud refuses).

        Asking here lets the camera say at once that it cannot stream (the
        frontend then shows the error), and the worker's connection that
        follows uses this address (no second request).
        """
        if await self.async_address() is None:
            return None
        return await relay_server(self.hass).async_url(self)

    async def async_close(self) -> None:
        """Stop serving (the camera goes away); running connections end."""
        await relay_server(self.hass).async_unregister(self)
        self._address = None
        if connections := list(self.connections):
            for task in connections:
                task.cancel()
            await asyncio.wait(connections)

    async def async_address(self, *, renew: bool = False) -> PlayAddress | None:
        """Return an address that is good for now (a request only when needed)."""
        async with self._lock:
            address = self._address
            if not renew and address is not None and self.clock() < address.renew_at:
                return address
            self._address = None
            reply = await self._fetch()
            if reply is None:
                return None
            url, expire_time = reply
            validity = granted_validity(expire_time, self._validity)
            self._address = PlayAddress(url, self.clock() + renew_after(validity))
            LOGGER.debug(
                "%s: new play address, valid for %.0f s",
                self.label,
                validity.total_seconds(),
            )
            return self._address

    def forget(self, address: PlayAddress) -> None:
        """Do not use ``address`` again (refused, or its session cannot restart)."""
        if self._address is address:
            self._address = None

    def upstream(self, url: str) -> contextlib.AbstractAsyncContextManager[Reader]:
        """Open an address of the configured protocol."""
        if self._flv:
            return open_flv_upstream(async_get_clientsession(self.hass), url)
        return open_remux_upstream(url, relay_server(self.hass).threads)

    async def async_serve(self, request: web.Request) -> web.StreamResponse:
        """Answer one client (Home Assistant's worker) until it goes away.

        When the cloud fails for good (no address, an address refused twice
        in a row, no media for ``GIVE_UP_AFTER``), the response ends and the
        worker's own retries (10 s, 20 s, ...) take over.
        """
        response = web.StreamResponse(
            headers={"Content-Type": "video/x-flv", "Cache-Control": "no-store"}
        )
        splicer = FlvSplicer(self.clock)
        failures = refusals = 0
        silent_since = self.clock()
        while not _gone(request):
            if (address := await self.async_address()) is None:
                # The camera logged why (offline, wrong code, ...).
                break
            try:
                ended = await self._relay_one(request, response, splicer, address)
            except UpstreamRefusedError as err:
                self.forget(address)
                refusals += 1
                ended = f"refused ({err})"
            except (UpstreamFailedError, FlvError) as err:
                ended = f"failed ({err})"
            LOGGER.debug("%s: cloud stream ended: %s", self.label, ended)
            if splicer.started:
                # Media flowed: the next attempt starts afresh.
                failures = refusals = 0
                silent_since = self.clock()
            if ended in ("renewal", "session"):
                continue
            if refusals >= 2 or self.clock() - silent_since > GIVE_UP_AFTER:
                LOGGER.warning(
                    "%s: the cloud's stream failed (%s); it ends here",
                    self.label,
                    ended,
                )
                break
            if not ended.startswith("refused"):
                # A refused address is replaced at once; a failure waits.
                failures += 1
                await asyncio.sleep(min(RETRY_MAX, RETRY_FIRST * 2 ** (failures - 1)))
        if not response.prepared:
            raise web.HTTPServiceUnavailable
        return response

    async def _relay_one(
        self,
        request: web.Request,
        response: web.StreamResponse,
        splicer: FlvSplicer,
        address: PlayAddress,
    ) -> str:
        """Copy one upstream; return why it ended ("renewal" or "session")."""
        splicer.start_stream()
        async with self.upstream(address.url) as reader:
            header = await read_flv_header(reader)
            if not response.prepared:
                await response.prepare(request)
            await response.write(splicer.header(header))
            async for tag in read_flv_tags(reader):
                if data := splicer.tag(readable_tag(tag)):
                    await response.write(data)
                if splicer.started and self.clock() >= address.renew_at:
                    return "renewal"
        if not splicer.started:
            raise UpstreamFailedError("ended before a keyframe")
        if not self._flv:
            # An ended HLS playlist stays ended for a while: a new address.
            self.forget(address)
        return "session"


def _gone(request: web.Request) -> bool:
    """Whether the client closed its connection."""
    transport = request.transport
    return transport is None or transport.is_closing()
