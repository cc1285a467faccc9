"""Media the simulator serves: a tiny JPEG, an HLS playlist, TS/FLV stubs."""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# A 32x24 baseline JPEG (solid blue-grey), built with Pillow once and embedded.
JPEG_BYTES: bytes = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+"
    "MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09P"
    "T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAAYACADASIAAhEBAxEB/8QAHwAAAQUBAQEB"
    "AQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKB"
    "kaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1"
    "dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl"
    "5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcF"
    "BAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5"
    "OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0"
    "tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDNooor1Dygoooo"
    "AKKKKACiiigD/9k="
)


def encrypted_picture(code: str, data: bytes = JPEG_BYTES) -> bytes:
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


def hls_playlist(
    segment_prefix: str, *, segments: int = 3, duration: float = 2.0
) -> str:
    """Build a tiny live HLS media playlist naming ``segments`` TS segments."""
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{int(duration + 0.999)}",
        "#EXT-X-MEDIA-SEQUENCE:0",
    ]
    for i in range(segments):
        lines.append(f"#EXTINF:{duration:.3f},")
        lines.append(f"{segment_prefix}{i}.ts")
    return "\n".join(lines) + "\n"


def ts_segment(packets: int = 8) -> bytes:
    """Build an MPEG-TS segment of null packets (valid framing, no media)."""
    packet = b"\x47\x1f\xff\x10" + b"\xff" * 184
    return packet * packets


FLV_HEADER: bytes = b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00"
