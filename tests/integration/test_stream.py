"""Live video through Home Assistant's real ``stream`` component (PyAV worker).

The simulator serves its H.264 test pattern; its addresses expire and its
live sessions end by themselves, here after a few seconds. The camera hands
the worker its relay's URL (live/relay.py); these tests watch what comes out of
Home Assistant's HLS output: that the first segment decodes to the test
pattern, and that video keeps flowing across address expiries and session
ends with no gap longer than two segment durations, at one address request
per renewal and without the worker ever failing or restarting.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from typing import TYPE_CHECKING

import av
from homeassistant.components.camera import (
    CameraEntityFeature,
    async_request_stream,
)
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.const import ATTR_SUPPORTED_FEATURES
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest

from custom_components.ezviz_open.const import (
    CONF_STREAM_PROTOCOL,
    DOMAIN,
)
from simulator import media
from tests.bench.stream import (
    CAMERA,
    CODEC_CAMERAS,
    LIVE_PATH,
    RENEWAL_LOG,
    SERIAL,
    request_stream,
    session_ends,
    setup_stream,
    stop_stream,
    watch,
)

if TYPE_CHECKING:
    from homeassistant.components.stream.core import StreamOutput
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator


def _first_frame(output: StreamOutput) -> av.VideoFrame:
    """Decode the first frame of the first complete segment."""
    segment = next(s for s in output.get_segments() if s.complete)
    with av.open(io.BytesIO(segment.init + segment.get_data())) as container:
        return next(container.decode(video=0))


def _segment_codecs(output: StreamOutput) -> set[str]:
    """The video codec of every complete segment of Home Assistant's output."""
    codecs = set()
    for segment in output.get_segments():
        if segment.complete:
            data = io.BytesIO(segment.init + segment.get_data())
            with av.open(data) as container:
                codecs.add(container.streams.video[0].codec_context.name)
    return codecs


