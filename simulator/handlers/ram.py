"""RAM sub-accounts (B mode): accounts, policies, statements, sub-account tokens."""

from __future__ import annotations

import json
import re
import secrets
from typing import TYPE_CHECKING, Any, Protocol

from ..context import NO_DATA, Paged, RequestContext
from ..errors import ApiError
from ..routes import route
from ..state import SubAccount

if TYPE_CHECKING:
    from ..records import TokenRecord

_MD5 = re.compile(r"^[0-9a-f]{32}$")
_NAME = re.compile(r"^[A-Za-z0-9_@.\-]{4,40}$")


class RamSim(Protocol):
    """What the RAM handlers use of the simulator (``ctx.extra["sim"]``)."""

    app_key: str

    def issue_token(self, *, sub_account: str | None = None) -> TokenRecord:
        """Mint a token in the current area (what token/get does)."""

    def token_reply(self, rec: TokenRecord) -> dict[str, Any]:
        """Return the data member of a token reply."""


def account_entry(acc: SubAccount, app_key: str) -> dict[str, Any]:
    """One sub-account as the API sends it."""
    return {
        "accountId": acc.account_id,
        "accountName": acc.name,
        "appKey": app_key,
        "accountStatus": acc.status,
        "policy": acc.policy,
    }


def _sim(ctx: RequestContext) -> RamSim:
    sim: RamSim = ctx.extra["sim"]
    return sim


def _main_account_only(ctx: RequestContext) -> None:
    if ctx.token is not None and ctx.token.sub_account is not None:
        raise ApiError(10031)


def _account(ctx: RequestContext) -> SubAccount:
    acc = ctx.state.sub_accounts.get(ctx.req("accountId"))
    if acc is None:
        raise ApiError(10032)
    return acc


def _statement(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ApiError(10001, "statement format is incorrect")
    permission = raw.get("Permission")
    resource = raw.get("Resource")
    if not isinstance(permission, str) or not permission:
        raise ApiError(10001, "Permission format is incorrect")
    if not isinstance(resource, list) or not all(isinstance(r, str) for r in resource):
        raise ApiError(10001, "Resource format is incorrect")
    return {"Permission": permission, "Resource": list(resource)}


def _json_param(ctx: RequestContext, name: str) -> Any:
    try:
        return json.loads(ctx.req(name))
    except ValueError:
        raise ApiError(10001, f"{name} is not JSON") from None


@route("/api/lapp/ram/account/create")
async def account_create(ctx: RequestContext) -> dict[str, Any]:
    """Create Sub-Account (password = lower(md5(appKey#plaintext)))."""
    _main_account_only(ctx)
    name = ctx.req("accountName")
    password = ctx.req("password")
    if not _NAME.match(name) or not _MD5.match(password):
        raise ApiError(10001, "accountName/password format is incorrect")
    if any(a.name == name for a in ctx.state.sub_accounts.values()):
        raise ApiError(10034)
    acc = SubAccount(account_id=secrets.token_hex(16), name=name, password=password)
    ctx.state.sub_accounts[acc.account_id] = acc
    return {"accountId": acc.account_id}


@route("/api/lapp/ram/account/get")
async def account_get(ctx: RequestContext) -> dict[str, Any]:
    """Get Single Sub-Account Information (by accountId, else accountName)."""
    account_id = ctx.param("accountId")
    name = ctx.param("accountName")
    accounts = ctx.state.sub_accounts
    acc: SubAccount | None
    if account_id is not None:
        acc = accounts.get(account_id)
    elif name is not None:
        acc = next((a for a in accounts.values() if a.name == name), None)
    elif ctx.token is not None and ctx.token.sub_account is not None:
        acc = accounts.get(ctx.token.sub_account)
    else:
        raise ApiError(10001, "accountId or accountName is required")
    if acc is None:
        raise ApiError(10032)
    if ctx.token is not None and ctx.token.sub_account not in (None, acc.account_id):
        raise ApiError(10031)
    return account_entry(acc, _sim(ctx).app_key)


@route("/api/lapp/ram/account/list")
async def account_list(ctx: RequestContext) -> Paged:
    """Access Sub-account Information List (paged)."""
    _main_account_only(ctx)
    app_key = _sim(ctx).app_key
    return ctx.page(
        [account_entry(a, app_key) for a in ctx.state.sub_accounts.values()]
    )


@route("/api/lapp/ram/account/updatePassword")
async def account_password(ctx: RequestContext) -> Any:
    """Edit Current Sub-account Password."""
    acc = _account(ctx)
    old = ctx.req("oldPassword")
    new = ctx.req("newPassword")
    if not _MD5.match(new):
        raise ApiError(10001, "newPassword format is incorrect")
    if old != acc.password:
        raise ApiError(10001, "oldPassword is incorrect")
    acc.password = new
    return NO_DATA


@route("/api/lapp/ram/policy/set")
async def policy_set(ctx: RequestContext) -> Any:
    """Edit Sub-account Permission Strategy (``policy`` is a JSON string)."""
    _main_account_only(ctx)
    acc = _account(ctx)
    policy = _json_param(ctx, "policy")
    if not isinstance(policy, dict) or not isinstance(policy.get("Statement"), list):
        raise ApiError(10001, "policy format is incorrect")
    acc.policy = {"Statement": [_statement(s) for s in policy["Statement"]]}
    return NO_DATA


@route("/api/lapp/ram/statement/add")
async def statement_add(ctx: RequestContext) -> Any:
    """Add Sub-account Permission (``statement`` is a JSON string)."""
    _main_account_only(ctx)
    acc = _account(ctx)
    stmt = _statement(_json_param(ctx, "statement"))
    if acc.policy is None:
        acc.policy = {"Statement": []}
    acc.policy.setdefault("Statement", []).append(stmt)
    return NO_DATA


@route("/api/lapp/ram/statement/delete")
async def statement_delete(ctx: RequestContext) -> Any:
    """Delete Sub-Account Permission: every resource of one device."""
    _main_account_only(ctx)
    acc = _account(ctx)
    serial = ctx.serial()
    if acc.policy is None:
        return NO_DATA
    kept = []
    for stmt in acc.policy.get("Statement", []):
        resources = [
            r
            for r in stmt.get("Resource", [])
            if r != f"dev:{serial}" and not str(r).startswith(f"cam:{serial}:")
        ]
        if resources:
            kept.append({**stmt, "Resource": resources})
    acc.policy["Statement"] = kept
    return NO_DATA


@route("/api/lapp/ram/token/get")
async def sub_token(ctx: RequestContext) -> dict[str, Any]:
    """Access Mode B Sub-Account AccessToken (``ra.`` token in the same area)."""
    _main_account_only(ctx)
    acc = _account(ctx)
    if acc.status != 1:
        raise ApiError(10036)
    sim = _sim(ctx)
    rec = sim.issue_token(sub_account=acc.account_id)
    if ctx.token is not None:
        rec.area = ctx.token.area
    return sim.token_reply(rec)


@route("/api/lapp/ram/account/delete")
async def account_delete(ctx: RequestContext) -> Any:
    """Delete Sub-Account (its tokens stop working)."""
    _main_account_only(ctx)
    acc = _account(ctx)
    del ctx.state.sub_accounts[acc.account_id]
    return NO_DATA
