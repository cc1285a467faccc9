"""Fetching picture URLs of the cloud (captures, covers, alarm pictures).

One set of rules for every picture: http(s) only, redirects followed by
hand (each target checked again, at most ``PICTURE_MAX_REDIRECTS``), a time
limit and a size cap. Signed URLs never reach the log. A picture encrypted
with the device's verification code is decrypted (``api/pictures.py``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import aiohttp
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from yarl import URL

from .api.pictures import decrypt_picture
from .const import LOGGER, PICTURE_MAX_BYTES, PICTURE_MAX_REDIRECTS, PICTURE_TIMEOUT

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

PICTURE_SCHEMES = frozenset({"http", "https"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


async def async_fetch_picture(
    hass: HomeAssistant, url: str, label: str, code: str | None
) -> bytes | None:
    """Fetch a picture URL and decrypt it with ``code`` if it is encrypted.

    None when it cannot be fetched (http(s) only, redirects checked, size
    capped). An encrypted picture without the right code raises
    ``EzvizEncryptionError``, a malformed one ``EzvizResponseError``.
    ``label`` names the picture in debug messages (an entity id).
    """
    body = await _async_fetch(hass, url, label)
    return None if body is None else decrypt_picture(body, code)


async def _async_fetch(hass: HomeAssistant, url: str, label: str) -> bytes | None:
    """Fetch a picture URL as it is (None when it cannot be fetched)."""
    session = async_get_clientsession(hass)
    target = URL(url)
    try:
        async with asyncio.timeout(PICTURE_TIMEOUT):
            for _ in range(PICTURE_MAX_REDIRECTS + 1):
                if target.scheme not in PICTURE_SCHEMES or not target.host:
                    LOGGER.debug(
                        "Not fetching a %r picture URL for %s", target.scheme, label
                    )
                    return None
                async with session.get(target, allow_redirects=False) as response:
                    if response.status in _REDIRECTS:
                        location = response.headers.get(aiohttp.hdrs.LOCATION)
                        if not location:
                            return None
                        target = target.join(URL(location))
                        continue
                    if response.status != 200:
                        LOGGER.debug("Picture of %s: HTTP %s", label, response.status)
                        return None
                    return await _read_capped(response)
            LOGGER.debug("Picture of %s: too many redirects", label)
            return None
    except (TimeoutError, aiohttp.ClientError, ValueError) as err:
        # Only the type: aiohttp's messages can carry the (signed) URL.
        LOGGER.debug("Fetching the picture of %s failed: %s", label, type(err).__name__)
        return None


async def _read_capped(response: aiohttp.ClientResponse) -> bytes | None:
    """Read a body of at most ``PICTURE_MAX_BYTES``; None when larger."""
    if (
        response.content_length is not None
        and response.content_length > PICTURE_MAX_BYTES
    ):
        return None
    body = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > PICTURE_MAX_BYTES:
            return None
    return bytes(body) or None
