"""Transport tests: tokens, both envelopes, paging, errors, limits, logging."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from enum import IntEnum, StrEnum
import logging
import socket
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.ezviz_open.api.client import (
    CHINA_BASE_URL,
    GLOBAL_BASE_URL,
    TOKEN_PATH,
    BaseClient,
    LappReply,
    Page,
    TokenInfo,
    normalise_url,
)
from custom_components.ezviz_open.api.errors import (
    EzvizApiError,
    EzvizAuthError,
    EzvizConnectionError,
    EzvizDeviceOfflineError,
    EzvizError,
    EzvizNotFoundError,
    EzvizNotSupportedError,
    EzvizParameterError,
    EzvizRateLimitError,
    EzvizResponseError,
    EzvizServerError,
    EzvizTimeoutError,
    EzvizTokenRejectedError,
)
from simulator import Simulator
from simulator.fleet import generate_fleet

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory

    from custom_components.ezviz_open.api import EzvizOpenClient

DEVICE_LIST = "/api/lapp/device/list"
SWITCH_GET = "/api/v3/device/switchStatus/get"
SWITCH_SET = "/api/v3/device/switchStatus/set"
TIMING_SET = "/api/v3/device/timing/plan/set"
FORMAT_DISK = "/api/v3/device/format/disk"

type StartServer = Callable[
    [Callable[[web.Request], Awaitable[web.StreamResponse]]], Awaitable[str]
]


def _records(sim: Simulator, path: str) -> list[Any]:
    return [r for r in sim.requests if r.path == path]


def _serial(sim: Simulator) -> str:
    return next(iter(sim.state.devices))


def _token_payload(
    area: str | None = None, expire_ms: int = 4_102_444_800_000
) -> dict[str, Any]:
    data: dict[str, Any] = {"accessToken": "at.local-token", "expireTime": expire_ms}
    if area is not None:
        data["areaDomain"] = area
    return {"code": "200", "msg": "ok", "data": data}


async def _local_client(
    local_server: StartServer,
    session: aiohttp.ClientSession,
    answer: Callable[[web.Request], Awaitable[web.StreamResponse]],
    **kwargs: Any,
) -> BaseClient:
    """A client against a local server: token/get works, ``answer`` does the rest."""

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path == TOKEN_PATH:
            return web.json_response(_token_payload())
        return await answer(request)

    url = await local_server(handler)
    return BaseClient(session, "key", "secret", base_url=url, **kwargs)


# --------------------------------------------------------------------- tokens


async def test_token_minted_once_and_reused(
    simulator: Simulator, base_client: BaseClient, minted_tokens: list[TokenInfo]
) -> None:
    """One token/get serves many calls; calls go to the token's areaDomain."""
    await base_client._lapp(DEVICE_LIST, {"pageStart": 0, "pageSize": 10})
    await base_client._lapp(DEVICE_LIST, {"pageStart": 0, "pageSize": 10})

    assert simulator.count(TOKEN_PATH) == 1
    token_request = _records(simulator, TOKEN_PATH)[0]
    assert token_request.area is None  # minted on the base URL
    assert token_request.form == {
        "appKey": simulator.app_key,
        "appSecret": simulator.app_secret,
    }
    calls = _records(simulator, DEVICE_LIST)
    assert [r.area for r in calls] == [simulator.area, simulator.area]
    assert len(minted_tokens) == 1
    token = minted_tokens[0]
    assert calls[0].form["accessToken"] == token.access_token
    assert token.area_domain == simulator.area_domain
    assert base_client.token == token
    assert base_client.api_url == simulator.area_domain
    assert base_client.base_url == simulator.base_url


async def test_get_access_token(
    simulator: Simulator, base_client: BaseClient, minted_tokens: list[TokenInfo]
) -> None:
    """get_access_token returns the cached token unless forced."""
    first = await base_client.get_access_token()
    assert await base_client.get_access_token() is first
    forced = await base_client.get_access_token(force=True)
    assert forced.access_token != first.access_token
    assert simulator.count(TOKEN_PATH) == 2
    assert minted_tokens == [first, forced]


