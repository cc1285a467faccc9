"""Token flow, area routing, envelopes, paging, request log."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp

from simulator import Simulator, generate_fleet

from .conftest import RawApi

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory

TOKEN = "/api/lapp/token/get"


async def test_token_reply_and_area(api: RawApi, sim: Simulator) -> None:
    body = await api.login()
    assert body["code"] == "200"
    data = body["data"]
    assert data["accessToken"].startswith("at.")
    assert data["areaDomain"] == f"{sim.base_url}/area/eu"
    assert data["expireTime"] > sim.now() * 1000 + 6 * 86400 * 1000
    ok = await api.lapp("/api/lapp/device/list")
    assert ok["code"] == "200"
    # the root (or another area) does not accept the token
    root = await api.lapp("/api/lapp/device/list", base=sim.base_url)
    assert root["code"] == "10002"
    other = await api.lapp("/api/lapp/device/list", base=f"{sim.base_url}/area/us")
    assert other["code"] == "10002"


async def test_token_errors(api: RawApi, sim: Simulator) -> None:
    url = sim.base_url + TOKEN
    cases = [
        ({"appKey": "nope", "appSecret": sim.app_secret}, "10017"),
        ({"appKey": sim.app_key, "appSecret": "wrong"}, "10030"),
        ({"appKey": sim.app_key}, "10001"),
    ]
    for form, code in cases:
        async with api.session.post(url, data=form) as resp:
            assert resp.status == 200
            assert (await resp.json())["code"] == code
    old_secret = sim.app_secret
    sim.set_app_secret("rotated")
    async with api.session.post(
        url, data={"appKey": sim.app_key, "appSecret": old_secret}
    ) as resp:
        assert (await resp.json())["code"] == "10030"


async def test_token_expiry_and_renewal(
    api: RawApi, sim: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    freezer.tick(8 * 86400)
    assert (await api.lapp("/api/lapp/device/list"))["code"] == "10002"
    await api.login()
    assert (await api.lapp("/api/lapp/device/list"))["code"] == "200"
    sim.expire_tokens()
    assert (await api.lapp("/api/lapp/device/list"))["code"] == "10002"
    sim.set_area("us")
    await api.login()
    assert api.area_domain.endswith("/area/us")
    assert (await api.lapp("/api/lapp/device/list"))["code"] == "200"


async def test_lapp_token_must_be_in_form(api: RawApi, sim: Simulator) -> None:
    url = api.area_domain + "/api/lapp/device/list"
    async with api.session.post(url, params={"accessToken": api.token}) as resp:
        assert (await resp.json())["code"] == "10002"
    async with api.session.post(url, json={"accessToken": api.token}) as resp:
        assert (await resp.json())["code"] == "10002"


async def test_lapp_envelope_and_page(api: RawApi) -> None:
    body = await api.lapp("/api/lapp/camera/list", pageStart=0, pageSize=3)
    assert body["code"] == "200"
    assert isinstance(body["msg"], str)
    assert body["page"] == {"total": 9, "page": 0, "size": 3}
    assert len(body["data"]) == 3
    default = await api.lapp("/api/lapp/device/list")
    assert default["page"]["size"] == 10
    too_big = await api.lapp("/api/lapp/device/list", pageSize=51)
    assert too_big["code"] == "10001"


async def test_paging_120_devices(socket_enabled: None) -> None:
    async with (
        Simulator(generate_fleet(120)) as sim,
        aiohttp.ClientSession() as session,
    ):
        api = RawApi(session, sim)
        await api.login()
        serials: list[str] = []
        for page in range(3):
            body = await api.lapp("/api/lapp/device/list", pageStart=page, pageSize=50)
            assert body["page"]["total"] == 120
            serials += [d["deviceSerial"] for d in body["data"]]
        assert len(serials) == len(set(serials)) == 120
        assert all(s == s.upper() for s in serials)


async def test_device_errors(api: RawApi) -> None:
    info = "/api/lapp/device/info"
    assert (await api.lapp(info, deviceSerial="ZZ0000000"))["code"] == "20002"
    assert (await api.lapp(info, deviceSerial="F00000099"))["code"] == "20018"
    assert (await api.lapp(info))["code"] == "10001"
    assert (await api.lapp(info, deviceSerial="bad serial!"))["code"] == "20014"
    capture = await api.lapp(
        "/api/lapp/device/capture", deviceSerial="DB1000003", channelNo=1
    )
    assert capture["code"] == "10026"
    offline = await api.lapp(
        "/api/lapp/device/capture", deviceSerial="C1C000007", channelNo=1
    )
    assert offline["code"] == "20007"


async def test_device_info_utc(api: RawApi) -> None:
    plain = await api.lapp("/api/lapp/device/info", deviceSerial="A1S000004")
    assert "timeZone" not in plain["data"]
    utc = await api.lapp(
        "/api/lapp/device/info", deviceSerial="A1S000004", version="utc"
    )
    assert utc["data"]["timeZone"].startswith("UTC")
    assert utc["data"]["defence"] == 8


async def test_v3_envelope_and_errors(api: RawApi) -> None:
    path = "/api/v3/device/switchStatus/get"
    status, body = await api.v3("GET", path, "C6N000001", query={"type": 301})
    assert status == 200
    assert body["meta"]["code"] == 200
    assert body["data"] == {"subSerial": "C6N000001", "type": 301, "enable": 0}
    status, body = await api.v3(
        "POST",
        "/api/v3/device/switchStatus/set",
        "C1C000007",
        query={"type": 22, "enable": 1},
    )
    assert (status, body["meta"]["code"]) == (412, 20007)
    status, body = await api.v3("GET", path, "C6N000001", query={"type": 999})
    assert (status, body["meta"]["code"]) == (422, 60020)
    status, body = await api.v3("GET", path, "C6N000001")
    assert (status, body["meta"]["code"]) == (400, 10001)
    status, body = await api.v3("GET", path, "ZZ0000000", query={"type": 301})
    assert (status, body["meta"]["code"]) == (404, 20002)
    api.token = "at.bogus"
    status, body = await api.v3("GET", path, "C6N000001", query={"type": 301})
    assert (status, body["meta"]["code"]) == (401, 10002)


async def test_v3_serial_must_be_header(api: RawApi) -> None:
    url = api.area_domain + "/api/v3/device/switchStatus/get"
    params = {"accessToken": api.token, "deviceSerial": "C6N000001", "type": "301"}
    async with api.session.get(url, params=params) as resp:
        assert resp.status == 401
        assert (await resp.json())["meta"]["code"] == 10002


async def test_request_log(api: RawApi, sim: Simulator) -> None:
    sim.reset_log()
    await api.lapp("/api/lapp/device/info", deviceSerial="C6N000001")
    await api.v3(
        "GET", "/api/v3/device/switchStatus/get", "C6N000001", query={"type": 301}
    )
    lapp_rec, v3_rec = sim.requests
    assert lapp_rec.path == "/api/lapp/device/info"
    assert lapp_rec.area == "eu"
    assert lapp_rec.form == {"accessToken": api.token, "deviceSerial": "C6N000001"}
    assert lapp_rec.query == {}
    assert v3_rec.query == {"type": "301"}
    assert v3_rec.headers["deviceSerial"] == "C6N000001"
    assert v3_rec.code == 200
    assert sim.count("/api/lapp/device/info") == 1
    assert sim.count() == 2
