"""Transport of the EZVIZ Open Platform client: tokens, both envelopes, errors.

Two reply families share one host:

* ``lapp`` endpoints take a form POST with ``accessToken`` in the form and
  answer HTTP 200 with ``{"code": "200", "msg", "data", "page"}`` (a *string*
  code, also for errors).
* ``v3`` endpoints take ``accessToken``/``deviceSerial``/``channelNo`` as HTTP
  headers, the other parameters in the query string, and answer
  ``{"meta": {"code": 200, "message"}, "data"}`` (an *integer* code) with an
  HTTP 4xx/5xx status on errors.

The token is minted on the base host and is only valid on the ``areaDomain``
the token reply names, so every later call goes there. Minting costs quota,
so a token is cached, handed to the owner through ``on_token`` to survive
restarts, renewed shortly before it expires and, on 10002, renewed once and
the call retried once; a 10002 of the
fresh token too is ``EzvizTokenRejectedError`` (transient, not the credentials).

Every call is metered by the cloud, so the owner can watch them: ``on_request``
is called with the path of each request about to be sent (tokens, retries
and every page included; it may raise an ``EzvizError`` to refuse sending
it), and ``on_error`` with each error the cloud answers, before it is raised.

Nothing here logs the app secret, the token or the replies' data.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
import json
import logging
import math
import time
from typing import Any, Final

import aiohttp

from ._parse import as_int, as_str
from .errors import (
    EzvizApiError,
    EzvizAuthError,
    EzvizConnectionError,
    EzvizError,
    EzvizRateLimitError,
    EzvizResponseError,
    EzvizServerError,
    EzvizTimeoutError,
    EzvizTokenRejectedError,
    error_for_code,
    error_for_http_status,
)

_LOGGER = logging.getLogger(__name__)

GLOBAL_BASE_URL: Final = "https://open.ezvizlife.com"
CHINA_BASE_URL: Final = "https://open.ys7.com"

TOKEN_PATH: Final = "/api/lapp/token/get"  # noqa: S105 (a path, not a secret)
MAX_PAGE_SIZE: Final = 50
SUCCESS_CODE: Final = 200
TOKEN_EXPIRED_CODE: Final = 10002

# Paging guard when a list reply carries no "page" member and every page is full.
_MAX_PAGES_UNKNOWN_TOTAL: Final = 100
# expireTime values below this are taken as seconds rather than milliseconds.
_EPOCH_MS_THRESHOLD: Final = 100_000_000_000


def normalise_url(url: str) -> str:
    """Return a base URL without trailing slash, adding https:// to a bare host."""
    text = url.strip().rstrip("/")
    if text and "://" not in text:
        text = f"https://{text}"
    return text