def _assert_test_pattern(frame: av.VideoFrame) -> None:
    """The frame has the pattern's size and its colour bars where they belong."""
    size = (frame.width, frame.height)
    assert size == media.DEFAULT_SIZE
    image = frame.to_image()
    for index, colour in enumerate(media.BARS):
        left, top, right, bottom = media.bar_box(size, index)
        pixel = image.getpixel(((left + right) // 2, (top + bottom) // 2))
        assert isinstance(pixel, tuple)
        assert all(abs(a - b) <= 24 for a, b in zip(pixel, colour, strict=True)), (
            index,
            pixel,
            colour,
        )


@pytest.mark.parametrize("codec", ["h264", "h265"])
@pytest.mark.parametrize("protocol", ["flv", "hls"])
async def test_video_keeps_flowing(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    protocol: str,
    codec: str,
) -> None:
    """The test pattern arrives, and keeps arriving across renewals and session ends.

    FLV: a session end reconnects to the same address, and each address is
    renewed once, before it expires. HLS: an ended playlist stays ended for
    a while, so each session end takes a new address. H.265 reaches Home
    Assistant's output as HEVC, from either protocol.
    """
    serial, camera = CODEC_CAMERAS[codec]
    assert simulator.state.devices[serial].video_codec == codec
    # Addresses valid for 5 s (renewed after 3.75 s), sessions of 2.5 s.
    simulator.max_address_validity = 5
    simulator.live_session_length = 2.5
    segment = simulator.segment_duration
    await simulator.render_video(serial)
    await setup_stream(hass, mock_config_entry, **{CONF_STREAM_PROTOCOL: protocol})
    simulator.reset_log()

    start = time.monotonic()
    with caplog.at_level(logging.DEBUG):
        stream = await request_stream(hass, camera)
        output = stream.outputs()["hls"]
        arrivals = await watch(output, start, start + 12)
        frame = _first_frame(output)
        codecs = _segment_codecs(output)
        diagnostics = stream.get_diagnostics()
        await stop_stream(hass, mock_config_entry, stream)

    _assert_test_pattern(frame)
    assert codecs == {"h264": {"h264"}, "h265": {"hevc"}}[codec]
    first, gap = arrivals.parts[0], arrivals.longest_gap
    media_requests = simulator.media_requests
    requests = simulator.count(LIVE_PATH)
    renewals = caplog.text.count(RENEWAL_LOG)
    ends = session_ends(simulator)
    print(  # noqa: T201 - the measured numbers, for the README
        f"\n{protocol}: first part after {first:.2f} s, first segment after "
        f"{arrivals.segments[0]:.2f} s, longest gap {gap:.2f} s, "
        f"video ahead of the clock by {arrivals.ahead:.2f} s, "
        f"{requests} address requests, {renewals} renewals before expiry, "
        f"{ends} sessions ended by the cloud"
    )
    # Within 2 segment durations + 1 s of the request; then never a wait
    # longer than two segment durations.
    assert first < 2 * segment + 1
    assert gap <= 2 * segment
    assert ends >= 2
    # Each new cloud stream starts with frames already seen (FLV: since its
    # last keyframe; HLS: its whole playlist): beyond the first stream's,
    # they must not push the video ahead of the clock.
    backlog = segment if protocol == "flv" else simulator.playlist_segments * segment
    assert arrivals.ahead <= backlog + segment
    # One request at the start, then one per renewal: before each expiry,
    # and (HLS only) after each session end.
    if protocol == "flv":
        assert renewals >= 2
        assert requests == 1 + renewals
    else:
        assert requests <= 1 + renewals + ends
    # Renewed before expiry: the cloud never had to refuse an address.
    assert not [r for r in media_requests if r.status == 403]
    # The worker ran once, never failed, never logged an error.
    assert diagnostics.get("start_worker") == 1
    assert "worker_error" not in diagnostics
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # Nothing secret reached the log: no cloud address, no relay token.
    token = stream.source.split("auth=")[1]
    assert token not in caplog.text
    assert "/_sim/live/" not in caplog.text


async def test_encrypted_camera_refused_then_fixed(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Encrypted: refused once and not asked again; the fix turns it off; it plays.

    The cloud gives no HLS/RTMP/FLV address for encrypted video (60019),
    whatever the code. Each open asks at most once, and none while refused.
    """
    assert await async_setup_component(hass, "repairs", {})
    await setup_stream(hass, mock_config_entry, **{CONF_STREAM_PROTOCOL: "flv"})
    camera = "camera.driveway"
    issue_id = f"live_view_encrypted_{mock_config_entry.entry_id}_C8C000006"
    simulator.reset_log()
    with pytest.raises(HomeAssistantError):
        await async_request_stream(hass, camera, "hls")
    assert [r.code for r in simulator.requests if r.path == LIVE_PATH] == [60019]
    assert hass.states.get(camera).attributes[ATTR_SUPPORTED_FEATURES] == 0
    for _ in range(3):  # opened again: refused without asking
        with pytest.raises(HomeAssistantError):
            await async_request_stream(hass, camera, "hls")
    assert simulator.count(LIVE_PATH) == 1

    manager = repairs_flow_manager(hass)
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    result = await manager.async_configure(
        result["flow_id"], {"next_step_id": "turn_off_encryption"}
    )
    result = await manager.async_configure(result["flow_id"], {"code": "HJKLMN"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    state = hass.states.get(camera)
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == CameraEntityFeature.STREAM

    simulator.reset_log()
    start = time.monotonic()
    stream = await request_stream(hass, camera)
    output = stream.outputs()["hls"]
    while not any(s.complete for s in output.get_segments()):
        assert time.monotonic() - start < 10
        await asyncio.sleep(0.05)
    frame = _first_frame(output)
    await stop_stream(hass, mock_config_entry, stream)
    assert (frame.width, frame.height) == media.DEFAULT_SIZE
    (request,) = [r for r in simulator.requests if r.path == LIVE_PATH]
    assert request.code == 200
    assert "code" not in request.form


async def test_when_the_cloud_fails_for_good(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The device goes offline mid-stream: the relay ends, the worker says so.

    Home Assistant then logs its worker's error and retries after 10 s; the
    log names the camera and the cause, never a cloud address or the token.
    """
    simulator.live_session_length = 1
    await simulator.render_video(SERIAL)
    await setup_stream(hass, mock_config_entry, **{CONF_STREAM_PROTOCOL: "flv"})
    stream = await request_stream(hass, CAMERA)
    output = stream.outputs()["hls"]
    start = time.monotonic()
    while not output.get_segments():
        assert time.monotonic() - start < 10
        await asyncio.sleep(0.05)
    # The cloud forgets the address and the device goes offline.
    simulator.state.live_addresses.clear()
    simulator.faults.error(LIVE_PATH, 20007)
    while not stream.get_diagnostics().get("worker_error"):
        assert time.monotonic() - start < 20
        await asyncio.sleep(0.05)
    await stop_stream(hass, mock_config_entry, stream)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    # FFmpeg 7 (PyAV 13 and 16: Home Assistant 2025.4 to 2026.2) reads the
    # relay's end as the end of the stream; FFmpeg 8 (PyAV 19: 2026.10) as an
    # input/output error, with the relay's address redacted.
    assert len(errors) == 1
    assert errors[0] == (
        "Error from stream worker: Stream ended; no additional packets"
    ) or errors[0].startswith(
        "Error from stream worker: Error demuxing stream (Input/output error, "
    )
    assert "No live address for camera.living_room" in caplog.text
    token = stream.source.split("auth=")[1]
    assert token not in caplog.text
    assert "/_sim/live/" not in caplog.text


async def test_reload_while_streaming(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reload stops the old camera's stream quietly, and the cloud is no longer read."""
    await simulator.render_video(SERIAL)
    await setup_stream(hass, mock_config_entry, **{CONF_STREAM_PROTOCOL: "hls"})
    stream = await request_stream(hass, CAMERA)
    output = stream.outputs()["hls"]
    start = time.monotonic()
    while not output.get_segments():
        assert time.monotonic() - start < 10
        await asyncio.sleep(0.05)
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert stream.outputs() == {}
    await asyncio.sleep(0.5)
    count = len(simulator.media_requests)
    await asyncio.sleep(2.5)  # longer than a playlist reload
    assert len(simulator.media_requests) == count
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