async def test_token_from_constructor_is_reused(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    """A stored token (e.g. from a restart) is used without a token request."""
    record = simulator.issue_token()
    stored = TokenInfo.from_dict(simulator.token_reply(record))
    assert stored is not None
    minted: list[TokenInfo] = []
    client = BaseClient(
        session,
        simulator.app_key,
        simulator.app_secret,
        base_url=simulator.base_url,
        token=stored,
        on_token=minted.append,
    )
    await client._lapp(DEVICE_LIST, {"pageStart": 0, "pageSize": 10})
    assert simulator.count(TOKEN_PATH) == 0
    assert _records(simulator, DEVICE_LIST)[0].form["accessToken"] == record.token
    assert minted == []


async def test_token_renewed_before_expiry(
    simulator: Simulator,
    base_client: BaseClient,
    minted_tokens: list[TokenInfo],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The token is renewed renew_margin (300 s) before it expires, not earlier."""
    await base_client._lapp(DEVICE_LIST)
    lifetime = simulator.token_lifetime
    freezer.tick(lifetime - 400)
    await base_client._lapp(DEVICE_LIST)
    assert simulator.count(TOKEN_PATH) == 1

    freezer.tick(200)  # now 200 s before expiry: inside the margin
    await base_client._lapp(DEVICE_LIST)
    assert simulator.count(TOKEN_PATH) == 2
    assert len(minted_tokens) == 2
    assert minted_tokens[1].expire_time_ms > minted_tokens[0].expire_time_ms


async def test_expired_token_renewed_once_and_call_retried(
    simulator: Simulator, base_client: BaseClient, minted_tokens: list[TokenInfo]
) -> None:
    """10002 leads to one renewal and one retry of the call."""
    await base_client._lapp(DEVICE_LIST)
    simulator.expire_tokens()  # the cloud revoked it before its expireTime
    reply = await base_client._lapp(DEVICE_LIST)

    assert isinstance(reply.data, list)
    assert simulator.count(TOKEN_PATH) == 2
    assert simulator.count(DEVICE_LIST) == 3
    calls = _records(simulator, DEVICE_LIST)
    assert calls[1].form["accessToken"] == minted_tokens[0].access_token
    assert calls[2].form["accessToken"] == minted_tokens[1].access_token


async def test_expired_token_on_v3_renewed(
    simulator: Simulator, base_client: BaseClient
) -> None:
    """v3 answers 10002 with an HTTP error status; the body decides."""
    simulator.faults.error(SWITCH_GET, 10002, times=1)
    serial = _serial(simulator)
    data = await base_client._v3("GET", SWITCH_GET, serial=serial, query={"type": 301})
    assert isinstance(data, dict)
    assert simulator.count(TOKEN_PATH) == 2
    assert simulator.count(SWITCH_GET) == 2


async def test_repeated_10002_is_not_an_auth_error(
    simulator: Simulator, base_client: BaseClient
) -> None:
    """A second 10002 after the renewal is raised; no loop.

    It is not an EzvizAuthError: the credentials minted the new token, so
    asking the user for a new secret would not help.
    """
    simulator.faults.error(DEVICE_LIST, 10002)
    with pytest.raises(EzvizTokenRejectedError) as info:
        await base_client._lapp(DEVICE_LIST)
    assert info.value.code == 10002
    assert info.value.endpoint == DEVICE_LIST
    assert simulator.count(TOKEN_PATH) == 2
    assert simulator.count(DEVICE_LIST) == 2
    assert not isinstance(info.value, EzvizAuthError)


async def test_concurrent_calls_share_one_token_request(
    simulator: Simulator, base_client: BaseClient
) -> None:
    """Ten concurrent calls without a token cause exactly one token request."""
    await asyncio.gather(*(base_client._lapp(DEVICE_LIST) for _ in range(10)))
    assert simulator.count(TOKEN_PATH) == 1
    assert simulator.count(DEVICE_LIST) == 10


async def test_concurrent_10002_share_one_renewal(
    simulator: Simulator, base_client: BaseClient
) -> None:
    """Calls that all meet 10002 at once renew the token only once."""
    await base_client._lapp(DEVICE_LIST)
    simulator.expire_tokens()
    await asyncio.gather(*(base_client._lapp(DEVICE_LIST) for _ in range(10)))
    assert simulator.count(TOKEN_PATH) == 2


async def test_changed_area_domain_is_followed(
    simulator: Simulator, base_client: BaseClient, minted_tokens: list[TokenInfo]
) -> None:
    """After a renewal naming another areaDomain, calls go there."""
    await base_client._lapp(DEVICE_LIST)
    simulator.set_area("us")
    simulator.expire_tokens()
    await base_client._lapp(DEVICE_LIST)

    assert [r.area for r in _records(simulator, DEVICE_LIST)] == ["eu", "eu", "us"]
    assert minted_tokens[-1].area_domain == f"{simulator.base_url}/area/us"
    assert base_client.api_url == f"{simulator.base_url}/area/us"


async def test_missing_area_domain_keeps_base_url(
    simulator: Simulator, base_client: BaseClient, minted_tokens: list[TokenInfo]
) -> None:
    """A token reply without areaDomain (China) keeps using the base URL."""
    simulator.omit_area_domain = True
    await base_client._lapp(DEVICE_LIST)
    assert minted_tokens[0].area_domain is None
    assert _records(simulator, DEVICE_LIST)[0].area is None
    assert base_client.api_url == simulator.base_url


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (lambda sim: setattr(sim, "app_secret", "other"), 10030),
        (lambda sim: setattr(sim, "app_key", "other"), 10017),
        (lambda sim: setattr(sim, "app_frozen", True), 10005),
    ],
)
async def test_bad_credentials_raise_auth_error(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    setup: Callable[[Simulator], None],
    code: int,
) -> None:
    """Wrong key, wrong secret or a frozen app are EzvizAuthError."""
    client = BaseClient(
        session, simulator.app_key, simulator.app_secret, base_url=simulator.base_url
    )
    setup(simulator)
    with pytest.raises(EzvizAuthError) as info:
        await client._lapp(DEVICE_LIST)
    assert info.value.code == code
    assert info.value.endpoint == TOKEN_PATH
    assert simulator.count(DEVICE_LIST) == 0


@pytest.mark.parametrize("code", [1014, 10001, 10013, 10014, 10018])
async def test_token_error_codes_raise_auth_error(
    simulator: Simulator, base_client: BaseClient, code: int
) -> None:
    """Every credential error of token/get is an EzvizAuthError (10001 too)."""
    simulator.faults.error(TOKEN_PATH, code)
    with pytest.raises(EzvizAuthError) as info:
        await base_client.get_access_token()
    assert info.value.code == code
    assert simulator.count(TOKEN_PATH) == 1


async def test_token_server_error_is_not_auth(
    simulator: Simulator, base_client: BaseClient
) -> None:
    """49999 on token/get is a server error, not a credentials problem."""
    simulator.faults.error(TOKEN_PATH, 49999)
    with pytest.raises(EzvizServerError):
        await base_client.get_access_token()


@pytest.mark.parametrize(
    "data",
    [
        {"expireTime": 1},
        {"accessToken": "at.x"},
        {"accessToken": "", "expireTime": 4_102_444_800_000},
        {"accessToken": "at.x", "expireTime": "soon"},
        ["at.x"],
        None,
    ],
)
async def test_token_reply_without_token_is_response_error(
    local_server: StartServer, session: aiohttp.ClientSession, data: Any
) -> None:
    """A token reply lacking accessToken or expireTime is EzvizResponseError."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.json_response({"code": "200", "msg": "ok", "data": data})

    url = await local_server(handler)
    client = BaseClient(session, "key", "secret", base_url=url)
    with pytest.raises(EzvizResponseError) as info:
        await client.get_access_token()
    assert info.value.endpoint == TOKEN_PATH


async def test_token_reply_variants(
    local_server: StartServer, session: aiohttp.ClientSession
) -> None:
    """expireTime in seconds, a bare areaDomain host and a trailing slash."""
    replies = iter(
        [
            {
                "accessToken": "at.a",
                "expireTime": 4_102_444_800,
                "areaDomain": "x.example.com/",
            },
            {"accessToken": "at.b", "expireTime": "4102444800000", "areaDomain": ""},
        ]
    )

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.json_response({"code": 200, "data": next(replies)})

    url = await local_server(handler)
    client = BaseClient(session, "key", "secret", base_url=url + "/")
    first = await client.get_access_token()
    assert first.expire_time_ms == 4_102_444_800_000
    assert first.area_domain == "https://x.example.com"
    second = await client.get_access_token(force=True)
    assert second.area_domain is None
    assert second.expire_time_ms == 4_102_444_800_000
    assert client.base_url == url


async def test_on_token_receives_every_new_token(
    simulator: Simulator, base_client: BaseClient, minted_tokens: list[TokenInfo]
) -> None:
    """on_token sees each minted token; it round-trips through as_dict."""
    await base_client.get_access_token()
    await base_client.get_access_token(force=True)
    assert len(minted_tokens) == 2
    for token in minted_tokens:
        assert TokenInfo.from_dict(token.as_dict()) == token
        assert token.access_token in simulator.tokens


def test_token_info_dict_and_repr() -> None:
    """TokenInfo stores and restores leniently and never shows the token."""
    token = TokenInfo(
        "at.secret-token", 1_700_000_000_000, "https://iusopen.ezvizlife.com"
    )
    assert "at.secret-token" not in repr(token)
    assert token.as_dict() == {
        "access_token": "at.secret-token",
        "expire_time_ms": 1_700_000_000_000,
        "area_domain": "https://iusopen.ezvizlife.com",
    }
    assert TokenInfo.from_dict(token.as_dict()) == token
    cloud = {
        "accessToken": "at.x",
        "expireTime": "1700000000",
        "areaDomain": "host.example",
    }
    assert TokenInfo.from_dict(cloud) == TokenInfo(
        "at.x", 1_700_000_000_000, "https://host.example"
    )
    assert TokenInfo.from_dict(
        {"access_token": "at.x", "expire_time_ms": 1}
    ) == TokenInfo("at.x", 1000, None)
    assert TokenInfo.from_dict(None) is None
    assert TokenInfo.from_dict({}) is None
    assert TokenInfo.from_dict({"access_token": "at.x"}) is None
    assert TokenInfo.from_dict({"access_token": "at.x", "expire_time_ms": -5}) is None
    assert TokenInfo.from_dict({"access_token": "", "expire_time_ms": 5}) is None
    assert token.expires_at == 1_700_000_000
    assert token.is_valid(now=1_699_999_000)
    assert not token.is_valid(margin=2000, now=1_699_999_000)
    assert not token.is_valid()  # 2023 is in the past


def test_client_repr_hides_secrets(session: aiohttp.ClientSession) -> None:
    """repr shows neither the app secret nor the token."""
    token = TokenInfo("at.secret-token", 1, None)
    client = BaseClient(session, "appkey123456", "very-secret", token=token)
    text = repr(client)
    assert "very-secret" not in text
    assert "at.secret-token" not in text
    assert "appkey123456" not in text
    assert GLOBAL_BASE_URL in text
    assert client.max_concurrent_requests == 4
    assert (
        BaseClient(session, "", "s", max_concurrent_requests=0).max_concurrent_requests
        == 1
    )


def test_normalise_url() -> None:
    """Base URLs lose their trailing slash; a bare host gets https://."""
    assert normalise_url(" https://open.ys7.com/ ") == CHINA_BASE_URL
    assert normalise_url("open.ezvizlife.com") == GLOBAL_BASE_URL
    assert normalise_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert normalise_url("") == ""


# ------------------------------------------------------------------- envelopes


class _Mode(StrEnum):
    SMART = "2"


class _Level(IntEnum):
    HIGH = 3


async def test_lapp_form_parameters(
    simulator: Simulator, base_client: BaseClient
) -> None:
    """Form values: None dropped, ints/enums as text, lists as JSON."""
    await base_client._lapp(
        DEVICE_LIST,
        {
            "pageStart": 0,
            "pageSize": _Level.HIGH,
            "mode": _Mode.SMART,
            "skip": None,
            "ratio": 0.5,
            "ids": [1, "a"],
            "other": SimpleNamespace(),
        },
    )
    form = _records(simulator, DEVICE_LIST)[0].form
    assert form["pageStart"] == "0"
    assert form["pageSize"] == "3"
    assert form["mode"] == "2"
    assert "skip" not in form
    assert form["ratio"] == "0.5"
    assert form["ids"] == '[1,"a"]'
    assert form["other"] == "namespace()"
    assert set(form) == {
        "pageStart",
        "pageSize",
        "mode",
        "ratio",
        "ids",
        "other",
        "accessToken",
    }
    request = _records(simulator, DEVICE_LIST)[0]
    assert request.method == "POST"
    assert request.headers["Content-Type"].startswith(
        "application/x-www-form-urlencoded"
    )


async def test_bool_parameter_is_rejected(base_client: BaseClient) -> None:
    """The documented wire value (0/1, 8/16, ...) must be passed, never a bool."""
    with pytest.raises(TypeError):
        await base_client._lapp(DEVICE_LIST, {"enable": True})


async def test_lapp_reply_page(simulator: Simulator, base_client: BaseClient) -> None:
    """A list call returns data and page."""
    reply = await base_client._lapp(DEVICE_LIST, {"pageStart": 0, "pageSize": 2})
    assert isinstance(reply, LappReply)
    assert isinstance(reply.data, list)
    assert reply.page is not None
    assert reply.page.total == len(simulator.state.devices)
    assert reply.page.size == 2


async def test_lapp_success_without_data(
    local_server: StartServer, session: aiohttp.ClientSession
) -> None:
    """A success reply may have no data member; the code may be an int."""

    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response({"code": 200, "msg": "操作成功"})

    client = await _local_client(local_server, session, answer)
    assert await client._lapp("/api/lapp/device/name/update") == LappReply(None, None)


async def test_v3_request_shape(simulator: Simulator, base_client: BaseClient) -> None:
    """v3: token, serial and channel in headers; parameters in the query."""
    serial = _serial(simulator)
    with contextlib.suppress(EzvizApiError):  # only the request matters here
        await base_client._v3(
            "post",
            SWITCH_SET,
            serial=serial,
            channel=2,
            query={"type": 301, "enable": 1, "unset": None},
        )
    request = _records(simulator, SWITCH_SET)[0]
    assert request.method == "POST"
    assert request.area == simulator.area
    assert request.headers["accessToken"] == base_client.token.access_token  # type: ignore[union-attr]
    assert request.headers["deviceSerial"] == serial
    assert request.headers["channelNo"] == "2"
    assert request.query == {"type": "301", "enable": "1"}
    assert request.form == {}


async def test_v3_json_body_and_put(
    simulator: Simulator, base_client: BaseClient
) -> None:
    """A JSON body is sent as JSON; PUT is sent as PUT; no channelNo unless given."""
    serial = _serial(simulator)
    body = {"plans": [{"beginTime": "00:00", "endTime": "23:59"}]}
    for method, path, json_body in (
        ("POST", TIMING_SET, body),
        ("PUT", FORMAT_DISK, None),
    ):
        with contextlib.suppress(EzvizApiError):  # only the request matters here
            await base_client._v3(method, path, serial=serial, json_body=json_body)
    timing = _records(simulator, TIMING_SET)[0]
    assert timing.json == body
    assert "channelNo" not in timing.headers
    fmt = _records(simulator, FORMAT_DISK)[0]
    assert fmt.method == "PUT"
    assert fmt.json is None


async def test_v3_returns_data(
    local_server: StartServer, session: aiohttp.ClientSession
) -> None:
    """The data member of a v3 success reply is returned (string code accepted)."""
    seen: list[web.Request] = []

    async def answer(request: web.Request) -> web.StreamResponse:
        seen.append(request)
        return web.json_response(
            {"meta": {"code": "200", "message": "ok"}, "data": {"enable": 1}}
        )

    client = await _local_client(local_server, session, answer)
    data = await client._v3("GET", SWITCH_GET, serial="ABC", query={"type": 301})
    assert data == {"enable": 1}
    assert seen[0].headers["accessToken"] == "at.local-token"
    assert seen[0].query["type"] == "301"


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (20007, EzvizDeviceOfflineError),
        (20018, EzvizNotFoundError),
        (60020, EzvizNotSupportedError),
        (10001, EzvizParameterError),
        (10005, EzvizAuthError),
        (50000, EzvizServerError),
        (12345, EzvizApiError),
    ],
)
async def test_lapp_error_codes(
    simulator: Simulator, base_client: BaseClient, code: int, error: type[EzvizApiError]
) -> None:
    """A lapp error code (string, HTTP 200) raises its class with code and endpoint."""
    simulator.faults.error(DEVICE_LIST, code, message="无法")
    with pytest.raises(error) as info:
        await base_client._lapp(DEVICE_LIST)
    assert type(info.value) is error
    assert info.value.code == code
    assert info.value.endpoint == DEVICE_LIST
    assert info.value.message == "无法"
    assert info.value.http_status == 200


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        (20007, None, EzvizDeviceOfflineError),
        (60020, None, EzvizNotSupportedError),
        (20002, None, EzvizNotFoundError),
        (49999, None, EzvizServerError),
        (20007, 200, EzvizDeviceOfflineError),  # body wins over a 200 status
    ],
)
async def test_v3_error_codes(
    simulator: Simulator,
    base_client: BaseClient,
    code: int,
    status: int | None,
    error: type[EzvizApiError],
) -> None:
    """v3 errors come with HTTP 4xx/5xx and a body code: the body decides."""
    simulator.faults.add(SWITCH_GET, code=code, http_status=status)
    with pytest.raises(error) as info:
        await base_client._v3(
            "GET", SWITCH_GET, serial=_serial(simulator), query={"type": 301}
        )
    assert info.value.code == code
    assert info.value.endpoint == SWITCH_GET


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, EzvizServerError),
        (502, EzvizServerError),
        (503, EzvizServerError),
        (404, EzvizNotFoundError),
        (412, EzvizDeviceOfflineError),
        (401, EzvizAuthError),
        (429, EzvizRateLimitError),
        (418, EzvizResponseError),
    ],
)
async def test_v3_http_status_without_envelope(
    simulator: Simulator, base_client: BaseClient, status: int, error: type[EzvizError]
) -> None:
    """Without an envelope the HTTP status decides (HTML error pages)."""
    simulator.faults.http_error(SWITCH_GET, status)
    with pytest.raises(error) as info:
        await base_client._v3(
            "GET", SWITCH_GET, serial=_serial(simulator), query={"type": 301}
        )
    assert type(info.value) is error
    assert info.value.code is None
    assert info.value.http_status == status
    assert simulator.count(SWITCH_GET) == 1


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, EzvizServerError),
        (503, EzvizServerError),
        (429, EzvizRateLimitError),
        (404, EzvizResponseError),  # a wrong URL, not a missing device
        (401, EzvizResponseError),
    ],
)
async def test_lapp_http_status_without_envelope(
    simulator: Simulator, base_client: BaseClient, status: int, error: type[EzvizError]
) -> None:
    """lapp answers HTTP 200; any other status without envelope is a gateway's."""
    simulator.faults.http_error(DEVICE_LIST, status)
    with pytest.raises(error) as info:
        await base_client._lapp(DEVICE_LIST)
    assert type(info.value) is error
    assert info.value.http_status == status


