"""Media the simulator serves: a test pattern in H.264 or H.265 (MPEG-TS, FLV), JPEGs.

Each channel's video is rendered once (Pillow), encoded once (PyAV: libx264, or
libx265 for a device whose ``video_codec`` is "h265") and cached for the whole
process; serving then only re-stamps the cached packets, so a stream costs next
to no CPU. The clip loops: its burned-in clock counts the time within the loop,
while the container timestamps keep increasing.

H.265 goes out in the forms EZVIZ uses: HLS segments are MPEG-TS (stream type
HEVC); HTTP-FLV uses the legacy extension with video codec id 12 that EZVIZ's
own FLV player documents, laid out exactly like AVC (codec id 7): a sequence
header with the HEVCDecoderConfigurationRecord (``hvcC``), then length-prefixed
NAL units. FFmpeg up to 7.x does not read that form (its FLV stream has no
codec; FFmpeg reads H.265 in FLV as enhanced FLV, FourCC ``hvc1``, since 6.1);
FFmpeg 8.0 and later read codec id 12 as HEVC too (measured with PyAV 16 and 19).
"""

from __future__ import annotations

import dataclasses
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
CODECS: Final = ("h264", "h265")
"""Codecs a clip can be encoded in (a device's ``video_codec``)."""

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
_FLV_CODEC_IDS: Final = {"h264": 7, "h265": 12}
"""FLV video codec ids: AVC, and the legacy H.265 extension EZVIZ uses."""
_PARAMETER_SETS: Final = {"h264": (7, 8, 9), "h265": (32, 33, 34, 35)}
"""NAL types left out of FLV frames: (VPS,) SPS, PPS, access unit delimiter."""
_X265_QUIET: Final = "log-level=error"  # x265 writes its messages to stderr itself
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
    """One channel's encoded loop: Annex B access units (H.264 or H.265), one per frame."""

    size: tuple[int, int]
    segment_frames: int  # frames per segment; every segment starts with a keyframe
    frames: tuple[bytes, ...]
    keyframes: tuple[bool, ...]
    sps: bytes
    pps: bytes
    encode_seconds: float  # wall time spent rendering and encoding
    ts_counts: tuple[dict[int, int], ...]  # TS packets per PID, per segment of the loop
    codec: str = "h264"  # "h264" or "h265"
    vps: bytes = b""  # H.265 only
    #: H.265 only: the HEVCDecoderConfigurationRecord (``hvcC``), as FFmpeg's
    #: MP4 muxer writes it from the clip's VPS, SPS and PPS.
    hvcc: bytes = b""

    @property
    def segments(self) -> int:
        """Segments in one loop."""
        return len(self.frames) // self.segment_frames

    @property
    def segment_seconds(self) -> float:
        """Length of a segment (and of a GOP)."""
        return self.segment_frames / FPS


_ClipKey = tuple[str, str, tuple[int, int], int, str]
_CLIPS: dict[_ClipKey, Clip] = {}
_CLIPS_LOCK = threading.Lock()
_KEY_LOCKS: dict[_ClipKey, threading.Lock] = {}


def clip(
    title: str,
    subtitle: str,
    size: tuple[int, int],
    segment_frames: int,
    codec: str = "h264",
) -> Clip:
    """Return the channel's clip, rendering it on first use (blocking, cached per process)."""
    if codec not in CODECS:
        raise ValueError(f"unknown video codec {codec!r}")
    key = (title, subtitle, size, segment_frames, codec)
    found = _CLIPS.get(key)
    if found is not None:
        return found
    with _CLIPS_LOCK:
        lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    with lock:
        found = _CLIPS.get(key)
        if found is None:
            found = _render_clip(title, subtitle, size, segment_frames, codec)
            _CLIPS[key] = found
    return found


def cached_clip(
    title: str,
    subtitle: str,
    size: tuple[int, int],
    segment_frames: int,
    codec: str = "h264",
) -> Clip | None:
    """Return the clip if it is already rendered."""
    return _CLIPS.get((title, subtitle, size, segment_frames, codec))


def nal_type(codec: str, unit: bytes) -> int:
    """Return the type of NAL unit ``unit`` (its header first) in ``codec``."""
    return (unit[0] >> 1) & 0x3F if codec == "h265" else unit[0] & 0x1F


def _encoder(
    codec: str, size: tuple[int, int], segment_frames: int
) -> av.VideoCodecContext:
    """Return the clip's encoder: one keyframe opening every segment, no B-frames."""
    encoder = av.CodecContext.create("libx265" if codec == "h265" else "libx264", "w")
    assert isinstance(encoder, av.VideoCodecContext)
    encoder.width, encoder.height = size
    encoder.pix_fmt = "yuv420p"
    encoder.time_base = Fraction(1, FPS)
    encoder.framerate = Fraction(FPS)
    if codec == "h265":
        encoder.options = {
            "preset": "ultrafast",
            "tune": "zerolatency",
            # As for H.264: a closed GOP (an IDR picture) opens every segment,
            # VPS/SPS/PPS repeat at each keyframe, no B-frames; x265 says
            # nothing and writes no SEI with its version and settings.
            "x265-params": (
                f"keyint={segment_frames}:min-keyint={segment_frames}"
                ":scenecut=0:open-gop=0:repeat-headers=1:bframes=0:info=0"
                f":{_X265_QUIET}"
            ),
        }
    else:
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
    return encoder


