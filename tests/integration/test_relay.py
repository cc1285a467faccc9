"""The relay's parts: FLV parsing and splicing, address validity, the local server.

``test_stream.py`` runs the whole through Home Assistant's stream worker;
these tests pin the rules with synthetic FLV, and read the relay's output
directly over loopback.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
import itertools
import logging
import struct
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from homeassistant.components.camera import async_get_stream_source
from homeassistant.components.stream.exceptions import StreamWorkerError
from homeassistant.components.stream.worker import try_open_stream
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.util import dt as dt_util
import pytest

from custom_components.ezviz_open.const import CONF_STREAM_PROTOCOL
from custom_components.ezviz_open.live import relay as relay_module
from custom_components.ezviz_open.live.address import (
    PlayAddress,
    granted_validity,
    renew_after,
)
from custom_components.ezviz_open.live.flv import (
    TAG_AUDIO,
    TAG_SCRIPT,
    TAG_VIDEO,
    FlvError,
    FlvSplicer,
    FlvTag,
    read_flv_header,
    read_flv_tags,
    readable_tag,
)
from custom_components.ezviz_open.live.relay import LiveRelay
from custom_components.ezviz_open.live.server import relay_server

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator

LIVE_PATH = "/api/lapp/live/address/get"
HEADER = b"FLV\x01\x01\x00\x00\x00\x09" + bytes(4)
META = FlvTag(TAG_SCRIPT, 0, b"\x02\x00\x0aonMetaData")
CONFIG = FlvTag(TAG_VIDEO, 0, b"\x17\x00\x00\x00\x00config-1")


def key(timestamp: int) -> FlvTag:
    """An AVC keyframe."""
    return FlvTag(TAG_VIDEO, timestamp, b"\x17\x01\x00\x00\x00key")


def inter(timestamp: int) -> FlvTag:
    """An AVC inter frame."""
    return FlvTag(TAG_VIDEO, timestamp, b"\x27\x01\x00\x00\x00inter")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _parse(data: bytes) -> tuple[bytes, list[FlvTag]]:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    header = await read_flv_header(reader)
    return header, [tag async for tag in read_flv_tags(reader)]


def _sent(splicer: FlvSplicer, *tags: FlvTag) -> list[tuple[int, int, bytes]]:
    """Feed tags to the splicer; return (kind, timestamp, payload) of what it sent."""
    out = b"".join(splicer.tag(tag) for tag in tags)
    result = []
    while out:
        size = int.from_bytes(out[1:4], "big")
        timestamp = int.from_bytes(out[4:7], "big") | out[7] << 24
        result.append((out[0], timestamp, out[11 : 11 + size]))
        assert int.from_bytes(out[11 + size : 15 + size], "big") == 11 + size
        out = out[15 + size :]
    return result


# -- FLV -------------------------------------------------------------------------


async def test_flv_round_trip() -> None:
    """Tags written are read back, extended timestamps included."""
    tags = [META, CONFIG, key(0), inter(40), inter(0x01234567)]
    header, parsed = await _parse(HEADER + b"".join(t.to_bytes() for t in tags))
    assert header == HEADER
    assert parsed == tags


@pytest.mark.parametrize(
    "data",
    [
        b"NOT" + HEADER[3:],  # not FLV
        HEADER + key(0).to_bytes()[:-3],  # cut inside a tag
        HEADER + key(0).to_bytes()[:5],  # cut inside a tag header
    ],
)
async def test_flv_errors(data: bytes) -> None:
    """What is not FLV, or stops inside a tag, is an error, not an end."""
    with pytest.raises(FlvError):
        await _parse(data)


def test_tag_kinds() -> None:
    """Keyframes and decoder configuration, legacy and enhanced FLV."""
    assert key(0).is_keyframe
    assert not key(0).is_sequence_header
    assert not inter(0).is_keyframe
    assert CONFIG.is_sequence_header
    assert not CONFIG.is_keyframe
    # HEVC as codec 12 (the Chinese extension), and enhanced FLV (hvc1).
    assert FlvTag(TAG_VIDEO, 0, b"\x1c\x01\x00\x00\x00").is_keyframe
    assert FlvTag(TAG_VIDEO, 0, b"\x90hvc1").is_sequence_header
    assert FlvTag(TAG_VIDEO, 0, b"\x91hvc1").is_keyframe
    assert not FlvTag(TAG_VIDEO, 0, b"\xa1hvc1").is_keyframe
    # AAC: its configuration, then frames.
    assert FlvTag(TAG_AUDIO, 0, b"\xaf\x00\x12\x10").is_sequence_header
    assert not FlvTag(TAG_AUDIO, 0, b"\xaf\x01data").is_sequence_header


def test_legacy_hevc_becomes_enhanced_flv() -> None:
    """Codec id 12 tags are rewritten to enhanced FLV (hvc1); the rest stay."""
    record = b"\x01\x01\x60\x00\x00\x00hvcC-record"
    nal = struct.pack(">I", 5) + b"\x26\x01slc"
    # Sequence header: the record after the composition time.
    config = readable_tag(FlvTag(TAG_VIDEO, 0, b"\x1c\x00\x00\x00\x00" + record))
    assert config == FlvTag(TAG_VIDEO, 0, b"\x90hvc1" + record)
    assert config.is_sequence_header
    # Coded frames keep their composition time; the frame type is kept.
    frame = readable_tag(FlvTag(TAG_VIDEO, 40, b"\x1c\x01\x00\x00\x28" + nal))
    assert frame == FlvTag(TAG_VIDEO, 40, b"\x91hvc1\x00\x00\x28" + nal)
    assert frame.is_keyframe
    inter_frame = readable_tag(FlvTag(TAG_VIDEO, 80, b"\x2c\x01\x00\x00\x00" + nal))
    assert inter_frame.data == b"\xa1hvc1\x00\x00\x00" + nal
    assert not inter_frame.is_keyframe
    end = readable_tag(FlvTag(TAG_VIDEO, 120, b"\x1c\x02\x00\x00\x00"))
    assert end.data == b"\x92hvc1"
    with pytest.raises(FlvError):
        readable_tag(FlvTag(TAG_VIDEO, 0, b"\x1c\x07\x00\x00\x00"))
    # onMetaData naming codec 12 names hvc1, as enhanced FLV does.
    meta = (
        b"\x02\x00\x0aonMetaData\x08\x00\x00\x00\x01"
        + b"\x00\x0cvideocodecid\x00"
        + struct.pack(">d", 12.0)
        + b"\x00\x00\x09"
    )
    rewritten = readable_tag(FlvTag(TAG_SCRIPT, 0, meta))
    assert rewritten.data == meta.replace(
        struct.pack(">d", 12.0), struct.pack(">d", float(0x68766331))
    )
    # H.264, enhanced FLV, audio and other metadata pass as they are.
    for tag in (
        CONFIG,
        key(0),
        FlvTag(TAG_VIDEO, 0, b"\x91hvc1\x00\x00\x00" + nal),
        FlvTag(TAG_AUDIO, 0, b"\xaf\x01data"),
        META,
    ):
        assert readable_tag(tag) is tag


def test_splicer_first_stream() -> None:
    """The first stream keeps its header, metadata and spacing, from its first keyframe."""
    clock = Clock()
    splicer = FlvSplicer(clock)
    splicer.start_stream()
    assert splicer.header(HEADER) == HEADER
    sent = _sent(splicer, META, CONFIG, inter(960), key(1000), inter(1100))
    assert [(kind, ts) for kind, ts, _ in sent] == [
        (TAG_SCRIPT, 0),
        (TAG_VIDEO, 0),  # the configuration, held back until the keyframe
        (TAG_VIDEO, 0),  # the keyframe; the inter frame before it is dropped
        (TAG_VIDEO, 100),
    ]
    assert sent[1][2] == CONFIG.data
    assert splicer.started


def test_splicer_next_stream_follows_the_clock() -> None:
    """A later stream starts after the pause, and its burst does not run ahead."""
    clock = Clock()
    splicer = FlvSplicer(clock)
    splicer.start_stream()
    splicer.header(HEADER)
    _sent(splicer, META, CONFIG, key(0), inter(100))

    clock.now += 0.5  # the cloud ended the session; half a second to reconnect
    splicer.start_stream()
    assert splicer.header(HEADER) == b""
    # Metadata and the same configuration again: not sent. The burst of
    # frames since the cloud's last keyframe arrives at once: squeezed.
    sent = _sent(splicer, META, CONFIG, key(5000), inter(5100), inter(5200))
    assert [(kind, ts) for kind, ts, _ in sent] == [
        (TAG_VIDEO, 600),
        (TAG_VIDEO, 601),
        (TAG_VIDEO, 602),
    ]
    # Then frames in real time, at their own spacing.
    clock.now += 0.1
    assert _sent(splicer, inter(5300))[0][1] == 700
    clock.now += 0.1
    assert _sent(splicer, inter(5400))[0][1] == 800


def test_splicer_new_configuration_and_audio() -> None:
    """A changed configuration is sent; audio follows the video's shift."""
    clock = Clock()
    splicer = FlvSplicer(clock)
    splicer.start_stream()
    _sent(splicer, CONFIG, key(0))
    clock.now += 2
    splicer.start_stream()
    other = FlvTag(TAG_VIDEO, 0, b"\x17\x00\x00\x00\x00config-2")
    audio = FlvTag(TAG_AUDIO, 3000, b"\xaf\x01data")
    sent = _sent(splicer, other, key(3000), audio)
    assert [(kind, ts, data) for kind, ts, data in sent] == [
        (TAG_VIDEO, 2000, other.data),
        (TAG_VIDEO, 2000, key(0).data),
        (TAG_AUDIO, 2000, audio.data),
    ]


