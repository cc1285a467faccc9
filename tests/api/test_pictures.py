"""Pictures encrypted with a device's verification code."""

from __future__ import annotations

from hashlib import md5
import io
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from PIL import Image
import pytest

from custom_components.ezviz_open.api.errors import (
    EzvizEncryptionError,
    EzvizResponseError,
)
from custom_components.ezviz_open.api.pictures import (
    code_check,
    decrypt_picture,
    is_encrypted_picture,
)
from simulator.media import render_picture

if TYPE_CHECKING:
    import aiohttp

    from custom_components.ezviz_open.api import EzvizOpenClient
    from simulator import Simulator

ENCRYPTED = "C8C000006"
JPEG = render_picture("Plain", "a picture", 1_700_000_000)


def _encrypt(plain: bytes, code: str) -> bytes:
    """Encrypt by hand, independently of the simulator's own encryption."""
    key = code.encode()[:16].ljust(16, b"\0")
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(b"01234567" + bytes(8))).encryptor()
    check = md5(md5(code.encode()).hexdigest().encode()).hexdigest().encode()
    return b"hikencodepicture" + check + enc.update(data) + enc.finalize()


async def test_alarm_picture_of_simulator_decrypts(
    client: EzvizOpenClient, simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    """An encrypted alarm's picture, fetched over HTTP, decrypts to the JPEG."""
    alarms = await client.list_device_alarms(ENCRYPTED)
    encrypted = [a for a in alarms if a.is_encrypted]
    assert encrypted
    url = encrypted[0].alarm_pic_url
    assert url
    async with session.get(url) as response:
        body = await response.read()
    assert is_encrypted_picture(body)
    assert not body.startswith(b"\xff\xd8")
    code = simulator.state.devices[ENCRYPTED].encrypt_password
    plain = decrypt_picture(body, code)
    assert plain == simulator.picture(url)  # the alarm's picture, at its time
    with Image.open(io.BytesIO(plain)) as image:
        assert (image.format, image.size) == ("JPEG", (640, 360))
    with pytest.raises(EzvizEncryptionError):
        decrypt_picture(body, "ABCDEF")


def test_plain_picture_passes_through() -> None:
    assert not is_encrypted_picture(JPEG)
    assert decrypt_picture(JPEG, None) is JPEG
    assert decrypt_picture(JPEG, "ABCDEF") is JPEG


def test_code_check_is_double_md5_hex() -> None:
    assert code_check("ABCDEF") == (
        md5(md5(b"ABCDEF").hexdigest().encode()).hexdigest().encode()
    )
    assert len(code_check("ABCDEF")) == 32


@pytest.mark.parametrize(
    "code",
    ["ABCDEF", "a-much-longer-password-than-16", "密码"],
    ids=["six", "long", "utf8"],
)
def test_round_trip(code: str) -> None:
    """Six letters, a password cut to 16 bytes, and a non-ASCII one."""
    plain = bytes(range(256)) * 5
    assert decrypt_picture(_encrypt(plain, code), code) == plain


def test_segments_and_prefix() -> None:
    """Several segments are decrypted one by one; bytes before the marker go."""
    body = b"junk" + _encrypt(b"first half ", "HJKLMN") + _encrypt(b"2nd", "HJKLMN")
    assert decrypt_picture(body, "HJKLMN") == b"first half 2nd"


@pytest.mark.parametrize("code", [None, ""])
def test_code_missing(code: str | None) -> None:
    with pytest.raises(EzvizEncryptionError, match="verification code is needed"):
        decrypt_picture(_encrypt(JPEG, "ABCDEF"), code)


def test_wrong_code() -> None:
    with pytest.raises(EzvizEncryptionError, match="another verification code"):
        decrypt_picture(_encrypt(JPEG, "ABCDEF"), "ABCDEG")


@pytest.mark.parametrize(
    ("cut", "message"),
    [(-5, "truncated"), (48, "truncated"), (-16, "padding")],
    ids=["mid-block", "no-ciphertext", "last-block-lost"],
)
def test_malformed(cut: int, message: str) -> None:
    body = _encrypt(b"x" * 40, "ABCDEF")
    with pytest.raises(EzvizResponseError, match=message):
        decrypt_picture(body[:cut], "ABCDEF")