@pytest.mark.parametrize(
    "kind", ["malformed", "truncated", "html", "empty", "non_json"]
)
@pytest.mark.parametrize("v3", [False, True])
async def test_broken_bodies_are_response_errors(
    simulator: Simulator, base_client: BaseClient, kind: str, v3: bool
) -> None:
    """Non-JSON, truncated JSON, HTML and empty bodies raise EzvizResponseError."""
    await base_client.get_access_token()
    path = SWITCH_GET if v3 else DEVICE_LIST
    simulator.faults.bad_body(path, kind)
    call = (
        base_client._v3("GET", path, serial=_serial(simulator), query={"type": 301})
        if v3
        else base_client._lapp(path)
    )
    with pytest.raises(EzvizResponseError) as info:
        await call
    assert info.value.endpoint == path
    assert simulator.count(path) == 1


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"data": []},
        {"code": "OK"},
        {"code": True},
        {"meta": {"code": None}},
        {"meta": "200"},
        "200",
        None,
    ],
)
async def test_json_that_is_not_the_envelope(
    local_server: StartServer, session: aiohttp.ClientSession, payload: Any
) -> None:
    """JSON without a usable code is EzvizResponseError."""

    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response(payload)

    client = await _local_client(local_server, session, answer)
    with pytest.raises(EzvizResponseError, match="not an EZVIZ envelope"):
        await client._lapp(DEVICE_LIST)
    with pytest.raises(EzvizResponseError):
        await client._v3("GET", SWITCH_GET, serial="ABC")


