"""The media URLs the simulator hands out: pictures, HLS and HTTP-FLV streams.

Like the cloud, a play address works until its ``expireTime`` (then HTTP 403,
and a running FLV connection is closed), and a live session ends by itself
after ``sim.live_session_length`` seconds. Everything runs on the simulator
clock except the FLV pacing, which is real time.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import asdict, dataclass
import threading
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web

from . import media
from .handlers.devices import channel_name

if TYPE_CHECKING:
    from .state import Channel, Device, FleetState, LiveAddress

_SEGMENT_RE = r"seg{number:\d+}.ts"
_FORBIDDEN = "403 Forbidden: the address is unknown, disabled or expired"


@dataclass
class MediaRequest:
    """One request to a media URL (pictures, playlists, segments, FLV streams)."""

    kind: str  # "picture" | "playlist" | "segment" | "flv"
    path: str
    time: float  # sim clock
    status: int
    url_id: str | None = None
    serial: str | None = None
    channel: int | None = None
    #: playlist: the first media sequence number listed; segment: its number.
    sequence: int | None = None
    ended: bool = False  # playlist: carried EXT-X-ENDLIST
    #: FLV: when the server ended the response (sim clock), why ("expired",
    #: "session", "playback", "disabled", "client", "stopped"), frames sent.
    closed: float | None = None
    reason: str | None = None
    frames: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly copy."""
        return asdict(self)


class MediaSim(Protocol):
    """What the media URLs use of the simulator (``app.Simulator``)."""

    state: FleetState
    media_requests: list[MediaRequest]
    segment_duration: float
    playlist_segments: int
    live_session_length: float | None
    flv_burst: float | None
    stopping: bool

    def now(self) -> float:
        """Return the simulator clock (seconds)."""


def video_titles(dev: Device, chan: Channel) -> tuple[str, str]:
    """Return the title and subtitle burned into a channel's video and pictures."""
    subtitle = f"{dev.serial}  channel {chan.no}"
    name = channel_name(dev, chan)
    if name != dev.name:
        subtitle += f"  {name}"
    return dev.name, subtitle


def segment_frames(sim: MediaSim) -> int:
    """Frames per HLS segment (and per GOP) for ``sim.segment_duration``."""
    return max(1, round(sim.segment_duration * media.FPS))


async def channel_clip(sim: MediaSim, dev: Device, chan: Channel) -> media.Clip:
    """Return the channel's clip, rendering it in a short-lived thread on first use."""
    title, subtitle = video_titles(dev, chan)
    frames = segment_frames(sim)
    codec = dev.video_codec
    found = media.cached_clip(title, subtitle, dev.video_size, frames, codec)
    if found is not None:
        return found
    loop = asyncio.get_running_loop()
    done: asyncio.Future[media.Clip] = loop.create_future()

    def render() -> None:
        try:
            result = media.clip(title, subtitle, dev.video_size, frames, codec)
        except Exception as err:  # handed to the awaiting request
            loop.call_soon_threadsafe(_settle, done, None, err)
        else:
            loop.call_soon_threadsafe(_settle, done, result, None)

    # A thread that ends with the render: nothing lingers after a test.
    threading.Thread(target=render, name="sim-video-render", daemon=True).start()
    return await done


def _settle(
    future: asyncio.Future[media.Clip],
    result: media.Clip | None,
    error: BaseException | None,
) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        assert result is not None
        future.set_result(result)


# ------------------------------------------------------------------ pictures


