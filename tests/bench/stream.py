"""Live video through Home Assistant's real stream worker: what reaches its output.

Shared by ``tests/integration/test_stream.py`` (the assertions),
``tests/integration/bench_stream.py`` (the comparisons of docs/live-video.md) and the full
benchmark (``measure_stream``, run by ``scripts/bench``): the camera's
stream is requested as the frontend does, and each new part and segment of
Home Assistant's HLS output is noted as it arrives.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
import itertools
import logging
import time
from typing import TYPE_CHECKING, Any

from homeassistant.components.camera import async_request_stream
from homeassistant.const import CONF_URL
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ezviz_open.const import (
    CONF_APP_KEY,
    CONF_APP_SECRET,
    CONF_REGION,
    CONF_STREAM_PROTOCOL,
    DOMAIN,
    LOGGER,
    REGION_CUSTOM,
)
from custom_components.ezviz_open.live.address import renew_after
from simulator import Simulator

if TYPE_CHECKING:
    from homeassistant.components.stream import Stream
    from homeassistant.components.stream.core import StreamOutput
    from homeassistant.core import HomeAssistant

LIVE_PATH = "/api/lapp/live/address/get"
CAMERA = "camera.living_room"
SERIAL = "C6N000001"
#: The demo camera of each codec: the living room (H.264) and the garden, a
#: battery camera that sends H.265 (HLS: HEVC in MPEG-TS; FLV: codec id 12).
CODEC_CAMERAS = {"h264": (SERIAL, CAMERA), "h265": ("BC1000002", "camera.garden")}
#: The relay's log line when it switches to a new address before expiry.
RENEWAL_LOG = "cloud stream ended: renewal"
#: Renewals per hour of viewing at the cloud's own figures: an FLV address
#: lasts until shortly before it expires (an hour, renewed 30 s early; a
#: session end reuses it), an HLS one until its session ends (about a minute,
#: field notes: an ended playlist stays ended).
CLOUD_RENEWALS_PER_HOUR = {
    "flv": 3600 / renew_after(timedelta(hours=1)),
    "hls": 60.0,
}


@dataclass
class Arrivals:
    """When media reached Home Assistant's HLS output (seconds from the request)."""

    parts: list[float] = field(default_factory=list)
    segments: list[float] = field(default_factory=list)
    #: Seconds of video in the parts.
    video: float = 0.0

    @property
    def longest_gap(self) -> float:
        """The longest wait for new media after the first."""
        times = sorted(self.parts)
        return max(b - a for a, b in itertools.pairwise(times))

    @property
    def ahead(self) -> float:
        """How far the video ran ahead of the clock (since the request)."""
        return self.video - self.parts[-1]


async def watch(output: StreamOutput, start: float, until: float) -> Arrivals:
    """Note each new part and segment of ``output`` until ``until`` (monotonic)."""
    arrivals = Arrivals()
    seen: set[tuple[int, int]] = set()
    sequences: set[int] = set()
    while time.monotonic() < until:
        for segment in output.get_segments():
            for index, part in enumerate(segment.parts):
                if (segment.sequence, index) not in seen:
                    seen.add((segment.sequence, index))
                    arrivals.parts.append(time.monotonic() - start)
                    arrivals.video += part.duration
            if segment.complete and segment.sequence not in sequences:
                sequences.add(segment.sequence)
                arrivals.segments.append(time.monotonic() - start)
        await asyncio.sleep(0.02)
    return arrivals


async def setup_stream(
    hass: HomeAssistant, entry: MockConfigEntry, **options: object
) -> None:
    """Set up ``stream`` and the entry with ``options``."""
    assert await async_setup_component(hass, "stream", {})
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def request_stream(hass: HomeAssistant, entity_id: str) -> Stream:
    """Ask for the camera's HLS stream, as the frontend does; return the stream."""
    await async_request_stream(hass, entity_id, "hls")
    stream = hass.data["domain_entities"]["camera"][entity_id].stream
    assert stream is not None
    return stream


