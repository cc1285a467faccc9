"""Shared test setup.

Our package is imported first so that ``custom_components`` resolves to this
repository and not to the test harness's own ``testing_config``.
"""

import pytest

import custom_components.ezviz_open  # noqa: F401


@pytest.fixture(scope="session")
def exercised_endpoints() -> set[tuple[str, str]]:
    """(method, path) of every request a simulator answered with success.

    Filled by the simulators of ``tests/api`` and ``tests/integration``, whose
    requests all come from the client; ``tests/zz_endpoints`` reads it last.
    """
    return set()
