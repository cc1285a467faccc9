"""Cameras: stream sources, still images, motion detection, and what each costs."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import io
import logging
from typing import TYPE_CHECKING
from unittest.mock import AsyncMock, patch

from aiohttp import web
from homeassistant.components.camera import (
    DOMAIN as CAMERA_DOMAIN,
    SERVICE_DISABLE_MOTION,
    SERVICE_ENABLE_MOTION,
    CameraEntityFeature,
    async_get_image,
    async_get_stream_source,
)
from homeassistant.const import ATTR_ENTITY_ID, ATTR_SUPPORTED_FEATURES
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from PIL import Image, ImageChops
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from yarl import URL

from custom_components.ezviz_open.api.devices import Picture
from custom_components.ezviz_open.camera import EzvizCamera
from custom_components.ezviz_open.const import (
    CAPTURE_MIN_INTERVAL,
    CONF_KEEP_ENCRYPTION,
    CONF_STREAM_PROTOCOL,
    CONF_STREAM_QUALITY,
    CONF_VERIFICATION_CODES,
    DOMAIN,
)
from custom_components.ezviz_open.helpers import async_save_options

from .conftest import advance

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from simulator import Simulator

DEVICE_LIST_PATH = "/api/lapp/device/list"
LIVE_PATH = "/api/lapp/live/address/get"
CAPTURE_PATH = "/api/lapp/device/capture"
DEFENCE_PATH = "/api/lapp/device/defence/set"
JPEG_START = b"\xff\xd8"


async def _set_options(
    hass: HomeAssistant, entry: MockConfigEntry, **options: object
) -> None:
    """Change the options (the entry reloads)."""
    async_save_options(hass, entry, {**entry.options, **options})
    await hass.async_block_till_done(wait_background_tasks=True)


def _api_paths(simulator: Simulator) -> list[str]:
    """API requests, without the account cadence's polls (time moves in some tests)."""
    return [r.path for r in simulator.requests if r.path != DEVICE_LIST_PATH]


@pytest.fixture
def fetched() -> Iterator[list[tuple[str, bool]]]:
    """Picture URLs the cameras fetched (path and query), and whether they got one.

    The simulator logs API requests only, so the fetch is observed here.
    """
    calls: list[tuple[str, bool]] = []
    real = EzvizCamera._async_fetch_picture

    async def _spy(self: EzvizCamera, url: str) -> bytes | None:
        result = await real(self, url)
        calls.append((URL(url).path_qs, result is not None))
        return result

    with patch.object(EzvizCamera, "_async_fetch_picture", _spy):
        yield calls


def _pictures(fetched: list[tuple[str, bool]]) -> list[str]:
    """The picture paths fetched successfully, in order."""
    pictures = [path for path, ok in fetched if ok]
    fetched.clear()
    return pictures


