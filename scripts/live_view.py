"""The live view as Home Assistant's frontend gets it, checked without a browser.

For each camera: the ``camera/stream`` websocket command (what the more-info
dialog sends) answers an HLS URL of Home Assistant's ``stream`` component;
its master playlist, media playlist, init section and first full segment are
fetched like hls.js does, and the segment's first frame is decoded (PyAV) and
compared with the simulator's test pattern (frame size and colour bars).
So it passes only when Home Assistant's stream worker turned the cloud's play
address into segments that show the camera's video; the codec of those
segments (H.264 or H.265) is reported. A camera whose live view the cloud
refuses because its video is encrypted passes only when it says so
(``stream_status``) and a repair issue offers the fix.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import io
import re
import time
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import av

from scripts.ha_client import DemoError
from simulator import media

if TYPE_CHECKING:
    from scripts.ha_client import HomeAssistantApi

FIRST_SEGMENT_TIMEOUT = 60.0
#: Per RGB channel; the bars differ by ~220, the H.264 round trip moves them ~35.
BAR_TOLERANCE = 64
EXT_X_MAP = re.compile(r'#EXT-X-MAP:URI="([^"]+)"')


def _uris(playlist: str) -> list[str]:
    """The URI lines of a playlist (full segments; parts are in tags)."""
    return [line for line in playlist.splitlines() if line and not line.startswith("#")]


async def first_segment(api: HomeAssistantApi, entity_id: str) -> tuple[bytes, float]:
    """The init section plus the first full segment, and the seconds it took."""
    started = time.monotonic()
    reply = await api.ws_command({"type": "camera/stream", "entity_id": entity_id})
    master_url = str(reply["url"])
    master = (await api.fetch(master_url)).decode()
    if not _uris(master):
        raise DemoError(f"{entity_id}: the master playlist lists no media playlist")
    playlist_url = urljoin(master_url, _uris(master)[0])
    deadline = started + FIRST_SEGMENT_TIMEOUT
    while True:
        # The playlist answers once the worker has a segment (404 if it fails).
        try:
            playlist = (await api.fetch(playlist_url)).decode()
        except DemoError:
            playlist = ""
        if segments := _uris(playlist):
            break
        if time.monotonic() > deadline:
            raise DemoError(
                f"{entity_id}: no segment within {FIRST_SEGMENT_TIMEOUT:.0f} s"
            )
        await asyncio.sleep(0.5)
    init = EXT_X_MAP.search(playlist)
    if init is None:
        raise DemoError(f"{entity_id}: the playlist names no init section")
    data = await api.fetch(urljoin(playlist_url, init.group(1)))
    data += await api.fetch(urljoin(playlist_url, segments[0]))
    return data, time.monotonic() - started


def pattern_problem(fmp4: bytes) -> tuple[tuple[int, int], str, str | None]:
    """Decode the first frame; (its size, the codec, what differs from the pattern)."""
    with av.open(io.BytesIO(fmp4), mode="r", format="mp4") as container:
        codec = container.streams.video[0].codec_context.name
        frame = next(container.decode(video=0))
    size = (frame.width, frame.height)
    rgb = frame.to_ndarray(format="rgb24")
    for index, expected in enumerate(media.BARS):
        left, top, right, bottom = media.bar_box(size, index)
        seen = rgb[(top + bottom) // 2, (left + right) // 2]
        if any(
            abs(int(v) - e) > BAR_TOLERANCE for v, e in zip(seen, expected, strict=True)
        ):
            return (
                size,
                codec,
                f"colour bar {index} is {tuple(int(v) for v in seen)}, not {expected}",
            )
    return size, codec, None


@dataclass(frozen=True)
class LiveView:
    """What one camera's live view gave: segments (with their codec), or a refusal."""

    entity_id: str
    line: str
    codec: str | None = None  # "h264" or "hevc" when segments came
    refused: bool = False  # the cloud refused it: video encryption on


async def check_camera(api: HomeAssistantApi, entity_id: str) -> LiveView:
    """One camera's live view, or the refusal it shows and its repair issue."""
    try:
        fmp4, seconds = await first_segment(api, entity_id)
    except DemoError:
        state = await api.state(entity_id)
        status = (state or {}).get("attributes", {}).get("stream_status")
        if status != "encrypted":
            raise
        issues = await api.ws_command({"type": "repairs/list_issues"})
        if not any(
            issue.get("translation_key") == "live_view_encrypted"
            for issue in issues.get("issues", [])
        ):
            raise DemoError(
                f"{entity_id}: refused for its encryption, but no repair issue"
            ) from None
        return LiveView(
            entity_id,
            f"{entity_id}: refused by the cloud (video encryption on); "
            "the repair issue offers to turn it off",
            refused=True,
        )
    size, codec, problem = await asyncio.to_thread(pattern_problem, fmp4)
    if problem:
        raise DemoError(
            f"{entity_id}: the first frame is not the test pattern: {problem}"
        )
    return LiveView(
        entity_id,
        f"{entity_id} {codec} {size[0]}x{size[1]} first segment after "
        f"{seconds:.1f} s ({len(fmp4) // 1024} kB)",
        codec=codec,
    )


async def check_live_views(
    api: HomeAssistantApi, entity_ids: list[str]
) -> list[LiveView]:
    """Every camera's live view, at once (as a dashboard of live cards would ask)."""
    results = await asyncio.gather(
        *(check_camera(api, e) for e in entity_ids), return_exceptions=True
    )
    failed = [str(r) for r in results if isinstance(r, BaseException)]
    if failed:
        raise DemoError("; ".join(failed))
    return [r for r in results if isinstance(r, LiveView)]
