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

Upstreams: protocol 4 (HTTP-FLV) is copied tag by tag, in Python, without
probing; H.265 in EZVIZ's legacy form (codec id 12) is rewritten into
enhanced FLV on the way, the only form FFmpeg reads (flv.py). Protocol 2 (HLS) and 3 (RTMP) are remuxed to FLV by PyAV (the
library Home Assistant's stream worker uses), without decoding, in a thread
per connection. Video only in that case; FLV audio tags are copied.

Secrets: the local URL carries an unguessable token in its ``auth`` query
parameter, which Home Assistant redacts where it logs a stream's source.
The cloud's addresses are never logged here. The server listens on the
loopback interface only and keeps no access log.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import hmac
import secrets
import socket
import threading
from typing import TYPE_CHECKING, Any, Final

import aiohttp
from aiohttp import web
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN, LOGGER
from .flv import (
    FlvError,
    FlvSplicer,
    Reader,
    read_flv_header,
    read_flv_tags,
    readable_tag,
)

if TYPE_CHECKING:
    from homeassistant.core import Event, HomeAssistant

#: Renew an address this long before it expires (a quarter of its validity
#: when that is shorter), so that a running stream never meets the expiry.
RENEW_MARGIN: Final = timedelta(seconds=30)
#: Without media from the cloud for this long, the relay ends its response
#: (Home Assistant's worker would give up after 30 s of silence anyway).
GIVE_UP_AFTER: Final = 20.0  # seconds
#: Waits between failed upstream attempts: 0.5 s, 1 s, 2 s, 4 s, 4 s, ...
RETRY_FIRST: Final = 0.5
RETRY_MAX: Final = 4.0
#: Connecting to the cloud, and silence on an open upstream.
UPSTREAM_TIMEOUT: Final = 10.0  # seconds
#: HTTP statuses with which the cloud refuses an address (expired, disabled).
REFUSED_STATUSES: Final = frozenset({401, 403, 404, 410})

DATA_RELAY_SERVER: HassKey[RelayServer] = HassKey(f"{DOMAIN}_relay_server")

# -- addresses ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlayAddress:
    """A cloud play address and when (loop time) to stop using it."""

    url: str
    renew_at: float

    def __repr__(self) -> str:
        """Never show the URL: it grants access to the stream."""
        return f"PlayAddress(renew_at={self.renew_at:.1f})"


def granted_validity(expire_time: datetime | None, asked: timedelta) -> timedelta:
    """How long an address stays valid, from the reply's ``expireTime``.

    The reply's time has no zone; the reference's example matches the
    ``expire`` epoch in its URL when read as UTC. The cloud may grant less
    than was asked; more, or a time already past, means the zone was not
    UTC, and then what was asked for is the best guess.
    """
    if expire_time is None:
        return asked
    if expire_time.tzinfo is None:
        expire_time = expire_time.replace(tzinfo=UTC)
    granted = expire_time - dt_util.utcnow()
    if granted <= timedelta(0) or granted > asked:
        return asked
    return granted


def renew_after(validity: timedelta) -> float:
    """Seconds after which an address of ``validity`` is renewed."""
    seconds = validity.total_seconds()
    return seconds - min(RENEW_MARGIN.total_seconds(), seconds / 4)


# -- upstreams ----------------------------------------------------------------


class UpstreamRefusedError(Exception):
    """The cloud refused the address (expired, disabled): ask for another."""


class UpstreamFailedError(Exception):
    """The cloud could not be read now; the address may still be good."""


class _UpstreamReader:
    """An upstream body whose read errors say "upstream" (not the client's)."""

    def __init__(self, content: aiohttp.StreamReader) -> None:
        self._content = content

    async def readexactly(self, n: int) -> bytes:
        try:
            return await self._content.readexactly(n)
        except (aiohttp.ClientError, TimeoutError) as err:
            # The error's text may hold the URL: only its type is kept.
            raise UpstreamFailedError(type(err).__name__) from None


@contextlib.asynccontextmanager
async def open_flv_upstream(
    session: aiohttp.ClientSession, url: str
) -> AsyncIterator[Reader]:
    """Open an HTTP-FLV address; yield its body."""
    timeout = aiohttp.ClientTimeout(
        total=None, connect=UPSTREAM_TIMEOUT, sock_read=UPSTREAM_TIMEOUT
    )
    try:
        response = await session.get(url, timeout=timeout)
    except (aiohttp.ClientError, TimeoutError) as err:
        raise UpstreamFailedError(type(err).__name__) from None
    try:
        if response.status in REFUSED_STATUSES:
            raise UpstreamRefusedError(f"HTTP {response.status}")
        if response.status != 200:
            raise UpstreamFailedError(f"HTTP {response.status}")
        yield _UpstreamReader(response.content)
    finally:
        response.close()


@contextlib.asynccontextmanager
async def open_remux_upstream(
    url: str, threads: set[asyncio.Future[None]]
) -> AsyncIterator[Reader]:
    """Open an HLS or RTMP address; yield it remuxed to FLV (video, not decoded).

    PyAV blocks, so it runs in a thread of its own that ends with the
    connection: it checks between packets, and a silent source ends it after
    ``UPSTREAM_TIMEOUT``. The connection waits for its thread; the thread's
    end is also kept in ``threads`` for whoever stops the server.
    """
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(loop=loop)
    stop = threading.Event()
    ended: asyncio.Future[None] = loop.create_future()
    error: Exception | None = None

    def _feed(data: bytes) -> None:
        if not stop.is_set():
            loop.call_soon_threadsafe(reader.feed_data, data)

    def _finish(failure: Exception | None) -> None:
        nonlocal error
        error = failure
        reader.feed_eof()
        threads.discard(ended)
        ended.set_result(None)  # only here, once: the thread calls this once

    def _run() -> None:
        failure: Exception | None = None
        try:
            remux_to_flv(url, _feed, stop)
        except Exception as err:  # handed over to the event loop
            failure = _remux_error(err)
        with contextlib.suppress(RuntimeError):  # the loop may be closed
            loop.call_soon_threadsafe(_finish, failure)

    threads.add(ended)
    threading.Thread(target=_run, name=f"{DOMAIN}_remux", daemon=True).start()
    try:
        try:
            header = await reader.readexactly(9)
        except asyncio.IncompleteReadError:
            raise error or UpstreamFailedError("no media") from None
        yield _Prefixed(header, reader)
    except BaseException as err:
        stop.set()
        # Cancelled (the server stops): the server waits for ``threads``.
        if isinstance(err, Exception):
            await asyncio.shield(ended)
        raise
    stop.set()
    await asyncio.shield(ended)


def _remux_error(error: Exception) -> Exception:
    """Classify a PyAV error (in the remux thread, where PyAV is loaded)."""
    import av  # loaded by the stream integration; never on the event loop

    refused = (av.HTTPForbiddenError, av.HTTPNotFoundError, av.HTTPUnauthorizedError)
    if isinstance(error, refused):
        return UpstreamRefusedError(type(error).__name__)
    # An FFmpeg error's text may hold the URL: only its type is kept.
    return UpstreamFailedError(type(error).__name__)


class _Prefixed:
    """A reader that first gives back bytes already read."""

    def __init__(self, prefix: bytes, reader: asyncio.StreamReader) -> None:
        self._prefix = prefix
        self._reader = reader

    async def readexactly(self, n: int) -> bytes:
        head, self._prefix = self._prefix[:n], self._prefix[n:]
        if len(head) == n:
            return head
        try:
            return head + await self._reader.readexactly(n - len(head))
        except asyncio.IncompleteReadError as err:
            raise asyncio.IncompleteReadError(head + err.partial, n) from None


class _Sink:
    """A write-only, unseekable file for PyAV's FLV muxer."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        self._write = write

    def write(self, data: bytes) -> int:
        self._write(bytes(data))
        return len(data)


def remux_to_flv(
    url: str, write: Callable[[bytes], None], stop: threading.Event
) -> None:
    """Copy the video of ``url`` into an FLV stream given to ``write`` (blocks)."""
    import av  # loaded by the stream integration; never on the event loop

    source: Any = av.open(url, timeout=(UPSTREAM_TIMEOUT, UPSTREAM_TIMEOUT))
    try:
        video = source.streams.video[0]
        # Unseekable: no duration or size to write back at the end.
        output: Any = av.open(
            _Sink(write),
            "w",
            format="flv",
            options={"flvflags": "no_duration_filesize"},
        )
        try:
            if hasattr(output, "add_stream_from_template"):  # PyAV 14 and later
                out_video = output.add_stream_from_template(video)
            else:
                out_video = output.add_stream(template=video)
            for packet in source.demux(video):
                if stop.is_set():
                    return
                if packet.dts is None:
                    continue
                packet.stream = out_video
                output.mux(packet)
        finally:
            output.close()
    finally:
        source.close()


# -- the relay ----------------------------------------------------------------

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


# -- the server ---------------------------------------------------------------


class RelayServer:
    """The loopback HTTP server of every camera's relay (one per Home Assistant).

    It listens while a camera has handed out its URL, and stops when the
    last camera goes away or Home Assistant stops.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        """Create the server (not yet listening)."""
        self.hass = hass
        self._relays: dict[str, LiveRelay] = {}
        self._runner: web.AppRunner | None = None
        self._base_url = ""
        self._lock = asyncio.Lock()
        self._handlers: set[asyncio.Task[Any]] = set()
        #: The ends of the remux threads still running (see open_remux_upstream).
        self.threads: set[asyncio.Future[None]] = set()
        self._unsub_stop: Callable[[], None] | None = None

    async def async_url(self, relay: LiveRelay) -> str:
        """Serve ``relay`` (listening if not yet); return its local URL.

        The token goes in ``auth``, a parameter Home Assistant redacts where
        it logs a stream's source.
        """
        async with self._lock:
            if self._runner is None:
                await self._async_start()
            self._relays[relay.relay_id] = relay
        return f"{self._base_url}/ezviz_open/live/{relay.relay_id}?auth={relay.token}"

    async def async_unregister(self, relay: LiveRelay) -> None:
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
