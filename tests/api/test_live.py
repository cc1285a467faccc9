"""Live and playback addresses against the simulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from custom_components.ezviz_open.api.errors import (
    EzvizDeviceOfflineError,
    EzvizEncryptionError,
    EzvizNotFoundError,
    EzvizParameterError,
)
from custom_components.ezviz_open.api.live import (
    PATH_LIVE_ADDRESS_DISABLE,
    PATH_LIVE_ADDRESS_GET,
    AddressType,
    LiveAddress,
    StreamProtocol,
    StreamQuality,
)

from .partb_helpers import assert_lapp, last_request

if TYPE_CHECKING:
    from custom_components.ezviz_open.api import EzvizOpenClient
    from simulator import Simulator

CAMERA = "C6N000001"
ENCRYPTED = "C8C000006"
OFFLINE = "C1C000007"


def _sim_expiry(sim: Simulator, url_id: str) -> datetime:
    """The expiry the simulator recorded, as the naive UTC wall clock it sends."""
    rec = sim.state.live_addresses[url_id]
    return datetime.fromtimestamp(int(rec.expire_at), UTC).replace(tzinfo=None)


async def test_hls_address(client: EzvizOpenClient, simulator: Simulator) -> None:
    address = await client.get_live_address(
        CAMERA,
        protocol=StreamProtocol.HLS,
        quality=StreamQuality.SMOOTH,
        expire_time=300,
    )
    assert_lapp(
        last_request(simulator, PATH_LIVE_ADDRESS_GET),
        {
            "deviceSerial": CAMERA,
            "channelNo": "1",
            "protocol": "2",
            "quality": "2",
            "expireTime": "300",
        },
    )
    assert isinstance(address.id, str)
    rec = simulator.state.live_addresses[address.id]
    assert address.url == rec.url
    assert f"/_sim/live/{CAMERA}/1/index.m3u8" in address.url
    assert address.expire_time == _sim_expiry(simulator, address.id)
    assert rec.expire_at - simulator.now() == pytest.approx(300, abs=2)


async def test_defaults_send_only_serial_and_channel(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    address = await client.get_live_address(CAMERA)
    assert_lapp(
        last_request(simulator, PATH_LIVE_ADDRESS_GET),
        {"deviceSerial": CAMERA, "channelNo": "1"},
    )
    assert address.url.startswith("ezopen://")  # the cloud's default protocol


async def test_encrypted_playback_with_code_and_times(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    start = datetime(2024, 5, 1, 10, 0, 0)
    stop = datetime(2024, 5, 1, 11, 30, 15)
    address = await client.get_live_address(
        ENCRYPTED,
        1,
        protocol=StreamProtocol.EZOPEN,
        address_type=AddressType.LOCAL_PLAYBACK,
        code="HJKLMN",
        start_time=start,
        stop_time=stop,
        expire_time=timedelta(hours=1),
    )
    assert_lapp(
        last_request(simulator, PATH_LIVE_ADDRESS_GET),
        {
            "deviceSerial": ENCRYPTED,
            "channelNo": "1",
            "protocol": "1",
            "type": "2",
            "code": "HJKLMN",
            "startTime": "2024-05-01 10:00:00",
            "stopTime": "2024-05-01 11:30:15",
            "expireTime": "3600",
        },
    )
    assert address.url.endswith(".rec")
    assert "HJKLMN" not in repr(address)


async def test_encrypted_without_or_with_wrong_code(
    client: EzvizOpenClient,
) -> None:
    with pytest.raises(EzvizEncryptionError) as err:
        await client.get_live_address(ENCRYPTED, protocol=StreamProtocol.HLS)
    assert err.value.code == 60019
    with pytest.raises(EzvizEncryptionError) as err:
        await client.get_live_address(ENCRYPTED, code="WRONGX")
    assert err.value.code == 20010


async def test_offline_and_unknown_device(client: EzvizOpenClient) -> None:
    with pytest.raises(EzvizDeviceOfflineError):
        await client.get_live_address(OFFLINE, protocol=StreamProtocol.FLV)
    with pytest.raises(EzvizNotFoundError):
        await client.get_live_address("ZZZ999999")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"expire_time": 29},
        {"expire_time": 720 * 86400 + 1},
        {"expire_time": timedelta(seconds=30.5)},
        {"channel": 0},
        {
            "start_time": datetime(2024, 5, 2),
            "stop_time": datetime(2024, 5, 1),
        },
        {"code": ""},
    ],
)
async def test_rejected_before_sending(
    client: EzvizOpenClient, simulator: Simulator, kwargs: dict[str, object]
) -> None:
    with pytest.raises(EzvizParameterError) as err:
        await client.get_live_address(CAMERA, **kwargs)  # type: ignore[arg-type]
    assert err.value.code is None
    assert simulator.count(PATH_LIVE_ADDRESS_GET) == 0


async def test_expire_time_bounds_accepted(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    await client.get_live_address(
        CAMERA, protocol=StreamProtocol.RTMP, expire_time=timedelta(days=720)
    )
    assert last_request(simulator, PATH_LIVE_ADDRESS_GET).form["expireTime"] == str(
        720 * 86400
    )
    address = await client.get_live_address(
        CAMERA, protocol=StreamProtocol.RTMP, expire_time=30
    )
    assert address.url.startswith("rtmp://")


async def test_disable_address(client: EzvizOpenClient, simulator: Simulator) -> None:
    address = await client.get_live_address(CAMERA, protocol=StreamProtocol.HLS)
    assert address.id in simulator.state.live_addresses
    await client.disable_live_address(CAMERA, url_id=address.id)
    assert_lapp(
        last_request(simulator, PATH_LIVE_ADDRESS_DISABLE),
        {"deviceSerial": CAMERA, "channelNo": "1", "urlId": address.id or ""},
    )
    assert address.id not in simulator.state.live_addresses
    # The same id again is unknown to the cloud.
    with pytest.raises(EzvizParameterError) as err:
        await client.disable_live_address(CAMERA, url_id=address.id)
    assert err.value.code == 10001


async def test_disable_all_addresses_of_channel(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    await client.get_live_address(CAMERA, protocol=StreamProtocol.HLS)
    await client.get_live_address(CAMERA, protocol=StreamProtocol.FLV)
    await client.disable_live_address(CAMERA)
    assert_lapp(
        last_request(simulator, PATH_LIVE_ADDRESS_DISABLE),
        {"deviceSerial": CAMERA, "channelNo": "1"},
    )
    assert not [
        rec for rec in simulator.state.live_addresses.values() if rec.serial == CAMERA
    ]


def test_live_address_parsing_is_lenient() -> None:
    address = LiveAddress.from_api(
        {"url": "https://x/y.m3u8", "id": 512628410958159872, "expireTime": "bogus"}
    )
    assert address.id == "512628410958159872"
    assert address.expire_time is None
    assert LiveAddress.from_api({"url": "u", "expireTime": "2022-11-16 06:02:17"}) == (
        LiveAddress(url="u", expire_time=datetime(2022, 11, 16, 6, 2, 17))
    )


def test_live_address_repr_hides_the_url() -> None:
    address = LiveAddress.from_api(
        {"url": "https://x/F1_1_1.m3u8?t=secret-token", "id": "7"}
    )
    assert "secret-token" not in repr(address)
    assert "id='7'" in repr(address)
