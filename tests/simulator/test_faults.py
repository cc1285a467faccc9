"""Fault injection and the /_sim control endpoints."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from simulator import Simulator

    from .conftest import RawApi

LIST = "/api/lapp/device/list"


async def test_error_code_fault_times(api: RawApi, sim: Simulator) -> None:
    sim.faults.error(LIST, 49999, times=1)
    assert (await api.lapp(LIST))["code"] == "49999"
    assert (await api.lapp(LIST))["code"] == "200"
    sim.faults.error("*", 20007, times=1)
    status, body = await api.v3(
        "GET", "/api/v3/device/switchStatus/get", "C6N000001", query={"type": 301}
    )
    assert (status, body["meta"]["code"]) == (412, 20007)


async def test_http_and_body_faults(api: RawApi, sim: Simulator) -> None:
    url = api.area_domain + LIST
    form = {"accessToken": api.token}
    sim.faults.http_error(LIST, 502, times=1)
    async with api.session.post(url, data=form) as resp:
        assert resp.status == 502
        assert resp.content_type == "text/html"
    for kind in ("malformed", "truncated", "html", "empty", "non_json"):
        sim.faults.bad_body(LIST, kind, times=1)
        async with api.session.post(url, data=form) as resp:
            assert resp.status == 200
            text = await resp.text()
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)


async def test_latency(api: RawApi, sim: Simulator) -> None:
    sim.faults.latency(LIST, 0.2, times=1)
    start = time.monotonic()
    await api.lapp(LIST)
    assert time.monotonic() - start >= 0.2


async def test_rate_limit_and_quota(api: RawApi, sim: Simulator) -> None:
    rule = sim.faults.rate_limit(LIST, after=2, window=60)
    codes = [(await api.lapp(LIST))["code"] for _ in range(4)]
    assert codes == ["200", "200", "10029", "10029"]
    sim.faults.remove(rule)
    sim.faults.quota("*", after=1)
    assert (await api.lapp(LIST))["code"] == "200"
    assert (await api.lapp("/api/lapp/camera/list"))["code"] == "10007"
    # token/get is not covered by "*" unless asked
    assert (await api.login())["code"] == "200"


async def test_probability_is_seeded(api: RawApi, sim: Simulator) -> None:
    async def run() -> list[str]:
        sim.faults.clear()
        sim.faults.seed(42)
        sim.faults.add(LIST, code=50000, probability=0.5)
        return [(await api.lapp(LIST))["code"] for _ in range(10)]

    first = await run()
    assert first == await run()
    assert "200" in first
    assert "50000" in first


async def test_control_endpoints(api: RawApi, sim: Simulator) -> None:
    base = sim.base_url
    async with api.session.post(
        f"{base}/_sim/faults", json={"path": LIST, "code": 10029, "times": 1}
    ) as resp:
        rule = await resp.json()
    assert rule["code"] == 10029
    assert (await api.lapp(LIST))["code"] == "10029"
    async with api.session.post(
        f"{base}/_sim/faults", json={"path": LIST, "code": 1}
    ) as resp:
        assert resp.status == 200
    async with api.session.delete(f"{base}/_sim/faults") as resp:
        assert resp.status == 200
    assert sim.faults.rules == []
    async with api.session.post(
        f"{base}/_sim/devices/c6n000001/online", json={"online": False}
    ) as resp:
        assert (await resp.json())["online"] is False
    body = await api.lapp("/api/lapp/device/info", deviceSerial="C6N000001")
    assert body["data"]["status"] == 0
    async with api.session.get(f"{base}/_sim/requests", params={"path": LIST}) as resp:
        log = await resp.json()
    assert log[0]["form"]["accessToken"] == api.token
    assert log[0]["area"] == "eu"
    async with api.session.get(f"{base}/_sim/count", params={"path": LIST}) as resp:
        assert (await resp.json())["count"] == 1
    async with api.session.post(f"{base}/_sim/reset") as resp:
        assert resp.status == 200
    assert sim.state.devices["C6N000001"].online
    assert sim.count() == 0
    async with api.session.post(f"{base}/_sim/tokens/expire") as resp:
        assert resp.status == 200
    assert (await api.lapp(LIST))["code"] == "10002"
