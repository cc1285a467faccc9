"""The simulator serves every reply shape the reference's examples show.

Each example of ``tests/api/reference_examples.json`` (extracted from the
reference by ``scripts/reference_examples.py``) is compared with what the
simulator answers on the same endpoint: the same wrapper and envelope, and
every member of the example present with the same JSON kind (object, array,
string, number, bool; ``null`` in the example matches anything). Where the
reference shows a wrapper the simulator also serves the plain envelope, so
both shapes appear: ``detector/list`` alternates per device.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .test_endpoints import PARAMS, V3

if TYPE_CHECKING:
    from simulator import Simulator

    from .conftest import RawApi

DATA_FILE = Path(__file__).resolve().parents[1] / "api" / "reference_examples.json"
EXAMPLES: list[dict[str, Any]] = json.loads(DATA_FILE.read_text("utf-8"))["examples"]

DETECTOR_LIST = "/api/lapp/detector/list"
HUB = "A1S000004"
# Per endpoint, the demo device closest to the example's (default: PARAMS).
SERIALS = {
    "/api/lapp/device/capacity": HUB,  # the sample is an A1 hub's set
    "/api/lapp/device/info": HUB,
    "/api/lapp/cloud/storage/device/info": "DB1000003",  # has a second service
}
# A capability set names only what the device has ("capabilities that are
# ... not in the return field are not supported"): compare the shared keys.
DEVICE_SPECIFIC_KEYS = {"/api/lapp/device/capacity"}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return {dict: "object", list: "array", str: "string"}.get(type(value), "null")


def _differences(
    reference: Any, served: Any, where: str = "$", *, shared_keys: bool = False
) -> list[str]:
    """Where ``served`` lacks a member of ``reference`` or has another kind."""
    if reference is None:
        return []
    if _kind(reference) != _kind(served):
        return [f"{where}: {_kind(reference)} in the reference, {_kind(served)} served"]
    found: list[str] = []
    if isinstance(reference, dict):
        for key, value in reference.items():
            if key in served:
                found += _differences(value, served[key], f"{where}.{key}")
            elif not (shared_keys and where == "$.data"):
                found.append(f"{where}.{key}: missing")
    elif isinstance(reference, list) and reference:
        if not served:
            return [f"{where}: empty, the reference shows items"]
        found += _differences(reference[0], served[0], f"{where}[0]")
    return found


async def _serve(api: RawApi, example: dict[str, Any]) -> tuple[int, Any]:
    path = example["path"]
    if example["family"] == "v3":
        serial, channel, query, body = V3.get(path, ("C6N000001", None, {}, None))
        return await api.v3(
            example["method"],
            path,
            serial,
            channel=channel,
            query=query,
            json_body=body,
        )
    if path == "/api/lapp/token/get":
        return 200, await api.login()
    params: dict[str, object] = {"deviceSerial": "C6N000001", **PARAMS.get(path, {})}
    if path in SERIALS:
        params["deviceSerial"] = SERIALS[path]
    if example["operation"] == "Get device time zone":
        params["version"] = "utc"
    return 200, await api.lapp(path, **params)


@pytest.mark.parametrize(
    "example",
    [pytest.param(e, id=f"{e['line']}-{e['path']}") for e in EXAMPLES],
)
async def test_simulator_serves_the_reference_shape(
    api: RawApi, example: dict[str, Any]
) -> None:
    reference = example["json"]
    if "status" in reference and isinstance(reference.get("body"), dict):
        status, reference = reference["status"], reference["body"]  # v3 notation
    else:
        status = 200
    served_status, served = await _serve(api, example)
    if "result" in reference:  # the wrapped sample: the next call is plain
        _, plain = await _serve(api, example)
        assert _differences(reference["result"], plain) == []
    assert served_status == status
    shared = example["path"] in DEVICE_SPECIFIC_KEYS
    assert _differences(reference, served, shared_keys=shared) == []


async def test_detector_list_alternates_per_device(api: RawApi, sim: Simulator) -> None:
    """1st, 3rd, ... call per hub wrapped in "result", the others plain."""
    shapes = []
    for serial in (HUB, HUB, "C6N000001", HUB):
        body = await api.lapp(DETECTOR_LIST, deviceSerial=serial)
        shapes.append(sorted(body))
    wrapped, plain = ["result"], ["code", "data", "msg"]
    assert shapes == [wrapped, plain, wrapped, wrapped]
    assert all(rec.code == 200 for rec in sim.requests if rec.path == DETECTOR_LIST)

    sim.result_wrapper = False
    assert "result" not in await api.lapp(DETECTOR_LIST, deviceSerial=HUB)
    sim.result_wrapper = True
    body = await api.lapp(DETECTOR_LIST, deviceSerial=HUB)
    assert body["result"]["code"] == "200"
    assert len(body["result"]["data"]) == 5

    sim.result_wrapper = None
    sim.reset()  # forgets the count (keeps tokens): the next call is wrapped again
    assert "result" in await api.lapp(DETECTOR_LIST, deviceSerial=HUB)


async def test_errors_and_other_lists_stay_plain(api: RawApi) -> None:
    """Only successes of the wrapped endpoints are wrapped."""
    error = await api.lapp(DETECTOR_LIST, deviceSerial="F00000098")
    assert error == {"code": "20018", "msg": error["msg"]}
    bindable = await api.lapp("/api/lapp/detector/ipc/list/bindable", deviceSerial=HUB)
    assert bindable["code"] == "200"


async def test_cloud_service_detail(api: RawApi) -> None:
    """A device with two kinds of service details the second; others send null."""
    path = "/api/lapp/cloud/storage/device/info"
    detail = (await api.lapp(path, deviceSerial="DB1000003"))["data"]["serviceDetail"]
    assert detail == {
        "userName": "demo",
        "deviceSerial": "DB1000003",
        "channelNo": 1,
        "totalDays": 30,
        "startTime": 1650000000000,
        "expireTime": 1800000000000,
        "status": 0,
    }
    plain = (await api.lapp(path, deviceSerial="C6N000001"))["data"]
    assert plain["serviceDetail"] is None
