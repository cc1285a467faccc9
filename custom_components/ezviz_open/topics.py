"""Detail topics: the per-device endpoints that entities read, each declared once.

A topic is one endpoint of one device (one request per device and round of
the detail cadence, ``coordinator/detail.py``). Its declaration says everything
about it: the client method that reads it, the type that method returns
(the type entities get back, so mypy checks every description's functions
against it), and how often the cadence may read it. Adding a topic is one
declaration; nothing in the coordinator names it. The topics that more than
one module reads are declared here; one that a single platform reads is
declared beside its descriptions (``switch.py``, ``select.py``, ...). Topics
are equal by key, and keys are unique (``tests/test_topics.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from .metering.planner import CADENCES, CadenceKey

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from datetime import timedelta

    from .api import EzvizOpenClient
    from .api.devices import Device, DeviceStatus
    from .api.system import DeviceVersion, UpgradeStatus


@dataclass(frozen=True)
class DetailTopic[T]:
    """A per-device endpoint whose reply (a ``T``) entities show.

    Equal by ``key`` alone: the coordinator keys what it reads by topic.
    """

    #: Stable: diagnostics and logs show it.
    key: str
    read: Callable[[EzvizOpenClient, str], Awaitable[T]] = field(
        compare=False, repr=False
    )
    #: Read at most once per this age (None: every round of the cadence).
    max_age: timedelta | None = field(default=None, compare=False)
    #: Whether the value is out of date before ``max_age``, given the device
    #: as last listed (the device list costs nothing extra).
    stale_fn: Callable[[Device, T], bool] | None = field(
        default=None, compare=False, repr=False
    )

    def __str__(self) -> str:
        """Show the key (in logs)."""
        return self.key


def _new_firmware(device: Device, version: DeviceVersion) -> bool:
    """Whether the device list shows an installed version the last read did not."""
    return device.version is not None and version.current != device.version


#: ``device/status/get``: privacy, alarm sound, battery, storage and cloud
#: storage in one request.
TOPIC_STATUS: Final[DetailTopic[DeviceStatus]] = DetailTopic(
    "status", lambda client, serial: client.get_device_status(serial)
)
TOPIC_INFO: Final[DetailTopic[Device]] = DetailTopic(
    "info", lambda client, serial: client.get_device_info(serial)
)
#: The latest firmware: the device list carries the installed one, so it is
#: asked for once a day, and again when the installed version changes.
TOPIC_VERSION: Final[DetailTopic[DeviceVersion]] = DetailTopic(
    "version",
    lambda client, serial: client.get_device_version(serial),
    max_age=CADENCES[CadenceKey.FIRMWARE].default,
    stale_fn=_new_firmware,
)
#: Set while a firmware upgrade is followed
#: (``DetailCoordinator.async_watch_upgrade``), never read by the cadence: no
#: entity registers it.
TOPIC_UPGRADE: Final[DetailTopic[UpgradeStatus]] = DetailTopic(
    "upgrade", lambda client, serial: client.get_upgrade_status(serial)
)
