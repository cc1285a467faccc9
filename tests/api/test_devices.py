"""Device management, lists, info, status and snapshots against the simulator."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from custom_components.ezviz_open.api import Page
from custom_components.ezviz_open.api.devices import (
    PATH_CAMERA_LIST,
    PATH_DEVICE_ADD,
    PATH_DEVICE_CAPTURE,
    PATH_DEVICE_CHANNELS,
    PATH_DEVICE_DELETE,
    PATH_DEVICE_INFO,
    PATH_DEVICE_LIST,
    PATH_DEVICE_RENAME,
    PATH_DEVICE_STATUS,
    PATH_IPC_ADD,
    PATH_IPC_DELETE,
    PATH_UUID_PICTURE,
    AlarmSoundMode,
    CaptureQuality,
    CloudStorageStatus,
    DeviceStatus,
    DiskState,
)
from custom_components.ezviz_open.api.errors import (
    EzvizDeviceOfflineError,
    EzvizEncryptionError,
    EzvizNotFoundError,
    EzvizNotSupportedError,
    EzvizParameterError,
    EzvizResponseError,
)

from .partb_helpers import assert_lapp, last_request, requests_to

if TYPE_CHECKING:
    from custom_components.ezviz_open.api import EzvizOpenClient
    from simulator import Simulator

CAMERA = "C6N000001"
BATTERY = "BC1000002"
DOORBELL = "DB1000003"
HUB = "A1S000004"
NVR = "NVR000005"
ENCRYPTED = "C8C000006"
OFFLINE = "C1C000007"
UNOWNED = "C3W000010"
FOREIGN = "F00000098"


# ---------------------------------------------------------------- add/delete


async def test_add_then_delete_device(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    await client.add_device(UNOWNED, "ADDMEA")
    assert_lapp(
        last_request(simulator, PATH_DEVICE_ADD),
        {"deviceSerial": UNOWNED, "validateCode": "ADDMEA"},
    )
    assert UNOWNED in simulator.state.devices
    assert UNOWNED in {dev.serial for dev in await client.list_devices()}

    await client.delete_device(UNOWNED)
    assert_lapp(last_request(simulator, PATH_DEVICE_DELETE), {"deviceSerial": UNOWNED})
    assert UNOWNED not in simulator.state.devices
    assert UNOWNED not in {dev.serial for dev in await client.list_devices()}


async def test_add_device_errors(client: EzvizOpenClient) -> None:
    with pytest.raises(EzvizEncryptionError) as err:
        await client.add_device(UNOWNED, "WRONGX")
    assert err.value.code == 20010
    with pytest.raises(EzvizParameterError) as param_err:
        await client.add_device(CAMERA, "ABCDEF")  # already on the account
    assert param_err.value.code == 20017
    with pytest.raises(EzvizParameterError) as param_err:
        await client.add_device(FOREIGN, "ABCDEF")  # someone else's
    assert param_err.value.code == 20013


async def test_delete_unknown_and_foreign(client: EzvizOpenClient) -> None:
    with pytest.raises(EzvizNotFoundError) as err:
        await client.delete_device("ZZZ999999")
    assert err.value.code == 20002
    with pytest.raises(EzvizNotFoundError) as err:
        await client.delete_device(FOREIGN)
    assert err.value.code == 20018


# --------------------------------------------------------------------- rename


async def test_rename_device(client: EzvizOpenClient, simulator: Simulator) -> None:
    await client.rename_device(CAMERA, "Salon")
    assert_lapp(
        last_request(simulator, PATH_DEVICE_RENAME),
        {"deviceSerial": CAMERA, "deviceName": "Salon"},
    )
    assert simulator.state.devices[CAMERA].name == "Salon"
    assert (await client.get_device_info(CAMERA)).name == "Salon"


async def test_rename_rejections(client: EzvizOpenClient, simulator: Simulator) -> None:
    with pytest.raises(EzvizParameterError) as err:
        await client.rename_device(CAMERA, "é" * 26)  # 52 bytes
    assert err.value.code is None
    with pytest.raises(EzvizParameterError) as err:
        await client.rename_device(CAMERA, "  ")
    assert err.value.code is None
    assert simulator.count(PATH_DEVICE_RENAME) == 0
    with pytest.raises(EzvizParameterError) as err:
        await client.rename_device(CAMERA, "a<b>")  # the cloud refuses these
    assert err.value.code == 10001


# -------------------------------------------------------------------- capture


async def test_capture_picture(client: EzvizOpenClient, simulator: Simulator) -> None:
    picture = await client.capture_picture(CAMERA, quality=CaptureQuality.HD_720P)
    assert_lapp(
        last_request(simulator, PATH_DEVICE_CAPTURE),
        {"deviceSerial": CAMERA, "channelNo": "1", "quality": "1"},
    )
    assert picture.url.startswith(simulator.base_url)
    assert f"capture-{CAMERA}-1-" in picture.url
    other = await client.capture_picture(CAMERA)
    assert other.url != picture.url


async def test_capture_errors(client: EzvizOpenClient) -> None:
    with pytest.raises(EzvizNotSupportedError) as err:
        await client.capture_picture(DOORBELL)  # paid feature on this account
    assert err.value.code == 10026
    with pytest.raises(EzvizDeviceOfflineError):
        await client.capture_picture(OFFLINE)
    with pytest.raises(EzvizNotFoundError) as not_found:
        await client.capture_picture(HUB)  # a hub has no channel 1
    assert not_found.value.code == 20032
    with pytest.raises(EzvizDeviceOfflineError):
        await client.capture_picture(NVR, 3)  # unconfigured NVR channel


async def test_picture_by_uuid(client: EzvizOpenClient, simulator: Simulator) -> None:
    uuid = "09076e76501644989b63ba0016ec5776"
    picture = await client.get_picture_by_uuid(uuid, 100)
    assert_lapp(
        last_request(simulator, PATH_UUID_PICTURE), {"uuid": uuid, "size": "100"}
    )
    assert picture.url.endswith(f"uuid-{uuid}.jpg")
    with pytest.raises(EzvizNotFoundError):
        await client.get_picture_by_uuid("not-a-uuid", 100)
    with pytest.raises(EzvizParameterError) as err:
        await client.get_picture_by_uuid(uuid, 1281)
    assert err.value.code is None


# ------------------------------------------------------------------ NVR links


async def test_link_and_unlink_ipc(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    nvr = simulator.state.devices[NVR]
    await client.add_ipc(NVR, "IPC000053", channel=3, validate_code="QWERTY")
    assert_lapp(
        last_request(simulator, PATH_IPC_ADD),
        {
            "deviceSerial": NVR,
            "ipcSerial": "IPC000053",
            "channelNo": "3",
            "validateCode": "QWERTY",
        },
    )
    assert nvr.channels[2].ipc_serial == "IPC000053"
    channels = await client.list_device_channels(NVR)
    assert channels[2].related_ipc is True
    assert channels[2].ipc_serial == "IPC000053"

    await client.add_ipc(NVR, "IPC000054")  # first free channel
    assert_lapp(
        last_request(simulator, PATH_IPC_ADD),
        {"deviceSerial": NVR, "ipcSerial": "IPC000054"},
    )
    assert nvr.channels[3].ipc_serial == "IPC000054"

    await client.delete_ipc(NVR, "IPC000053", channel=3)
    assert_lapp(
        last_request(simulator, PATH_IPC_DELETE),
        {"deviceSerial": NVR, "ipcSerial": "IPC000053", "channelNo": "3"},
    )
    assert nvr.channels[2].ipc_serial is None


async def test_ipc_link_errors(client: EzvizOpenClient) -> None:
    with pytest.raises(EzvizNotSupportedError):
        await client.add_ipc(CAMERA, "IPC000053")  # not an NVR
    with pytest.raises(EzvizParameterError) as err:
        await client.delete_ipc(NVR, "IPC000099")  # not linked
    assert err.value.code == 60057


# ---------------------------------------------------------------------- lists


async def test_list_devices_page(client: EzvizOpenClient, simulator: Simulator) -> None:
    devices, page = await client.list_devices_page(1, 2)
    assert_lapp(
        last_request(simulator, PATH_DEVICE_LIST), {"pageStart": "1", "pageSize": "2"}
    )
    expected = list(simulator.state.devices)[2:4]
    assert [dev.serial for dev in devices] == expected
    assert page == Page(total=len(simulator.state.devices), page=1, size=2)


async def test_list_devices_all_pages(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    devices = await client.list_devices()
    assert [dev.serial for dev in devices] == list(simulator.state.devices)
    assert requests_to(simulator, PATH_DEVICE_LIST)[0].form["pageSize"] == "50"
    by_serial = {dev.serial: dev for dev in devices}
    camera = by_serial[CAMERA]
    assert camera.name == "Living Room"
    assert camera.online is True
    assert camera.defence == 0
    assert camera.encrypted is False
    assert camera.version == "V5.3.8 build 230510"
    assert camera.device_type == "CS-C6N-A0-1C2WFR"
    assert camera.update_time is not None
    assert by_serial[OFFLINE].online is False
    assert by_serial[ENCRYPTED].encrypted is True
    assert by_serial[HUB].defence == 8
    assert "deviceSerial" in camera.raw


async def test_list_devices_paging_is_followed(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    items = await client._lapp_all_pages(PATH_DEVICE_LIST, page_size=3)
    assert len(items) == len(simulator.state.devices)
    assert simulator.count(PATH_DEVICE_LIST) == 3


async def test_list_page_bounds(client: EzvizOpenClient, simulator: Simulator) -> None:
    with pytest.raises(EzvizParameterError):
        await client.list_devices_page(0, 51)
    with pytest.raises(EzvizParameterError):
        await client.list_cameras_page(-1)
    assert simulator.count() == 0


async def test_device_info(client: EzvizOpenClient, simulator: Simulator) -> None:
    info = await client.get_device_info(DOORBELL)
    assert_lapp(last_request(simulator, PATH_DEVICE_INFO), {"deviceSerial": DOORBELL})
    dev = simulator.state.devices[DOORBELL]
    assert info.serial == DOORBELL
    assert info.model == dev.model
    assert info.online is True  # sent as the string "1" by this firmware
    assert info.raw["status"] == "1"
    assert info.signal == dev.signal
    assert info.update_time == datetime.fromtimestamp(dev.update_time_ms / 1000, UTC)
    assert info.parent_category == "IPC"
    assert info.alarm_sound_mode is AlarmSoundMode.SHORT

    offline = await client.get_device_info(OFFLINE)
    assert offline.online is False
    assert offline.signal == 0


async def test_device_info_unknown(client: EzvizOpenClient) -> None:
    with pytest.raises(EzvizNotFoundError):
        await client.get_device_info("ZZZ999999")
    with pytest.raises(EzvizParameterError) as err:
        await client.get_device_info("X" * 51)
    assert err.value.code is None


async def test_list_cameras(client: EzvizOpenClient, simulator: Simulator) -> None:
    cameras = await client.list_cameras()
    expected_rows = sum(len(dev.channels) for dev in simulator.state.devices.values())
    assert len(cameras) == expected_rows
    nvr = [cam for cam in cameras if cam.serial == NVR]
    assert [cam.channel for cam in nvr] == [1, 2, 3, 4]
    assert nvr[0].name == "Porch"
    assert nvr[0].online is True
    assert nvr[2].name == NVR  # unconfigured channel: named after the serial
    assert nvr[2].online is False
    driveway = next(cam for cam in cameras if cam.serial == ENCRYPTED)
    assert driveway.encrypted is True
    assert driveway.video_level == 1
    assert driveway.shared == 0
    assert driveway.pic_url is not None


async def test_list_cameras_page(client: EzvizOpenClient, simulator: Simulator) -> None:
    cameras, page = await client.list_cameras_page(0, 5)
    assert_lapp(
        last_request(simulator, PATH_CAMERA_LIST), {"pageStart": "0", "pageSize": "5"}
    )
    assert len(cameras) == 5
    assert page.total == sum(
        len(dev.channels) for dev in simulator.state.devices.values()
    )


async def test_device_channels(client: EzvizOpenClient, simulator: Simulator) -> None:
    channels = await client.list_device_channels(NVR)
    assert_lapp(last_request(simulator, PATH_DEVICE_CHANNELS), {"deviceSerial": NVR})
    assert [(c.channel, c.ipc_serial, c.related_ipc) for c in channels] == [
        (1, "IPC000051", True),
        (2, "IPC000052", True),
        (3, NVR, False),
        (4, NVR, False),
    ]
    assert channels[0].device_name == "Recorder"
    assert await client.list_device_channels(HUB) == []
    with pytest.raises(EzvizNotFoundError):
        await client.list_device_channels(FOREIGN)


async def test_wrong_shape_is_a_response_error(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    # device/list answering an object instead of a list (this instance only)
    async def as_object(ctx: object) -> dict[str, str]:
        return {"oops": "not a list"}

    route = simulator.routes[PATH_DEVICE_LIST]
    simulator.routes[PATH_DEVICE_LIST] = dataclasses.replace(route, handler=as_object)
    with pytest.raises(EzvizResponseError) as err:
        await client.list_devices_page()
    assert err.value.endpoint == PATH_DEVICE_LIST
    with pytest.raises(EzvizResponseError):
        await client.list_devices()


# --------------------------------------------------------------------- status


async def test_status_battery_camera(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    status = await client.get_device_status(BATTERY)
    assert_lapp(
        last_request(simulator, PATH_DEVICE_STATUS),
        {"deviceSerial": BATTERY, "channel": "1"},
    )
    dev = simulator.state.devices[BATTERY]
    assert status.battery == dev.battery == 78
    assert status.pir is True
    assert status.privacy is None  # no support_privacy: -2
    assert status.alarm_sound_mode is AlarmSoundMode.LONG
    assert status.lock_signal is None
    assert status.disk_count == 1
    assert status.disks == (DiskState.NORMAL,)
    assert status.cloud_status is CloudStorageStatus.NOT_ACTIVATED
    assert status.nvr_disk_count is None
    assert status.nvr_disks is None


async def test_status_variants(client: EzvizOpenClient, simulator: Simulator) -> None:
    nvr = await client.get_device_status(NVR)
    assert nvr.disk_count == 2
    assert nvr.disks == (DiskState.NORMAL, DiskState.UNFORMATTED)
    assert nvr.battery is None

    camera = await client.get_device_status(CAMERA)
    assert camera.privacy is False
    assert camera.cloud_status is CloudStorageStatus.ACTIVATED
    simulator.state.devices[CAMERA].privacy = 1
    assert (await client.get_device_status(CAMERA)).privacy is True

    doorbell = await client.get_device_status(DOORBELL)
    assert doorbell.cloud_status is CloudStorageStatus.EXPIRED
    assert doorbell.disks == (DiskState.UNFORMATTED,)

    hub = await client.get_device_status(HUB)
    assert hub.disk_count is None
    assert hub.disks is None
    assert hub.cloud_status is None  # -2: not supported

    # Status is cached cloud-side: an offline device still answers.
    offline = await client.get_device_status(OFFLINE)
    assert offline.disk_count is None


async def test_status_errors(client: EzvizOpenClient) -> None:
    with pytest.raises(EzvizNotFoundError) as err:
        await client.get_device_status(CAMERA, 2)
    assert err.value.code == 20032
    with pytest.raises(EzvizNotFoundError):
        await client.get_device_status("ZZZ999999")


def test_status_parsing_is_lenient() -> None:
    status = DeviceStatus.from_api(
        {
            "privacyStatus": "1",
            "pirStatus": 2,
            "alarmSoundMode": "-1",
            "battryStatus": "55",
            "diskNum": "2",
            "diskState": "03--------------",
            "cloudStatus": "-1",
            "nvrDiskState": "-1",
            "newField": True,
        }
    )
    assert status.privacy is True
    assert status.pir is None
    assert status.alarm_sound_mode is None
    assert status.battery == 55
    assert status.disks == (DiskState.NORMAL, DiskState.FORMATTING)
    assert status.cloud_status is None
    assert status.nvr_disks is None
    assert status.raw["newField"] is True


def test_device_times_are_lenient() -> None:
    from custom_components.ezviz_open.api.devices import Device

    as_text = Device.from_api(
        {"deviceSerial": "X1", "updateTime": "2017-09-01 15:30:45"}
    )
    assert as_text.update_time == datetime(2017, 9, 1, 15, 30, 45)
    as_ms = Device.from_api({"deviceSerial": "X1", "updateTime": "1700000000000"})
    as_s = Device.from_api({"deviceSerial": "X1", "updateTime": 1700000000})
    assert as_ms.update_time == as_s.update_time == datetime.fromtimestamp(1.7e9, UTC)
    broken = Device.from_api(
        {"updateTime": "yesterday", "signal": "64%", "status": "x"}
    )
    assert broken.update_time is None
    assert broken.signal == 64
    assert broken.online is None
    assert broken.serial == ""
