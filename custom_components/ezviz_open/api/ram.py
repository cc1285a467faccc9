"""Sub-accounts ("mode B" RAM accounts) and their permission policies.

Passwords never travel in clear: the reference asks for
``LowerCase(MD5(AppKey + "#" + plaintext))``. Neither they nor sub-account
tokens appear in any repr.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
import hashlib
import json
from typing import TYPE_CHECKING, Any, Self

from ._convert import parse_time
from ._params import check_int_range, check_serial, check_text, param_error
from ._parse import as_bool, as_dict, as_dict_list, as_int, as_list, as_str
from .client import BaseClient, Page, TokenInfo
from .errors import EzvizResponseError

if TYPE_CHECKING:
    from datetime import datetime

PATH_RAM_ACCOUNT_CREATE = "/api/lapp/ram/account/create"
PATH_RAM_ACCOUNT_GET = "/api/lapp/ram/account/get"
PATH_RAM_ACCOUNT_LIST = "/api/lapp/ram/account/list"
PATH_RAM_ACCOUNT_UPDATE_PASSWORD = "/api/lapp/ram/account/updatePassword"  # noqa: S105
PATH_RAM_POLICY_SET = "/api/lapp/ram/policy/set"
PATH_RAM_STATEMENT_ADD = "/api/lapp/ram/statement/add"
PATH_RAM_STATEMENT_DELETE = "/api/lapp/ram/statement/delete"
PATH_RAM_TOKEN_GET = "/api/lapp/ram/token/get"  # noqa: S105
PATH_RAM_ACCOUNT_DELETE = "/api/lapp/ram/account/delete"

MIN_ACCOUNT_NAME_LENGTH = 4
MAX_ACCOUNT_NAME_LENGTH = 40
MAX_PAGE_SIZE = 50


def hash_password(app_key: str, password: str) -> str:
    """``LowerCase(MD5(AppKey#plaintext))``, the form the cloud takes."""
    digest = hashlib.md5(f"{app_key}#{password}".encode(), usedforsecurity=False)
    return digest.hexdigest().lower()


@dataclass(frozen=True)
class Statement:
    """One permission statement: permissions granted on resources.

    Resources are written ``dev:<serial>`` or ``cam:<serial>:<channel>``;
    permissions are names such as ``GET``, ``UPDATE``, ``REAL``.
    """

    permissions: tuple[str, ...]
    resources: tuple[str, ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def create(cls, permissions: Iterable[str], resources: Iterable[str]) -> Self:
        """Build a statement from permission names and resources."""
        return cls(tuple(permissions), tuple(resources))

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{"Permission": "GET,REAL", "Resource": [...]}``."""
        raw = as_dict(data)
        permission = raw.get("Permission")
        if isinstance(permission, list):
            names = [as_str(item) or "" for item in permission]
        else:
            names = (as_str(permission) or "").split(",")
        return cls(
            permissions=tuple(name.strip() for name in names if name.strip()),
            resources=tuple(
                text
                for text in (as_str(r) for r in as_list(raw.get("Resource")))
                if text
            ),
            raw=raw,
        )

    def to_api(self) -> dict[str, Any]:
        """Return the wire structure of this statement."""
        return {
            "Permission": ",".join(self.permissions),
            "Resource": list(self.resources),
        }


@dataclass(frozen=True)
class Policy:
    """A sub-account's permission policy: a list of statements."""

    statements: tuple[Statement, ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{"Statement": [...]}``."""
        raw = as_dict(data)
        return cls(
            statements=tuple(
                Statement.from_api(s) for s in as_dict_list(raw.get("Statement"))
            ),
            raw=raw,
        )

    def to_api(self) -> dict[str, Any]:
        """Return the wire structure of this policy."""
        return {"Statement": [statement.to_api() for statement in self.statements]}


@dataclass(frozen=True)
class SubAccount:
    """A sub-account of the app."""

    account_id: str | None
    account_name: str | None
    app_key: str | None
    enabled: bool | None  # accountStatus: 1 on, 0 off
    policy: Policy | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse a sub-account of ``ram/account/get`` or ``ram/account/list``."""
        raw = as_dict(data)
        policy = raw.get("policy")
        if isinstance(policy, str) and policy.strip():
            try:
                policy = json.loads(policy)
            except ValueError:
                policy = None
        return cls(
            account_id=as_str(raw.get("accountId")),
            account_name=as_str(raw.get("accountName")),
            app_key=as_str(raw.get("appKey")),
            enabled=as_bool(raw.get("accountStatus")),
            policy=Policy.from_api(policy) if isinstance(policy, Mapping) else None,
            raw=raw,
        )


@dataclass(frozen=True)
class SubAccountPage:
    """One page of sub-accounts and the cloud's paging information."""

    accounts: list[SubAccount]
    page: Page | None


@dataclass(frozen=True)
class SubAccountToken:
    """An access token of a sub-account (the token itself is never in repr)."""

    access_token: str = field(repr=False)
    expire_time_ms: int | None
    area_domain: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``ram/token/get`` data."""
        raw = as_dict(data)
        return cls(
            access_token=as_str(raw.get("accessToken")) or "",
            expire_time_ms=as_int(raw.get("expireTime")),
            area_domain=as_str(raw.get("areaDomain")) or None,
            raw=raw,
        )

    @property
    def expire_time(self) -> datetime | None:
        """When the token expires (aware, UTC)."""
        return None if self.expire_time_ms is None else parse_time(self.expire_time_ms)

    def to_token_info(self) -> TokenInfo:
        """As a ``TokenInfo``, e.g. to build a client acting as the sub-account."""
        return TokenInfo(
            access_token=self.access_token,
            expire_time_ms=self.expire_time_ms or 0,
            area_domain=self.area_domain,
        )


def _policy_json(value: Policy | Statement | Mapping[str, Any], endpoint: str) -> str:
    if isinstance(value, Policy | Statement):
        payload: Any = value.to_api()
    elif isinstance(value, Mapping):
        payload = dict(value)
    else:
        raise param_error("expected a Policy/Statement or a mapping", endpoint)
    try:
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as err:
        raise param_error(f"cannot serialise to JSON: {err}", endpoint) from None


def _check_account_id(account_id: str, endpoint: str) -> str:
    return check_text(account_id, "account_id", endpoint).strip()


class SubAccountsMixin(BaseClient):
    """Create, inspect, authorise and delete sub-accounts."""

    def _hash_password(self, password: str, name: str, endpoint: str) -> str:
        if not isinstance(password, str) or not password:
            raise param_error(f"{name} must be a non-empty string", endpoint)
        return hash_password(self._app_key, password)

    async def create_sub_account(self, account_name: str, password: str) -> str:
        """Create a sub-account; return its ``accountId``.

        ``password`` is the plaintext; it is sent hashed as the reference asks.
        """
        path = PATH_RAM_ACCOUNT_CREATE
        name = check_text(account_name, "account_name", path).strip()
        if not MIN_ACCOUNT_NAME_LENGTH <= len(name) <= MAX_ACCOUNT_NAME_LENGTH:
            raise param_error(
                f"account_name must be {MIN_ACCOUNT_NAME_LENGTH} to "
                f"{MAX_ACCOUNT_NAME_LENGTH} characters",
                path,
            )
        reply = await self._lapp(
            path,
            {
                "accountName": name,
                "password": self._hash_password(password, "password", path),
            },
        )
        account_id = as_str(self._expect_dict(reply.data, path).get("accountId"))
        if not account_id:
            raise EzvizResponseError("reply carries no accountId", endpoint=path)
        return account_id

    async def get_sub_account(
        self, *, account_id: str | None = None, account_name: str | None = None
    ) -> SubAccount:
        """One sub-account by id or name (both None: the token's own account)."""
        path = PATH_RAM_ACCOUNT_GET
        reply = await self._lapp(
            path,
            {
                "accountId": account_id or None,
                "accountName": account_name or None,
            },
        )
        return SubAccount.from_api(self._expect_dict(reply.data, path))

    async def get_sub_account_page(
        self, *, page_start: int = 0, page_size: int = 10
    ) -> SubAccountPage:
        """One page of the app's sub-accounts."""
        path = PATH_RAM_ACCOUNT_LIST
        reply = await self._lapp(
            path,
            {
                "pageStart": check_int_range(page_start, 0, None, "page_start", path),
                "pageSize": check_int_range(
                    page_size, 1, MAX_PAGE_SIZE, "page_size", path
                ),
            },
        )
        items = [] if reply.data is None else self._expect_list(reply.data, path)
        return SubAccountPage([SubAccount.from_api(item) for item in items], reply.page)

    async def list_sub_accounts(
        self, *, page_size: int = MAX_PAGE_SIZE
    ) -> list[SubAccount]:
        """Every sub-account of the app (all pages)."""
        path = PATH_RAM_ACCOUNT_LIST
        size = check_int_range(page_size, 1, MAX_PAGE_SIZE, "page_size", path)
        items = await self._lapp_all_pages(path, {}, page_size=size)
        return [SubAccount.from_api(item) for item in items]

    async def update_sub_account_password(
        self, account_id: str, old_password: str, new_password: str
    ) -> None:
        """Change a sub-account's password (both given in plaintext, sent hashed)."""
        path = PATH_RAM_ACCOUNT_UPDATE_PASSWORD
        await self._lapp(
            path,
            {
                "accountId": _check_account_id(account_id, path),
                "oldPassword": self._hash_password(old_password, "old_password", path),
                "newPassword": self._hash_password(new_password, "new_password", path),
            },
        )

    async def set_sub_account_policy(
        self, account_id: str, policy: Policy | Mapping[str, Any]
    ) -> None:
        """Replace a sub-account's whole permission policy."""
        path = PATH_RAM_POLICY_SET
        if isinstance(policy, Statement):
            raise param_error("policy must be a Policy, not a Statement", path)
        await self._lapp(
            path,
            {
                "accountId": _check_account_id(account_id, path),
                "policy": _policy_json(policy, path),
            },
        )

    async def add_sub_account_statement(
        self, account_id: str, statement: Statement | Mapping[str, Any]
    ) -> None:
        """Add one statement to a sub-account's policy."""
        path = PATH_RAM_STATEMENT_ADD
        if isinstance(statement, Policy):
            raise param_error("statement must be a Statement, not a Policy", path)
        await self._lapp(
            path,
            {
                "accountId": _check_account_id(account_id, path),
                "statement": _policy_json(statement, path),
            },
        )

    async def delete_sub_account_statement(self, account_id: str, serial: str) -> None:
        """Remove every statement about one device from a sub-account's policy."""
        path = PATH_RAM_STATEMENT_DELETE
        await self._lapp(
            path,
            {
                "accountId": _check_account_id(account_id, path),
                "deviceSerial": check_serial(serial, path),
            },
        )

    async def get_sub_account_token(self, account_id: str) -> SubAccountToken:
        """Get an access token that acts as the sub-account."""
        path = PATH_RAM_TOKEN_GET
        reply = await self._lapp(
            path, {"accountId": _check_account_id(account_id, path)}
        )
        token = SubAccountToken.from_api(self._expect_dict(reply.data, path))
        if not token.access_token:
            raise EzvizResponseError("reply carries no accessToken", endpoint=path)
        return token

    async def delete_sub_account(self, account_id: str) -> None:
        """Delete a sub-account."""
        path = PATH_RAM_ACCOUNT_DELETE
        await self._lapp(path, {"accountId": _check_account_id(account_id, path)})