def _render_clip(
    title: str,
    subtitle: str,
    size: tuple[int, int],
    segment_frames: int,
    codec: str,
) -> Clip:
    started = time.perf_counter()
    width, height = size
    segments = max(1, -(-round(LOOP_SECONDS * FPS) // segment_frames))
    total = segments * segment_frames
    base = _canvas(size, title, subtitle)
    encoder = _encoder(codec, size, segment_frames)
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
    units = {nal_type(codec, n): n for n in reversed(_nal_units(frames[0]))}
    if codec == "h265":
        vps, sps, pps = units[32], units[33], units[34]
        hvcc = _hvcc(frames[0], size)
        if _hvcc_units(hvcc) != [vps, sps, pps]:
            raise RuntimeError("the hvcC record does not hold the stream's VPS/SPS/PPS")
    else:
        vps, sps, pps, hvcc = b"", units[7], units[8], b""
    draft = Clip(
        size,
        segment_frames,
        frames,
        keyframes,
        sps,
        pps,
        0.0,
        (),
        codec=codec,
        vps=vps,
        hvcc=hvcc,
    )
    counts = tuple(
        _ts_packet_counts(_mux_ts(draft, n, n * segment_frames))
        for n in range(segments)
    )
    return dataclasses.replace(
        draft, encode_seconds=time.perf_counter() - started, ts_counts=counts
    )


def _video_stream(
    container: av.container.OutputContainer, codec: str
) -> av.VideoStream:
    """Add the stream the clip's packets are muxed into (no packet is encoded)."""
    if codec == "h265":
        # PyAV opens an encoder for the stream (libx265): keep it quiet and
        # without global headers, so that the muxer takes the parameter sets
        # from the first packet, not from that encoder.
        stream = container.add_stream(
            "hevc",
            rate=FPS,
            options={
                "flags": "-global_header",
                "x265-params": f"{_X265_QUIET}:pools=none",
            },
        )
    else:
        stream = container.add_stream("h264", rate=FPS)
    assert isinstance(stream, av.VideoStream)
    return stream


def _hvcc(keyframe: bytes, size: tuple[int, int]) -> bytes:
    """Return the HEVCDecoderConfigurationRecord FFmpeg makes of a keyframe's headers.

    The keyframe (VPS, SPS, PPS in band) is muxed into an in-memory MP4, and
    the record read from its ``hvcC`` box.
    """
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = _video_stream(container, "h265")
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        packet = av.Packet(keyframe)
        packet.stream = stream
        packet.time_base = Fraction(1, FPS)
        packet.pts = packet.dts = 0
        packet.is_keyframe = True
        container.mux(packet)
    data = out.getvalue()
    moov = _box(data, b"moov")
    at = moov.find(b"hvcC")
    if at < 4:
        raise RuntimeError("FFmpeg's MP4 muxer wrote no hvcC box")
    box_size = int.from_bytes(moov[at - 4 : at], "big")
    return moov[at + 4 : at - 4 + box_size]


def _box(data: bytes, kind: bytes) -> bytes:
    """Return the body of top-level ISO BMFF box ``kind`` of ``data``."""
    pos = 0
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        if size < 8:
            break
        if data[pos + 4 : pos + 8] == kind:
            return data[pos + 8 : pos + size]
        pos += size
    raise RuntimeError(f"no {kind.decode()} box")


def _hvcc_units(record: bytes) -> list[bytes]:
    """Return the NAL units of an HEVCDecoderConfigurationRecord's arrays, in order."""
    units: list[bytes] = []
    pos = 23
    for _ in range(record[22]):
        count = int.from_bytes(record[pos + 1 : pos + 3], "big")
        pos += 3
        for _ in range(count):
            length = int.from_bytes(record[pos : pos + 2], "big")
            units.append(record[pos + 2 : pos + 2 + length])
            pos += 2 + length
    return units


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
        stream = _video_stream(container, clip_.codec)
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
    """Return the FLV header, onMetaData and the sequence header.

    H.264: AVC (codec id 7) with the AVCDecoderConfigurationRecord. H.265: the
    legacy codec id 12, laid out the same, with the HEVCDecoderConfigurationRecord.
    """
    width, height = clip_.size
    codec_id = _FLV_CODEC_IDS[clip_.codec]
    meta = {
        "duration": 0.0,
        "width": float(width),
        "height": float(height),
        "framerate": float(FPS),
        "videocodecid": float(codec_id),
    }
    script = (
        b"\x02" + _amf_string("onMetaData") + b"\x08" + struct.pack(">I", len(meta))
    )
    for name, value in meta.items():
        script += _amf_string(name) + b"\x00" + struct.pack(">d", value)
    script += b"\x00\x00\x09"
    if clip_.codec == "h265":
        record = clip_.hvcc
    else:
        sps, pps = clip_.sps, clip_.pps
        record = (
            bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1])
            + struct.pack(">H", len(sps))
            + sps
            + b"\x01"
            + struct.pack(">H", len(pps))
            + pps
        )
    # Keyframe (1) and codec id; packet type 0 (sequence header); CTS 0.
    head = bytes([0x10 | codec_id]) + b"\x00\x00\x00\x00"
    return FLV_HEADER + _flv_tag(18, 0, script) + _flv_tag(9, 0, head + record)


def flv_frame(clip_: Clip, frame: int) -> bytes:
    """Return the FLV video tag of stream frame ``frame`` (from 0; the loop repeats)."""
    index = frame % len(clip_.frames)
    skipped = _PARAMETER_SETS[clip_.codec]  # they travel in the sequence header
    units = [
        unit
        for unit in _nal_units(clip_.frames[index])
        if nal_type(clip_.codec, unit) not in skipped
    ]
    body = b"".join(struct.pack(">I", len(unit)) + unit for unit in units)
    # Frame type (1 keyframe, 2 inter frame) and codec id; packet type 1; CTS 0.
    kind = 0x10 if clip_.keyframes[index] else 0x20
    head = bytes([kind | _FLV_CODEC_IDS[clip_.codec]]) + b"\x01\x00\x00\x00"
    return _flv_tag(9, frame * 1000 // FPS, head + body)
