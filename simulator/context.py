"""Per-request context handed to endpoint handlers, with parameter helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import TYPE_CHECKING, Any, Literal

from .errors import ApiError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .records import TokenRecord
    from .state import Channel, Device, FleetState

Family = Literal["lapp", "v3"]

_SERIAL_RE = re.compile(r"^[A-Za-z0-9]{1,50}$")

# Sentinel: the reply carries no "data" member at all.
NO_DATA: Any = object()


@dataclass
class Paged:
    """A list reply with its "page" member."""

    items: list[Any]
    total: int
    page: int
    size: int


@dataclass
class RequestContext:
    """Everything a handler needs for one API request."""

    family: Family
    path: str
    method: str
    params: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    state: FleetState
    now: float
    base_url: str
    token: TokenRecord | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    make_url: Callable[[str], str] | None = None

    # ---------------------------------------------------------- parameters

    def param(self, name: str, *, required: bool = False) -> str | None:
        """Return a request parameter (lapp: form; v3: query); empty counts as missing."""
        value = self.params.get(name)
        if value is None or value == "":
            if required:
                raise ApiError(10001, f"{name} is not empty")
            return None
        return value

    def req(self, name: str) -> str:
        """Return a required parameter."""
        value = self.param(name, required=True)
        assert value is not None
        return value

    def int_param(
        self,
        name: str,
        *,
        default: int | None = None,
        required: bool = False,
        choices: tuple[int, ...] | None = None,
        lo: int | None = None,
        hi: int | None = None,
    ) -> int | None:
        """Return an integer parameter, validated (10001 on a bad value)."""
        raw = self.param(name, required=required)
        if raw is None:
            return default
        try:
            value = int(raw.strip())
        except ValueError:
            raise ApiError(10001, f"{name} format is incorrect") from None
        if choices is not None and value not in choices:
            raise ApiError(10001, f"{name} is out of range")
        if lo is not None and value < lo:
            raise ApiError(10001, f"{name} is out of range")
        if hi is not None and value > hi:
            raise ApiError(10001, f"{name} is out of range")
        return value

    def req_int(self, name: str, **kw: Any) -> int:
        """Return a required integer parameter."""
        value = self.int_param(name, required=True, **kw)
        assert value is not None
        return value

    def header(self, name: str) -> str | None:
        """Return a request header (case-insensitive); empty counts as missing."""
        value = self.headers.get(name)
        return value or None

    # ------------------------------------------------------------ devices

    def serial(self) -> str:
        """Return the deviceSerial of the request (lapp: form; v3: header), upper-cased."""
        raw = (
            self.header("deviceSerial")
            if self.family == "v3"
            else self.param("deviceSerial")
        )
        if raw is None:
            raise ApiError(10001, "deviceSerial is not empty")
        if not _SERIAL_RE.match(raw):
            raise ApiError(20014)
        return raw.upper()

    def device(self, *, online: bool = False, offline_code: int = 20007) -> Device:
        """Return the device named by the request, checked for ownership (and online)."""
        serial = self.serial()
        dev = self.state.devices.get(serial)
        if dev is None:
            if serial in self.state.foreign or serial in self.state.unowned:
                raise ApiError(20018)
            raise ApiError(20002)
        self.check_permission(serial)
        if online and not dev.online:
            raise ApiError(offline_code)
        return dev

    def check_permission(self, serial: str) -> None:
        """Sub-account tokens may only touch devices named in their policy."""
        token = self.token
        if token is None or token.sub_account is None:
            return
        acc = self.state.sub_accounts.get(token.sub_account)
        if acc is None:
            raise ApiError(10002)
        policy = acc.policy or {}
        for stmt in policy.get("Statement", []) or []:
            for res in stmt.get("Resource", []) or []:
                res_s = str(res)
                if res_s == f"dev:{serial}" or res_s.startswith(f"cam:{serial}:"):
                    return
        raise ApiError(10031)

    def channel_no(self, name: str = "channelNo", *, default: int = 1) -> int:
        """Return the channel number (lapp: form; v3: header)."""
        raw = self.header(name) if self.family == "v3" else self.param(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(10001, f"{name} format is incorrect") from None
        if value < 0:
            raise ApiError(10001, f"{name} is out of range")
        return value

    def channel(
        self, dev: Device, name: str = "channelNo", *, default: int = 1
    ) -> Channel:
        """Return the channel named by the request; 20032 when the device has no such channel."""
        no = self.channel_no(name, default=default)
        chan = dev.channel(no)
        if chan is None:
            raise ApiError(20032)
        return chan

    def require_cap(self, dev: Device, *keys: str, code: int = 60020) -> None:
        """Raise ``code`` unless the device has one of the capabilities."""
        if not any(dev.cap(k) for k in keys):
            raise ApiError(code)

    # -------------------------------------------------------------- paging

    def page(self, items: list[Any], *, default_size: int = 10) -> Paged:
        """Slice ``items`` by pageStart/pageSize (max 50)."""
        start = self.int_param("pageStart", default=0, lo=0)
        size = self.int_param("pageSize", default=default_size, lo=1, hi=50)
        assert start is not None
        assert size is not None
        chunk = items[start * size : (start + 1) * size]
        return Paged(items=chunk, total=len(items), page=start, size=size)

    def url(self, path: str) -> str:
        """Return an absolute URL on the simulator root."""
        return f"{self.base_url}{path}"
