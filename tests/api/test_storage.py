"""Local recordings and cloud storage endpoints against the simulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from custom_components.ezviz_open.api.errors import (
    EzvizApiError,
    EzvizDeviceOfflineError,
    EzvizNotFoundError,
    EzvizParameterError,
)
from custom_components.ezviz_open.api.storage import (
    PATH_CLOUD_STORAGE_INFO,
    PATH_CLOUD_STORAGE_OPEN,
    PATH_LOCAL_VIDEO_QUERY,
    CloudStorageInfo,
    CloudStorageStatus,
    LocalRecording,
    RecordType,
)

from .partb_helpers import assert_lapp, assert_v3, last_request

if TYPE_CHECKING:
    from custom_components.ezviz_open.api import EzvizOpenClient
    from simulator import Simulator

CAMERA = "C6N000001"
BATTERY_CAMERA = "BC1000002"
OFFLINE = "C1C000007"
CARD = "4326717075050976"
USED_CARD = "1111222233334444"


async def test_local_recordings(client: EzvizOpenClient, simulator: Simulator) -> None:
    start = datetime(2024, 3, 1, 6, 0, 0)
    end = datetime(2024, 3, 1, 9, 30, 0)

    records = await client.list_local_recordings(CAMERA, start=start, end=end)

    assert_v3(
        last_request(simulator, PATH_LOCAL_VIDEO_QUERY),
        "GET",
        CAMERA,
        channel="1",
        query={"startTime": "2024-03-01 06:00:00", "endTime": "2024-03-01 09:30:00"},
    )
    assert records
    assert {r.device_serial for r in records} == {CAMERA}
    assert {r.channel_no for r in records} == {1}
    assert {r.record_type for r in records} == {RecordType.TIMING, RecordType.EVENT}
    for record in records:
        assert record.start_time is not None
        assert record.end_time is not None
        assert start <= record.start_time < record.end_time <= end
    assert records[0].start_time == start

    events = await client.list_local_recordings(
        CAMERA, start=start, end=end, record_type=RecordType.EVENT
    )
    assert last_request(simulator, PATH_LOCAL_VIDEO_QUERY).query["recordType"] == "2"
    assert events
    assert {r.record_type for r in events} == {RecordType.EVENT}
    assert all(
        r.end_time - r.start_time == timedelta(minutes=1)
        for r in events
        if r.start_time and r.end_time
    )


async def test_local_recordings_errors(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    with pytest.raises(EzvizDeviceOfflineError) as offline:
        await client.list_local_recordings(OFFLINE)
    assert offline.value.code == 2003
    with pytest.raises(EzvizParameterError):
        await client.list_local_recordings(
            CAMERA, start=datetime(2024, 3, 2), end=datetime(2024, 3, 1)
        )
    with pytest.raises(EzvizParameterError):
        await client.list_local_recordings(CAMERA, channel=0)


async def test_cloud_storage_info(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    info = await client.get_cloud_storage_info(CAMERA)

    assert_lapp(
        last_request(simulator, PATH_CLOUD_STORAGE_INFO), {"deviceSerial": CAMERA}
    )
    cloud = simulator.state.devices[CAMERA].cloud
    assert info.status is CloudStorageStatus.ACTIVATED
    assert info.device_serial == CAMERA
    assert info.total_days == cloud["totalDays"]
    assert info.valid_days == cloud["validDays"]
    assert info.start_time == datetime.fromtimestamp(cloud["startTime"] / 1000, tz=UTC)
    assert info.expire_time == datetime.fromtimestamp(
        cloud["expireTime"] / 1000, tz=UTC
    )
    assert info.service_detail is None

    await client.get_cloud_storage_info(CAMERA, channel=1, phone="18888888888")
    assert_lapp(
        last_request(simulator, PATH_CLOUD_STORAGE_INFO),
        {"deviceSerial": CAMERA, "channelNo": "1", "phone": "18888888888"},
    )


async def test_open_cloud_storage(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    before = await client.get_cloud_storage_info(BATTERY_CAMERA)
    assert before.status is CloudStorageStatus.NOT_ACTIVATED

    await client.open_cloud_storage(BATTERY_CAMERA, CARD, immediately=True)

    assert_lapp(
        last_request(simulator, PATH_CLOUD_STORAGE_OPEN),
        {"deviceSerial": BATTERY_CAMERA, "cardPassword": CARD, "isImmediately": "1"},
    )
    after = await client.get_cloud_storage_info(BATTERY_CAMERA)
    assert after.status is CloudStorageStatus.ACTIVATED
    assert after.valid_days == simulator.state.cloud_cards[CARD]["days"]

    with pytest.raises(EzvizApiError) as used:
        await client.open_cloud_storage(BATTERY_CAMERA, USED_CARD)
    assert used.value.code == 60032
    assert last_request(simulator, PATH_CLOUD_STORAGE_OPEN).form["isImmediately"] == "0"
    with pytest.raises(EzvizNotFoundError) as unknown:
        await client.open_cloud_storage(BATTERY_CAMERA, "0000")
    assert unknown.value.code == 60031
    with pytest.raises(EzvizParameterError):
        await client.open_cloud_storage(BATTERY_CAMERA, "")


def test_storage_parsing_is_lenient() -> None:
    record = LocalRecording.from_api(
        {
            "startTime": "2022-11-10T11:44:15",
            "type": "SOMETHING",
            "size": "",
            "cameraNo": "2",
        }
    )
    assert record.start_time == datetime(2022, 11, 10, 11, 44, 15)
    assert record.end_time is None
    assert record.record_type == "SOMETHING"
    assert record.size is None
    assert record.channel_no == 2

    info = CloudStorageInfo.from_api(
        {
            "status": "7",
            "startTime": 1470370451,
            "serviceDetail": {"status": 0, "totalDays": "30"},
        }
    )
    assert info.status == 7
    assert info.start_time == datetime.fromtimestamp(1470370451, tz=UTC)
    assert info.service_detail is not None
    assert info.service_detail.status is CloudStorageStatus.NOT_ACTIVATED
    assert info.service_detail.total_days == 30
