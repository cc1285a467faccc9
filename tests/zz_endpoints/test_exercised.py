"""Every endpoint of endpoints.tsv was exercised through the client.

This directory is collected after every other (pytest collects in name
order), so the check reads what the whole run sent: the simulators of
``tests/api`` (the client on its own) and of ``tests/integration`` (the
client inside Home Assistant) record each request they answered with
success (``exercised_endpoints``). Each endpoint must be among them.
"""

import os

import pytest

from tests.reference import ROOT, endpoints

#: The suites whose simulators record what the client sent.
RECORDING = (ROOT / "tests" / "api", ROOT / "tests" / "integration")


def test_every_path_exercised_through_the_client(
    request: pytest.FixtureRequest, exercised_endpoints: set[tuple[str, str]]
) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("each worker records only the tests it ran")
    collected = {item.path.parent for item in request.session.items}
    if not all(suite in collected for suite in RECORDING):
        pytest.skip("only meaningful when tests/api and tests/integration run")
    missing = [(p, m) for p, m in endpoints() if (m, p) not in exercised_endpoints]
    assert missing == []
