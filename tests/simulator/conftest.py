"""Fixtures for the simulator's own tests (raw aiohttp, never the client)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from simulator import Simulator

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


def unwrap(body: dict[str, Any]) -> dict[str, Any]:
    """The lapp envelope of a reply, out of the reference's ``result`` wrapper.

    The simulator serves ``detector/list`` both plain and wrapped in
    ``{"result": {...}}`` as the reference's sample shows (see README).
    """
    inner = body.get("result")
    return inner if set(body) == {"result"} and isinstance(inner, dict) else body


class RawApi:
    """Minimal raw HTTP helper speaking both envelopes."""

    def __init__(self, session: aiohttp.ClientSession, sim: Simulator) -> None:
        self.session = session
        self.sim = sim
        self.token = ""
        self.area_domain = ""

    async def login(self) -> dict[str, Any]:
        async with self.session.post(
            self.sim.base_url + "/api/lapp/token/get",
            data={"appKey": self.sim.app_key, "appSecret": self.sim.app_secret},
        ) as resp:
            body: dict[str, Any] = await resp.json()
        self.token = body["data"]["accessToken"]
        self.area_domain = body["data"]["areaDomain"]
        return body

    async def lapp(
        self, path: str, base: str | None = None, **form: Any
    ) -> dict[str, Any]:
        data = {"accessToken": self.token, **{k: str(v) for k, v in form.items()}}
        async with self.session.post(
            (base or self.area_domain) + path, data=data
        ) as resp:
            assert resp.status == 200
            result: dict[str, Any] = await resp.json()
        return result

    async def v3(
        self,
        method: str,
        path: str,
        serial: str,
        *,
        channel: int | None = None,
        query: dict[str, Any] | None = None,
        json_body: Any = None,
    ) -> tuple[int, dict[str, Any]]:
        headers = {"accessToken": self.token, "deviceSerial": serial}
        if channel is not None:
            headers["channelNo"] = str(channel)
        params = {k: str(v) for k, v in (query or {}).items()}
        async with self.session.request(
            method,
            self.area_domain + path,
            headers=headers,
            params=params,
            json=json_body,
        ) as resp:
            body: dict[str, Any] = await resp.json()
            return resp.status, body


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[Simulator]:
    """A demo simulator on an ephemeral loopback port."""
    async with Simulator("demo") as simulator:
        yield simulator
        assert simulator.errors == []


@pytest.fixture
async def api(sim: Simulator) -> AsyncIterator[RawApi]:
    """A logged-in raw API helper."""
    async with aiohttp.ClientSession() as session:
        helper = RawApi(session, sim)
        await helper.login()
        yield helper
