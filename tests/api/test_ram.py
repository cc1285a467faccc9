"""Sub-account (RAM) endpoints against the simulator."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import pytest

from custom_components.ezviz_open.api.errors import (
    EzvizNotFoundError,
    EzvizParameterError,
)
from custom_components.ezviz_open.api.ram import (
    PATH_RAM_ACCOUNT_CREATE,
    PATH_RAM_ACCOUNT_DELETE,
    PATH_RAM_ACCOUNT_GET,
    PATH_RAM_ACCOUNT_LIST,
    PATH_RAM_ACCOUNT_UPDATE_PASSWORD,
    PATH_RAM_POLICY_SET,
    PATH_RAM_STATEMENT_ADD,
    PATH_RAM_STATEMENT_DELETE,
    PATH_RAM_TOKEN_GET,
    Policy,
    Statement,
    hash_password,
)

from .partb_helpers import assert_lapp, last_request, requests_to

if TYPE_CHECKING:
    from custom_components.ezviz_open.api import EzvizOpenClient
    from simulator import Simulator

FAMILY_ID = "b3ad7ba927524b748e557572024d4ac2"


def _md5(app_key: str, password: str) -> str:
    return hashlib.md5(f"{app_key}#{password}".encode()).hexdigest()


async def test_list_and_get(client: EzvizOpenClient, simulator: Simulator) -> None:
    accounts = await client.list_sub_accounts()
    assert_lapp(
        last_request(simulator, PATH_RAM_ACCOUNT_LIST),
        {"pageStart": "0", "pageSize": "50"},
    )
    state = simulator.state.sub_accounts
    assert [a.account_id for a in accounts] == list(state)

    family = await client.get_sub_account(account_id=FAMILY_ID)
    assert_lapp(last_request(simulator, PATH_RAM_ACCOUNT_GET), {"accountId": FAMILY_ID})
    assert family.account_name == state[FAMILY_ID].name
    assert family.app_key == simulator.app_key
    assert family.enabled is True
    assert family.policy is not None
    (statement,) = family.policy.statements
    assert statement.permissions == ("GET", "UPDATE", "REAL")
    assert statement.resources == ("dev:C6N000001", "cam:NVR000005:1")

    by_name = await client.get_sub_account(account_name="family")
    assert_lapp(
        last_request(simulator, PATH_RAM_ACCOUNT_GET), {"accountName": "family"}
    )
    assert by_name == family


async def test_account_life_cycle(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    account_id = await client.create_sub_account("garden-crew", "s3cret!")

    rec = last_request(simulator, PATH_RAM_ACCOUNT_CREATE)
    expected_hash = _md5(simulator.app_key, "s3cret!")
    assert_lapp(rec, {"accountName": "garden-crew", "password": expected_hash})
    assert simulator.state.sub_accounts[account_id].password == expected_hash

    page = await client.get_sub_account_page(page_start=1, page_size=1)
    assert_lapp(
        last_request(simulator, PATH_RAM_ACCOUNT_LIST),
        {"pageStart": "1", "pageSize": "1"},
    )
    assert page.page is not None
    assert page.page.total == 2
    assert [a.account_id for a in page.accounts] == [account_id]
    assert page.accounts[0].policy is None

    await client.update_sub_account_password(account_id, "s3cret!", "n3w-pass")
    assert_lapp(
        last_request(simulator, PATH_RAM_ACCOUNT_UPDATE_PASSWORD),
        {
            "accountId": account_id,
            "oldPassword": expected_hash,
            "newPassword": _md5(simulator.app_key, "n3w-pass"),
        },
    )
    assert simulator.state.sub_accounts[account_id].password == _md5(
        simulator.app_key, "n3w-pass"
    )
    with pytest.raises(EzvizParameterError) as wrong:
        await client.update_sub_account_password(account_id, "s3cret!", "again")
    assert wrong.value.code == 10001

    await client.delete_sub_account(account_id)
    assert_lapp(
        last_request(simulator, PATH_RAM_ACCOUNT_DELETE), {"accountId": account_id}
    )
    with pytest.raises(EzvizNotFoundError) as gone:
        await client.get_sub_account(account_id=account_id)
    assert gone.value.code == 10032


async def test_policy_and_statements(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    policy = Policy(
        (
            Statement.create(["GET", "REAL"], ["dev:C8C000006"]),
            Statement.create(["GET"], ["cam:NVR000005:2", "dev:A1S000004"]),
        )
    )

    await client.set_sub_account_policy(FAMILY_ID, policy)

    rec = last_request(simulator, PATH_RAM_POLICY_SET)
    assert rec.form["accountId"] == FAMILY_ID
    assert json.loads(rec.form["policy"]) == {
        "Statement": [
            {"Permission": "GET,REAL", "Resource": ["dev:C8C000006"]},
            {"Permission": "GET", "Resource": ["cam:NVR000005:2", "dev:A1S000004"]},
        ]
    }
    fetched = (await client.get_sub_account(account_id=FAMILY_ID)).policy
    assert fetched == policy

    await client.add_sub_account_statement(
        FAMILY_ID, {"Permission": "GET", "Resource": ["dev:DB1000003"]}
    )
    rec = last_request(simulator, PATH_RAM_STATEMENT_ADD)
    assert json.loads(rec.form["statement"]) == {
        "Permission": "GET",
        "Resource": ["dev:DB1000003"],
    }
    fetched = (await client.get_sub_account(account_id=FAMILY_ID)).policy
    assert fetched is not None
    assert fetched.statements[-1] == Statement.create(["GET"], ["dev:DB1000003"])

    await client.delete_sub_account_statement(FAMILY_ID, "NVR000005")
    assert_lapp(
        last_request(simulator, PATH_RAM_STATEMENT_DELETE),
        {"accountId": FAMILY_ID, "deviceSerial": "NVR000005"},
    )
    fetched = (await client.get_sub_account(account_id=FAMILY_ID)).policy
    assert fetched is not None
    resources = [r for s in fetched.statements for r in s.resources]
    assert not any("NVR000005" in r for r in resources)
    assert "dev:A1S000004" in resources

    with pytest.raises(EzvizParameterError):
        await client.set_sub_account_policy(FAMILY_ID, Statement.create(["GET"], []))  # type: ignore[arg-type]
    assert len(requests_to(simulator, PATH_RAM_POLICY_SET)) == 1


async def test_sub_account_token(client: EzvizOpenClient, simulator: Simulator) -> None:
    token = await client.get_sub_account_token(FAMILY_ID)

    assert_lapp(last_request(simulator, PATH_RAM_TOKEN_GET), {"accountId": FAMILY_ID})
    assert token.access_token.startswith("ra.")
    assert simulator.tokens[token.access_token].sub_account == FAMILY_ID
    assert token.area_domain == simulator.area_domain
    assert token.expire_time is not None
    assert token.access_token not in repr(token)
    info = token.to_token_info()
    assert info.access_token == token.access_token
    assert info.expire_time_ms == token.expire_time_ms


async def test_parameters_checked(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    with pytest.raises(EzvizParameterError):
        await client.create_sub_account("abc", "password")
    with pytest.raises(EzvizParameterError):
        await client.create_sub_account("valid-name", "")
    with pytest.raises(EzvizParameterError):
        await client.get_sub_account_page(page_size=0)
    with pytest.raises(EzvizParameterError):
        await client.delete_sub_account(" ")
    assert simulator.count() == 0


def test_hash_password_matches_reference_form() -> None:
    digest = hash_password("key", "pw")
    assert digest == hashlib.md5(b"key#pw").hexdigest()
    assert digest == digest.lower()
