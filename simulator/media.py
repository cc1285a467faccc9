"""Media the simulator serves: an H.264 test pattern (MPEG-TS, FLV) and JPEG pictures.

Each channel's video is rendered once (Pillow), encoded once (PyAV, libx264) and
cached for the whole process; serving then only re-stamps the cached packets, so
a stream costs next to no CPU. The clip loops: its burned-in clock counts the
time within the loop, while the container timestamps keep increasing.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
import functools
import hashlib
import io
import struct
import threading
import time
from typing import TYPE_CHECKING, Final

import av
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:
    from collections.abc import Iterator

FPS: Final = 10
"""Frame rate of every clip."""
LOOP_SECONDS: Final = 4.0
"""Length of the rendered loop (rounded up to whole segments)."""
DEFAULT_SIZE: Final = (640, 360)

BACKGROUND: Final = (20, 28, 52)
MOVER: Final = (255, 255, 255)
BARS: Final = (
    (235, 235, 235),  # white
    (235, 235, 16),  # yellow
    (16, 235, 235),  # cyan
    (16, 235, 16),  # green
    (235, 16, 235),  # magenta
    (235, 16, 16),  # red
    (16, 16, 235),  # blue
    (16, 16, 16),  # black
)
"""Colour bars across the bottom quarter of every frame and picture."""

_TS_CLOCK: Final = 90000
_START_FRAMES: Final = FPS  # the first frame's PTS is 1 s, not 0 (no negative PCR)


def bar_box(size: tuple[int, int], index: int) -> tuple[int, int, int, int]:
    """Return the box (left, top, right, bottom; inclusive) of colour bar ``index``."""
    width, height = size
    left = index * width // len(BARS)
    right = (index + 1) * width // len(BARS) - 1
    return left, height * 3 // 4, right, height - 1


def mover_box(
    size: tuple[int, int], frame: int, frames: int
) -> tuple[int, int, int, int]:
    """Return the box of the square that crosses the frame once per loop."""
    width, height = size
    side = max(8, height // 8)
    top = height * 2 // 5
    left = (width - side) * (frame % frames) // max(1, frames - 1)
    return left, top, left + side - 1, top + side - 1


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _canvas(size: tuple[int, int], title: str, subtitle: str) -> Image.Image:
    """Draw the still part of the pattern: background, colour bars, names."""
    width, height = size
    img = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(img)
    for index, colour in enumerate(BARS):
        draw.rectangle(bar_box(size, index), fill=colour)
    margin = width // 40
    draw.text((margin, height // 30), title, font=_font(height // 12), fill=MOVER)
    draw.text(
        (margin, height // 30 + height // 9),
        subtitle,
        font=_font(height // 20),
        fill=(200, 200, 210),
    )
    return img


# ------------------------------------------------------------------ pictures


def render_picture(
    title: str, subtitle: str, when: float, size: tuple[int, int] = DEFAULT_SIZE
) -> bytes:
    """Render a JPEG still: the pattern with ``when`` (UTC, to the second) burned in."""
    img = _canvas(size, title, subtitle)
    draw = ImageDraw.Draw(img)
    width, height = size
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(when))
    draw.text(
        (width // 40, height * 2 // 5 + height // 6),
        stamp,
        font=_font(height // 14),
        fill=(255, 255, 0),
    )
    # The square's position follows the seconds, so two stills differ visibly.
    draw.rectangle(mover_box(size, int(when) % 60, 60), fill=MOVER)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=80)
    return out.getvalue()


def encrypted_picture(code: str, data: bytes) -> bytes:
    """Encrypt ``data`` with ``code`` as EZVIZ encrypts pictures.

    ``hikencodepicture``, the hex MD5 of the hex MD5 of the code, then
    AES-128-CBC (PKCS#7) with the code NUL-padded to 16 bytes as key and
    ``01234567`` + 8 NUL bytes as IV.
    """
    secret = (code or "ABCDEF").encode()
    check = hashlib.md5(
        hashlib.md5(secret, usedforsecurity=False).hexdigest().encode(),
        usedforsecurity=False,
    ).hexdigest()
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    key = secret[:16].ljust(16, b"\0")
    encryptor = Cipher(
        algorithms.AES(key), modes.CBC(b"01234567" + bytes(8))
    ).encryptor()
    body = encryptor.update(padded) + encryptor.finalize()
    return b"hikencodepicture" + check.encode() + body


# --------------------------------------------------------------------- video


@dataclass(frozen=True)
class Clip:
    """One channel's encoded loop: Annex B H.264 access units, one per frame."""

    size: tuple[int, int]
    segment_frames: int  # frames per segment; every segment starts with a keyframe
    frames: tuple[bytes, ...]
    keyframes: tuple[bool, ...]
    sps: bytes
    pps: bytes
    encode_seconds: float  # wall time spent rendering and encoding
    ts_counts: tuple[dict[int, int], ...]  # TS packets per PID, per segment of the loop

    @property
    def segments(self) -> int:
        """Segments in one loop."""
        return len(self.frames) // self.segment_frames

    @property
    def segment_seconds(self) -> float:
        """Length of a segment (and of a GOP)."""
        return self.segment_frames / FPS


_CLIPS: dict[tuple[str, str, tuple[int, int], int], Clip] = {}
_CLIPS_LOCK = threading.Lock()
_KEY_LOCKS: dict[tuple[str, str, tuple[int, int], int], threading.Lock] = {}


def clip(title: str, subtitle: str, size: tuple[int, int], segment_frames: int) -> Clip:
    """Return the channel's clip, rendering it on first use (blocking, cached per process)."""
    key = (title, subtitle, size, segment_frames)
    found = _CLIPS.get(key)
    if found is not None:
        return found
    with _CLIPS_LOCK:
        lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    with lock:
        found = _CLIPS.get(key)
        if found is None:
            found = _render_clip(title, subtitle, size, segment_frames)
            _CLIPS[key] = found
    return found


def cached_clip(
    title: str, subtitle: str, size: tuple[int, int], segment_frames: int
) -> Clip | None:
    """Return the clip if it is already rendered."""
    return _CLIPS.get((title, subtitle, size, segment_frames))


def _render_clip(
    title: str, subtitle: str, size: tuple[int, int], segment_frames: int
) -> Clip:
    started = time.perf_counter()
    width, height = size
    segments = max(1, -(-round(LOOP_SECONDS * FPS) // segment_frames))
    total = segments * segment_frames
    base = _canvas(size, title, subtitle)
    encoder = av.CodecContext.create("libx264", "w")
    assert isinstance(encoder, av.VideoCodecContext)
    encoder.width = width
    encoder.height = height
    encoder.pix_fmt = "yuv420p"
    encoder.time_base = Fraction(1, FPS)
    encoder.framerate = Fraction(FPS)
    encoder.options = {
        "preset": "ultrafast",
        "tune": "zerolatency",
        "profile": "baseline",
        "threads": "1",
        # A keyframe opens every segment; SPS/PPS repeat at each keyframe so a
        # segment (or an FLV stream) can be decoded from its start.
        "x264-params": (
            f"keyint={segment_frames}:min-keyint={segment_frames}"
            ":scenecut=0:repeat-headers=1"
        ),
    }
    clock_font = _font(height // 12)

    def pictures() -> Iterator[av.VideoFrame | None]:
        for index in range(total):
            img = base.copy()
            draw = ImageDraw.Draw(img)
            draw.rectangle(mover_box(size, index, total), fill=MOVER)
            seconds = index / FPS
            draw.text(
                (width - width // 40, height // 30),
                f"{int(seconds // 60):02d}:{seconds % 60:04.1f}",
                font=clock_font,
                fill=(255, 255, 0),
                anchor="ra",
            )
            # PyAV 16 (Home Assistant 2026.2's pin) leaves from_image untyped.
            image_frame = av.VideoFrame.from_image(img)  # type: ignore[no-untyped-call,unused-ignore]
            frame = image_frame.reformat(format="yuv420p")
            frame.pts = index
            yield frame
        yield None  # flush the encoder

    frames_out: list[bytes] = []
    keyframes_out: list[bool] = []
    for picture in pictures():
        for packet in encoder.encode(picture):
            frames_out.append(bytes(packet))
            keyframes_out.append(bool(packet.is_keyframe))
    frames = tuple(frames_out)
    keyframes = tuple(keyframes_out)
    if len(frames) != total or not all(keyframes[::segment_frames]):
        raise RuntimeError("the encoder did not produce one keyframe per segment")
    nals = _nal_units(frames[0])
    sps = next(n for n in nals if n[0] & 0x1F == 7)
    pps = next(n for n in nals if n[0] & 0x1F == 8)
    draft = Clip(size, segment_frames, frames, keyframes, sps, pps, 0.0, ())
    counts = tuple(
        _ts_packet_counts(_mux_ts(draft, n, n * segment_frames))
        for n in range(segments)
    )
    return Clip(
        size,
        segment_frames,
        frames,
        keyframes,
        sps,
        pps,
        time.perf_counter() - started,
        counts,
    )


def _nal_units(data: bytes) -> list[bytes]:
    """Split an Annex B access unit into NAL units (start codes removed)."""
    units: list[bytes] = []
    pos = data.find(b"\x00\x00\x01")
    while pos >= 0:
        start = pos + 3
        nxt = data.find(b"\x00\x00\x01", start)
        end = len(data) if nxt < 0 else nxt
        unit = data[start:end]
        if nxt >= 0 and unit.endswith(b"\x00"):
            unit = unit[:-1]  # the leading zero of a 4-byte start code
        if unit:
            units.append(unit)
        pos = nxt
    return units


# ------------------------------------------------------------------- MPEG-TS


def ts_segment(clip_: Clip, number: int) -> bytes:
    """Return segment ``number`` (from 0) of the endless loop as MPEG-TS.

    Timestamps run on across segments and loops (segment ``n`` starts at
    ``1 + n * segment duration`` seconds), and so do the continuity counters,
    as if one muxer had written the whole stream.
    """
    position = number % clip_.segments
    data = bytearray(_mux_ts(clip_, position, number * clip_.segment_frames))
    offsets: dict[int, int] = {}
    loops = number // clip_.segments
    for pid in clip_.ts_counts[0]:
        offsets[pid] = loops * sum(c.get(pid, 0) for c in clip_.ts_counts) + sum(
            c.get(pid, 0) for c in clip_.ts_counts[:position]
        )
    for start in range(0, len(data), 188):
        pid = ((data[start + 1] & 0x1F) << 8) | data[start + 2]
        if pid in offsets and data[start + 3] & 0x10:  # carries a payload
            data[start + 3] = (data[start + 3] & 0xF0) | (
                (data[start + 3] + offsets[pid]) & 0x0F
            )
    return bytes(data)


def _mux_ts(clip_: Clip, position: int, first_frame: int) -> bytes:
    """Mux loop segment ``position`` with its first frame stamped ``first_frame``."""
    out = io.BytesIO()
    with av.open(out, "w", format="mpegts") as container:
        stream = container.add_stream("h264", rate=FPS)
        stream.width, stream.height = clip_.size
        stream.pix_fmt = "yuv420p"
        base = position * clip_.segment_frames
        for index in range(clip_.segment_frames):
            packet = av.Packet(clip_.frames[base + index])
            packet.stream = stream
            packet.time_base = Fraction(1, FPS)
            packet.pts = packet.dts = _START_FRAMES + first_frame + index
            packet.is_keyframe = clip_.keyframes[base + index]
            container.mux(packet)
    return out.getvalue()


def _ts_packet_counts(data: bytes) -> dict[int, int]:
    counts: dict[int, int] = {}
    for start in range(0, len(data), 188):
        if data[start + 3] & 0x10:
            pid = ((data[start + 1] & 0x1F) << 8) | data[start + 2]
            counts[pid] = counts.get(pid, 0) + 1
    return counts


def ts_timestamp(frame: int) -> int:
    """Return the 90 kHz PTS of stream frame ``frame`` (from 0) in the TS segments."""
    return (_START_FRAMES + frame) * _TS_CLOCK // FPS


def hls_playlist(
    uris: list[str],
    *,
    first: int,
    duration: float,
    ended: bool,
    vod: bool = False,
) -> str:
    """Build an HLS media playlist listing ``uris`` from media sequence ``first``."""
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{int(duration + 0.999)}",
        f"#EXT-X-MEDIA-SEQUENCE:{first}",
    ]
    if vod:
        lines.append("#EXT-X-PLAYLIST-TYPE:VOD")
    for uri in uris:
        lines.append(f"#EXTINF:{duration:.3f},")
        lines.append(uri)
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------- FLV

FLV_HEADER: Final = b"FLV\x01\x01\x00\x00\x00\x09" + bytes(4)
"""FLV signature, version 1, video only, then PreviousTagSize0."""


def _flv_tag(kind: int, timestamp_ms: int, payload: bytes) -> bytes:
    ts = timestamp_ms & 0xFFFFFFFF
    head = (
        bytes([kind])
        + len(payload).to_bytes(3, "big")
        + (ts & 0xFFFFFF).to_bytes(3, "big")
        + bytes([ts >> 24])
        + bytes(3)
    )
    return head + payload + struct.pack(">I", len(head) + len(payload))


def _amf_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack(">H", len(raw)) + raw


def flv_start(clip_: Clip) -> bytes:
    """Return the FLV header, onMetaData and the AVC sequence header."""
    width, height = clip_.size
    meta = {
        "duration": 0.0,
        "width": float(width),
        "height": float(height),
        "framerate": float(FPS),
        "videocodecid": 7.0,
    }
    script = (
        b"\x02" + _amf_string("onMetaData") + b"\x08" + struct.pack(">I", len(meta))
    )
    for name, value in meta.items():
        script += _amf_string(name) + b"\x00" + struct.pack(">d", value)
    script += b"\x00\x00\x09"
    sps, pps = clip_.sps, clip_.pps
    record = (
        bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1])
        + struct.pack(">H", len(sps))
        + sps
        + b"\x01"
        + struct.pack(">H", len(pps))
        + pps
    )
    return (
        FLV_HEADER
        + _flv_tag(18, 0, script)
        + _flv_tag(9, 0, b"\x17\x00\x00\x00\x00" + record)
    )


def flv_frame(clip_: Clip, frame: int) -> bytes:
    """Return the FLV video tag of stream frame ``frame`` (from 0; the loop repeats)."""
    index = frame % len(clip_.frames)
    units = [
        unit
        for unit in _nal_units(clip_.frames[index])
        if unit[0] & 0x1F not in (7, 8, 9)  # SPS/PPS travel in the sequence header
    ]
    body = b"".join(struct.pack(">I", len(unit)) + unit for unit in units)
    head = b"\x17" if clip_.keyframes[index] else b"\x27"
    return _flv_tag(9, frame * 1000 // FPS, head + b"\x01\x00\x00\x00" + body)
