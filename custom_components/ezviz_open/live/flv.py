"""FLV, as much as a relay needs: read tags, make H.265 readable, splice streams.

H.265 in EZVIZ's HTTP-FLV is the legacy extension with video codec id 12
(EZVIZ's own FLV player documents it), laid out like AVC: a packet type
(0 sequence header, 1 coded frames, 2 end of sequence), a composition time,
then the HEVCDecoderConfigurationRecord or length-prefixed NAL units.
FFmpeg 7 (PyAV 13, Home Assistant 2025.4's stream worker) reads H.265 in
FLV only in the enhanced-FLV form (FourCC ``hvc1``, FFmpeg 6.1 and later)
and finds a video stream without a codec in codec id 12: no video at all.
FFmpeg 8 (PyAV 16 and 19: 2026.2, 2026.10) reads both. ``readable_tag``
rewrites the one into the other, the same record and the same NAL units
behind another header, so that every supported release plays it.

Imports nothing from Home Assistant (see relay.py for why and where it is used).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import struct
from typing import TYPE_CHECKING, Final, Protocol

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

FLV_SIGNATURE: Final = b"FLV"
TAG_AUDIO: Final = 8
TAG_VIDEO: Final = 9
TAG_SCRIPT: Final = 18
_TAG_HEADER_SIZE: Final = 11
#: A tag larger than this is taken for garbage, not video.
_MAX_TAG_SIZE: Final = 16 * 1024 * 1024
#: FLV codec ids whose second payload byte is a packet type (0: sequence
#: header): AAC audio; AVC video and the HEVC extension.
_AUDIO_AAC: Final = 10
_VIDEO_PACKET_TYPED: Final = frozenset({7, 12})
#: H.265 in the legacy extension (not enhanced FLV).
VIDEO_HEVC_LEGACY: Final = 12
#: Enhanced FLV (``ExVideoTagHeader``): the packet type is the low nibble.
_VIDEO_EX_HEADER: Final = 0x80
_VIDEO_KEYFRAME: Final = 1
#: Enhanced FLV's FourCC of H.265, and its number in ``onMetaData``.
FOURCC_HEVC: Final = b"hvc1"
_METADATA_CODEC_ID: Final = b"\x00\x0cvideocodecid\x00"
_LEGACY_HEVC_IN_METADATA: Final = struct.pack(">d", VIDEO_HEVC_LEGACY)
_HEVC_IN_METADATA: Final = struct.pack(">d", int.from_bytes(FOURCC_HEVC, "big"))


class FlvError(Exception):
    """The bytes read are not an FLV stream."""


class Reader(Protocol):
    """What the FLV parser reads from (aiohttp's and asyncio's stream readers)."""

    async def readexactly(self, n: int) -> bytes:
        """Read exactly ``n`` bytes; ``asyncio.IncompleteReadError`` at the end."""


@dataclass(slots=True)
class FlvTag:
    """One FLV tag: its type, its timestamp in milliseconds, its payload."""

    kind: int
    timestamp: int
    data: bytes

    @property
    def is_sequence_header(self) -> bool:
        """Whether the tag holds decoder configuration, not media."""
        if len(self.data) < 2:
            return False
        first = self.data[0]
        if self.kind == TAG_VIDEO:
            if first & _VIDEO_EX_HEADER:
                return first & 0x0F == 0
            return first & 0x0F in _VIDEO_PACKET_TYPED and self.data[1] == 0
        if self.kind == TAG_AUDIO:
            return first >> 4 == _AUDIO_AAC and self.data[1] == 0
        return False

    @property
    def is_keyframe(self) -> bool:
        """Whether the tag is a video frame a decoder can start from."""
        if self.kind != TAG_VIDEO or not self.data or self.is_sequence_header:
            return False
        first = self.data[0]
        frame_type = (first >> 4) & 0x07 if first & _VIDEO_EX_HEADER else first >> 4
        return frame_type == _VIDEO_KEYFRAME

    def to_bytes(self) -> bytes:
        """Serialise the tag, followed by its PreviousTagSize."""
        size = len(self.data)
        timestamp = self.timestamp & 0xFFFFFFFF
        header = (
            bytes((self.kind,))
            + size.to_bytes(3, "big")
            + (timestamp & 0xFFFFFF).to_bytes(3, "big")
            + bytes((timestamp >> 24, 0, 0, 0))
        )
        return header + self.data + (_TAG_HEADER_SIZE + size).to_bytes(4, "big")


def readable_tag(tag: FlvTag) -> FlvTag:
    """Return ``tag`` in a form FFmpeg reads: legacy H.265 (codec id 12) as enhanced FLV.

    A video tag ``frame type | 12``, packet type, composition time, payload
    becomes ``0x80 | frame type | packet type``, ``hvc1``, then: the record
    (sequence start, 0), the composition time and NAL units (coded frames, 1),
    or nothing (sequence end, 2). An ``onMetaData`` that names codec id 12
    names ``hvc1`` instead, as enhanced FLV does. Any other tag is returned
    as it is.
    """
    data = tag.data
    if tag.kind == TAG_SCRIPT:
        at = data.find(_METADATA_CODEC_ID)
        if at >= 0:
            value = at + len(_METADATA_CODEC_ID)
            if data[value : value + 8] == _LEGACY_HEVC_IN_METADATA:
                data = data[:value] + _HEVC_IN_METADATA + data[value + 8 :]
                return FlvTag(tag.kind, tag.timestamp, data)
        return tag
    if tag.kind != TAG_VIDEO or len(data) < 2:
        return tag
    first = data[0]
    if first & _VIDEO_EX_HEADER or first & 0x0F != VIDEO_HEVC_LEGACY:
        return tag
    frame_type = (first >> 4) & 0x07
    packet_type = data[1]
    if packet_type == 0:
        payload = data[5:]  # after the composition time: the record
    elif packet_type == 1:
        payload = data[2:]  # composition time, then the NAL units
    elif packet_type == 2:
        payload = b""
    else:
        raise FlvError(f"unknown H.265 packet type {packet_type}")
    header = bytes((_VIDEO_EX_HEADER | frame_type << 4 | packet_type,))
    return FlvTag(tag.kind, tag.timestamp, header + FOURCC_HEVC + payload)


async def read_flv_header(reader: Reader) -> bytes:
    """Read an FLV file header and the first PreviousTagSize; return them."""
    header = await reader.readexactly(9)
    if header[:3] != FLV_SIGNATURE:
        raise FlvError("not an FLV stream")
    offset = int.from_bytes(header[5:9], "big")
    if offset < 9 or offset > 1024:
        raise FlvError("bad FLV header size")
    extra = await reader.readexactly(offset - 9 + 4)
    return header + extra


async def read_flv_tags(reader: Reader) -> AsyncIterator[FlvTag]:
    """Yield the tags of an FLV stream whose header was read; end at its end."""
    while True:
        try:
            header = await reader.readexactly(_TAG_HEADER_SIZE)
        except asyncio.IncompleteReadError as err:
            if err.partial:
                raise FlvError("FLV stream cut inside a tag header") from err
            return
        size = int.from_bytes(header[1:4], "big")
        if size > _MAX_TAG_SIZE:
            raise FlvError("FLV tag too large")
        try:
            body = await reader.readexactly(size + 4)
        except asyncio.IncompleteReadError as err:
            raise FlvError("FLV stream cut inside a tag") from err
        timestamp = int.from_bytes(header[4:7], "big") | (header[7] << 24)
        yield FlvTag(header[0] & 0x1F, timestamp, body[:size])


class FlvSplicer:
    """Join FLV streams, one after the other, into one that never goes back.

    The first stream's file header and metadata are kept; later streams'
    are dropped. Each stream is taken from its first keyframe (its decoder
    configuration held back until then, and dropped when it repeats the
    last one sent).

    Timestamps: the first stream keeps its own spacing. A later stream's
    first keyframe follows the last frame sent after the time that really
    passed (at least one frame): a pause shows as a pause. A later stream
    then never runs ahead of the clock: the cloud starts a stream with the
    frames since its last keyframe (an HLS session with its whole playlist),
    which were partly seen already; they arrive at once and are squeezed
    into the moment they arrived (1 ms apart), so they are decoded, barely
    shown, and the stream does not drift ahead of real time at each switch.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        """Start with nothing sent; ``clock`` gives seconds (monotonic)."""
        self._clock = clock
        self._header_sent = False
        self._config: dict[int, bytes] = {}  # tag kind -> last configuration sent
        self._last_out: dict[int, int] = {}  # tag kind -> last media timestamp sent
        self._last_sent_at = 0.0  # when the last video frame was sent
        self._frame_ms = 40
        # The current stream:
        self._offset: int | None = None  # added to its timestamps
        self._anchor: tuple[int, float] | None = None  # (timestamp, clock) of its start
        self._held: list[FlvTag] = []
        self._last_in_video: int | None = None

    def start_stream(self) -> None:
        """Expect a new stream: its header, then tags with their own clock."""
        self._offset = None
        self._anchor = None
        self._held = []
        self._last_in_video = None

    @property
    def started(self) -> bool:
        """Whether the current stream has reached its first keyframe."""
        return self._offset is not None

    def header(self, header: bytes) -> bytes:
        """Return the bytes to send for a stream's file header."""
        if self._header_sent:
            return b""
        self._header_sent = True
        return header

    def tag(self, tag: FlvTag) -> bytes:
        """Return the bytes to send for a tag of the current stream."""
        if tag.kind == TAG_SCRIPT:
            # Metadata only before any media (a player reads it once).
            return b"" if self._last_out else tag.to_bytes()
        if tag.is_sequence_header:
            if self._offset is None:
                self._held = [held for held in self._held if held.kind != tag.kind]
                self._held.append(tag)
                return b""
            return self._config_bytes(tag, self._timestamp(tag))
        if tag.kind == TAG_VIDEO:
            if self._last_in_video is not None and tag.timestamp > self._last_in_video:
                self._frame_ms = min(1000, tag.timestamp - self._last_in_video)
            self._last_in_video = tag.timestamp
        if self._offset is None:
            if not tag.is_keyframe:
                return b""
            self._start(tag)
            held, self._held = self._held, []
            timestamp = self._timestamp(tag)
            return b"".join(
                self._config_bytes(config, timestamp) for config in held
            ) + self._media_bytes(tag, timestamp)
        return self._media_bytes(tag, self._timestamp(tag))

    def _start(self, keyframe: FlvTag) -> None:
        """Place the current stream's first keyframe on the output's time line."""
        last = self._last_out.get(TAG_VIDEO)
        if last is None:
            self._offset = -keyframe.timestamp
            return
        now = self._clock()
        waited = round((now - self._last_sent_at) * 1000)
        start = last + max(self._frame_ms, waited)
        self._offset = start - keyframe.timestamp
        self._anchor = (start, now)

    def _timestamp(self, tag: FlvTag) -> int:
        """Return the output timestamp of a tag of the current (started) stream."""
        assert self._offset is not None
        if self._anchor is not None:
            start, since = self._anchor
            now_ms = start + round((self._clock() - since) * 1000)
            self._offset = min(self._offset, now_ms - tag.timestamp)
        return max(0, tag.timestamp + self._offset)

    def _config_bytes(self, tag: FlvTag, timestamp: int) -> bytes:
        if self._config.get(tag.kind) == tag.data:
            return b""
        self._config[tag.kind] = tag.data
        return FlvTag(tag.kind, timestamp, tag.data).to_bytes()

    def _media_bytes(self, tag: FlvTag, timestamp: int) -> bytes:
        last = self._last_out.get(tag.kind)
        if last is not None and timestamp <= last:
            timestamp = last + 1
        self._last_out[tag.kind] = timestamp
        if tag.kind == TAG_VIDEO:
            self._last_sent_at = self._clock()
        return FlvTag(tag.kind, timestamp, tag.data).to_bytes()