@dataclass(frozen=True)
class TokenInfo:
    """An access token, when it expires, and the region host it is valid on."""

    access_token: str = field(repr=False)
    expire_time_ms: int  # epoch milliseconds, as the cloud sends it
    area_domain: str | None  # None -> keep using the base URL

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict for storage (contains the secret token)."""
        return {
            "access_token": self.access_token,
            "expire_time_ms": self.expire_time_ms,
            "area_domain": self.area_domain,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> TokenInfo | None:
        """Rebuild a stored token; None when the data is incomplete.

        Accepts the keys written by ``as_dict`` and the cloud's own
        (``accessToken``, ``expireTime``, ``areaDomain``).
        """
        if data is None:
            return None
        token = as_str(data.get("access_token", data.get("accessToken")))
        expire = _expire_ms(data.get("expire_time_ms", data.get("expireTime")))
        if not token or expire is None:
            return None
        area = as_str(data.get("area_domain", data.get("areaDomain")))
        return cls(
            access_token=token,
            expire_time_ms=expire,
            area_domain=(normalise_url(area) or None) if area else None,
        )

    @property
    def expires_at(self) -> float:
        """Expiry as epoch seconds."""
        return self.expire_time_ms / 1000

    def is_valid(self, margin: float = 0.0, now: float | None = None) -> bool:
        """Whether the token is still usable ``margin`` seconds from now."""
        current = time.time() if now is None else now
        return current + margin < self.expires_at


@dataclass(frozen=True)
class Page:
    """The ``page`` member of a lapp list reply."""

    total: int
    page: int
    size: int

    @classmethod
    def from_api(cls, data: Any) -> Page | None:
        """Parse leniently; None when absent or without a total."""
        if not isinstance(data, Mapping):
            return None
        total = as_int(data.get("total"))
        if total is None:
            return None
        return cls(
            total=max(total, 0),
            page=as_int(data.get("page")) or 0,
            size=as_int(data.get("size")) or 0,
        )


@dataclass(frozen=True)
class LappReply:
    """The useful part of a successful lapp reply."""

    data: Any  # the "data" member (None when absent)
    page: Page | None  # the "page" member of list calls


def _expire_ms(value: Any) -> int | None:
    number = as_int(value)
    if number is None or number <= 0:
        return None
    if number < _EPOCH_MS_THRESHOLD:
        return number * 1000
    return number


def _wire(value: object) -> str:
    """Render a parameter the way the cloud expects it in a form or query."""
    if isinstance(value, bool):
        msg = "pass the documented wire value (e.g. 0/1), not a bool"
        raise TypeError(msg)
    if isinstance(value, Enum):
        return _wire(value.value)
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _wire_params(params: Mapping[str, object | None] | None) -> dict[str, str]:
    if not params:
        return {}
    return {key: _wire(value) for key, value in params.items() if value is not None}


def _read_code(value: Any) -> int | None:
    """Return an envelope code (int or numeric string), None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _envelope(payload: Any) -> tuple[int, str] | None:
    """Return (code, message) of a lapp or v3 envelope, None for anything else."""
    if not isinstance(payload, dict):
        return None
    meta = payload.get("meta")
    if isinstance(meta, dict):
        code = _read_code(meta.get("code"))
        if code is not None:
            return code, as_str(meta.get("message")) or ""
    code = _read_code(payload.get("code"))
    if code is not None:
        message = as_str(payload.get("msg")) or as_str(payload.get("message")) or ""
        return code, message
    return None


def _unwrap(payload: Any) -> Any:
    """Return the envelope a reply wraps, or the reply itself.

    The reference shows two wrappers around the envelope: ``detector/list``'s
    sample puts the whole lapp envelope in ``result``, and the v3 samples write
    ``{"status": 200, "body": {"meta", "data"}}`` (HTTP status and body in doc
    notation). Both are read; a reply that is an envelope itself is kept.
    """
    if not isinstance(payload, dict) or _envelope(payload) is not None:
        return payload
    for key in ("result", "body"):
        inner = payload.get(key)
        if _envelope(inner) is not None:
            return inner
    return payload