def picture(sim: MediaSim, name: str) -> bytes:
    """Return the plain JPEG served for ``/_sim/pic/<name>`` (before any encryption).

    ``cover-<serial>-<ch>`` shows the time of the request; ``capture-<serial>-
    <ch>-<n>`` the time of the capture; ``alarm-<serial>-<alarmId>`` the
    alarm's time; each at the device's video size.
    """
    stem = name.rsplit("/", 1)[-1].split("?", 1)[0].removesuffix(".jpg")
    stem = stem.removesuffix("-enc")
    kind, _, rest = stem.partition("-")
    parts = rest.split("-")
    state = sim.state
    when = sim.now()
    if kind == "uuid":
        return media.render_picture("Picture", rest, when)
    dev = state.devices.get(parts[0].upper())
    channel = 1
    extra = ""
    if kind == "alarm" and len(parts) > 1:
        alarm = next((a for a in state.alarms if a.alarm_id == parts[1]), None)
        if alarm is not None:
            when = alarm.alarm_time_ms / 1000
            channel = alarm.channel_no
            extra = f"  alarm {alarm.alarm_type}"
    elif len(parts) > 1 and parts[1].isdigit():
        channel = int(parts[1])
        if kind == "capture" and len(parts) > 2 and parts[2].isdigit():
            when = state.captures.get(int(parts[2]), when)
    if dev is None:
        return media.render_picture(parts[0], f"channel {channel}{extra}", when)
    chan = dev.channel(channel)
    if chan is None:
        title, subtitle = dev.name, f"{dev.serial}  channel {channel}"
    else:
        title, subtitle = video_titles(dev, chan)
    return media.render_picture(title, subtitle + extra, when, dev.video_size)


# ------------------------------------------------------------------ sessions


def live_window(
    sim: MediaSim, rec: LiveAddress, now: float, *, start: bool
) -> tuple[int, int, bool]:
    """Return (first listed, segments available, ended) of an HLS live address.

    A session starts at the first playlist request with ``playlist_segments``
    segments ready, then one more each segment duration, until
    ``live_session_length`` seconds have passed: the playlist then ends
    (EXT-X-ENDLIST) and stops advancing. For ``playlist_segments`` segment
    durations after that it stays ended; a request later still starts a new
    session (from segment 0) on the same address, as long as it has not expired.
    """
    duration = segment_frames(sim) / media.FPS
    listed = sim.playlist_segments
    lead = listed * duration
    length = sim.live_session_length
    begin = rec.session_start
    if begin is not None and length is not None and now >= begin + 2 * lead + length:
        begin = None  # the last session is over and gone
    if begin is None:
        if not start:
            return 0, 0, False
        begin = rec.session_start = now - lead
        rec.sessions += 1
    available = int((now - begin) / duration + 1e-6)
    ended = False
    if length is not None:
        total = listed + int(length / duration + 1e-6)
        if available >= total:
            available, ended = total, True
    return max(0, available - listed), available, ended