# -- addresses -------------------------------------------------------------------


def test_granted_validity() -> None:
    """The reply's expireTime (UTC, no zone) decides, unless it cannot be right."""
    asked = timedelta(hours=1)
    now = dt_util.utcnow().replace(tzinfo=None, microsecond=0)
    assert granted_validity(None, asked) == asked
    granted = granted_validity(now + timedelta(minutes=10), asked)
    assert timedelta(minutes=9) < granted <= timedelta(minutes=10)
    # More than asked, or already past: another zone; what was asked is the guess.
    assert granted_validity(now + timedelta(hours=9), asked) == asked
    assert granted_validity(now - timedelta(hours=7), asked) == asked
    # A time with a zone is taken as it is.
    aware = dt_util.utcnow() + timedelta(minutes=10)
    assert (
        timedelta(minutes=9) < granted_validity(aware, asked) <= timedelta(minutes=10)
    )


def test_play_address_hides_its_url() -> None:
    """An address's repr (what a debug log or a traceback shows) has no URL."""
    address = PlayAddress("https://cloud.example/live.flv?token=secret", 12.25)
    assert repr(address) == "PlayAddress(renew_at=12.2)"


def test_renew_after() -> None:
    """Renewed 30 s before expiry, or after three quarters of a short validity."""
    assert renew_after(timedelta(hours=1)) == 3570
    assert renew_after(timedelta(seconds=8)) == 6


