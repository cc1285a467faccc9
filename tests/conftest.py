"""Shared test setup.

Our package is imported first so that ``custom_components`` resolves to this
repository and not to the test harness's own ``testing_config``.
"""

import custom_components.ezviz_open  # noqa: F401
