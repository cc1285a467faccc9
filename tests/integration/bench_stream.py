"""Live video measurements for docs/live-video.md (not collected by the test run).

Run: ``.venv/bin/pytest tests/integration/bench_stream.py -s -p no:randomly``.
Through Home Assistant's real stream worker against the simulator:

- time to the first part and segment of Home Assistant's HLS output after a
  stream request, per protocol, through the relay and (for comparison) with
  the cloud's address given to the worker directly;
- over a longer run with short address validities and sessions, the longest
  wait for new media, the address requests and what they come to per hour
  of viewing at the cloud's real validity and session length.
"""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING

from homeassistant.components.camera import DynamicStreamSettings
from homeassistant.components.stream import create_stream
import pytest

from custom_components.ezviz_open.api.live import StreamProtocol
from custom_components.ezviz_open.const import CONF_STREAM_PROTOCOL
from simulator import media
from tests.bench.stream import (
    CAMERA,
    SERIAL,
    measure_stream,
    request_stream,
    setup_stream,
    stop_stream,
    watch,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator

RUNS = 3
RESULTS: dict[str, list[tuple[float, float]]] = {}


@pytest.fixture(autouse=True)
def loop_without_debug(hass: HomeAssistant) -> None:
    """Run the event loop as in production (the harness turns debug on)."""
    hass.loop.set_debug(False)


@pytest.mark.parametrize("run", range(RUNS))
@pytest.mark.parametrize("protocol", ["flv", "hls"])
@pytest.mark.parametrize("path", ["relay", "direct"])
@pytest.mark.parametrize("fps", [10, 25])
async def test_first_segment(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    fps: int,
    path: str,
    protocol: str,
    run: int,
) -> None:
    """Time from the stream request to the first part and segment in Home Assistant.

    At the simulator's 10 fps and at 25 fps (a frame rate the simulator has
    no setting for: patched here, for this measurement only).
    """
    monkeypatch.setattr(media, "FPS", fps)
    await simulator.render_video(SERIAL)
    await setup_stream(hass, mock_config_entry, **{CONF_STREAM_PROTOCOL: protocol})
    start = time.monotonic()
    if path == "relay":
        stream = await request_stream(hass, CAMERA)
    else:
        client = mock_config_entry.runtime_data.client
        address = await client.get_live_address(
            SERIAL,
            protocol=StreamProtocol.FLV if protocol == "flv" else StreamProtocol.HLS,
            expire_time=3600,
        )
        stream = create_stream(hass, address.url, {}, DynamicStreamSettings())
        stream.add_provider("hls")
        await stream.start()
    output = stream.outputs()["hls"]
    arrivals = await watch(output, start, start + 8)
    await stop_stream(hass, mock_config_entry, stream)
    key = f"{path} {protocol} {fps} fps"
    RESULTS.setdefault(key, []).append((arrivals.parts[0], arrivals.segments[0]))
    if len(RESULTS[key]) == RUNS:
        parts = statistics.median(p for p, _ in RESULTS[key])
        segments = statistics.median(s for _, s in RESULTS[key])
        print(  # noqa: T201
            f"\n{key}: first part {parts:.2f} s, first segment {segments:.2f} s "
            f"(median of {RUNS}; segment duration {simulator.segment_duration} s)"
        )


@pytest.mark.parametrize("protocol", ["flv", "hls"])
async def test_long_run(hass: HomeAssistant, protocol: str) -> None:
    """60 s of viewing, addresses valid 10 s, sessions of 7 s (as ``scripts/bench``)."""
    r = await measure_stream(hass, protocol)
    print(  # noqa: T201
        f"\n{protocol}: {r['seconds']:.0f} s viewing, validity {r['validity_s']:.0f} s, "
        f"sessions {r['session_s']:.0f} s: longest gap {r['longest_gap_s']:.2f} s, "
        f"video ahead of the clock {r['ahead_s']:.2f} s, {r['requests']} address "
        f"requests, {r['renewals']} renewals, {r['session_ends']} sessions ended "
        f"by the cloud, worker started {r['worker_starts']} time(s); at 1 h "
        f"addresses and 1 min sessions: {r['per_hour']:.0f} requests per hour"
    )
