"""Push messages: both alarm-type forms, signed, delivered to a loopback receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
import pytest

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from simulator import Simulator

    from .conftest import RawApi

SECRET = "push-key"
PTZ = "C6N000001"
OFFLINE = "C1C000007"


class Receiver:
    """A webhook on loopback that records what it gets and answers the id."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], str]] = []
        self.answer_id = True

    async def handle(self, request: web.Request) -> web.Response:
        text = await request.text()
        self.received.append((dict(request.headers), text))
        message_id = json.loads(text)["header"]["messageId"]
        return web.json_response({"messageId": message_id if self.answer_id else ""})

    def body(self, index: int = -1) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.received[index][1])
        return data


@pytest.fixture
async def receiver(sim: Simulator) -> AsyncIterator[Receiver]:
    """A receiver the simulator pushes to, with a signing key."""
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    sim.push.configure(f"http://127.0.0.1:{port}/hook", secret=SECRET)
    yield rec
    await runner.cleanup()


async def test_alarm_forms(sim: Simulator, receiver: Receiver, api: RawApi) -> None:
    """A number by default, a name per device or per call, a text as given."""
    sent = await sim.push.alarm(PTZ, 10002)
    assert sent.delivered
    headers, text = receiver.received[-1]
    assert headers["message_type"] == "ys.alarm"
    assert headers["Content-Type"].startswith("text/plain")
    expected = hmac.new(
        SECRET.encode(), (text + headers["t"]).encode(), hashlib.sha1
    ).hexdigest()
    assert headers["signature"] == expected
    message = receiver.body()
    assert message["header"]["deviceId"] == PTZ
    assert message["header"]["type"] == "ys.alarm"
    assert message["header"]["messageId"] == sent.message_id
    assert message["body"]["alarmType"] == 10002
    assert message["body"]["devSerial"] == PTZ

    # Recorded: the alarm list shows the same alarm with its number.
    listed = await api.lapp("/api/lapp/alarm/list", status=2, pageSize=50)
    row = next(a for a in listed["data"] if a["alarmId"] == message["body"]["alarmId"])
    assert row["alarmType"] == 10002
    assert row["alarmTime"] == message["body"]["alarmTime"]

    sim.state.devices[PTZ].push_alarm_type = "name"
    await sim.push.alarm(PTZ, 10002)
    assert receiver.body()["body"]["alarmType"] == "motiondetect"
    await sim.push.alarm(PTZ, 10015, form="code")
    assert receiver.body()["body"]["alarmType"] == 10015
    await sim.push.alarm(PTZ, 10016)  # no name known: the number
    assert receiver.body()["body"]["alarmType"] == 10016
    before = len(sim.state.alarms)
    await sim.push.alarm(PTZ, "someNewType")
    assert receiver.body()["body"]["alarmType"] == "someNewType"
    assert len(sim.state.alarms) == before  # no code: not listed


async def test_onoffline_and_delivery(sim: Simulator, receiver: Receiver) -> None:
    """On/offline changes the device and says so; a wrong answer is not delivered."""
    sent = await sim.push.onoffline(OFFLINE, online=True)
    assert sent.delivered
    assert sim.state.devices[OFFLINE].online is True
    assert receiver.body()["body"] == {
        "devSerial": OFFLINE,
        "deviceName": "Bedroom",
        "msgType": "ONLINE",
    }
    receiver.answer_id = False
    assert not (await sim.push.onoffline(OFFLINE, online=False)).delivered
    assert sim.state.devices[OFFLINE].online is False

    receiver.answer_id = True
    sim.push.configure(sim.push.url)  # no key: unsigned
    assert (await sim.push.alarm(PTZ, 10002)).delivered
    assert "signature" not in receiver.received[-1][0]


async def test_control_routes(sim: Simulator, receiver: Receiver) -> None:
    """The ``/_sim/push`` routes drive the same sender."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{sim.base_url}/_sim/push/alarm",
            json={"serial": PTZ, "type": 10002, "form": "name"},
        ) as response,
    ):
        result = await response.json()
    assert result["delivered"] is True
    assert receiver.body()["body"]["alarmType"] == "motiondetect"
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{sim.base_url}/_sim/push/onoffline",
            json={"serial": OFFLINE, "online": True},
        ) as response,
    ):
        assert (await response.json())["delivered"] is True
    assert sim.state.devices[OFFLINE].online is True


async def test_unconfigured_or_unreachable(sim: Simulator) -> None:
    """Without an address sending fails loudly; an unreachable one is recorded."""
    with pytest.raises(RuntimeError):
        await sim.push.alarm(PTZ, 10002)
    sim.push.configure("http://127.0.0.1:9/hook")
    sent = await sim.push.alarm(PTZ, 10002)
    assert not sent.delivered
    assert sent.error is not None
