"""The relay's parts: FLV parsing and splicing, address validity, the local server.

``test_stream.py`` runs the whole through Home Assistant's stream worker;
these tests pin the rules with synthetic FLV, and read the relay's output
directly over loopback.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import itertools
import logging
from typing import TYPE_CHECKING

import aiohttp
from homeassistant.components.camera import async_get_stream_source
from homeassistant.components.stream.exceptions import StreamWorkerError
from homeassistant.components.stream.worker import try_open_stream
from homeassistant.util import dt as dt_util
import pytest

from custom_components.ezviz_open.const import CONF_STREAM_PROTOCOL
from custom_components.ezviz_open.flv import (
    TAG_AUDIO,
    TAG_SCRIPT,
    TAG_VIDEO,
    FlvError,
    FlvSplicer,
    FlvTag,
    read_flv_header,
    read_flv_tags,
)
from custom_components.ezviz_open.relay import granted_validity, renew_after

if TYPE_CHECKING:
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
    simulator.reset_log()
    for wrong in (
        f"{base}?auth={token[:-1]}",
        base,
        f"{base[:-1]}0?auth={token}",
    ):
        status, _, _ = await _read(wrong, 1)
        assert status == 404
    assert simulator.media_requests == []
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