async def stop_stream(
    hass: HomeAssistant, entry: MockConfigEntry, stream: Stream
) -> None:
    """Stop the stream and unload the entry (the relay stops, its threads end)."""
    for output in list(stream.outputs().values()):
        await stream.remove_provider(output)
    await stream.stop()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


def session_ends(simulator: Simulator) -> int:
    """Cloud streams the simulator ended by itself (session length, playlist end)."""
    return len(
        {r.url_id for r in simulator.media_requests if r.reason == "session" or r.ended}
    )


class _Counter(logging.Handler):
    """Counts the relay's switches before expiry (a debug line each)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.renewals = 0

    def emit(self, record: logging.LogRecord) -> None:
        if RENEWAL_LOG in record.getMessage():
            self.renewals += 1


async def measure_stream(
    hass: HomeAssistant,
    protocol: str,
    codec: str = "h264",
    seconds: float = 60.0,
    validity: float = 10.0,
    session: float = 7.0,
) -> dict[str, Any]:
    """View the demo camera of ``codec`` for ``seconds``, short addresses and sessions.

    The first segment, the longest wait for new media, and the address
    requests against the renewals the viewing needed; projected to an hour
    of viewing at the cloud's own figures (``CLOUD_RENEWALS_PER_HOUR``) from
    what each renewal cost here.
    """
    async with Simulator(fleet="demo") as simulator:
        simulator.max_address_validity = validity
        simulator.live_session_length = session
        serial, camera = CODEC_CAMERAS[codec]
        await simulator.render_video(serial)
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=simulator.app_key,
            data={
                CONF_APP_KEY: simulator.app_key,
                CONF_APP_SECRET: simulator.app_secret,
                CONF_REGION: REGION_CUSTOM,
                CONF_URL: simulator.base_url,
            },
        )
        await setup_stream(hass, entry, **{CONF_STREAM_PROTOCOL: protocol})
        simulator.reset_log()
        counter = _Counter()
        level = LOGGER.level
        LOGGER.addHandler(counter)
        LOGGER.setLevel(logging.DEBUG)
        try:
            start = time.monotonic()
            stream = await request_stream(hass, camera)
            arrivals = await watch(stream.outputs()["hls"], start, start + seconds)
            diagnostics = stream.get_diagnostics()
            await stop_stream(hass, entry, stream)
        finally:
            LOGGER.removeHandler(counter)
            LOGGER.setLevel(level)
        requests = simulator.count(LIVE_PATH)
        ends = session_ends(simulator)
        last = max(r.time for r in simulator.requests if r.path == LIVE_PATH)
        ended_at: dict[str | None, float] = {}
        for r in simulator.media_requests:
            if r.reason == "session" or r.ended:
                at = r.closed if r.closed is not None else r.time
                ended_at[r.url_id] = min(at, ended_at.get(r.url_id, at))
        ends_before = sum(1 for at in ended_at.values() if at <= last)
        segment = simulator.segment_duration
    # The renewals the viewing needed: FLV before each expiry (a session end
    # reconnects to the same address, unless it is due anyway), HLS after
    # each session end (sessions end before an address is due here) up to
    # the last request (one at the very end of the window has none yet).
    if protocol == "flv":
        renewals = int(seconds // renew_after(timedelta(seconds=validity)))
    else:
        renewals = ends_before
    per_renewal = (requests - 1) / max(1, renewals)
    return {
        "kind": "stream",
        "protocol": protocol,
        "codec": codec,
        "segment_s": segment,
        "seconds": seconds,
        "validity_s": validity,
        "session_s": session,
        "first_part_s": round(arrivals.parts[0], 3),
        "first_segment_s": round(arrivals.segments[0], 3),
        "longest_gap_s": round(arrivals.longest_gap, 3),
        "ahead_s": round(arrivals.ahead, 3),
        "requests": requests,
        "renewals": renewals,
        "switches_before_expiry": counter.renewals,
        "session_ends": ends,
        "requests_per_renewal": round(per_renewal, 3),
        "per_hour": round(CLOUD_RENEWALS_PER_HOUR[protocol] * per_renewal, 1),
        "worker_starts": diagnostics.get("start_worker", 0),
        "worker_errors": diagnostics.get("worker_error", 0),
    }
