"""A1 hub detector endpoints against the simulator."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pytest

from custom_components.ezviz_open.api.detectors import (
    PATH_DETECTOR_ADD,
    PATH_DETECTOR_CANCEL_ALARM,
    PATH_DETECTOR_DELETE,
    PATH_DETECTOR_IPC_BINDABLE,
    PATH_DETECTOR_IPC_BOUND,
    PATH_DETECTOR_IPC_RELATION_SET,
    PATH_DETECTOR_LIST,
    PATH_DETECTOR_NAME_CHANGE,
    PATH_DETECTOR_STATUS_SET,
    Detector,
    DetectorModel,
    DetectorType,
    SafeMode,
)
from custom_components.ezviz_open.api.errors import (
    EzvizNotFoundError,
    EzvizNotSupportedError,
    EzvizParameterError,
)

from .partb_helpers import assert_lapp, last_request

if TYPE_CHECKING:
    from custom_components.ezviz_open.api import EzvizOpenClient
    from simulator import Simulator

HUB = "A1S000004"
CAMERA = "C6N000001"


async def test_list_detectors(client: EzvizOpenClient, simulator: Simulator) -> None:
    detectors = await client.list_detectors(HUB)

    assert_lapp(last_request(simulator, PATH_DETECTOR_LIST), {"deviceSerial": HUB})
    state = simulator.state.devices[HUB].detectors
    assert [d.serial for d in detectors] == [d.serial for d in state]
    by_serial = {d.serial: d for d in detectors}

    leak = by_serial["T10000044"]
    assert leak.detector_type is DetectorType.WATER_LEAK
    assert leak.name == "Basement Leak"
    assert leak.battery_low is True
    assert leak.offline is False
    assert leak.connected is True
    assert isinstance(leak.update_time, datetime)

    pir = by_serial["T10000042"]
    assert pir.detector_type is DetectorType.PIR
    assert (pir.home_enabled, pir.away_enabled, pir.sleep_enabled) == (
        False,
        True,
        False,
    )
    assert pir.enabled_in(SafeMode.AWAY) is True
    assert by_serial["T40000043"].detector_type is DetectorType.SMOKE


async def test_set_detector_status_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    await client.set_detector_status(HUB, "T10000042", SafeMode.SLEEP, True)

    assert_lapp(
        last_request(simulator, PATH_DETECTOR_STATUS_SET),
        {
            "deviceSerial": HUB,
            "detectorSerial": "T10000042",
            "safeMode": "2",
            "enable": "1",
        },
    )
    pir = {d.serial: d for d in await client.list_detectors(HUB)}["T10000042"]
    assert pir.sleep_enabled is True
    assert pir.home_enabled is False

    await client.set_detector_status(HUB, "T10000042", SafeMode.AWAY, False)
    assert last_request(simulator, PATH_DETECTOR_STATUS_SET).form["enable"] == "0"
    pir = {d.serial: d for d in await client.list_detectors(HUB)}["T10000042"]
    assert pir.away_enabled is False


async def test_rename_and_delete(client: EzvizOpenClient, simulator: Simulator) -> None:
    await client.rename_detector(HUB, "T20000041", "Back Door")
    assert_lapp(
        last_request(simulator, PATH_DETECTOR_NAME_CHANGE),
        {"deviceSerial": HUB, "detectorSerial": "T20000041", "newName": "Back Door"},
    )
    names = {d.serial: d.name for d in await client.list_detectors(HUB)}
    assert names["T20000041"] == "Back Door"

    await client.delete_detector(HUB, "T20000041")
    assert_lapp(
        last_request(simulator, PATH_DETECTOR_DELETE),
        {"deviceSerial": HUB, "detectorSerial": "T20000041"},
    )
    assert "T20000041" not in {d.serial for d in await client.list_detectors(HUB)}

    with pytest.raises(EzvizNotFoundError):
        await client.delete_detector(HUB, "T20000041")
    with pytest.raises(EzvizParameterError):
        await client.rename_detector(HUB, "T30000045", "x" * 50)


async def test_add_detector(client: EzvizOpenClient, simulator: Simulator) -> None:
    await client.add_detector(HUB, "T80000099", DetectorModel.GAS)

    assert_lapp(
        last_request(simulator, PATH_DETECTOR_ADD),
        {
            "deviceSerial": HUB,
            "detectorSerial": "T80000099",
            "detectorType": "T8",
            "detectorCode": "ABCDEF",
        },
    )
    added = {d.serial: d for d in await client.list_detectors(HUB)}["T80000099"]
    assert added.detector_type is DetectorModel.GAS.detector_type
    assert added.detector_type is DetectorType.GAS


async def test_camera_links(client: EzvizOpenClient, simulator: Simulator) -> None:
    linkable = await client.list_linkable_cameras(HUB)
    assert_lapp(
        last_request(simulator, PATH_DETECTOR_IPC_BINDABLE), {"deviceSerial": HUB}
    )
    serials = {c.device_serial for c in linkable}
    assert CAMERA in serials
    assert HUB not in serials
    assert serials <= set(simulator.state.devices)
    camera = next(c for c in linkable if c.device_serial == CAMERA)
    assert camera.channel_no == 1
    assert camera.camera_name

    links = await client.list_linked_cameras(HUB, "T10000042")
    assert_lapp(
        last_request(simulator, PATH_DETECTOR_IPC_BOUND),
        {"deviceSerial": HUB, "detectorSerial": "T10000042"},
    )
    assert [(k.detector_serial, k.ipc_serial) for k in links] == [("T10000042", CAMERA)]

    await client.set_detector_camera_link(HUB, "T40000043", "C8C000006", linked=True)
    assert_lapp(
        last_request(simulator, PATH_DETECTOR_IPC_RELATION_SET),
        {
            "deviceSerial": HUB,
            "detectorSerial": "T40000043",
            "ipcSerial": "C8C000006",
            "operation": "1",
        },
    )
    links = await client.list_linked_cameras(HUB, "T40000043")
    assert [k.ipc_serial for k in links] == ["C8C000006"]

    await client.set_detector_camera_link(HUB, "T40000043", "C8C000006", linked=False)
    assert (
        last_request(simulator, PATH_DETECTOR_IPC_RELATION_SET).form["operation"] == "0"
    )
    assert await client.list_linked_cameras(HUB, "T40000043") == []


async def test_cancel_alarm(client: EzvizOpenClient, simulator: Simulator) -> None:
    hub = simulator.state.devices[HUB]
    hub.detectors[0].zf_status = 1

    await client.cancel_detector_alarm(HUB)

    assert_lapp(
        last_request(simulator, PATH_DETECTOR_CANCEL_ALARM), {"deviceSerial": HUB}
    )
    assert hub.alarm_cleared_at is not None
    assert all(d.zone_fault is False for d in await client.list_detectors(HUB))


async def test_hub_only_calls_on_a_camera(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    assert await client.list_detectors(CAMERA) == []
    with pytest.raises(EzvizNotSupportedError) as err:
        await client.cancel_detector_alarm(CAMERA)
    assert err.value.code == 60020


def test_detector_parsing_is_lenient() -> None:
    detector = Detector.from_api(
        {
            "detectorSerial": "594012222",
            "detectorType": "callhelp",
            "detectorState": "1",
            "olStatus": "1",
            "newField": 5,
        }
    )
    assert detector.detector_type is DetectorType.EMERGENCY_BUTTON
    assert detector.connected is True
    assert detector.offline is True
    assert detector.home_enabled is None
    assert detector.update_time is None
    assert detector.raw["newField"] == 5
    assert Detector.from_api({"detectorType": "SIREN_X"}).detector_type == "SIREN_X"
