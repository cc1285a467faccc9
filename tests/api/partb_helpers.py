"""Helpers for the part-B endpoint tests: read the simulator's request log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator import Simulator
    from simulator.state import Device


def requests_to(sim: Simulator, path: str) -> list[Any]:
    """Every request the simulator received on ``path``."""
    return [rec for rec in sim.requests if rec.path == path]


def last_request(sim: Simulator, path: str) -> Any:
    """The last request the simulator received on ``path``."""
    recs = requests_to(sim, path)
    assert recs, f"no request to {path}"
    return recs[-1]


def header(rec: Any, name: str) -> str | None:
    """A recorded header, looked up without regard to case."""
    for key, value in rec.headers.items():
        if key.lower() == name.lower():
            return str(value)
    return None


def assert_lapp(rec: Any, expected: dict[str, str]) -> None:
    """A lapp call: POST, form-encoded, token in the form, exactly these params."""
    assert rec.method == "POST"
    assert rec.query == {}
    form = dict(rec.form)
    assert form.pop("accessToken", "").startswith("at.")
    assert form == expected


def assert_v3(
    rec: Any,
    method: str,
    serial: str,
    *,
    query: dict[str, str] | None = None,
    channel: str | None = None,
    body: Any = None,
) -> None:
    """A v3 call: token/serial/channel in headers, the rest in query or body."""
    assert rec.method == method
    assert (header(rec, "accessToken") or "").startswith("at.")
    assert header(rec, "deviceSerial") == serial
    assert header(rec, "channelNo") == channel
    assert rec.query == (query or {})
    assert rec.form == {}
    assert rec.json == body


def pick(sim: Simulator, pred: Callable[[Device], bool]) -> Device:
    """The first device of the account that matches ``pred``."""
    for dev in sim.state.devices.values():
        if pred(dev):
            return dev
    raise AssertionError("the fleet has no matching device")
