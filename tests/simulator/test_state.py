"""Stateful behaviour: what is set is read back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .conftest import unwrap

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory

    from simulator import Simulator

    from .conftest import RawApi

PTZ = "C6N000001"


async def _defence(api: RawApi, serial: str) -> int:
    body = await api.lapp("/api/lapp/device/list", pageSize=50)
    return next(d["defence"] for d in body["data"] if d["deviceSerial"] == serial)


async def test_defence_roundtrip(api: RawApi) -> None:
    assert (
        await api.lapp(
            "/api/lapp/device/defence/set", deviceSerial="A1S000004", isDefence=16
        )
    )["code"] == "200"
    assert await _defence(api, "A1S000004") == 16
    bad = await api.lapp(
        "/api/lapp/device/defence/set", deviceSerial="A1S000004", isDefence=1
    )
    assert bad["code"] == "10001"
    assert (
        await api.lapp("/api/lapp/device/defence/set", deviceSerial=PTZ, isDefence=1)
    )["code"] == "200"
    assert await _defence(api, PTZ) == 1


async def test_privacy_and_v3_settings_roundtrip(api: RawApi) -> None:
    await api.lapp("/api/lapp/device/scene/switch/set", deviceSerial=PTZ, enable=1)
    status = await api.lapp("/api/lapp/device/status/get", deviceSerial=PTZ)
    assert status["data"]["privacyStatus"] == 1
    await api.v3("POST", "/api/v3/device/fillLight/mode/set", PTZ, query={"mode": 1})
    _, body = await api.v3("GET", "/api/v3/device/fillLight/mode/get", PTZ)
    assert body["data"]["graphicType"] == 1
    plan = {
        "enable": "1",
        "startTime": "07:30",
        "endTime": "19:00",
        "week": "0,6",
        "eventArg": "2",
    }
    status_code, body = await api.v3(
        "POST", "/api/v3/device/timing/plan/set", "BC1000002", json_body=plan
    )
    assert status_code == 200, body
    _, body = await api.v3("GET", "/api/v3/device/timing/plan/get", "BC1000002")
    week = body["data"]["weekPlans"][0]
    assert week["weekDay"] == "0,6"
    assert week["timePlan"][0] == {
        "beginTime": "07:30",
        "endTime": "19:00",
        "eventArg": "mode:2",
    }


async def test_fill_light_decided_by_the_device_not_a_flag(
    api: RawApi, sim: Simulator
) -> None:
    """The reference names no capability for the fill light: none is invented.

    Every capability set is free of ``support_fill_light``; a device answers
    with its mode when it has a fill light and 60020 with HTTP 422 (the
    endpoint's own table) otherwise, whatever its capability set says.
    """
    path = "/api/v3/device/fillLight/mode/get"
    for device in (*sim.state.devices.values(), *sim.state.unowned.values()):
        assert "support_fill_light" not in device.capabilities
    answers = {}
    for serial in sim.state.devices:
        status, body = await api.v3("GET", path, serial)
        answers[serial] = (status, body["meta"]["code"])
    assert answers == {
        serial: (200, 200) if device.fill_light_mode is not None else (422, 60020)
        for serial, device in sim.state.devices.items()
    }
    assert answers[PTZ] == (200, 200)
    assert answers["A1S000004"] == (422, 60020)

    sim.state.devices[PTZ].capabilities["support_fill_light"] = "0"
    status, body = await api.v3("GET", path, PTZ)
    assert (status, body["data"]["graphicType"]) == (200, 2)
    sim.state.devices["BC1000002"].capabilities["support_fill_light"] = "1"
    status, body = await api.v3("GET", path, "BC1000002")
    assert (status, body["meta"]["code"]) == (422, 60020)


async def test_ptz_presets_and_limits(api: RawApi, sim: Simulator) -> None:
    added = await api.lapp("/api/lapp/device/preset/add", deviceSerial=PTZ, channelNo=1)
    index = added["data"]["index"]
    assert index == 3
    move = "/api/lapp/device/preset/move"
    assert (await api.lapp(move, deviceSerial=PTZ, channelNo=1, index=index))[
        "code"
    ] == "200"
    await api.lapp(
        "/api/lapp/device/preset/clear", deviceSerial=PTZ, channelNo=1, index=index
    )
    assert (await api.lapp(move, deviceSerial=PTZ, channelNo=1, index=index))[
        "code"
    ] == "60011"
    codes = []
    for _ in range(12):
        body = await api.lapp(
            "/api/lapp/device/ptz/start",
            deviceSerial=PTZ,
            channelNo=1,
            direction=2,
            speed=2,
        )
        codes.append(body["code"])
    assert codes[:4] == ["200"] * 4
    assert codes[-1] == "60004"
    assert sim.state.devices[PTZ].ptz is not None
    assert sim.state.devices[PTZ].ptz.pan == -10
    no_ptz = await api.lapp(
        "/api/lapp/device/ptz/start",
        deviceSerial="BC1000002",
        channelNo=1,
        direction=0,
        speed=1,
    )
    assert no_ptz["code"] == "60000"


async def test_live_address_encryption(api: RawApi) -> None:
    """Encrypted video: ezopen with the right code; HLS, RTMP, FLV never (60019)."""
    live = "/api/lapp/live/address/get"
    for protocol in (2, 3, 4):
        for code in ({}, {"code": "HJKLMN"}, {"code": "WRONGX"}):
            reply = await api.lapp(
                live, deviceSerial="C8C000006", protocol=protocol, **code
            )
            assert reply["code"] == "60019", (protocol, code)
    assert (await api.lapp(live, deviceSerial="C8C000006", protocol=1))[
        "code"
    ] == "60019"
    assert (await api.lapp(live, deviceSerial="C8C000006", protocol=1, code="WRONGX"))[
        "code"
    ] == "20010"
    ezopen = await api.lapp(
        live, deviceSerial="C8C000006", protocol=1, code="HJKLMN", expireTime=300
    )
    assert ezopen["code"] == "200"
    assert ezopen["data"]["url"].startswith("ezopen://")
    # Not encrypted: an HLS address that plays.
    ok = await api.lapp(live, deviceSerial=PTZ, protocol=2, expireTime=300)
    assert ok["code"] == "200"
    assert ok["data"]["id"].isdigit()
    assert len(ok["data"]["expireTime"]) == 19
    async with api.session.get(ok["data"]["url"]) as resp:
        assert resp.status == 200
        assert (await resp.text()).startswith("#EXTM3U")
    assert (await api.lapp(live, deviceSerial=PTZ, protocol=5))["code"] == "10001"
    assert (await api.lapp(live, deviceSerial=PTZ, quality=3))["code"] == "10001"
    ez = await api.lapp(live, deviceSerial=PTZ)
    assert ez["data"]["url"].startswith("ezopen://")


async def test_capture_picture_is_jpeg(api: RawApi) -> None:
    body = await api.lapp("/api/lapp/device/capture", deviceSerial=PTZ, channelNo=1)
    async with api.session.get(body["data"]["picUrl"]) as resp:
        assert resp.content_type == "image/jpeg"
        assert (await resp.read())[:2] == b"\xff\xd8"


async def test_upgrade_progresses(api: RawApi, freezer: FrozenDateTimeFactory) -> None:
    start = await api.lapp("/api/lapp/device/upgrade", deviceSerial=PTZ)
    assert start["code"] == "200"
    again = await api.lapp("/api/lapp/device/upgrade", deviceSerial=PTZ)
    assert again["code"] == "60014"
    freezer.tick(30)
    mid = await api.lapp("/api/lapp/device/upgrade/status", deviceSerial=PTZ)
    assert mid["data"]["status"] == 0
    assert 40 <= mid["data"]["progress"] <= 60
    freezer.tick(100)
    done = await api.lapp("/api/lapp/device/upgrade/status", deviceSerial=PTZ)
    assert done["data"] == {"progress": 100, "status": 2}
    version = await api.lapp("/api/lapp/device/version/info", deviceSerial=PTZ)
    assert version["data"]["currentVersion"] == version["data"]["latestVersion"]


async def test_format_progresses(api: RawApi, freezer: FrozenDateTimeFactory) -> None:
    status, _ = await api.v3(
        "PUT", "/api/v3/device/format/disk", "NVR000005", query={"diskIndex": 1}
    )
    assert status == 200
    status, body = await api.v3(
        "PUT", "/api/v3/device/format/disk", "NVR000005", query={"diskIndex": 1}
    )
    assert (status, body["meta"]["code"]) == (422, 20016)
    freezer.tick(15)
    _, body = await api.v3("GET", "/api/v3/device/format/status", "NVR000005")
    disk = body["data"]["storageStatus"][1]
    assert disk["status"] == 3
    assert disk["formattingRate"] == "50%"
    freezer.tick(60)
    _, body = await api.v3("GET", "/api/v3/device/format/status", "NVR000005")
    assert body["data"]["storageStatus"][1]["status"] == 0


async def test_delete_and_add_device(api: RawApi) -> None:
    assert (await api.lapp("/api/lapp/device/delete", deviceSerial="C1C000007"))[
        "code"
    ] == "200"
    listed = await api.lapp("/api/lapp/device/list", pageSize=50)
    assert "C1C000007" not in [d["deviceSerial"] for d in listed["data"]]
    assert (await api.lapp("/api/lapp/device/info", deviceSerial="C1C000007"))[
        "code"
    ] == "20018"
    add = "/api/lapp/device/add"
    assert (await api.lapp(add, deviceSerial="C3W000010", validateCode="WRONGX"))[
        "code"
    ] == "20010"
    assert (await api.lapp(add, deviceSerial="C3W000010", validateCode="ADDMEA"))[
        "code"
    ] == "200"
    assert (await api.lapp(add, deviceSerial="C3W000010", validateCode="ADDMEA"))[
        "code"
    ] == "20017"


async def test_alarms_and_detectors(api: RawApi) -> None:
    alarms = await api.lapp("/api/lapp/alarm/list", status=2, pageSize=50)
    assert alarms["page"]["total"] == 11
    types = {a["alarmType"] for a in alarms["data"]}
    assert {10002, 10004, 10005, 10008, 10016} <= types
    times = [a["alarmTime"] for a in alarms["data"]]
    assert times == sorted(times, reverse=True)
    dets = unwrap(await api.lapp("/api/lapp/detector/list", deviceSerial="A1S000004"))
    assert len(dets["data"]) == 5
    await api.lapp(
        "/api/lapp/detector/status/set",
        deviceSerial="A1S000004",
        detectorSerial="T20000041",
        safeMode=2,
        enable=0,
    )
    dets = unwrap(await api.lapp("/api/lapp/detector/list", deviceSerial="A1S000004"))
    contact = next(d for d in dets["data"] if d["detectorSerial"] == "T20000041")
    assert contact["sleepEnable"] == 0


async def test_sub_account_token_scope(api: RawApi) -> None:
    body = await api.lapp(
        "/api/lapp/ram/token/get", accountId="b3ad7ba927524b748e557572024d4ac2"
    )
    assert body["data"]["accessToken"].startswith("ra.")
    assert body["data"]["areaDomain"] == api.area_domain
    api.token = body["data"]["accessToken"]
    assert (await api.lapp("/api/lapp/device/info", deviceSerial="C6N000001"))[
        "code"
    ] == "200"
    assert (await api.lapp("/api/lapp/device/info", deviceSerial="BC1000002"))[
        "code"
    ] == "10031"
    assert (await api.lapp("/api/lapp/ram/account/list"))["code"] == "10031"