class BaseClient:
    """Transport shared by every endpoint mixin.

    The aiohttp session is the caller's: it is never created or closed here.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        app_key: str,
        app_secret: str,
        *,
        base_url: str = GLOBAL_BASE_URL,
        token: TokenInfo | None = None,
        on_token: Callable[[TokenInfo], None] | None = None,
        on_request: Callable[[str], None] | None = None,
        on_error: Callable[[EzvizApiError], None] | None = None,
        request_timeout: float = 15.0,
        max_concurrent_requests: int = 4,
        renew_margin: float = 300.0,
    ) -> None:
        """Set up the client; no request is made until the first call."""
        self._session = session
        self._app_key = app_key
        self._app_secret = app_secret
        self._base_url = normalise_url(base_url)
        self._token = token
        self._on_token = on_token
        self._on_request = on_request
        self._on_error = on_error
        self._request_timeout = request_timeout
        self._max_concurrent_requests = max(1, max_concurrent_requests)
        self._semaphore = asyncio.Semaphore(self._max_concurrent_requests)
        self._token_lock = asyncio.Lock()
        self._renew_margin = renew_margin

    def __repr__(self) -> str:
        """Describe the client without the secret or the token."""
        key = f"{self._app_key[:4]}…" if self._app_key else ""
        return (
            f"{type(self).__name__}(base_url={self._base_url!r}, app_key={key!r}, "
            f"has_token={self._token is not None})"
        )

    @property
    def base_url(self) -> str:
        """The host tokens are minted on."""
        return self._base_url

    @property
    def token(self) -> TokenInfo | None:
        """The current token (None before the first call)."""
        return self._token

    @property
    def api_url(self) -> str:
        """The host API calls go to: the token's areaDomain, else the base URL."""
        return self._api_url(self._token)

    @property
    def max_concurrent_requests(self) -> int:
        """How many requests may be in flight at once."""
        return self._max_concurrent_requests

    # ------------------------------------------------------------------ tokens

    async def get_access_token(self, *, force: bool = False) -> TokenInfo:
        """Return a usable token, minting one when missing, near expiry or forced.

        Concurrent callers share one renewal.
        """
        if force:
            return await self._renew(self._token)
        return await self._valid_token()

    def _is_fresh(self, token: TokenInfo) -> bool:
        return token.is_valid(self._renew_margin)

    async def _valid_token(self) -> TokenInfo:
        token = self._token
        if token is not None and self._is_fresh(token):
            return token
        async with self._token_lock:
            token = self._token
            if token is not None and self._is_fresh(token):
                return token
            return await self._mint_token()

    async def _renew(self, stale: TokenInfo | None) -> TokenInfo:
        """Replace ``stale``, unless another caller already did while we waited."""
        async with self._token_lock:
            current = self._token
            if (
                current is not None
                and (stale is None or current.access_token != stale.access_token)
                and self._is_fresh(current)
            ):
                return current
            return await self._mint_token()

    async def _mint_token(self) -> TokenInfo:
        form = {"appKey": self._app_key, "appSecret": self._app_secret}
        url = f"{self._base_url}{TOKEN_PATH}"
        status, payload = await self._send("POST", url, TOKEN_PATH, data=form)
        try:
            data = self._check_envelope(status, payload, TOKEN_PATH, v3=False)
        except EzvizApiError as err:
            if err.code == 10001:
                # An empty or malformed key or secret: the user's credentials.
                raise EzvizAuthError(
                    err.message, code=err.code, endpoint=TOKEN_PATH
                ) from err
            raise
        body = self._expect_dict(data, TOKEN_PATH)
        access_token = as_str(body.get("accessToken"))
        expire = _expire_ms(body.get("expireTime"))
        if not access_token or expire is None:
            msg = "Token reply lacks accessToken or expireTime"
            raise EzvizResponseError(msg, endpoint=TOKEN_PATH)
        area = as_str(body.get("areaDomain"))
        token = TokenInfo(
            access_token=access_token,
            expire_time_ms=expire,
            area_domain=(normalise_url(area) or None) if area else None,
        )
        self._token = token
        _LOGGER.debug(
            "New access token, valid for %.0f s", token.expires_at - time.time()
        )
        if self._on_token is not None:
            self._on_token(token)
        return token

    def _api_url(self, token: TokenInfo | None) -> str:
        if token is not None and token.area_domain:
            return token.area_domain
        return self._base_url

    async def _with_token(self, call: Callable[[TokenInfo], Awaitable[Any]]) -> Any:
        """Run ``call`` with a token; on 10002 renew once and retry once."""
        token = await self._valid_token()
        try:
            return await call(token)
        except EzvizAuthError as err:
            if err.code != TOKEN_EXPIRED_CODE:
                raise
        token = await self._renew(token)
        try:
            return await call(token)
        except EzvizAuthError as err:
            if err.code != TOKEN_EXPIRED_CODE:
                raise
            # The credentials minted this token a moment ago: its rejection
            # is the cloud's trouble, not a reason to ask for a new secret.
            raise EzvizTokenRejectedError(
                err.message,
                code=err.code,
                endpoint=err.endpoint,
                http_status=err.http_status,
            ) from err

    # --------------------------------------------------------------- transport

    async def _send(
        self,
        method: str,
        url: str,
        path: str,
        *,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> tuple[int, Any]:
        """Send one request; return the HTTP status and the decoded JSON body.

        A body that is not JSON comes back as the module's ``_NOT_JSON`` marker
        so the caller can still decide by HTTP status; an envelope wrapped as
        the reference shows comes back unwrapped (``_unwrap``).
        """
        started = time.monotonic()
        async with self._semaphore:
            if self._on_request is not None:
                # Counted as sent: an attempt that never reaches the cloud
                # errs on the side of the quota.
                self._on_request(path)
            try:
                async with asyncio.timeout(self._request_timeout):
                    async with self._session.request(
                        method,
                        url,
                        data=data,
                        params=params,
                        headers=headers,
                        json=json_body,
                    ) as response:
                        status = response.status
                        raw = await response.read()
            except TimeoutError as err:
                _LOGGER.debug(
                    "%s %s timed out after %.0f ms", method, path, _ms(started)
                )
                msg = f"No reply within {self._request_timeout:g} s"
                raise EzvizTimeoutError(msg, endpoint=path) from err
            except aiohttp.ClientPayloadError as err:
                _LOGGER.debug(
                    "%s %s reply cut short after %.0f ms", method, path, _ms(started)
                )
                msg = "The reply was cut short"
                raise EzvizResponseError(msg, endpoint=path) from err
            except (aiohttp.ClientError, OSError) as err:
                _LOGGER.debug(
                    "%s %s failed (%s) after %.0f ms",
                    method,
                    path,
                    type(err).__name__,
                    _ms(started),
                )
                msg = f"Cannot reach the EZVIZ cloud ({type(err).__name__})"
                raise EzvizConnectionError(msg, endpoint=path) from err
        try:
            payload: Any = _unwrap(json.loads(raw.decode("utf-8-sig")))
        except ValueError:  # JSONDecodeError and UnicodeDecodeError
            payload = _NOT_JSON
        _LOGGER.debug(
            "%s %s -> HTTP %s, code %s, %.0f ms",
            method,
            path,
            status,
            (_envelope(payload) or ("-",))[0],
            _ms(started),
        )
        return status, payload

    def _check_envelope(self, status: int, payload: Any, path: str, *, v3: bool) -> Any:
        """Return the "data" member of a successful reply or raise the matching error."""
        envelope = _envelope(payload)
        if envelope is not None:
            code, message = envelope
            if code != SUCCESS_CODE:
                error = error_for_code(code, message, path)
                error.http_status = status
                self._report(error)
                raise error
            if status < 400:
                return payload.get("data")
        # Not the envelope (or a success code with an error status).
        if status >= 400:
            if v3:
                raise self._report(error_for_http_status(status, path))
            if status >= 500:
                raise EzvizServerError(
                    f"HTTP {status} without an EZVIZ reply",
                    endpoint=path,
                    http_status=status,
                )
            if status == 429:
                raise self._report(
                    EzvizRateLimitError(
                        "HTTP 429 without an EZVIZ reply",
                        endpoint=path,
                        http_status=status,
                    )
                )
        if payload is _NOT_JSON:
            msg = "The reply is not JSON"
        elif envelope is not None:
            msg = f"HTTP {status} with a success code"
        else:
            msg = "The reply is not an EZVIZ envelope"
        raise EzvizResponseError(msg, endpoint=path, http_status=status)

    def _report[E: EzvizError](self, error: E) -> E:
        """Tell the owner about an error the cloud answered; return it."""
        if self._on_error is not None and isinstance(error, EzvizApiError):
            self._on_error(error)
        return error

    # -------------------------------------------------------------- envelopes

    async def _lapp(
        self, path: str, params: Mapping[str, object | None] | None = None
    ) -> LappReply:
        """POST a lapp endpoint with the token in the form; return data and page."""
        form = _wire_params(params)

        async def call(token: TokenInfo) -> LappReply:
            url = f"{self._api_url(token)}{path}"
            body = {**form, "accessToken": token.access_token}
            status, payload = await self._send("POST", url, path, data=body)
            data = self._check_envelope(status, payload, path, v3=False)
            return LappReply(data=data, page=Page.from_api(payload.get("page")))

        reply: LappReply = await self._with_token(call)
        return reply

    async def _lapp_object(
        self, path: str, params: Mapping[str, object | None] | None = None
    ) -> dict[str, Any]:
        """POST a lapp endpoint whose data is one object; return that object."""
        reply = await self._lapp(path, params)
        return self._expect_dict(reply.data, path)

    async def _lapp_all_pages(
        self,
        path: str,
        params: Mapping[str, object | None] | None = None,
        *,
        page_size: int = MAX_PAGE_SIZE,
    ) -> list[Any]:
        """Every page of a lapp list endpoint, the data lists concatenated.

        Stops when ``total`` items are collected, on an empty page, or after
        total/size + 1 pages (a server that never ends).
        """
        size = max(1, min(page_size, MAX_PAGE_SIZE))
        items: list[Any] = []
        max_pages: int | None = None
        index = 0
        while True:
            request = {**(params or {}), "pageStart": index, "pageSize": size}
            reply = await self._lapp(path, request)
            batch = self._expect_list(reply.data, path)
            items.extend(batch)
            index += 1
            if not batch:
                break
            page = reply.page
            if page is None:
                if len(batch) < size:
                    break
                if max_pages is None:
                    max_pages = _MAX_PAGES_UNKNOWN_TOTAL
            else:
                if len(items) >= page.total:
                    break
                if max_pages is None:
                    per_page = max(1, min(size, len(batch), page.size or size))
                    max_pages = math.ceil(page.total / per_page) + 1
            if index >= max_pages:
                _LOGGER.debug("%s: stopped paging after %s pages", path, index)
                break
        return items

    async def _v3(
        self,
        method: str,
        path: str,
        *,
        serial: str,
        channel: int | None = None,
        query: Mapping[str, object | None] | None = None,
        json_body: Any = None,
    ) -> Any:
        """Call a v3 endpoint (token, serial, channel in headers); return "data"."""
        params = _wire_params(query) or None
        verb = method.upper()

        async def call(token: TokenInfo) -> Any:
            headers = {"accessToken": token.access_token, "deviceSerial": serial}
            if channel is not None:
                headers["channelNo"] = _wire(channel)
            url = f"{self._api_url(token)}{path}"
            status, payload = await self._send(
                verb, url, path, params=params, headers=headers, json_body=json_body
            )
            return self._check_envelope(status, payload, path, v3=True)

        return await self._with_token(call)

    # ------------------------------------------------------------ shape checks

    def _expect_dict(self, data: Any, path: str) -> dict[str, Any]:
        """Return ``data`` as a dict or raise EzvizResponseError naming the endpoint."""
        if isinstance(data, dict):
            return data
        msg = f"Expected an object in the reply, got {_kind(data)}"
        raise EzvizResponseError(msg, endpoint=path)

    def _expect_list(self, data: Any, path: str) -> list[Any]:
        """Return ``data`` as a list (absent data is an empty list) or raise."""
        if data is None:
            return []
        if isinstance(data, list):
            return data
        msg = f"Expected a list in the reply, got {_kind(data)}"
        raise EzvizResponseError(msg, endpoint=path)


# Marker for a reply body that is not JSON.
_NOT_JSON: Final = object()


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


__all__ = [
    "CHINA_BASE_URL",
    "GLOBAL_BASE_URL",
    "MAX_PAGE_SIZE",
    "TOKEN_PATH",
    "BaseClient",
    "LappReply",
    "Page",
    "TokenInfo",
    "normalise_url",
]