async def test_success_code_with_error_status(
    local_server: StartServer, session: aiohttp.ClientSession
) -> None:
    """A success body with an HTTP error status is not taken as success."""

    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response({"meta": {"code": 200}, "data": {}}, status=418)

    client = await _local_client(local_server, session, answer)
    with pytest.raises(EzvizResponseError, match="success code"):
        await client._lapp(DEVICE_LIST)
    with pytest.raises(EzvizResponseError):
        await client._v3("GET", SWITCH_GET, serial="ABC")


async def test_v3_non_envelope_json_error(
    local_server: StartServer, session: aiohttp.ClientSession
) -> None:
    """A JSON body that is not the envelope falls back to the HTTP status."""

    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response({"error": "Bad Request"}, status=400)

    client = await _local_client(local_server, session, answer)
    with pytest.raises(EzvizParameterError) as info:
        await client._v3("GET", SWITCH_GET, serial="ABC")
    assert info.value.http_status == 400


async def test_cut_off_reply_is_response_error(
    local_server: StartServer, session: aiohttp.ClientSession
) -> None:
    """A reply shorter than its Content-Length is a truncated reply."""

    async def answer(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": "100"})
        await response.prepare(request)
        await response.write(b'{"code": "200", "da')
        assert request.transport is not None
        request.transport.close()
        return response

    client = await _local_client(local_server, session, answer)
    with pytest.raises(EzvizResponseError, match="cut short"):
        await client._lapp(DEVICE_LIST)


@pytest.mark.parametrize(("code", "quota"), [(10007, True), (10029, False)])
async def test_rate_limits(
    simulator: Simulator, base_client: BaseClient, code: int, quota: bool
) -> None:
    """Quota and frequency limits are EzvizRateLimitError, told apart by is_quota."""
    simulator.faults.error(DEVICE_LIST, code)
    with pytest.raises(EzvizRateLimitError) as info:
        await base_client._lapp(DEVICE_LIST)
    assert info.value.is_quota is quota
    assert simulator.count(DEVICE_LIST) == 1  # never retried


async def test_frequency_limit_fault(
    simulator: Simulator, base_client: BaseClient
) -> None:
    """The simulator's frequency limiter surfaces as EzvizRateLimitError."""
    simulator.faults.rate_limit(DEVICE_LIST, after=2)
    await base_client._lapp(DEVICE_LIST)
    await base_client._lapp(DEVICE_LIST)
    with pytest.raises(EzvizRateLimitError):
        await base_client._lapp(DEVICE_LIST)


async def test_timeout(simulator: Simulator, session: aiohttp.ClientSession) -> None:
    """A reply slower than request_timeout raises EzvizTimeoutError."""
    client = BaseClient(
        session,
        simulator.app_key,
        simulator.app_secret,
        base_url=simulator.base_url,
        request_timeout=0.2,
    )
    await client.get_access_token()
    simulator.faults.latency(DEVICE_LIST, 1.0, times=1)
    with pytest.raises(EzvizTimeoutError) as info:
        await client._lapp(DEVICE_LIST)
    assert isinstance(info.value, EzvizConnectionError)
    assert info.value.endpoint == DEVICE_LIST
    # The next call works again.
    await client._lapp(DEVICE_LIST)


async def test_connection_refused(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """Nobody listening raises EzvizConnectionError, not an aiohttp error."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = BaseClient(session, "key", "secret", base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(EzvizConnectionError) as info:
        await client.get_access_token()
    assert not isinstance(info.value, EzvizTimeoutError)
    assert info.value.endpoint == TOKEN_PATH
    assert isinstance(info.value.__cause__, aiohttp.ClientError)


async def test_expect_shapes(base_client: BaseClient) -> None:
    """Shape checks raise EzvizResponseError naming the endpoint."""
    assert base_client._expect_dict({"a": 1}, "/p") == {"a": 1}
    assert base_client._expect_list([1], "/p") == [1]
    assert base_client._expect_list(None, "/p") == []
    with pytest.raises(EzvizResponseError, match="got list") as info:
        base_client._expect_dict([1], "/p")
    assert info.value.endpoint == "/p"
    with pytest.raises(EzvizResponseError, match="got nothing"):
        base_client._expect_dict(None, "/p")
    with pytest.raises(EzvizResponseError, match="got dict"):
        base_client._expect_list({}, "/p")


# ---------------------------------------------------------------------- paging


def _fleet(count: int) -> dict[str, Any]:
    return generate_fleet(count)


async def test_all_pages_of_120_devices(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """120 devices take three pages of 50, pageStart counting from 0."""
    async with Simulator(fleet=_fleet(120)) as sim:
        client = BaseClient(session, sim.app_key, sim.app_secret, base_url=sim.base_url)
        items = await client._lapp_all_pages(DEVICE_LIST)
        assert len(items) == 120
        assert len({item["deviceSerial"] for item in items}) == 120
        pages = [
            (r.form["pageStart"], r.form["pageSize"])
            for r in _records(sim, DEVICE_LIST)
        ]
        assert pages == [("0", "50"), ("1", "50"), ("2", "50")]

        sim.reset_log()
        items = await client._lapp_all_pages(DEVICE_LIST, page_size=20)
        assert len(items) == 120
        assert sim.count(DEVICE_LIST) == 6

        sim.reset_log()
        await client._lapp_all_pages(DEVICE_LIST, page_size=500)
        assert {r.form["pageSize"] for r in _records(sim, DEVICE_LIST)} == {"50"}


async def test_all_pages_of_an_empty_account(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """No devices: one request, an empty list."""
    async with Simulator(fleet=_fleet(0)) as sim:
        client = BaseClient(session, sim.app_key, sim.app_secret, base_url=sim.base_url)
        assert await client._lapp_all_pages(DEVICE_LIST) == []
        assert sim.count(DEVICE_LIST) == 1


def _paged_server(
    pages: Callable[[int, int], dict[str, Any]],
) -> tuple[list[int], Callable[[web.Request], Awaitable[web.StreamResponse]]]:
    starts: list[int] = []

    async def answer(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        start, size = int(str(form["pageStart"])), int(str(form["pageSize"]))
        starts.append(start)
        return web.json_response({"code": "200", **pages(start, size)})

    return starts, answer


async def test_paging_guard_for_a_server_that_never_ends(
    local_server: StartServer, session: aiohttp.ClientSession
) -> None:
    """A total that is never reached stops after total/size + 1 pages."""
    starts, answer = _paged_server(
        lambda start, size: {
            "data": [{"i": start}] * 5,
            "page": {"total": 20, "page": start, "size": 5},
        }
    )
    client = await _local_client(local_server, session, answer)
    # Every page repeats the same 5 items but the server claims 20 in all:
    # the total is reached after 4 pages.
    assert len(await client._lapp_all_pages(DEVICE_LIST, page_size=5)) == 20
    assert starts == [0, 1, 2, 3]

    starts2, answer2 = _paged_server(
        lambda start, size: {
            "data": [],
            "page": {"total": 99, "page": start, "size": size},
        }
        if start
        else {"data": [1, 2], "page": {"total": 99, "page": 0, "size": size}}
    )
    client2 = await _local_client(local_server, session, answer2)
    assert await client2._lapp_all_pages(DEVICE_LIST) == [
        1,
        2,
    ]  # stops on an empty page
    assert starts2 == [0, 1]


async def test_paging_guard_when_items_never_add_up(
    local_server: StartServer, session: aiohttp.ClientSession
) -> None:
    """Pages shorter than claimed: at most total/size + 1 requests."""
    starts, answer = _paged_server(
        lambda start, size: {
            "data": [start],
            "page": {"total": 60, "page": start, "size": 50},
        }
    )
    client = await _local_client(local_server, session, answer)
    # A server that caps pages at one item: the guard (total / 1 + 1 pages)
    # leaves room to collect all of them.
    items = await client._lapp_all_pages(DEVICE_LIST, page_size=50)
    assert items == list(range(60))
    assert len(starts) == 60


async def test_paging_without_page_member(
    local_server: StartServer, session: aiohttp.ClientSession
) -> None:
    """No page member: a short page ends; full pages stop at the hard cap."""
    starts, answer = _paged_server(
        lambda start, size: {"data": list(range(size if start < 2 else 3))}
    )
    client = await _local_client(local_server, session, answer)
    assert len(await client._lapp_all_pages(DEVICE_LIST, page_size=10)) == 23
    assert starts == [0, 1, 2]

    starts_full, answer_full = _paged_server(
        lambda start, size: {"data": [start] * size}
    )
    client_full = await _local_client(local_server, session, answer_full)
    items = await client_full._lapp_all_pages(DEVICE_LIST, page_size=1)
    assert len(starts_full) == 100
    assert items == list(range(100))


async def test_paging_guard_stops_after_total_over_size_plus_one(
    local_server: StartServer, session: aiohttp.ClientSession
) -> None:
    """Full pages whose items never add up (server counts differently) stop at the guard."""
    starts, answer = _paged_server(
        lambda start, size: {
            "data": [start] * size if start % 2 == 0 else [start],
            "page": {"total": 40, "page": start, "size": size},
        }
    )
    client = await _local_client(local_server, session, answer)
    await client._lapp_all_pages(DEVICE_LIST, page_size=10)
    # First page full (10): guard = ceil(40 / 10) + 1 = 5 pages.
    assert starts == [0, 1, 2, 3, 4]


async def test_paging_rejects_non_list_data(
    local_server: StartServer, session: aiohttp.ClientSession
) -> None:
    """A list endpoint answering an object is EzvizResponseError."""
    _, answer = _paged_server(lambda start, size: {"data": {"a": 1}})
    client = await _local_client(local_server, session, answer)
    with pytest.raises(EzvizResponseError):
        await client._lapp_all_pages(DEVICE_LIST)


def test_page_from_api() -> None:
    """Page parses leniently."""
    assert Page.from_api({"total": "120", "page": "1", "size": 50}) == Page(120, 1, 50)
    assert Page.from_api({"total": -1}) == Page(0, 0, 0)
    assert Page.from_api({"page": 1}) is None
    assert Page.from_api([]) is None


# ----------------------------------------------------------------- concurrency


async def test_concurrency_bound(socket_enabled: None, simulator: Simulator) -> None:
    """Never more than max_concurrent_requests requests in flight."""
    in_flight = 0
    peak = 0

    async def on_start(*_: Any) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)

    async def on_end(*_: Any) -> None:
        nonlocal in_flight
        in_flight -= 1

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)
    trace.on_request_end.append(on_end)
    trace.on_request_exception.append(on_end)
    async with aiohttp.ClientSession(trace_configs=[trace]) as traced:
        client = BaseClient(
            traced,
            simulator.app_key,
            simulator.app_secret,
            base_url=simulator.base_url,
            max_concurrent_requests=3,
        )
        simulator.faults.latency(DEVICE_LIST, 0.05)
        await asyncio.gather(*(client._lapp(DEVICE_LIST) for _ in range(12)))
    assert peak == 3
    assert in_flight == 0
    assert simulator.count(DEVICE_LIST) == 12


# --------------------------------------------------------------------- logging


async def test_logs_hold_no_secret_or_token(
    simulator: Simulator,
    base_client: BaseClient,
    minted_tokens: list[TokenInfo],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """DEBUG logs name paths, codes and timings, never the secret or token."""
    caplog.set_level(logging.DEBUG)
    serial = _serial(simulator)
    await base_client._lapp(DEVICE_LIST)
    simulator.expire_tokens()
    await base_client._lapp(DEVICE_LIST)
    simulator.faults.error(DEVICE_LIST, 20007, times=1)
    with pytest.raises(EzvizDeviceOfflineError):
        await base_client._lapp(DEVICE_LIST)
    await base_client._v3("GET", SWITCH_GET, serial=serial, query={"type": 301})
    simulator.faults.http_error(DEVICE_LIST, 502, times=1)
    with pytest.raises(EzvizServerError):
        await base_client._lapp(DEVICE_LIST)

    text = "\n".join([caplog.text, *(repr(record.args) for record in caplog.records)])
    assert DEVICE_LIST in caplog.text
    assert TOKEN_PATH in caplog.text
    assert "code 20007" in caplog.text
    assert simulator.app_secret not in text
    assert len(minted_tokens) == 2
    for token in minted_tokens:
        assert token.access_token not in text
        assert token.access_token[3:15] not in text


async def test_composite_client_uses_the_transport(
    simulator: Simulator, client: EzvizOpenClient
) -> None:
    """The assembled EzvizOpenClient pages the device list through this transport."""
    devices = await client.list_devices()
    assert len(devices) == len(simulator.state.devices)
    assert simulator.count(TOKEN_PATH) == 1


async def test_on_request_sees_every_request_sent(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """Tokens, the retry after 10002, and every page: one call per request sent."""
    sent: list[str] = []
    async with Simulator(fleet=_fleet(120)) as sim:
        client = BaseClient(
            session,
            sim.app_key,
            sim.app_secret,
            base_url=sim.base_url,
            on_request=sent.append,
        )
        await client._lapp_all_pages(DEVICE_LIST)
        sim.expire_tokens()
        await client._lapp(DEVICE_LIST, {"pageStart": 0, "pageSize": 1})
        assert sent == [request.path for request in sim.requests]
        assert sent == [TOKEN_PATH, *[DEVICE_LIST] * 4, TOKEN_PATH, DEVICE_LIST]


async def test_on_request_may_refuse_and_on_error_sees_refusals(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    """An error raised by on_request is the caller's, nothing sent; cloud errors reported."""
    refused = EzvizRateLimitError("not now", code=10007)
    errors: list[EzvizApiError] = []

    def _gate(path: str) -> None:
        if path == DEVICE_LIST:
            raise refused

    client = BaseClient(
        session,
        simulator.app_key,
        simulator.app_secret,
        base_url=simulator.base_url,
        on_request=_gate,
        on_error=errors.append,
    )
    with pytest.raises(EzvizRateLimitError) as info:
        await client._lapp(DEVICE_LIST)
    assert info.value is refused
    assert [request.path for request in simulator.requests] == [TOKEN_PATH]
    assert errors == []

    simulator.faults.error("/api/lapp/camera/list", 10007)
    with pytest.raises(EzvizRateLimitError) as info:
        await client._lapp("/api/lapp/camera/list")
    assert errors == [info.value]
    assert info.value.is_quota
