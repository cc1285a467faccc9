"""The simulator's media: H.264 and H.265 over HLS and HTTP-FLV, expiry, sessions, pictures."""

from __future__ import annotations

import asyncio
from hashlib import md5
import io
import struct
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import av
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from PIL import Image, ImageStat
import pytest
from yarl import URL

from simulator import Simulator, generate_fleet, media
from simulator.state import device_from_dict, load_fleet_data
from simulator.streaming import video_titles

from .conftest import RawApi

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

LIVE = "/api/lapp/live/address/get"
CAMERA = "C6N000001"
ENCRYPTED = "C8C000006"
GARDEN = "BC1000002"  # the demo's battery camera: H.265, as is the doorbell
SIZE = (640, 360)
TICKS = 90000 // media.FPS  # 90 kHz PTS per frame


class Clock:
    """Simulator clock: frozen (moved by ``advance``) until ``run`` lets it tick."""

    def __init__(self) -> None:
        self.base = 1_800_000_000.0
        self.since: float | None = None

    def __call__(self) -> float:
        if self.since is None:
            return self.base
        return self.base + time.monotonic() - self.since

    def advance(self, seconds: float) -> None:
        self.base += seconds

    def run(self) -> None:
        self.since = time.monotonic()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def sim(socket_enabled: None, clock: Clock) -> AsyncIterator[Simulator]:
    """The demo simulator on the test's clock, with 1 s segments."""
    async with Simulator("demo", clock=clock) as simulator:
        simulator.segment_duration = 1.0
        yield simulator
        assert simulator.errors == []


async def _address(api: RawApi, serial: str = CAMERA, **form: Any) -> str:
    body = await api.lapp(LIVE, deviceSerial=serial, **form)
    assert body["code"] == "200", body
    url: str = body["data"]["url"]
    return url


async def _get(api: RawApi, url: str | URL) -> tuple[int, bytes]:
    async with api.session.get(URL(url, encoded=True)) as resp:
        return resp.status, await resp.read()


def _playlist(text: str) -> dict[str, Any]:
    tags = dict(
        line[1:].split(":", 1) for line in text.splitlines() if ":" in line[:30]
    )
    return {
        "sequence": int(tags["EXT-X-MEDIA-SEQUENCE"]),
        "target": int(tags["EXT-X-TARGETDURATION"]),
        "uris": [line for line in text.splitlines() if line.startswith("seg")],
        "ended": "#EXT-X-ENDLIST" in text,
        "vod": tags.get("EXT-X-PLAYLIST-TYPE") == "VOD",
    }


async def _read_playlist(api: RawApi, url: str) -> dict[str, Any]:
    status, body = await _get(api, url)
    assert status == 200
    return _playlist(body.decode())


def _segment_url(playlist_url: str, number: int) -> URL:
    query = URL(playlist_url, encoded=True).raw_query_string
    return URL(playlist_url, encoded=True).join(URL(f"seg{number}.ts?{query}"))


def _frames(data: bytes, fmt: str) -> list[av.VideoFrame]:
    with av.open(io.BytesIO(data), format=fmt) as container:
        return list(container.decode(video=0))


def _loop_frame(pts: int) -> int:
    """Frame number in the stream from a TS PTS (the first frame is at 1 s)."""
    return pts // TICKS - media.FPS


