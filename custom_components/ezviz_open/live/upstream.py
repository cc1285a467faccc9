"""Reading the cloud's stream: FLV copied as it is, HLS and RTMP remuxed to FLV.

Protocol 4 (HTTP-FLV) is read tag by tag, in Python, without probing.
Protocol 2 (HLS) and 3 (RTMP) are remuxed to FLV by PyAV (the library Home
Assistant's stream worker uses), without decoding, in a thread per
connection; video only in that case. Either way a refusal (the address
expired or was disabled) and a failure (the address may still be good) are
told apart, so the relay knows whether to ask for another address.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import TYPE_CHECKING, Any, Final

import aiohttp

from ..const import DOMAIN

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from .flv import (
        Reader,
    )

#: Connecting to the cloud, and silence on an open upstream.
UPSTREAM_TIMEOUT: Final = 10.0  # seconds
#: HTTP statuses with which the cloud refuses an address (expired, disabled).
REFUSED_STATUSES: Final = frozenset({401, 403, 404, 410})


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