def playback_segments(sim: MediaSim, rec: LiveAddress) -> int:
    """Segments of a playback (type 2/3) address: its length, whole segments, >= 1."""
    duration = segment_frames(sim) / media.FPS
    return max(1, -int(-rec.playback_length // duration))


# -------------------------------------------------------------------- routes


def register(app: web.Application, sim: MediaSim) -> None:
    """Add the media routes for ``sim`` to ``app``."""

    def log(request: web.Request, kind: str, status: int, **kw: Any) -> MediaRequest:
        entry = MediaRequest(kind, request.path, sim.now(), status, **kw)
        sim.media_requests.append(entry)
        return entry

    def log_served(
        request: web.Request, kind: str, rec: LiveAddress, **kw: Any
    ) -> MediaRequest:
        """Log a request an issued address answers (its id, device and channel)."""
        return log(
            request,
            kind,
            200,
            url_id=rec.url_id,
            serial=rec.serial,
            channel=rec.channel_no,
            **kw,
        )

    def address(
        request: web.Request, protocol: int
    ) -> tuple[LiveAddress, Device, Channel] | None:
        """Return the live address named by the URL, if it is valid now."""
        rec = sim.state.live_addresses.get(request.query.get("id", ""))
        if (
            rec is None
            or rec.protocol != protocol
            or rec.serial != request.match_info["serial"].upper()
            or str(rec.channel_no) != request.match_info["channel"]
            or sim.now() >= rec.expire_at
        ):
            return None
        dev = sim.state.devices.get(rec.serial)
        chan = dev.channel(rec.channel_no) if dev is not None else None
        if dev is None or chan is None:
            return None
        return rec, dev, chan

    def refuse(request: web.Request, kind: str) -> web.Response:
        log(request, kind, 403, url_id=request.query.get("id"))
        return web.Response(status=403, text=_FORBIDDEN)

    async def get_pic(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        body = picture(sim, name)
        if "-enc" in name:
            serial = name.split("-")[1].upper() if name.count("-") >= 2 else ""
            dev = sim.state.devices.get(serial)
            body = media.encrypted_picture(dev.encrypt_password if dev else "", body)
        log(request, "picture", 200)
        return web.Response(body=body, content_type="image/jpeg")

    async def get_playlist(request: web.Request) -> web.Response:
        found = address(request, 2)
        if found is None:
            return refuse(request, "playlist")
        rec, dev, chan = found
        clip = await channel_clip(sim, dev, chan)
        duration = clip.segment_frames / media.FPS
        if rec.kind == 1:
            first, available, ended = live_window(sim, rec, sim.now(), start=True)
        else:
            first, available, ended = 0, playback_segments(sim, rec), True
        query = request.query_string
        uris = [f"seg{n}.ts?{query}" for n in range(first, available)]
        log_served(
            request,
            "playlist",
            rec,
            sequence=first,
            ended=ended,
        )
        text = media.hls_playlist(
            uris, first=first, duration=duration, ended=ended, vod=rec.kind != 1
        )
        return web.Response(
            text=text,
            content_type="application/vnd.apple.mpegurl",
            headers={"Cache-Control": "no-cache"},
        )

    async def get_segment(request: web.Request) -> web.Response:
        found = address(request, 2)
        if found is None:
            return refuse(request, "segment")
        rec, dev, chan = found
        number = int(request.match_info["number"])
        if rec.kind == 1:
            available = live_window(sim, rec, sim.now(), start=False)[1]
        else:
            available = playback_segments(sim, rec)
        entry = log_served(
            request,
            "segment",
            rec,
            sequence=number,
        )
        if number >= available:
            entry.status = 404
            return web.Response(status=404, text="404: no such segment (yet)")
        clip = await channel_clip(sim, dev, chan)
        return web.Response(
            body=media.ts_segment(clip, number), content_type="video/mp2t"
        )

    async def get_flv(request: web.Request) -> web.StreamResponse:
        found = address(request, 4)
        if found is None:
            return refuse(request, "flv")
        rec, dev, chan = found
        clip = await channel_clip(sim, dev, chan)
        entry = log_served(
            request,
            "flv",
            rec,
        )
        response = web.StreamResponse(
            headers={"Content-Type": "video/x-flv", "Cache-Control": "no-cache"}
        )
        response.enable_chunked_encoding()
        await response.prepare(request)
        entry.reason = "cancelled"  # unless the stream ends by itself
        try:
            entry.reason = await _stream_flv(sim, rec, clip, response, entry)
        finally:
            entry.closed = sim.now()
        if entry.reason != "client":
            with contextlib.suppress(ConnectionError):
                await response.write_eof()
        return response

    r = app.router
    r.add_get("/_sim/pic/{name}", get_pic)
    r.add_get("/_sim/live/{serial}/{channel}/index.m3u8", get_playlist)
    r.add_get("/_sim/live/{serial}/{channel}/" + _SEGMENT_RE, get_segment)
    r.add_get("/_sim/live/{serial}/{channel}/stream.flv", get_flv)


async def _stream_flv(
    sim: MediaSim,
    rec: LiveAddress,
    clip: media.Clip,
    response: web.StreamResponse,
    entry: MediaRequest,
) -> str:
    """Write FLV tags in real time until the address or session ends; return why.

    The first ``sim.flv_burst`` seconds (one GOP by default) go out at once, as
    a CDN's GOP cache does; after that one frame each 1/FPS seconds.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    session_end = None
    limit = None
    if rec.kind == 1 and sim.live_session_length is not None:
        session_end = sim.now() + sim.live_session_length
    elif rec.kind != 1:
        limit = round(rec.playback_length * media.FPS)
    burst = (
        clip.segment_frames
        if sim.flv_burst is None
        else round(sim.flv_burst * media.FPS)
    )
    try:
        await response.write(media.flv_start(clip))
        while True:
            now = sim.now()
            if sim.stopping:
                return "stopped"
            if now >= rec.expire_at:
                return "expired"
            if rec.url_id not in sim.state.live_addresses:
                return "disabled"
            if session_end is not None and now >= session_end:
                return "session"
            if limit is not None and entry.frames >= limit:
                return "playback"
            delay = started + (entry.frames - burst) / media.FPS - loop.time()
            if delay > 0:
                await asyncio.sleep(min(delay, 1 / media.FPS))
                continue
            await response.write(media.flv_frame(clip, entry.frames))
            entry.frames += 1
    except ConnectionError:
        return "client"