# -- the server, on the simulator ------------------------------------------------


async def _read(
    url: str, seconds: float
) -> tuple[int, list[FlvTag], aiohttp.ClientResponse | None]:
    """Read the relay for ``seconds``; return its status and the tags read."""
    tags: list[FlvTag] = []
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        if response.status != 200:
            return response.status, tags, None
        await read_flv_header(response.content)
        try:
            async with asyncio.timeout(seconds):
                # One at a time: the timeout ends the reading, not the list.
                async for tag in read_flv_tags(response.content):
                    tags.append(tag)  # noqa: PERF401
        except TimeoutError:
            pass
        return response.status, tags, response


async def _setup(
    hass: HomeAssistant, entry: MockConfigEntry, **options: object
) -> None:
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_relay_output_across_sessions(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Read directly: one FLV stream whose timestamps rise across session ends.

    The address is asked for once (by ``stream_source``) and used again
    after each session end; nothing is read from the cloud before a client
    connects, nor after it leaves.
    """
    simulator.live_session_length = 1
    await simulator.render_video("C6N000001")
    await _setup(hass, mock_config_entry, **{CONF_STREAM_PROTOCOL: "flv"})
    simulator.reset_log()
    url = await async_get_stream_source(hass, "camera.living_room")
    assert url.startswith("http://127.0.0.1:")
    assert simulator.count(LIVE_PATH) == 1
    assert simulator.media_requests == []

    status, tags, _ = await _read(url, 3.5)
    assert status == 200
    video = [
        t.timestamp for t in tags if t.kind == TAG_VIDEO and not t.is_sequence_header
    ]
    assert video == sorted(video)
    assert len(set(video)) == len(video)
    assert max(b - a for a, b in itertools.pairwise(video)) < 1000
    assert sum(t.is_sequence_header for t in tags) == 1
    assert sum(t.kind == TAG_SCRIPT for t in tags) == 1
    flv = [r for r in simulator.media_requests if r.kind == "flv"]
    assert len(flv) >= 3
    assert [r.reason for r in flv[:2]] == ["session", "session"]
    assert simulator.count(LIVE_PATH) == 1

    # The client left: so did the relay; nothing more is read.
    await asyncio.sleep(0.5)
    assert all(r.closed is not None for r in flv)
    count = len(simulator.media_requests)
    await asyncio.sleep(1.5)
    assert len(simulator.media_requests) == count
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_relay_refuses_strangers(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Without the camera's token, or for no camera, the relay answers 404."""
    await _setup(hass, mock_config_entry, **{CONF_STREAM_PROTOCOL: "flv"})
    url = await async_get_stream_source(hass, "camera.living_room")
    base, token = url.split("?auth=")
    # Another relay id: the last hex digit changed (it is random, and may be 0).
    other = "1" if base.endswith("0") else "0"
    simulator.reset_log()
    for wrong in (
        f"{base}?auth={token[:-1]}",
        base,
        f"{base[:-1]}{other}?auth={token}",
    ):
        status, _, _ = await _read(wrong, 1)
        assert status == 404
    # No video was asked of the cloud (a picture fetched in the background
    # by another entity is no stream).
    assert [r for r in simulator.media_requests if r.kind != "picture"] == []
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    # The camera is gone: so is its relay (the server stopped listening).
    with pytest.raises(aiohttp.ClientConnectionError):
        await _read(url, 1)


@pytest.mark.parametrize("protocol", ["flv", "hls"])
async def test_relay_when_the_cloud_fails(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    protocol: str,
) -> None:
    """An address refused, and no new one: the relay answers 503, says why, no secret."""
    await _setup(hass, mock_config_entry, **{CONF_STREAM_PROTOCOL: protocol})
    url = await async_get_stream_source(hass, "camera.living_room")
    simulator.state.live_addresses.clear()  # the cloud forgot the address
    simulator.faults.error(LIVE_PATH, 20007)  # and the device went offline
    simulator.reset_log()
    with caplog.at_level(logging.DEBUG):
        status, _, _ = await _read(url, 1)
    assert status == 503
    assert [r.status for r in simulator.media_requests] == [403]
    assert simulator.count(LIVE_PATH) == 1
    # What Home Assistant's worker then logs (at ERROR): no token in it.
    with pytest.raises(StreamWorkerError) as err:
        await hass.async_add_executor_job(try_open_stream, url, {})
    assert "503" in str(err.value) or "5XX" in str(err.value)
    assert url.split("auth=")[1] not in str(err.value)
    assert "No live address for camera.living_room" in caplog.text
    assert "cloud stream ended: refused" in caplog.text
    assert url.split("auth=")[1] not in caplog.text
    assert "/_sim/live/" not in caplog.text
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


# -- the relay against a cloud that misbehaves -------------------------------------
# The simulator's streams end cleanly or refuse (403); a cut connection, an
# HTTP 500 or a stream without a keyframe it cannot produce: a small loopback
# server of the test's own plays that cloud.


class FakeCloud:
    """A loopback media server answering each connection as ``script`` says."""

    def __init__(self, script: Callable[[int, str], str]) -> None:
        #: script(n, address) for the n-th connection (from 0) to ``address``
        #: (its ``n`` query parameter): "cut" (media, then the connection
        #: drops), "no-key" (configuration only, a clean end), "endless"
        #: (media until ``cut_all`` or the client leaves; then cut), "500",
        #: "403", "403 together" (held until a second such request came).
        self.script = script
        self.connections: list[float] = []  # loop time of each
        self.streaming = 0  # media responses being written now
        self.cut_all = False
        self.held = 0
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FakeCloud:
        app = web.Application()
        app.router.add_get("/{name}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/secret-address.flv"
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        action = self.script(len(self.connections), request.query.get("n", ""))
        self.connections.append(asyncio.get_running_loop().time())
        if action == "403 together":
            self.held += 1
            await _until(lambda: self.held >= 2)
            return web.Response(status=403)
        if action.isdigit():
            return web.Response(status=int(action))
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(HEADER + META.to_bytes() + CONFIG.to_bytes())
        if action == "no-key":
            await response.write_eof()
            return response
        frame = 0
        self.streaming += 1
        try:
            while frame < 5 or (action == "endless" and not self.cut_all):
                tag = key(frame * 40) if frame % 5 == 0 else inter(frame * 40)
                await response.write(tag.to_bytes())
                frame += 1
                await asyncio.sleep(0.02)
        except ConnectionError:  # the relay left
            return response
        finally:
            self.streaming -= 1
        assert request.transport is not None
        request.transport.abort()  # mid-stream, no end of the chunks
        return response


async def _until(condition: Callable[[], bool]) -> None:
    """Wait until ``condition`` holds (at most 5 s)."""
    deadline = asyncio.get_running_loop().time() + 5
    while not condition():
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.02)


def _relay(
    hass: HomeAssistant, url: str | None, *, flv: bool = True
) -> tuple[LiveRelay, list[str]]:
    """A relay whose cloud answers ``url?n=1``, ``url?n=2``, ... (None: no address).

    Also returns the list of the addresses it was given.
    """

    async def fetch() -> tuple[str, datetime | None] | None:
        if url is None:
            return None
        fetches.append(f"{url}?n={len(fetches) + 1}")
        return fetches[-1], None

    fetches: list[str] = []
    return LiveRelay(hass, "camera.test", fetch, timedelta(hours=1), flv=flv), fetches


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize(
    ("flv", "reply"), [(True, "closed port"), (True, "500"), (False, "500")]
)
async def test_relay_gives_up_on_a_failing_cloud(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    flv: bool,
    reply: str,
) -> None:
    """No media: retried after 0.5 s, then 1 s, ...; after GIVE_UP_AFTER, 503.

    The address is not asked for again (it was not refused), and the log
    says why without the address.
    """
    monkeypatch.setattr(relay_module, "GIVE_UP_AFTER", 1.2)
    async with FakeCloud(lambda *_: reply) as cloud:
        if reply == "closed port":
            await cloud.__aexit__()  # nothing listens there any more
        relay, fetches = _relay(hass, cloud.url, flv=flv)
        local = await relay.async_source()
        assert local is not None
        start = asyncio.get_running_loop().time()
        with caplog.at_level(logging.DEBUG):
            status, _, _ = await _read(local, 5)
        elapsed = asyncio.get_running_loop().time() - start
        await relay.async_close()
    assert status == 503
    # Attempts at 0, 0.5 and 1.5 s: silent for more than 1.2 s, it gives up.
    assert 1.5 <= elapsed < 3
    if reply == "500":
        gaps = [round(b - a, 1) for a, b in itertools.pairwise(cloud.connections)]
        assert gaps == [0.5, 1.0]
    assert len(fetches) == 1
    assert "the cloud's stream failed (failed (" in caplog.text
    assert "secret-address" not in caplog.text


@pytest.mark.usefixtures("socket_enabled")
async def test_relay_carries_on_after_broken_upstreams(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cut connection, a stream without a keyframe: the client's stream goes on.

    Then the cloud fails (HTTP 500) and the client leaves while the relay
    waits to retry: it stops trying.
    """
    monkeypatch.setattr(relay_module, "RETRY_FIRST", 0.1)
    monkeypatch.setattr(relay_module, "RETRY_MAX", 0.2)
    script = ["cut", "no-key", "cut"]
    async with FakeCloud(lambda n, _: script[n] if n < 3 else "500") as cloud:
        relay, fetches = _relay(hass, cloud.url)
        local = await relay.async_source()
        assert local is not None
        status, tags, _ = await _read(local, 1.5)
        assert status == 200
        count = len(cloud.connections)
        await asyncio.sleep(0.6)
        assert len(cloud.connections) == count
        await relay.async_close()
    assert count >= 5  # cut, no keyframe, cut, then at least two 500s
    video = [t for t in tags if t.kind == TAG_VIDEO and not t.is_sequence_header]
    # Both cut streams reached the client, one after the other.
    assert sum(t.is_keyframe for t in video) == 2
    assert len(video) == 10
    stamps = [t.timestamp for t in video]
    assert stamps == sorted(stamps)
    assert len(fetches) == 1  # failures, not refusals: the address is kept


@pytest.mark.usefixtures("socket_enabled")
async def test_relay_refused_under_two_clients(hass: HomeAssistant) -> None:
    """Two clients, their address refused under both: one new address, not two."""

    def script(_: int, address: str) -> str:
        return "403 together" if address == "1" and cloud.cut_all else "endless"

    async with FakeCloud(script) as cloud:
        relay, fetches = _relay(hass, cloud.url)
        local = await relay.async_source()
        assert local is not None
        readers = [asyncio.create_task(_read(local, 1.5)) for _ in range(2)]
        await _until(lambda: cloud.streaming == 2)
        # Both streams drop; both clients try the address again, it is refused.
        cloud.cut_all = True
        await _until(lambda: len(fetches) == 2)
        cloud.cut_all = False
        results = await asyncio.gather(*readers)
        await relay.async_close()
    assert len(fetches) == 2
    assert cloud.held == 2
    for status, tags, _ in results:
        assert status == 200
        # The second address's stream reached both clients.
        assert sum(t.is_keyframe for t in tags) >= 2


@pytest.mark.usefixtures("socket_enabled")
async def test_relay_server_lifecycle(hass: HomeAssistant) -> None:
    """A relay closed ends its clients at once, not the others'; HA's stop ends all."""
    async with FakeCloud(lambda *_: "endless") as cloud:
        (first, _), (second, _) = _relay(hass, cloud.url), _relay(hass, None)
        url = await first.async_source()
        assert url is not None
        second_url = await relay_server(hass).async_url(second)
        reader = asyncio.create_task(_read(url, 10))
        await _until(lambda: cloud.streaming == 1)
        await asyncio.sleep(0.2)
        start = asyncio.get_running_loop().time()
        await first.async_close()
        # Its response is cut at once (no clean end: the stream did not end).
        with pytest.raises(aiohttp.ClientPayloadError):
            await reader
        assert asyncio.get_running_loop().time() - start < 2
        # And so is its cloud stream.
        await _until(lambda: cloud.streaming == 0)
        assert (await _read(url, 1))[0] == 404
        # The other relay is still served (its cloud has no address: 503).
        assert (await _read(second_url, 1))[0] == 503

        hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
        await hass.async_block_till_done()
        with pytest.raises(aiohttp.ClientConnectionError):
            await _read(second_url, 1)
        await second.async_close()
