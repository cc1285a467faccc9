"""Recordings media source: browsing by day, resolving clips, and what each costs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
import io
from typing import TYPE_CHECKING
from unittest.mock import AsyncMock, patch

import aiohttp
import av
from homeassistant.components import media_source
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source import Unresolvable
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from yarl import URL

from custom_components.ezviz_open.api.live import LiveAddress
from custom_components.ezviz_open.api.storage import LocalRecording, RecordType
from custom_components.ezviz_open.const import CONF_VERIFICATION_CODES, DOMAIN
from custom_components.ezviz_open.helpers import async_save_options
from custom_components.ezviz_open.media_source import (
    MIME_HLS,
    RECORDING_DAYS,
    _duration,
)

from .test_stream import _assert_test_pattern

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from simulator import Simulator

LOCAL_QUERY_PATH = "/api/v3/das/device/local/video/query"
LIVE_PATH = "/api/lapp/live/address/get"
CLOUD_INFO_PATH = "/api/lapp/cloud/storage/device/info"
ROOT = f"media-source://{DOMAIN}"


@pytest.fixture
async def setup_media(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> MockConfigEntry:
    """The entry loaded, media_source set up, the request log empty."""
    assert await async_setup_component(hass, "media_source", {})
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.reset_log()
    return init_integration


def _api_requests(simulator: Simulator) -> list[str]:
    return [r.path for r in simulator.requests if r.path.startswith("/api/")]


def _yesterday() -> date:
    return dt_util.now().date() - timedelta(days=1)


def _uri(entry: MockConfigEntry, *parts: object) -> str:
    return "/".join([ROOT, entry.entry_id, *(str(part) for part in parts)])


async def _browse(hass: HomeAssistant, uri: str) -> media_source.BrowseMediaSource:
    return await media_source.async_browse_media(hass, uri)


async def test_browse_levels_cost(
    hass: HomeAssistant, setup_media: MockConfigEntry, simulator: Simulator
) -> None:
    """Root, camera, storage and day list cost nothing; a local day costs one."""
    entry = setup_media
    root = await _browse(hass, ROOT)
    titles = [child.title for child in root.children or []]
    assert "Living Room" in titles
    assert "Recorder / Porch" in titles
    assert "Recorder / Backyard" in titles
    assert "Alarm Hub" not in titles
    assert titles == sorted(titles)
    assert all(child.can_expand and not child.can_play for child in root.children or [])

    camera = await _browse(hass, _uri(entry, "C6N000001", 1))
    assert [c.title for c in camera.children or []] == [
        "Local storage",
        "Cloud storage",
    ]
    # No cloud storage: local only (cached status, no request either).
    garden = await _browse(hass, _uri(entry, "BC1000002", 1))
    assert [c.title for c in garden.children or []] == ["Local storage"]
    porch = await _browse(hass, _uri(entry, "NVR000005", 1))
    assert [c.title for c in porch.children or []] == ["Local storage"]
    assert porch.title == "Recorder / Porch"

    storage = await _browse(hass, _uri(entry, "C6N000001", 1, "local"))
    days = [child.title for child in storage.children or []]
    assert len(days) == RECORDING_DAYS
    assert days[0] == dt_util.now().date().isoformat()
    assert days[1] == _yesterday().isoformat()
    assert _api_requests(simulator) == []

    day = await _browse(hass, _uri(entry, "C6N000001", 1, "local", _yesterday()))
    assert _api_requests(simulator) == [LOCAL_QUERY_PATH]
    request = simulator.requests[-1]
    assert request.method == "GET"
    assert request.headers["deviceSerial"] == "C6N000001"
    assert request.headers["channelNo"] == "1"
    assert request.headers["accessToken"]
    assert request.query["startTime"] == f"{_yesterday()} 00:00:00"
    assert request.query["endTime"] == f"{_yesterday()} 23:59:59"
    assert "recordType" not in request.query
    clips = day.children or []
    # Hourly 50-minute timing records and an event every third hour.
    assert len(clips) == 24 + 8
    assert clips[0].title == "00:00:00 - 00:50:00 (50 min, Scheduled)"
    assert clips[1].title == "00:15:00 - 00:16:00 (1 min, Event)"
    assert all(clip.can_play and not clip.can_expand for clip in clips)
    assert clips[0].media_content_id.endswith(
        f"/{_yesterday():%Y%m%d}T000000_{_yesterday():%Y%m%d}T005000"
    )


async def test_resolve_local_clip(
    hass: HomeAssistant, setup_media: MockConfigEntry, simulator: Simulator
) -> None:
    """A clip resolves with one playback request (type 2, HLS, its times)."""
    day = _yesterday()
    uri = _uri(
        setup_media,
        "C6N000001",
        1,
        "local",
        day,
        f"{day:%Y%m%d}T080000_{day:%Y%m%d}T085000",
    )
    play = await media_source.async_resolve_media(hass, uri, None)
    assert play.mime_type == MIME_HLS == "application/x-mpegURL"
    assert play.url.startswith(simulator.base_url)
    assert ".m3u8" in play.url
    assert _api_requests(simulator) == [LIVE_PATH]
    form = simulator.requests[-1].form
    assert form["deviceSerial"] == "C6N000001"
    assert form["channelNo"] == "1"
    assert form["type"] == "2"
    assert form["protocol"] == "2"
    assert form["startTime"] == f"{day} 08:00:00"
    assert form["stopTime"] == f"{day} 08:50:00"
    assert "code" not in form


async def test_resolved_clip_plays(
    hass: HomeAssistant, setup_media: MockConfigEntry, simulator: Simulator
) -> None:
    """A recording opened through the media source resolves to a playback address whose frames decode.

    The address is the cloud's VOD playlist: it ends, covers the clip, and
    its segments decode to the simulator's test pattern.
    """
    day = _yesterday()
    uri = _uri(
        setup_media,
        "C6N000001",
        1,
        "local",
        day,
        f"{day:%Y%m%d}T001500_{day:%Y%m%d}T001600",
    )
    play = await media_source.async_resolve_media(hass, uri, None)
    playlist_url = URL(play.url, encoded=True)
    async with aiohttp.ClientSession() as session:
        async with session.get(playlist_url) as resp:
            assert resp.status == 200
            playlist = await resp.text()
        lines = playlist.splitlines()
        assert lines[0] == "#EXTM3U"
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in lines
        assert lines[-1] == "#EXT-X-ENDLIST"
        segments = [line for line in lines if line and not line.startswith("#")]
        durations = [
            float(line.split(":", 1)[1].rstrip(","))
            for line in lines
            if line.startswith("#EXTINF:")
        ]
        assert len(segments) == len(durations) >= 1
        assert sum(durations) == pytest.approx(60, abs=simulator.segment_duration)
        async with session.get(
            playlist_url.join(URL(segments[-1], encoded=True))
        ) as resp:
            assert resp.status == 200
            data = await resp.read()
    with av.open(io.BytesIO(data)) as container:
        frames = list(container.decode(video=0))
    assert frames
    for frame in (frames[0], frames[-1]):
        assert (frame.width, frame.height) == (640, 360)
        _assert_test_pattern(frame)


async def test_cloud_storage(
    hass: HomeAssistant, setup_media: MockConfigEntry, simulator: Simulator
) -> None:
    """A cloud day is offered by hour without a request; play is type 3."""
    day = _yesterday()
    listing = await _browse(hass, _uri(setup_media, "C6N000001", 1, "cloud", day))
    clips = listing.children or []
    assert len(clips) == 24
    assert clips[8].title == "08:00:00 - 08:59:59 (59 min 59 s)"
    assert _api_requests(simulator) == []
    play = await media_source.async_resolve_media(hass, clips[8].media_content_id, None)
    assert play.mime_type == MIME_HLS
    assert _api_requests(simulator) == [LIVE_PATH]
    form = simulator.requests[-1].form
    assert form["type"] == "3"
    assert form["startTime"] == f"{day} 08:00:00"
    assert form["stopTime"] == f"{day} 08:59:59"


async def test_today_ends_now(
    hass: HomeAssistant, setup_media: MockConfigEntry, simulator: Simulator
) -> None:
    """Today's query ends now; today's cloud hours stop at the current hour."""
    now = dt_util.now().replace(tzinfo=None)
    await _browse(hass, _uri(setup_media, "C6N000001", 1, "local", now.date()))
    end = datetime.strptime(
        simulator.requests[-1].query["endTime"], "%Y-%m-%d %H:%M:%S"
    )
    assert abs((end - now).total_seconds()) < 60
    cloud = await _browse(hass, _uri(setup_media, "C6N000001", 1, "cloud", now.date()))
    assert len(cloud.children or []) == now.hour + 1
    future = now.date() + timedelta(days=1)
    empty = await _browse(hass, _uri(setup_media, "C6N000001", 1, "local", future))
    assert empty.children == []
    assert _api_requests(simulator) == [LOCAL_QUERY_PATH]


async def test_cloud_state_without_status(
    hass: HomeAssistant, setup_media: MockConfigEntry, simulator: Simulator
) -> None:
    """Without a read status, a cloud-capable model is asked once."""
    setup_media.runtime_data.detail.async_forget({"C6N000001"})
    camera = await _browse(hass, _uri(setup_media, "C6N000001", 1))
    assert [c.title for c in camera.children or []] == [
        "Local storage",
        "Cloud storage",
    ]
    assert _api_requests(simulator) == [CLOUD_INFO_PATH]
    simulator.reset_log()
    simulator.faults.error(CLOUD_INFO_PATH, 10002)
    camera = await _browse(hass, _uri(setup_media, "C6N000001", 1))
    assert [c.title for c in camera.children or []] == ["Local storage"]


async def test_encrypted_device(
    hass: HomeAssistant, setup_media: MockConfigEntry, simulator: Simulator
) -> None:
    """Encrypted: the cloud gives no playback address (60019), code or not."""
    day = _yesterday()
    uri = _uri(
        setup_media,
        "C8C000006",
        1,
        "local",
        day,
        f"{day:%Y%m%d}T010000_{day:%Y%m%d}T015000",
    )
    async_save_options(
        hass, setup_media, {CONF_VERIFICATION_CODES: {"C8C000006": "HJKLMN"}}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.reset_log()
    with pytest.raises(Unresolvable, match="encryption is on") as err:
        await media_source.async_resolve_media(hass, uri, None)
    assert err.value.translation_key == "recording_encrypted"
    assert _api_requests(simulator) == [LIVE_PATH]
    assert simulator.requests[-1].code == 60019
    assert "code" not in simulator.requests[-1].form

    # With encryption off, the same clip plays.
    simulator.state.devices["C8C000006"].is_encrypt = False
    play = await media_source.async_resolve_media(hass, uri, None)
    assert play.mime_type == MIME_HLS


async def test_offline_device(
    hass: HomeAssistant, setup_media: MockConfigEntry, simulator: Simulator
) -> None:
    """An offline device is refused without a request; a late one by the cloud."""
    day = _yesterday()
    with pytest.raises(BrowseError, match="offline"):
        await _browse(hass, _uri(setup_media, "C1C000007", 1, "local", day))
    clip = f"{day:%Y%m%d}T010000_{day:%Y%m%d}T015000"
    with pytest.raises(Unresolvable, match="offline"):
        await media_source.async_resolve_media(
            hass, _uri(setup_media, "C1C000007", 1, "local", day, clip), None
        )
    # The NVR's unconfigured inputs are offline channels.
    with pytest.raises(BrowseError):
        await _browse(hass, _uri(setup_media, "NVR000005", 3, "local", day))
    assert _api_requests(simulator) == []

    # Offline since the last account read: the cloud says so.
    simulator.set_online("C6N000001", False)
    with pytest.raises(BrowseError, match="offline"):
        await _browse(hass, _uri(setup_media, "C6N000001", 1, "local", day))
    with pytest.raises(Unresolvable, match="offline"):
        await media_source.async_resolve_media(
            hass, _uri(setup_media, "C6N000001", 1, "local", day, clip), None
        )
    assert _api_requests(simulator) == [LOCAL_QUERY_PATH, LIVE_PATH]


async def test_unsupported_storage(
    hass: HomeAssistant, setup_media: MockConfigEntry, simulator: Simulator
) -> None:
    """No local storage: not offered, refused without a request; 20015 too."""
    simulator.set_online("C1C000007", True)
    await setup_media.runtime_data.account.async_refresh()
    simulator.reset_log()
    camera = await _browse(hass, _uri(setup_media, "C1C000007", 1))
    assert camera.children == []
    with pytest.raises(BrowseError, match="does not support"):
        await _browse(hass, _uri(setup_media, "C1C000007", 1, "local"))
    assert _api_requests(simulator) == []

    simulator.faults.error(LOCAL_QUERY_PATH, 20015)
    with pytest.raises(BrowseError, match="does not support"):
        await _browse(hass, _uri(setup_media, "C6N000001", 1, "local", _yesterday()))
    assert _api_requests(simulator) == [LOCAL_QUERY_PATH]


async def test_cloud_refusals(
    hass: HomeAssistant, setup_media: MockConfigEntry, simulator: Simulator
) -> None:
    """Cloud refusals become clear errors; an auth failure starts reauth."""
    day = _yesterday()
    clip = _uri(
        setup_media,
        "C6N000001",
        1,
        "local",
        day,
        f"{day:%Y%m%d}T010000_{day:%Y%m%d}T015000",
    )
    simulator.faults.error(LOCAL_QUERY_PATH, 10029, times=1)
    with pytest.raises(BrowseError, match="call limit"):
        await _browse(hass, _uri(setup_media, "C6N000001", 1, "local", day))
    simulator.faults.error(LIVE_PATH, 10029, times=1)
    with pytest.raises(Unresolvable, match="call limit"):
        await media_source.async_resolve_media(hass, clip, None)

    simulator.faults.error(LIVE_PATH, 10017, times=1)
    with pytest.raises(Unresolvable, match="credentials"):
        await media_source.async_resolve_media(hass, clip, None)
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert any(flow["context"]["source"] == SOURCE_REAUTH for flow in flows)


async def test_not_playable_address(
    hass: HomeAssistant, setup_media: MockConfigEntry, simulator: Simulator
) -> None:
    """An address Home Assistant cannot play is refused."""
    day = _yesterday()
    client = setup_media.runtime_data.client
    address = LiveAddress(url="ezopen://open.ezviz.com/C6N000001/1.rec")
    with (
        patch.object(client, "get_live_address", AsyncMock(return_value=address)),
        pytest.raises(Unresolvable, match="cannot play"),
    ):
        await media_source.async_resolve_media(
            hass,
            _uri(
                setup_media,
                "C6N000001",
                1,
                "local",
                day,
                f"{day:%Y%m%d}T010000_{day:%Y%m%d}T015000",
            ),
            None,
        )


@pytest.mark.parametrize(
    "identifier",
    [
        "nope",
        "{entry}/C6N000001/x",
        "{entry}/C6N000001/1/attic",
        "{entry}/C6N000001/1/local/yesterday",
        "{entry}/C6N000001/1/local/2025-01-02/20250102T020000_20250102T010000",
        "{entry}/C6N000001/1/local/2025-01-02/20250102T010000_20250102T020000",
        "{entry}/C6N000001/1/local/2025-01-02/a/b",
        "{entry}//1",
        "{entry}/UNKNOWN01/1",
        "{entry}/A1S000004/1",
        "{entry}/C6N000001/9",
    ],
)
async def test_bad_identifiers(
    hass: HomeAssistant,
    setup_media: MockConfigEntry,
    simulator: Simulator,
    identifier: str,
) -> None:
    """Malformed or unknown identifiers are refused without a request."""
    uri = f"{ROOT}/{identifier.format(entry=setup_media.entry_id)}"
    with pytest.raises(BrowseError, match="no longer\\) available"):
        await _browse(hass, uri)
    assert _api_requests(simulator) == []


@pytest.mark.parametrize(
    "identifier",
    ["nope/x", "{entry}/C6N000001/1/local/2025-01-02", "{entry}/C6N000001/1"],
)
async def test_resolve_not_a_clip(
    hass: HomeAssistant,
    setup_media: MockConfigEntry,
    simulator: Simulator,
    identifier: str,
) -> None:
    """Only clips resolve."""
    uri = f"{ROOT}/{identifier.format(entry=setup_media.entry_id)}"
    with pytest.raises(Unresolvable, match="no longer\\) available"):
        await media_source.async_resolve_media(hass, uri, None)
    with pytest.raises(Unresolvable, match="no longer\\) available"):
        await media_source.async_resolve_media(hass, f"{ROOT}/a/b/c/d/e/f/g", None)
    assert _api_requests(simulator) == []


async def test_several_entries(
    hass: HomeAssistant,
    setup_media: MockConfigEntry,
    simulator: Simulator,
    entry_data: dict[str, str],
) -> None:
    """With several entries the root lists them; each lists its cameras."""
    other = MockConfigEntry(
        domain=DOMAIN, title="Second account", unique_id="other", data=entry_data
    )
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.reset_log()

    root = await _browse(hass, ROOT)
    assert sorted(child.title for child in root.children or []) == [
        "EZVIZ Open Platform",
        "Second account",
    ]
    listing = await _browse(hass, f"{ROOT}/{other.entry_id}")
    assert "Living Room" in [child.title for child in listing.children or []]
    assert listing.children is not None
    assert listing.children[0].media_content_id.startswith(f"{ROOT}/{other.entry_id}/")
    assert _api_requests(simulator) == []

    await hass.config_entries.async_unload(other.entry_id)
    with pytest.raises(BrowseError, match="no longer\\) available"):
        await _browse(hass, f"{ROOT}/{other.entry_id}")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (45, "45 s"),
        (150, "2 min 30 s"),
        (3600, "1 h"),
        (3900, "1 h 5 min"),
        (-1, "0 s"),
    ],
)
def test_duration(seconds: float, text: str) -> None:
    """Clip durations read shortly."""
    assert _duration(seconds) == text


async def test_odd_recordings(
    hass: HomeAssistant, setup_media: MockConfigEntry
) -> None:
    """Records without times or ending before they start are left out."""
    day = _yesterday()
    at = datetime(day.year, day.month, day.day, 9)
    records = [
        LocalRecording(at, None, "C6N000001", 1, RecordType.TIMING, None),
        LocalRecording(at, at - timedelta(minutes=1), "C6N000001", 1, None, None),
        LocalRecording(at, at + timedelta(seconds=90), "C6N000001", 1, "MAGIC", None),
        LocalRecording(None, at, "C6N000001", 1, None, None),
    ]
    client = setup_media.runtime_data.client
    with patch.object(client, "list_local_recordings", AsyncMock(return_value=records)):
        listing = await _browse(hass, _uri(setup_media, "C6N000001", 1, "local", day))
    assert [clip.title for clip in listing.children or []] == [
        "09:00:00 - 09:01:30 (1 min 30 s)"
    ]
