"""Pictures encrypted with a device's verification code.

The reference says that alarm pictures (and captures) of a device with video
encryption are encrypted, not how. The format below is the one the EZVIZ
apps and public clients read, recorded here as facts:

- The body holds one or more segments, each ``hikencodepicture`` (16 bytes),
  then the 32 ASCII hex digits of ``md5(md5(code).hexdigest())``, which only
  tells whether the code is the right one, then the ciphertext.
- The ciphertext is AES-128-CBC with PKCS#7 padding. The key is the code's
  UTF-8 bytes, NUL-padded (or cut) to 16 bytes; the IV is ``01234567``
  followed by eight NUL bytes. Segments are decrypted one by one and joined.

A body without the marker is returned as it is.
"""

from __future__ import annotations

from hashlib import md5

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .errors import EzvizEncryptionError, EzvizResponseError

ENCRYPTED_PICTURE_MARKER = b"hikencodepicture"
_CHECK_LENGTH = 32
_KEY_LENGTH = 16
_IV = b"01234567" + bytes(8)
_BLOCK = 16


def is_encrypted_picture(data: bytes) -> bool:
    """Whether a picture body is encrypted (carries the marker)."""
    return ENCRYPTED_PICTURE_MARKER in data


def code_check(code: str) -> bytes:
    """Return the 32 hex digits after the marker of pictures encrypted with ``code``."""
    inner = md5(code.encode(), usedforsecurity=False).hexdigest().encode()
    return md5(inner, usedforsecurity=False).hexdigest().encode()


def _key(code: str) -> bytes:
    return code.encode()[:_KEY_LENGTH].ljust(_KEY_LENGTH, b"\0")


def decrypt_picture(data: bytes, code: str | None) -> bytes:
    """Return the plain picture of ``data``, decrypted with ``code`` if needed.

    Raises ``EzvizEncryptionError`` when the picture is encrypted and the code
    is missing or not the one it was encrypted with, and
    ``EzvizResponseError`` when the encrypted body is malformed.
    """
    start = data.find(ENCRYPTED_PICTURE_MARKER)
    if start < 0:
        return data
    if not code:
        raise EzvizEncryptionError(
            "The picture is encrypted: the device's verification code is needed"
        )
    check = code_check(code)
    key = _key(code)
    plain = bytearray()
    for segment in data[start:].split(ENCRYPTED_PICTURE_MARKER)[1:]:
        if segment[:_CHECK_LENGTH] != check:
            raise EzvizEncryptionError(
                "The picture was encrypted with another verification code"
            )
        body = segment[_CHECK_LENGTH:]
        if not body or len(body) % _BLOCK:
            raise EzvizResponseError("Malformed encrypted picture (truncated)")
        decryptor = Cipher(algorithms.AES(key), modes.CBC(_IV)).decryptor()
        padded = decryptor.update(body) + decryptor.finalize()
        unpadder = padding.PKCS7(_BLOCK * 8).unpadder()
        try:
            plain += unpadder.update(padded) + unpadder.finalize()
        except ValueError as err:
            raise EzvizResponseError(
                "Malformed encrypted picture (bad padding)"
            ) from err
    return bytes(plain)
