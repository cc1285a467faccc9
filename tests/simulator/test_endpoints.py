"""Every row of endpoints.tsv answers with its envelope and no internal error."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.reference import endpoint_rows

from .conftest import unwrap

if TYPE_CHECKING:
    from simulator import Simulator

    from .conftest import RawApi


# Minimal parameters per endpoint, for the PTZ camera unless a serial is given.
PARAMS: dict[str, dict[str, object]] = {
    "/api/lapp/device/name/update": {"deviceName": "Renamed"},
    "/api/lapp/device/capture": {"channelNo": 1},
    "/api/lapp/device/ipc/add": {"deviceSerial": "NVR000005", "ipcSerial": "IPC000099"},
    "/api/lapp/device/ipc/delete": {
        "deviceSerial": "NVR000005",
        "ipcSerial": "IPC000051",
    },
    "/api/lapp/device/uuid/picture": {
        "uuid": "09076e76501644989b63ba0016ec5776",
        "size": 100,
    },
    "/api/lapp/device/defence/set": {"isDefence": 1},
    "/api/lapp/device/encrypt/off": {
        "deviceSerial": "C8C000006",
        "validateCode": "HJKLMN",
    },
    "/api/lapp/device/sound/switch/set": {"enable": 0},
    "/api/lapp/device/scene/switch/set": {"enable": 1},
    "/api/lapp/device/ssl/switch/set": {"enable": 1},
    "/api/lapp/device/defence/plan/set": {
        "startTime": "23:20",
        "stopTime": "23:21",
        "period": "0,1,6",
        "enable": 0,
    },
    "/api/lapp/camera/video/sound/set": {"enable": 0},
    "/api/lapp/device/pir/set": {"deviceSerial": "BC1000002", "area": "1,3,6"},
    "/api/lapp/device/pir/get": {"deviceSerial": "BC1000002"},
    "/api/lapp/device/chime/set": {
        "deviceSerial": "DB1000003",
        "type": 3,
        "duration": 10000,
    },
    "/api/lapp/device/chime/get": {"deviceSerial": "DB1000003"},
    "/api/lapp/device/infrared/switch/set": {"enable": 0},
    "/api/lapp/device/timezone/set": {"timezone": "188", "timeFormat": 0},
    "/api/lapp/device/language/set": {"language": "GERMAN"},
    "/api/lapp/device/password/update": {
        "oldPassword": "ABCDEF",
        "newPassword": "BBBBBB",
    },
    "/api/lapp/device/ptz/start": {"channelNo": 1, "direction": 0, "speed": 1},
    "/api/lapp/device/ptz/stop": {"channelNo": 1, "direction": 0},
    "/api/lapp/device/ptz/mirror": {"channelNo": 1, "command": 2},
    "/api/lapp/device/preset/add": {"channelNo": 1},
    "/api/lapp/device/preset/move": {"channelNo": 1, "index": 1},
    "/api/lapp/device/preset/clear": {"channelNo": 1, "index": 2},
    "/api/lapp/detector/list": {"deviceSerial": "A1S000004"},
    "/api/lapp/detector/status/set": {
        "deviceSerial": "A1S000004",
        "detectorSerial": "T20000041",
        "safeMode": 0,
        "enable": 1,
    },
    "/api/lapp/detector/delete": {
        "deviceSerial": "A1S000004",
        "detectorSerial": "T30000045",
    },
    "/api/lapp/detector/ipc/list/bindable": {"deviceSerial": "A1S000004"},
    "/api/lapp/detector/ipc/list/bind": {
        "deviceSerial": "A1S000004",
        "detectorSerial": "T10000042",
    },
    "/api/lapp/detector/ipc/relation/set": {
        "deviceSerial": "A1S000004",
        "detectorSerial": "T20000041",
        "ipcSerial": "C6N000001",
        "operation": 1,
    },
    "/api/lapp/detector/name/change": {
        "deviceSerial": "A1S000004",
        "detectorSerial": "T20000041",
        "newName": "Back Door",
    },
    "/api/lapp/detector/cancelAlarm": {"deviceSerial": "A1S000004"},
    "/api/lapp/detector/add": {
        "deviceSerial": "A1S000004",
        "detectorSerial": "T60000046",
        "detectorType": "T6",
        "detectorCode": "ABCDEF",
    },
    "/api/lapp/cloud/storage/open": {"cardPassword": "4326717075050976"},
    "/api/lapp/device/add": {"deviceSerial": "C3W000010", "validateCode": "ADDMEA"},
    "/api/lapp/ram/account/create": {
        "accountName": "guest1",
        "password": "cc03e747a6afbbcbf8be7668acfebee5",
    },
    "/api/lapp/ram/account/get": {"accountName": "family"},
    "/api/lapp/ram/account/updatePassword": {
        "accountId": "b3ad7ba927524b748e557572024d4ac2",
        "oldPassword": "5305b671da2d66785f7e6dd24c117370",
        "newPassword": "cc03e747a6afbbcbf8be7668acfebee5",
    },
    "/api/lapp/ram/policy/set": {
        "accountId": "b3ad7ba927524b748e557572024d4ac2",
        "policy": '{"Statement": [{"Permission": "GET", "Resource": ["dev:C6N000001"]}]}',
    },
    "/api/lapp/ram/statement/add": {
        "accountId": "b3ad7ba927524b748e557572024d4ac2",
        "statement": '{"Permission": "GET", "Resource": ["dev:BC1000002"]}',
    },
    "/api/lapp/ram/statement/delete": {
        "accountId": "b3ad7ba927524b748e557572024d4ac2",
        "deviceSerial": "BC1000002",
    },
    "/api/lapp/ram/token/get": {"accountId": "b3ad7ba927524b748e557572024d4ac2"},
    "/api/lapp/ram/account/delete": {"accountId": "b3ad7ba927524b748e557572024d4ac2"},
    "/api/lapp/device/delete": {"deviceSerial": "C1C000007"},
}
V3: dict[str, tuple[str, int | None, dict[str, object], object]] = {
    "/api/v3/das/device/local/video/query": ("C6N000001", 1, {}, None),
    "/api/v3/device/fillLight/mode/set": ("C6N000001", None, {"mode": 0}, None),
    "/api/v3/device/switchStatus/get": ("C6N000001", None, {"type": 301}, None),
    "/api/v3/device/switchStatus/set": (
        "C6N000001",
        None,
        {"type": 301, "enable": 1},
        None,
    ),
    "/api/v3/device/timing/plan/get": ("BC1000002", None, {}, None),
    "/api/v3/device/timing/plan/set": (
        "BC1000002",
        None,
        {},
        {"enable": "1", "startTime": "08:00", "endTime": "18:00", "week": "1,2"},
    ),
    "/api/v3/device/alarmSound/enabled/set": ("C6N000001", None, {"type": 2}, None),
    "/api/v3/device/motion/detect/get": ("C6N000001", 1, {}, None),
    "/api/v3/device/motion/detect/set": ("C6N000001", 1, {"area": "8,8,8"}, None),
    "/api/v3/device/audition": (
        "C6N000001",
        None,
        {"voiceIndex": 201, "volume": 50},
        None,
    ),
    "/api/v3/device/format/disk": ("C6N000001", None, {"diskIndex": 0}, None),
}


def _rows() -> list[tuple[str, str, str]]:
    return [(row[0], row[1], row[2]) for row in endpoint_rows()]


async def test_every_endpoint_answers(api: RawApi, sim: Simulator) -> None:
    rows = _rows()
    assert rows
    failures = []
    for path, method, family in rows:
        if path == "/api/lapp/token/get":
            continue
        assert path in sim.routes, path
        assert sim.routes[path].method == method
        if family == "lapp":
            params = {"deviceSerial": "C6N000001", **PARAMS.get(path, {})}
            body = unwrap(await api.lapp(path, **params))
            if body["code"] != "200":
                failures.append((path, body))
        else:
            serial, channel, query, json_body = V3.get(
                path, ("C6N000001", None, {}, None)
            )
            status, body = await api.v3(
                method, path, serial, channel=channel, query=query, json_body=json_body
            )
            if status != 200 or body["meta"]["code"] != 200:
                failures.append((path, body))
    assert failures == []
    assert sim.errors == []