def _assert_pattern(
    image: Image.Image, size: tuple[int, int] = SIZE, frame: int | None = None
) -> None:
    """The colour bars are there; the square sits where the loop puts it."""
    assert image.size == size
    rgb = image.convert("RGB")
    for index, colour in enumerate(media.BARS):
        left, top, right, bottom = media.bar_box(size, index)
        pixel = rgb.getpixel(((left + right) // 2, (top + bottom) // 2))
        assert isinstance(pixel, tuple)
        assert all(abs(a - b) <= 40 for a, b in zip(pixel, colour, strict=True)), (
            index,
            pixel,
        )
    if frame is not None:
        assert _mover_brightness(rgb, size, frame) > 200


def _mover_brightness(image: Image.Image, size: tuple[int, int], frame: int) -> float:
    loop = round(media.LOOP_SECONDS * media.FPS)
    left, top, right, bottom = media.mover_box(size, frame % loop, loop)
    box = image.convert("L").crop((left + 3, top + 3, right - 2, bottom - 2))
    return float(ImageStat.Stat(box).mean[0])


def _ts_continuity(segments: list[bytes]) -> None:
    """Continuity counters run on across segments, per PID, as from one muxer."""
    last: dict[int, int] = {}
    for data in segments:
        assert len(data) % 188 == 0
        for start in range(0, len(data), 188):
            packet = data[start : start + 188]
            assert packet[0] == 0x47
            if not packet[3] & 0x10:
                continue
            pid = ((packet[1] & 0x1F) << 8) | packet[2]
            counter = packet[3] & 0x0F
            if pid in last:
                assert counter == (last[pid] + 1) % 16, pid
            last[pid] = counter


# ---------------------------------------------------------------------- HLS


async def test_hls_playlist_rolls_with_the_clock(
    sim: Simulator, api: RawApi, clock: Clock
) -> None:
    """Three segments at once, then one more per segment duration."""
    url = await _address(api, protocol=2)
    assert sim.media_requests == []  # nothing starts before a player asks
    first = await _read_playlist(api, url)
    assert first == {
        "sequence": 0,
        "target": 1,
        "uris": [
            f"seg{n}.ts?{URL(url, encoded=True).raw_query_string}" for n in range(3)
        ],
        "ended": False,
        "vod": False,
    }
    status, _ = await _get(api, _segment_url(url, 3))
    assert status == 404  # not there yet

    clock.advance(2.5)
    rolled = await _read_playlist(api, url)
    assert rolled["sequence"] == 2
    assert [u.split("?")[0] for u in rolled["uris"]] == [
        "seg2.ts",
        "seg3.ts",
        "seg4.ts",
    ]
    assert not rolled["ended"]
    status, _ = await _get(api, _segment_url(url, 4))
    assert status == 200

    kinds = [(m.kind, m.status, m.sequence) for m in sim.media_requests]
    assert kinds == [
        ("playlist", 200, 0),
        ("segment", 404, 3),
        ("playlist", 200, 2),
        ("segment", 200, 4),
    ]
    assert {m.serial for m in sim.media_requests} == {CAMERA}


async def test_hls_segments_decode_to_the_pattern(
    sim: Simulator, api: RawApi, clock: Clock
) -> None:
    """Segments hold 640x360 H.264 of the pattern; PTS run on across loops."""
    clip = await sim.render_video(CAMERA)
    assert clip.segments == 4  # a 4 s loop of 1 s segments
    url = await _address(api, protocol=2)
    await _read_playlist(api, url)
    clock.advance(4)  # segments 0..6 are out
    segments = []
    for number in range(7):  # across the loop boundary (4)
        status, data = await _get(api, _segment_url(url, number))
        assert status == 200
        segments.append(data)
    _ts_continuity(segments)

    pts: list[int] = []
    for number, data in enumerate(segments):
        frames = _frames(data, "mpegts")
        assert len(frames) == media.FPS
        assert frames[0].key_frame  # every segment starts with a keyframe
        assert (frames[0].width, frames[0].height) == SIZE
        pts += [int(f.pts) for f in frames]
        image = frames[0].to_image()
        _assert_pattern(image, frame=_loop_frame(int(frames[0].pts)))
        if number == 0:
            first = image
    # Timestamps go on, frame by frame, across segments and the loop.
    assert pts == [media.ts_timestamp(n) for n in range(70)]
    # Something moves: frame 0 and frame 60 (the same loop position as 20)
    # have the square in different places, and loop frames repeat.
    later = _frames(segments[6], "mpegts")[0].to_image()
    assert _mover_brightness(first, SIZE, 60) < 120
    assert _mover_brightness(later, SIZE, 60) > 200
    assert segments[6] != segments[2]  # same pictures, later timestamps


async def test_hls_plays_in_ffmpeg(sim: Simulator, api: RawApi, clock: Clock) -> None:
    """FFmpeg's HLS reader (Home Assistant's worker uses it) follows the live playlist."""
    await sim.render_video(CAMERA)
    clock.run()
    url = await _address(api, protocol=2)

    def read() -> list[tuple[float, int, tuple[int, int]]]:
        started = time.monotonic()
        seen = []
        with av.open(url, timeout=5) as container:
            for frame in container.decode(video=0):
                seen.append(
                    (
                        time.monotonic() - started,
                        int(frame.pts),
                        (frame.width, frame.height),
                    )
                )
                if len(seen) == 45:
                    break
        return seen

    seen = await asyncio.to_thread(read)
    assert {size for _, _, size in seen} == {SIZE}
    assert [p for _, p, _ in seen] == [media.ts_timestamp(n) for n in range(45)]
    # 3 segments at once (the decoder holds back a frame or two), then live:
    # segment 3 is out 1 s after the start, segment 4 after 2 s.
    assert seen[25][0] < 1.0
    assert seen[30][0] > 0.8
    assert seen[44][0] > 1.8
    kinds = [(m.kind, m.sequence) for m in sim.media_requests]
    assert kinds[:4] == [
        ("playlist", 0),
        ("segment", 0),
        ("segment", 1),
        ("segment", 2),
    ]


# ---------------------------------------------------------------------- FLV


async def _flv_tags(
    response: aiohttp.ClientResponse, count: int
) -> tuple[bytes, list[tuple[int, int, float]]]:
    """Read the FLV header and ``count`` tags: raw bytes, (type, ms, arrival)."""
    started = time.monotonic()
    raw = await response.content.readexactly(13)
    assert raw[:3] == b"FLV"
    tags = []
    for _ in range(count):
        head = await response.content.readexactly(11)
        size = int.from_bytes(head[1:4], "big")
        stamp = int.from_bytes(head[4:7], "big") | head[7] << 24
        rest = await response.content.readexactly(size + 4)
        raw += head + rest
        tags.append((head[0], stamp, time.monotonic() - started))
    return raw, tags


async def test_flv_streams_in_real_time(sim: Simulator, api: RawApi) -> None:
    """One GOP at once, then a frame each 100 ms; the tags decode to the pattern."""
    await sim.render_video(CAMERA)
    url = await _address(api, protocol=4)
    async with api.session.get(URL(url, encoded=True)) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "video/x-flv"
        raw, tags = await _flv_tags(resp, 2 + 25)
    assert [t[0] for t in tags[:2]] == [18, 9]  # onMetaData, AVC sequence header
    video = tags[2:]
    assert [ms for _, ms, _ in video] == [n * 100 for n in range(25)]
    assert video[9][2] < 0.5  # the first GOP (1 s) is sent at once
    # Then real time: frame 24 is 1.4 s after the burst.
    assert 1.2 < video[24][2] < 2.5

    frames = _frames(raw, "flv")
    assert len(frames) >= 20
    assert [int(f.pts) for f in frames] == [n * 100 for n in range(len(frames))]
    _assert_pattern(frames[0].to_image(), frame=0)
    _assert_pattern(frames[15].to_image(), frame=15)
    assert _mover_brightness(frames[0].to_image(), SIZE, 15) < 120

    (entry,) = sim.media_requests
    for _ in range(40):  # the server notices at its next write
        if entry.closed is not None:
            break
        await asyncio.sleep(0.05)
    assert (entry.kind, entry.status, entry.reason) == ("flv", 200, "client")
    assert entry.frames >= 25


async def test_flv_plays_in_ffmpeg(sim: Simulator, api: RawApi) -> None:
    """FFmpeg reads the HTTP-FLV stream (a 5 s burst spares its 5 s probe)."""
    await sim.render_video(CAMERA)
    sim.flv_burst = 5.0
    url = await _address(api, protocol=4)

    def read() -> list[tuple[float, int]]:
        started = time.monotonic()
        seen = []
        with av.open(url, timeout=5) as container:
            for frame in container.decode(video=0):
                assert (frame.width, frame.height) == SIZE
                seen.append((time.monotonic() - started, int(frame.pts)))
                if len(seen) == 60:
                    break
        return seen

    seen = await asyncio.to_thread(read)
    assert [p for _, p in seen] == [n * 100 for n in range(60)]
    assert seen[0][0] < 2.0  # without the burst: about 4 s
    assert seen[59][0] > 0.7  # beyond the burst, real time


async def test_stop_ends_running_flv(sim: Simulator, api: RawApi) -> None:
    """Stopping the simulator ends a streaming FLV response at once."""
    await sim.render_video(CAMERA)
    url = await _address(api, protocol=4)
    async with api.session.get(URL(url, encoded=True)) as resp:
        await _flv_tags(resp, 3)
        started = time.monotonic()
        await sim.stop()
        assert time.monotonic() - started < 2
    assert sim.media_requests[0].reason == "stopped"


# -------------------------------------------------------------------- H.265


def _hevc_type(unit: bytes) -> int:
    return (unit[0] >> 1) & 0x3F


def _flv_tag_payloads(raw: bytes) -> list[tuple[int, int, bytes]]:
    """(tag type, timestamp ms, payload) of each tag after the FLV header."""
    assert raw[:13] == media.FLV_HEADER
    tags = []
    pos = 13
    while pos < len(raw):
        size = int.from_bytes(raw[pos + 1 : pos + 4], "big")
        stamp = int.from_bytes(raw[pos + 4 : pos + 7], "big") | raw[pos + 7] << 24
        tags.append((raw[pos], stamp, raw[pos + 11 : pos + 11 + size]))
        back = raw[pos + 11 + size : pos + 15 + size]
        assert int.from_bytes(back, "big") == 11 + size  # PreviousTagSize
        pos += 15 + size
    assert pos == len(raw)
    return tags


def _hvcc_arrays(record: bytes) -> list[tuple[int, list[bytes]]]:
    """(NAL type, NAL units) of each array of an HEVCDecoderConfigurationRecord."""
    arrays = []
    pos = 23
    for _ in range(record[22]):  # numOfArrays
        kind = record[pos] & 0x3F
        count = int.from_bytes(record[pos + 1 : pos + 3], "big")
        pos += 3
        units = []
        for _ in range(count):
            length = int.from_bytes(record[pos : pos + 2], "big")
            units.append(record[pos + 2 : pos + 2 + length])
            pos += 2 + length
        arrays.append((kind, units))
    assert pos == len(record)
    return arrays


def _length_prefixed(data: bytes) -> list[bytes]:
    """Split NAL units each prefixed by its 4-byte big-endian length."""
    units = []
    pos = 0
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        assert length > 0
        units.append(data[pos + 4 : pos + 4 + length])
        pos += 4 + length
    assert pos == len(data)
    return units


def test_video_codec_from_the_fleet() -> None:
    """``video_codec``: the demo's battery camera and doorbell are H.265."""
    fleet = load_fleet_data("demo")
    codecs = {d["serial"]: device_from_dict(d).video_codec for d in fleet["devices"]}
    assert codecs == {
        "C6N000001": "h264",
        "BC1000002": "h265",
        "DB1000003": "h265",
        "A1S000004": "h264",
        "NVR000005": "h264",
        "C8C000006": "h264",
        "C1C000007": "h264",
    }
    # Generated fleets copy the demo's templates, codec included.
    generated = [device_from_dict(d) for d in generate_fleet(14)["devices"]]
    assert [d.video_codec for d in generated] == list(codecs.values()) * 2
    with pytest.raises(ValueError, match="S1: video_codec must be one of h264, h265"):
        device_from_dict({"serial": "s1", "video_codec": "vp9"})
    with pytest.raises(ValueError, match="unknown video codec"):
        media.clip("S1", "", SIZE, 10, "hevc")


async def test_h265_hls_segments_decode(
    sim: Simulator, api: RawApi, clock: Clock
) -> None:
    """An H.265 channel's segments: MPEG-TS with HEVC, every frame decodes."""
    clip = await sim.render_video(GARDEN)
    assert (clip.codec, clip.segments) == ("h265", 4)
    url = await _address(api, GARDEN, protocol=2)
    await _read_playlist(api, url)
    clock.advance(2)  # segments 0..4 are out: across the loop boundary (4)
    segments = []
    for number in range(5):
        status, data = await _get(api, _segment_url(url, number))
        assert status == 200
        segments.append(data)
    _ts_continuity(segments)
    pts: list[int] = []
    for data in segments:
        with av.open(io.BytesIO(data), format="mpegts") as container:
            (stream,) = container.streams.video
            assert stream.codec_context.name == "hevc"
            frames = list(container.decode(stream))
        assert len(frames) == media.FPS  # every frame decodes
        assert {(f.width, f.height) for f in frames} == {SIZE}
        assert frames[0].key_frame  # every segment opens with a keyframe
        assert not any(f.key_frame for f in frames[1:])
        pts += [int(f.pts) for f in frames]
        _assert_pattern(frames[0].to_image(), frame=_loop_frame(int(frames[0].pts)))
    assert pts == [media.ts_timestamp(n) for n in range(50)]


async def test_h265_flv_is_codec_id_12(sim: Simulator, api: RawApi) -> None:
    """HTTP-FLV of an H.265 channel: the legacy codec id 12, laid out like AVC."""
    clip = await sim.render_video(GARDEN)
    sim.flv_burst = 2.0  # two GOPs at once
    url = await _address(api, GARDEN, protocol=4)
    async with api.session.get(URL(url, encoded=True)) as resp:
        assert resp.status == 200
        raw, _ = await _flv_tags(resp, 2 + 20)
    tags = _flv_tag_payloads(raw)
    assert [kind for kind, _, _ in tags] == [18] + [9] * 21
    script = tags[0][2]
    assert b"\x00\x0cvideocodecid\x00" + struct.pack(">d", 12.0) in script
    video = [payload for _, _, payload in tags[1:]]
    assert {payload[0] & 0x0F for payload in video} == {12}  # codec id

    # The sequence header: keyframe, packet type 0, CTS 0, then the hvcC record.
    header = video[0]
    assert header[:5] == b"\x1c\x00\x00\x00\x00"
    record = header[5:]
    assert record == clip.hvcc
    assert record[0] == 1  # configurationVersion
    assert record[21] & 0x03 == 3  # NAL unit lengths take 4 bytes
    arrays = _hvcc_arrays(record)
    assert arrays == [(32, [clip.vps]), (33, [clip.sps]), (34, [clip.pps])]
    assert [_hevc_type(units[0]) for _, units in arrays] == [32, 33, 34]

    # Then one tag per frame: packet type 1, CTS 0, length-prefixed slices.
    frames = video[1:]
    assert [ms for _, ms, _ in tags[2:]] == [n * 100 for n in range(20)]
    assert [f[0] for f in frames] == ([0x1C] + [0x2C] * 9) * 2  # a GOP per second
    decoder = av.CodecContext.create("hevc", "r")
    parameter_sets = b"".join(b"\x00\x00\x00\x01" + u for _, us in arrays for u in us)
    decoded: list[av.VideoFrame] = []
    for number, payload in enumerate(frames):
        assert payload[1:5] == b"\x01\x00\x00\x00"
        units = _length_prefixed(payload[5:])
        types = [_hevc_type(u) for u in units]
        assert all(t < 32 for t in types), types  # slices only: no VPS/SPS/PPS/AUD
        if number % 10 == 0:
            assert types in ([19], [20])  # an IDR picture
        annex_b = b"".join(b"\x00\x00\x00\x01" + u for u in units)
        packet = av.Packet((parameter_sets if number == 0 else b"") + annex_b)
        decoded += decoder.decode(packet)
    decoded += decoder.decode(None)
    # What the tags carry is the clip's video: every frame decodes.
    assert len(decoded) == 20
    assert {(f.width, f.height) for f in decoded} == {SIZE}
    _assert_pattern(decoded[15].to_image(), frame=15)

    # FFmpeg's FLV demuxer: up to 7.x (PyAV 13) codec id 12 is unknown, the video
    # stream has no codec (and decoding it crashes PyAV 13); FFmpeg 8.0 (PyAV 16)
    # and later read codec id 12 as HEVC.
    with av.open(io.BytesIO(raw), format="flv") as container:
        (stream,) = container.streams.video
        if av.library_versions["libavformat"] < (62,):
            assert stream.codec_context is None
        else:
            assert stream.codec_context.name == "hevc"
            assert len(list(container.decode(stream))) == 20


# ----------------------------------------------------- expiry and sessions


async def test_expired_address_is_refused_and_cuts_flv(
    sim: Simulator, api: RawApi, clock: Clock
) -> None:
    """After expireTime: 403 for playlist, segments and FLV; a running FLV ends."""
    await sim.render_video(CAMERA)
    sim.flv_burst = 0  # real time from the first frame: nothing buffered ahead
    hls = await _address(api, protocol=2, expireTime=30)
    flv = await _address(api, protocol=4, expireTime=30)
    assert (await _get(api, hls))[0] == 200
    async with api.session.get(URL(flv, encoded=True)) as resp:
        await _flv_tags(resp, 5)
        clock.advance(30)
        rest = await asyncio.wait_for(resp.content.read(), 2)
        assert len(rest) < 4000  # at most the frames of the last 100 ms
    assert (await _get(api, hls))[0] == 403
    assert (await _get(api, _segment_url(hls, 0)))[0] == 403
    assert (await _get(api, flv))[0] == 403
    flv_entry = next(m for m in sim.media_requests if m.kind == "flv")
    assert (flv_entry.reason, flv_entry.closed) == ("expired", clock())
    assert [m.status for m in sim.media_requests[-3:]] == [403, 403, 403]


async def test_unknown_or_disabled_address_is_refused(
    sim: Simulator, api: RawApi
) -> None:
    """Only an address the API handed out (and did not disable) plays."""
    url = await _address(api, protocol=2)
    forged = url.replace("id=", "id=9")
    assert (await _get(api, forged))[0] == 403
    other = url.replace(f"/{CAMERA}/", "/BC1000002/")
    assert (await _get(api, other))[0] == 403
    assert (await _get(api, url))[0] == 200
    await sim.render_video(CAMERA)
    sim.flv_burst = 0
    flv = await _address(api, protocol=4)
    async with api.session.get(URL(flv, encoded=True)) as resp:
        await _flv_tags(resp, 3)
        body = await api.lapp("/api/lapp/live/address/disable", deviceSerial=CAMERA)
        assert body["code"] == "200"
        await asyncio.wait_for(resp.content.read(), 2)  # the running stream ends
    assert (await _get(api, url))[0] == 403
    assert (await _get(api, flv))[0] == 403
    assert next(m.reason for m in sim.media_requests if m.kind == "flv") == "disabled"


async def test_live_session_ends_by_itself(
    sim: Simulator, api: RawApi, clock: Clock
) -> None:
    """The playlist ends and stops advancing; later, a new session on the address."""
    sim.live_session_length = 4
    url = await _address(api, protocol=2)
    assert (await _read_playlist(api, url))["sequence"] == 0
    clock.advance(3.9)
    assert not (await _read_playlist(api, url))["ended"]
    clock.advance(0.1)
    ended = await _read_playlist(api, url)
    assert ended["ended"]
    assert [u.split("?")[0] for u in ended["uris"]] == ["seg4.ts", "seg5.ts", "seg6.ts"]
    assert (await _get(api, _segment_url(url, 6)))[0] == 200
    assert (await _get(api, _segment_url(url, 7)))[0] == 404
    clock.advance(2)
    assert await _read_playlist(api, url) == ended  # stays ended
    clock.advance(1.01)  # 3 segment durations after the end: a player starting over
    again = await _read_playlist(api, url)
    assert (again["sequence"], again["ended"]) == (0, False)
    assert sim.state.live_addresses[URL(url).query["id"]].sessions == 2


async def test_flv_session_ends_by_itself(
    sim: Simulator, api: RawApi, clock: Clock
) -> None:
    """A live FLV connection closes when the session length has passed."""
    await sim.render_video(CAMERA)
    sim.live_session_length = 60
    url = await _address(api, protocol=4)
    async with api.session.get(URL(url, encoded=True)) as resp:
        await _flv_tags(resp, 5)
        clock.advance(59)
        await asyncio.sleep(0.3)
        assert not resp.content.at_eof()
        clock.advance(1)
        await asyncio.wait_for(resp.content.read(), 2)
    (entry,) = sim.media_requests
    assert entry.reason == "session"
    async with api.session.get(URL(url, encoded=True)) as resp:
        assert resp.status == 200  # the address itself still plays


async def test_playback_addresses_end(sim: Simulator, api: RawApi) -> None:
    """Recordings: a VOD playlist over the asked time (capped), a finite FLV."""
    url = await _address(
        api,
        protocol=2,
        type=2,
        startTime="2026-11-30 10:00:00",
        stopTime="2026-11-30 10:00:12",
    )
    playlist = await _read_playlist(api, url)
    assert (playlist["vod"], playlist["ended"], playlist["sequence"]) == (True, True, 0)
    assert len(playlist["uris"]) == 12
    status, data = await _get(api, _segment_url(url, 11))
    assert status == 200
    _assert_pattern(_frames(data, "mpegts")[0].to_image())
    assert (await _get(api, _segment_url(url, 12)))[0] == 404

    sim.playback_max_length = 30
    cloud = await _address(api, protocol=2, type=3)  # no times: the last day, capped
    assert len((await _read_playlist(api, cloud))["uris"]) == 30

    sim.playback_max_length = 1.5
    flv = await _address(api, protocol=4, type=2)
    async with api.session.get(URL(flv, encoded=True)) as resp:
        raw = await asyncio.wait_for(resp.read(), 3)
    assert len(_frames(raw, "flv")) == 15
    assert sim.media_requests[-1].reason == "playback"


async def test_encrypted_device_gets_no_stream(sim: Simulator, api: RawApi) -> None:
    """Encrypted video: no HLS or FLV address, whatever the code; off, it plays."""
    for protocol in (2, 4):
        for form in ({}, {"code": "HJKLMN"}):
            body = await api.lapp(
                LIVE, deviceSerial=ENCRYPTED, protocol=protocol, **form
            )
            assert body["code"] == "60019"
    sim.state.devices[ENCRYPTED].is_encrypt = False
    url = await _address(api, ENCRYPTED, protocol=2)
    playlist = await _read_playlist(api, url)
    status, data = await _get(api, _segment_url(url, 0))
    assert status == 200
    assert len(playlist["uris"]) == 3
    _assert_pattern(_frames(data, "mpegts")[0].to_image(), frame=0)


# ------------------------------------------------------------------- pictures


def _jpeg(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return image


async def test_captures_are_jpegs_of_their_time(
    sim: Simulator, api: RawApi, clock: Clock
) -> None:
    """Two captures a minute apart differ; each keeps showing its own time."""
    urls = []
    for _ in range(2):
        body = await api.lapp("/api/lapp/device/capture", deviceSerial=CAMERA)
        urls.append(body["data"]["picUrl"])
        clock.advance(60)
    pictures = [(await _get(api, url))[1] for url in urls]
    assert pictures[0] != pictures[1]
    for data in pictures:
        _assert_pattern(_jpeg(data))
    # Fetched again later: the same picture (the time it was taken).
    clock.advance(600)
    assert (await _get(api, urls[0]))[1] == pictures[0]
    assert sim.picture(urls[1]) == pictures[1]

    cover = URL(sim.base_url) / "_sim/pic" / f"cover-{CAMERA}-1.jpg"
    status, now = await _get(api, cover)
    assert status == 200
    _assert_pattern(_jpeg(now))
    clock.advance(60)
    assert (await _get(api, cover))[1] != now  # covers show the time of the request


async def test_encrypted_pictures_stay_encrypted(sim: Simulator, api: RawApi) -> None:
    """The encrypted device's capture decrypts, with its code, to a 640x360 JPEG."""
    body = await api.lapp("/api/lapp/device/capture", deviceSerial=ENCRYPTED)
    url = body["data"]["picUrl"]
    assert url.endswith("-enc.jpg")
    data = (await _get(api, url))[1]
    code = b"HJKLMN"
    assert data.startswith(b"hikencodepicture")
    assert data[16:48] == md5(md5(code).hexdigest().encode()).hexdigest().encode()
    key = code.ljust(16, b"\0")
    decryptor = Cipher(
        algorithms.AES(key), modes.CBC(b"01234567" + bytes(8))
    ).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    plain = decryptor.update(data[48:]) + decryptor.finalize()
    plain = unpadder.update(plain) + unpadder.finalize()
    _assert_pattern(_jpeg(plain))
    assert plain == sim.picture(url)


async def test_video_size_from_the_fleet(socket_enabled: None) -> None:
    """A device's ``video_size`` sets its video and pictures."""
    fleet = {
        "devices": [
            {
                "serial": "S1",
                "name": "Small",
                "video_size": [320, 180],
                "channels": [{"no": 1, "name": "Small"}],
                "capabilities": {"support_capture": "1"},
            }
        ]
    }
    async with Simulator(fleet) as small, aiohttp.ClientSession() as session:
        api = RawApi(session, small)
        await api.login()
        url = await _address(api, "S1", protocol=2)
        await _read_playlist(api, url)
        data = (await _get(api, _segment_url(url, 0)))[1]
        _assert_pattern(_frames(data, "mpegts")[0].to_image(), (320, 180), frame=0)
        capture = await api.lapp("/api/lapp/device/capture", deviceSerial="S1")
        picture = (await _get(api, capture["data"]["picUrl"]))[1]
        _assert_pattern(_jpeg(picture), (320, 180))


async def test_video_is_rendered_once(sim: Simulator) -> None:
    """The clip is encoded once per channel and process, and cheaply."""
    clip = await sim.render_video(CAMERA, 1)
    assert clip is await sim.render_video(CAMERA, 1)
    assert len(clip.frames) == 40
    assert clip.encode_seconds < 3  # about 0.2-0.4 s on the CI machine
    assert sum(map(len, clip.frames)) < 200_000
    assert clip.codec == "h264"


async def test_h265_video_is_rendered_once(sim: Simulator) -> None:
    """An H.265 clip too: encoded once, cheaply, cached under its codec."""
    clip = await sim.render_video(GARDEN)
    assert clip is await sim.render_video(GARDEN)
    assert len(clip.frames) == 40
    assert clip.encode_seconds < 3  # about 0.15-0.3 s on the CI machine
    assert sum(map(len, clip.frames)) < 200_000
    dev = sim.state.devices[GARDEN]
    chan = dev.channel(1)
    assert chan is not None
    title, subtitle = video_titles(dev, chan)
    assert media.cached_clip(title, subtitle, SIZE, 10, "h265") is clip
    assert media.cached_clip(title, subtitle, SIZE, 10) is None  # not as H.264
