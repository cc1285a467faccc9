"""Fixtures of the integration tests: the simulator and a loaded entry.

Everything talks to the simulator over real loopback HTTP, so every test
that reaches it requests ``socket_enabled`` (through ``simulator``).
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
import re
from typing import TYPE_CHECKING, Any
from unittest.mock import PropertyMock, patch

from homeassistant.const import CONF_URL
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.syrupy import (
    HomeAssistantSnapshotExtension,
    HomeAssistantSnapshotSerializer,
)
from syrupy.filters import props

from custom_components.ezviz_open.const import (
    CONF_APP_KEY,
    CONF_APP_SECRET,
    CONF_REGION,
    DOMAIN,
    REGION_CUSTOM,
)
from simulator import Simulator

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from syrupy.assertion import SnapshotAssertion

TOKEN_PATH = "/api/lapp/token/get"
DEVICE_LIST_PATH = "/api/lapp/device/list"
CAMERA_LIST_PATH = "/api/lapp/camera/list"
CAPACITY_PATH = "/api/lapp/device/capacity"
STATUS_PATH = "/api/lapp/device/status/get"
ALARM_LIST_PATH = "/api/lapp/alarm/list"


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    """Move the clock on by ``seconds`` and run everything that fell due."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def registered_device(hass: HomeAssistant, serial: str) -> dr.DeviceEntry | None:
    """The device of this integration registered under ``serial``, or None.

    Home Assistant 2026.10 refuses ``DeviceRegistry.async_get_device`` to any
    caller that is not a custom integration (the tests are not), and its
    replacements are not in 2025.4.4; the entries' own device lists answer on
    every supported release.
    """
    registry = dr.async_get(hass)
    for entry in hass.config_entries.async_entries(DOMAIN):
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
            if (DOMAIN, serial) in device.identifiers:
                return device
    return None


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components."""


#: How Home Assistant reports the use of something it deprecated or will
#: refuse (homeassistant/helpers/frame.py): "Detected that custom integration
#: 'ezviz_open' ..." or, when it cannot tell the caller, "Detected code that ...".
_USAGE_REPORTS = ("integration 'ezviz_open'", "Detected code that")


@pytest.fixture(autouse=True)
def no_deprecated_usage(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test in which Home Assistant reported a deprecated usage of ours.

    The same reports become errors in later releases (the reloading abort
    with an update listener in 2026.12, ``via_device`` later), so each target
    of the suite catches what it already announces.
    """
    yield
    reports = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("homeassistant")
        and "Detected" in record.getMessage()
        and any(marker in record.getMessage() for marker in _USAGE_REPORTS)
    ]
    assert not reports, reports


@pytest.fixture
async def simulator(
    socket_enabled: None, exercised_endpoints: set[tuple[str, str]]
) -> AsyncIterator[Simulator]:
    """The demo account on loopback."""
    async with Simulator(fleet="demo") as sim:
        yield sim
        exercised_endpoints.update(
            (request.method, request.path)
            for request in sim.requests
            if request.code == 200
        )


@pytest.fixture
def entry_data(simulator: Simulator) -> dict[str, str]:
    """Entry data pointing at the simulator."""
    return {
        CONF_APP_KEY: simulator.app_key,
        CONF_APP_SECRET: simulator.app_secret,
        CONF_REGION: REGION_CUSTOM,
        CONF_URL: simulator.base_url,
    }


@pytest.fixture
def mock_config_entry(
    simulator: Simulator, entry_data: dict[str, str]
) -> MockConfigEntry:
    """An entry of the simulator's account (not yet added)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="EZVIZ Open Platform",
        # Fixed: the account's own entities are identified by it (snapshots).
        entry_id="01JEZVIZOPENPLATFORMENTRY0",
        unique_id=simulator.app_key,
        data=entry_data,
    )


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The entry, set up against the simulator."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return mock_config_entry


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, also those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


#: Fields that only one of the two Home Assistant targets has: the entity
#: registry's ``object_id_base`` and ``suggested_object_id`` (added after
#: 2025.4) and the camera attribute ``frontend_stream_type`` (removed since).
#: Left out of the snapshots so that one copy holds on both.
VERSION_DEPENDENT_FIELDS = props(
    "object_id_base", "suggested_object_id", "frontend_stream_type", "aliases"
)


#: The brand icon Home Assistant gives an update entity: a URL of the brands
#: site until 2026.x, of its own brands API in 2026.10.
_BRAND_ICON = re.compile(
    r"^(?:https://brands\.home-assistant\.io/_|/api/brands/integration)/(.+)$"
)


class _Serializer(HomeAssistantSnapshotSerializer):
    """Home Assistant's serializer, holding one copy on every supported release.

    Home Assistant 2026.10 keys entity capabilities and state attributes by
    StrEnum members (``SelectEntityCapabilityAttribute.OPTIONS``) where earlier
    releases use plain strings (both compare and hash alike), and serves brand
    icons from its own API: keys are written as their values, and a brand icon
    as ``brand:<domain>/<file>``.
    """

    @classmethod
    def _serialize(cls, data: Any, **kwargs: Any) -> str:
        if isinstance(data, dict) and any(isinstance(key, StrEnum) for key in data):
            data = type(data)(
                {
                    key.value if isinstance(key, StrEnum) else key: value
                    for key, value in data.items()
                }
            )
        elif isinstance(data, str) and (icon := _BRAND_ICON.match(data)):
            data = f"brand:{icon.group(1)}"
        return super()._serialize(data, **kwargs)


class _Extension(HomeAssistantSnapshotExtension):
    serializer_class = _Serializer


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots serialized like Home Assistant core's (stable ids and times)."""
    return snapshot.with_defaults(
        extension_class=_Extension,
        exclude=VERSION_DEPENDENT_FIELDS,
    )