async def test_one_camera_per_channel(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Every video channel has a camera; NVR channels sit on their own devices."""
    cameras = sorted(
        entry.entity_id
        for entry in er.async_entries_for_config_entry(
            entity_registry, init_integration.entry_id
        )
        if entry.domain == CAMERA_DOMAIN
    )
    assert cameras == [
        "camera.backyard",
        "camera.bedroom",
        "camera.driveway",
        "camera.front_door",
        "camera.garden",
        "camera.living_room",
        "camera.porch",
    ]
    porch = entity_registry.async_get("camera.porch")
    device = device_registry.async_get(porch.device_id)
    assert (DOMAIN, "NVR000005_1") in device.identifiers
    nvr = device_registry.async_get(device.via_device_id)
    assert (DOMAIN, "NVR000005") in nvr.identifiers
    # The offline camera is unavailable; the others stream.
    assert hass.states.get("camera.bedroom").state == "unavailable"
    state = hass.states.get("camera.living_room")
    assert state.state == "idle"
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == CameraEntityFeature.STREAM


@pytest.mark.parametrize(
    ("options", "protocol", "quality"),
    [
        ({}, "4", "1"),
        ({CONF_STREAM_PROTOCOL: "hls", CONF_STREAM_QUALITY: "smooth"}, "2", "2"),
        ({CONF_STREAM_PROTOCOL: "rtmp"}, "3", "1"),
    ],
)
async def test_stream_source(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    options: dict[str, str],
    protocol: str,
    quality: str,
) -> None:
    """The source is the camera's relay on loopback, once the cloud gave an address.

    The address is asked for as the options say, and used again while it is
    valid: a second stream start costs nothing.
    """
    if options:
        await _set_options(hass, init_integration, **options)
    simulator.reset_log()
    first = await async_get_stream_source(hass, "camera.living_room")
    second = await async_get_stream_source(hass, "camera.living_room")
    assert first == second
    source = URL(first)
    assert source.scheme == "http"
    assert source.host == "127.0.0.1"
    assert len(source.query["auth"]) >= 40
    assert simulator.counts() == {LIVE_PATH: 1}
    request = simulator.requests[0]
    assert request.form["deviceSerial"] == "C6N000001"
    assert request.form["channelNo"] == "1"
    assert request.form["protocol"] == protocol
    assert request.form["quality"] == quality
    assert request.form["expireTime"] == "3600"
    assert "code" not in request.form
    other = await async_get_stream_source(hass, "camera.front_door")
    assert URL(other).path != source.path
    assert URL(other).query["auth"] != source.query["auth"]


async def test_address_renewed_near_expiry(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The cloud granted less than asked: its expireTime decides when to ask again."""
    simulator.max_address_validity = 1  # renewed after 0.75 s
    simulator.reset_log()
    first = await async_get_stream_source(hass, "camera.living_room")
    assert await async_get_stream_source(hass, "camera.living_room") == first
    assert simulator.count(LIVE_PATH) == 1
    await asyncio.sleep(0.8)
    assert await async_get_stream_source(hass, "camera.living_room") == first
    assert simulator.count(LIVE_PATH) == 2


async def test_stream_source_nvr_channel(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An NVR channel's stream is asked for with its channel number."""
    simulator.reset_log()
    assert await async_get_stream_source(hass, "camera.backyard")
    assert simulator.requests[0].form["deviceSerial"] == "NVR000005"
    assert simulator.requests[0].form["channelNo"] == "2"


async def test_encrypted_camera_live_view_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """The cloud refuses encrypted video (60019): asked once, then not again.

    Until the device's encryption goes off (it then streams without a
    reload) or an hour has passed; the camera and a repair issue say why.
    """
    camera = "camera.driveway"
    issue_id = f"live_view_encrypted_{init_integration.entry_id}_C8C000006"
    state = hass.states.get(camera)
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == CameraEntityFeature.STREAM
    assert state.attributes["stream_status"] == "available"
    simulator.reset_log()
    assert await async_get_stream_source(hass, camera) is None
    (request,) = simulator.requests
    assert (request.path, request.code) == (LIVE_PATH, 60019)
    assert "code" not in request.form  # it belongs in ezopen addresses only
    state = hass.states.get(camera)
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == 0
    assert state.attributes["stream_status"] == "encrypted"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {
        "name": "Driveway",
        "serial": "C8C000006",
    }

    # Opened again: nothing asked, for the hour.
    simulator.reset_log()
    assert await async_get_stream_source(hass, camera) is None
    await advance(hass, freezer, 59 * 60)
    assert await async_get_stream_source(hass, camera) is None
    assert simulator.count(LIVE_PATH) == 0
    await advance(hass, freezer, 2 * 60)
    assert await async_get_stream_source(hass, camera) is None
    assert simulator.count(LIVE_PATH) == 1

    # Encryption turned off (the app): the next device list shows it.
    simulator.state.devices["C8C000006"].is_encrypt = False
    await advance(hass, freezer, 60)
    state = hass.states.get(camera)
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == CameraEntityFeature.STREAM
    assert state.attributes["stream_status"] == "available"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    simulator.reset_log()
    assert await async_get_stream_source(hass, camera)
    assert simulator.count(LIVE_PATH) == 1


async def test_encrypted_camera_kept_raises_no_issue(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A device whose owner chose to keep encryption is refused without an issue."""
    await _set_options(hass, init_integration, **{CONF_KEEP_ENCRYPTION: ["C8C000006"]})
    assert await async_get_stream_source(hass, "camera.driveway") is None
    assert hass.states.get("camera.driveway").attributes["stream_status"] == (
        "encrypted"
    )
    assert not [
        issue_id
        for domain, issue_id in ir.async_get(hass).issues
        if domain == DOMAIN and issue_id.startswith("live_view_encrypted")
    ]


async def test_stream_source_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A refused address gives no source and a warning with no secret in it."""
    simulator.faults.error(LIVE_PATH, 20007)
    simulator.reset_log()
    with caplog.at_level(logging.DEBUG):
        assert await async_get_stream_source(hass, "camera.living_room") is None
    assert simulator.requests[0].code == 20007
    assert "No live address for camera.living_room" in caplog.text
    for token in simulator.tokens:
        assert token not in caplog.text
    # Not an encryption refusal: the next open asks again.
    assert hass.states.get("camera.living_room").attributes["stream_status"] == (
        "available"
    )


async def test_stream_source_auth_failure_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An authentication refusal gives no source and starts reauth."""
    simulator.faults.error(LIVE_PATH, 10017, times=1)
    assert await async_get_stream_source(hass, "camera.living_room") is None
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_ezopen_address_is_not_a_source(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An address ffmpeg cannot play (ezopen) is never handed out."""
    camera = hass.data["domain_entities"][CAMERA_DOMAIN]["camera.living_room"]
    client = init_integration.runtime_data.client
    real = client.get_live_address

    async def _ezopen(*args: object, **kwargs: object) -> object:
        return await real(*args, **{**kwargs, "protocol": 1})

    with patch.object(client, "get_live_address", _ezopen):
        assert await camera.stream_source() is None


# -- still images ----------------------------------------------------------------


async def test_image_from_capture(
    hass: HomeAssistant,
    fetched: list[tuple[str, bool]],
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A capture, fetched over HTTP; at most one capture a minute."""
    simulator.reset_log()
    image = await async_get_image(hass, "camera.living_room")
    assert image.content.startswith(JPEG_START)
    assert _api_paths(simulator) == [CAPTURE_PATH]
    assert _pictures(fetched)[0].startswith("/_sim/pic/capture-C6N000001-1-")

    simulator.reset_log()
    assert (await async_get_image(hass, "camera.living_room")).content == image.content
    assert simulator.requests == []

    freezer.tick(timedelta(seconds=61))
    await async_get_image(hass, "camera.living_room")
    assert _api_paths(simulator) == [CAPTURE_PATH]


async def test_image_is_the_rendered_capture(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A camera's image is a decodable JPEG of the rendered size, and it changes over time.

    The simulator burns the capture's time into the picture: once the
    capture interval has passed, the next image shows a later time.
    """
    first = await async_get_image(hass, "camera.living_room")
    assert first.content_type == "image/jpeg"
    with Image.open(io.BytesIO(first.content)) as image:
        assert image.format == "JPEG"
        assert image.size == (640, 360)
        before = image.convert("RGB")

    freezer.tick(CAPTURE_MIN_INTERVAL + timedelta(seconds=1))
    second = await async_get_image(hass, "camera.living_room")
    with Image.open(io.BytesIO(second.content)) as image:
        assert image.format == "JPEG"
        assert image.size == (640, 360)
        after = image.convert("RGB")
    assert second.content != first.content
    assert ImageChops.difference(before, after).getbbox() is not None


async def test_image_encrypted_capture(
    hass: HomeAssistant,
    fetched: list[tuple[str, bool]],
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """An encrypted capture is decrypted with the code; without it, the cover."""
    image = await async_get_image(hass, "camera.driveway")
    assert image.content.startswith(JPEG_START)
    assert [ok for _, ok in fetched] == [False, True]
    assert fetched[0][0].startswith("/_sim/pic/capture-C8C000006-1-")
    assert fetched[0][0].endswith("-enc.jpg")
    assert URL(fetched[1][0]).path == "/_sim/pic/cover-C8C000006-1.jpg"
    fetched.clear()

    await _set_options(
        hass, init_integration, **{CONF_VERIFICATION_CODES: {"C8C000006": "HJKLMN"}}
    )
    image = await async_get_image(hass, "camera.driveway")
    assert len(fetched) == 1
    # The simulator's capture (it shows the capture's time), decrypted.
    assert image.content == simulator.picture(fetched[0][0])
    assert fetched[0][0].startswith("/_sim/pic/capture-C8C000006-1-")
    assert fetched[0][0].endswith("-enc.jpg")
    assert fetched[0][1] is True

    # A wrong code: not shown (the cover is).
    fetched.clear()
    await _set_options(
        hass, init_integration, **{CONF_VERIFICATION_CODES: {"C8C000006": "ABCDEF"}}
    )
    image = await async_get_image(hass, "camera.driveway")
    assert [ok for _, ok in fetched] == [False, True]
    assert fetched[1][0].startswith("/_sim/pic/cover-")


async def test_image_falls_back_to_cover(
    hass: HomeAssistant,
    fetched: list[tuple[str, bool]],
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """The doorbell cannot capture (10026): its cover picture, and no second try."""
    simulator.reset_log()
    image = await async_get_image(hass, "camera.front_door")
    assert image.content.startswith(JPEG_START)
    assert _api_paths(simulator) == [CAPTURE_PATH]
    assert simulator.requests[0].code == 10026
    assert _pictures(fetched) == ["/_sim/pic/cover-DB1000003-1.jpg"]

    freezer.tick(timedelta(seconds=61))
    simulator.reset_log()
    await async_get_image(hass, "camera.front_door")
    assert _api_paths(simulator) == []
    assert _pictures(fetched) == ["/_sim/pic/cover-DB1000003-1.jpg"]


async def test_image_without_capture_capability(
    hass: HomeAssistant,
    fetched: list[tuple[str, bool]],
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """A battery camera (no support_capture): the cover, no API request."""
    simulator.reset_log()
    image = await async_get_image(hass, "camera.garden")
    assert image.content.startswith(JPEG_START)
    assert _api_paths(simulator) == []
    assert _pictures(fetched) == ["/_sim/pic/cover-BC1000002-1.jpg"]


async def test_image_nvr_channel(
    hass: HomeAssistant,
    fetched: list[tuple[str, bool]],
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """An NVR channel captures with its channel number."""
    simulator.reset_log()
    await async_get_image(hass, "camera.backyard")
    assert simulator.requests[0].form["channelNo"] == "2"
    assert _pictures(fetched)[0].startswith("/_sim/pic/capture-NVR000005-2-")


async def test_image_transient_capture_failure(
    hass: HomeAssistant,
    fetched: list[tuple[str, bool]],
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """A busy device: the cover this time, a capture again next time."""
    simulator.faults.error(CAPTURE_PATH, 20008, times=1)
    simulator.reset_log()
    await async_get_image(hass, "camera.living_room")
    assert _pictures(fetched) == ["/_sim/pic/cover-C6N000001-1.jpg"]
    freezer.tick(timedelta(seconds=61))
    simulator.reset_log()
    await async_get_image(hass, "camera.living_room")
    assert _api_paths(simulator) == [CAPTURE_PATH]
    assert _pictures(fetched)[0].startswith("/_sim/pic/capture-")


async def test_image_auth_failure_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An authentication refusal of a capture starts reauth; the cover is shown."""
    simulator.faults.error(CAPTURE_PATH, 10017, times=1)
    image = await async_get_image(hass, "camera.living_room")
    assert image.content.startswith(JPEG_START)
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_image_not_captured_while_rate_limited(
    hass: HomeAssistant,
    fetched: list[tuple[str, bool]],
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """While the cloud refuses calls, no capture is asked for."""
    init_integration.runtime_data.allowance.backoff = timedelta(minutes=5)
    simulator.reset_log()
    await async_get_image(hass, "camera.living_room")
    assert _api_paths(simulator) == []
    assert _pictures(fetched) == ["/_sim/pic/cover-C6N000001-1.jpg"]


async def test_no_image_at_all(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Neither a capture nor a cover picture can be fetched: no image."""
    with (
        patch("custom_components.ezviz_open.picture.PICTURE_SCHEMES", frozenset()),
        pytest.raises(HomeAssistantError),
    ):
        await async_get_image(hass, "camera.garden")


@pytest.fixture
async def picture_server(socket_enabled: None) -> AsyncIterator[str]:
    """A server that answers pictures the simulator does not: redirects, big, slow."""

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def big(request: web.Request) -> web.Response:
        return web.Response(body=b"\xff\xd8" + b"\0" * (6 * 1024 * 1024))

    async def big_chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"\0" * 65536)
        await response.write_eof()
        return response

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.Response(body=JPEG_START)

    async def redirect_loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def no_location(request: web.Request) -> web.Response:
        return web.Response(status=302)

    app = web.Application()
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/loop", redirect_loop)
    app.router.add_get("/no-location", no_location)
    app.router.add_get("/big.jpg", big)
    app.router.add_get("/big-chunked.jpg", big_chunked)
    app.router.add_get("/slow.jpg", slow)

    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("path", "followed"),
    [
        # Followed: an http redirect to a picture.
        ("/redirect?to={sim}/_sim/pic/elsewhere.jpg", True),
        # Refused: a redirect to another scheme, too many redirects, a
        # redirect to nowhere, not found, too big.
        ("/redirect?to=file:///etc/passwd", False),
        ("/loop", False),
        ("/no-location", False),
        ("/missing.jpg", False),
        ("/big.jpg", False),
        ("/big-chunked.jpg", False),
    ],
)
async def test_picture_fetch_limits(
    hass: HomeAssistant,
    fetched: list[tuple[str, bool]],
    simulator: Simulator,
    init_integration: MockConfigEntry,
    picture_server: str,
    path: str,
    followed: bool,
) -> None:
    """Captured picture URLs are followed only over http(s), within limits.

    The simulator always answers its own picture URLs, so the capture's URL is
    patched to point at a server that redirects or answers too much.
    """
    url = picture_server + path.format(sim=simulator.base_url)
    client = init_integration.runtime_data.client
    simulator.reset_log()
    with patch.object(
        client, "capture_picture", AsyncMock(return_value=Picture(url=url))
    ):
        image = await async_get_image(hass, "camera.living_room")
    assert image.content.startswith(JPEG_START)
    # Refused pictures fall back to the cover.
    assert _pictures(fetched) == [
        URL(url).path_qs if followed else "/_sim/pic/cover-C6N000001-1.jpg"
    ]


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/pic.jpg", "file:///etc/passwd", "not a url"]
)
async def test_picture_url_scheme_refused(
    hass: HomeAssistant,
    fetched: list[tuple[str, bool]],
    simulator: Simulator,
    init_integration: MockConfigEntry,
    url: str,
) -> None:
    """A capture URL that is not http(s) is not fetched at all."""
    client = init_integration.runtime_data.client
    simulator.reset_log()
    with patch.object(
        client, "capture_picture", AsyncMock(return_value=Picture(url=url))
    ):
        await async_get_image(hass, "camera.living_room")
    assert _pictures(fetched) == ["/_sim/pic/cover-C6N000001-1.jpg"]


async def test_picture_fetch_timeout(
    hass: HomeAssistant,
    fetched: list[tuple[str, bool]],
    simulator: Simulator,
    init_integration: MockConfigEntry,
    picture_server: str,
) -> None:
    """A picture that takes too long is given up on."""
    client = init_integration.runtime_data.client
    simulator.reset_log()
    with (
        patch.object(
            client,
            "capture_picture",
            AsyncMock(return_value=Picture(url=f"{picture_server}/slow.jpg")),
        ),
        patch("custom_components.ezviz_open.picture.PICTURE_TIMEOUT", 0.2),
    ):
        image = await async_get_image(hass, "camera.living_room")
    # The capture was given up on; the cover came in time.
    assert image.content.startswith(JPEG_START)
    assert _pictures(fetched) == ["/_sim/pic/cover-C6N000001-1.jpg"]


# -- motion detection --------------------------------------------------------------


async def test_motion_detection(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """On and off arm and disarm the device: one request, shown at once."""
    entity_id = "camera.living_room"
    assert "motion_detection" not in hass.states.get(entity_id).attributes
    simulator.reset_log()
    await hass.services.async_call(
        CAMERA_DOMAIN, SERVICE_ENABLE_MOTION, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert _api_paths(simulator) == [DEFENCE_PATH]
    assert simulator.requests[0].form["isDefence"] == "1"
    assert simulator.state.devices["C6N000001"].defence == 1
    assert hass.states.get(entity_id).attributes["motion_detection"] is True

    simulator.reset_log()
    await hass.services.async_call(
        CAMERA_DOMAIN,
        SERVICE_DISABLE_MOTION,
        {ATTR_ENTITY_ID: entity_id},
        blocking=True,
    )
    assert _api_paths(simulator) == [DEFENCE_PATH]
    assert simulator.requests[0].form["isDefence"] == "0"
    assert "motion_detection" not in hass.states.get(entity_id).attributes
    # The next account poll confirms it.
    async_fire_time_changed(hass)


async def test_motion_detection_offline_refused(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A refusal names its reason."""
    simulator.faults.error(DEFENCE_PATH, 20007, times=1)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            CAMERA_DOMAIN,
            SERVICE_ENABLE_MOTION,
            {ATTR_ENTITY_ID: "camera.living_room"},
            blocking=True,
        )
    assert err.value.translation_key == "device_offline"


async def test_motion_detection_not_on_nvr_channels(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An NVR arms as a whole: its channels refuse, and send nothing."""
    simulator.reset_log()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            CAMERA_DOMAIN,
            SERVICE_ENABLE_MOTION,
            {ATTR_ENTITY_ID: "camera.porch"},
            blocking=True,
        )
    assert err.value.translation_key == "not_supported"
    assert simulator.requests == []


async def test_no_secret_in_logs_or_attributes(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Tokens and tokenised URLs appear in no log line and no attribute."""
    await _set_options(
        hass, init_integration, **{CONF_VERIFICATION_CODES: {"C8C000006": "HJKLMN"}}
    )
    with caplog.at_level(logging.DEBUG, logger="custom_components.ezviz_open"):
        sources = [
            await async_get_stream_source(hass, entity_id)
            for entity_id in ("camera.living_room", "camera.front_door")
        ]
        # Refused for its encryption: no source, a warning and an issue.
        assert await async_get_stream_source(hass, "camera.driveway") is None
        simulator.faults.error(LIVE_PATH, 20007, times=1)
        await async_get_stream_source(hass, "camera.garden")
        for entity_id in ("camera.living_room", "camera.front_door", "camera.porch"):
            await async_get_image(hass, entity_id)
    secrets = [*simulator.tokens, *sources, "HJKLMN", "/_sim/pic/", "/_sim/live/"]
    logged = caplog.text
    attributes = repr([state.attributes for state in hass.states.async_all()])
    for secret in secrets:
        assert secret not in logged
        assert secret not in attributes
