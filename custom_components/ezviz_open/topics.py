"""Detail topics: the per-device endpoints that entities read, each declared once.

A topic is one endpoint of one device (one request per device and round of
the detail cadence, ``coordinator/detail.py``). Its declaration says everything
about it: the client method that reads it, the type that method returns
(the type entities get back, so mypy checks every description's functions
against it), and how often the cadence may read it. Adding a topic is one
declaration here; nothing else in the coordinator names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from .api.device_config import SwitchType
from .metering.planner import CADENCES, CadenceKey

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from datetime import timedelta

    from .api import EzvizOpenClient
    from .api.detectors import Detector
    from .api.device_config import (
        FillLightStatus,
        StorageMedium,
        SwitchStatus as ConfigSwitchStatus,
        TimingPlan,
    )
    from .api.devices import Device, DeviceStatus
    from .api.settings import ChimeSettings, SwitchStatus
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
TOPIC_PROMPT_SOUND: Final[DetailTopic[SwitchStatus]] = DetailTopic(
    "prompt_sound", lambda client, serial: client.get_prompt_sound(serial)
)
TOPIC_SOUND_LOCALIZATION: Final[DetailTopic[SwitchStatus]] = DetailTopic(
    "sound_localization",
    lambda client, serial: client.get_sound_localization(serial),
)
TOPIC_MICROPHONE: Final[DetailTopic[SwitchStatus]] = DetailTopic(
    "microphone", lambda client, serial: client.get_microphone(serial)
)
TOPIC_INFRARED: Final[DetailTopic[SwitchStatus]] = DetailTopic(
    "infrared", lambda client, serial: client.get_infrared(serial)
)
TOPIC_MOTION_LIGHT: Final[DetailTopic[ConfigSwitchStatus]] = DetailTopic(
    "motion_light",
    lambda client, serial: client.get_switch_status(
        serial, SwitchType.MOTION_TRIGGERED_LIGHT
    ),
)
TOPIC_FILL_LIGHT: Final[DetailTopic[FillLightStatus]] = DetailTopic(
    "fill_light", lambda client, serial: client.get_fill_light_mode(serial)
)
TOPIC_CHIME: Final[DetailTopic[ChimeSettings]] = DetailTopic(
    "chime", lambda client, serial: client.get_chime(serial)
)
TOPIC_WORKING_MODE: Final[DetailTopic[TimingPlan]] = DetailTopic(
    "working_mode", lambda client, serial: client.get_timing_plan(serial)
)
TOPIC_INFO: Final[DetailTopic[Device]] = DetailTopic(
    "info", lambda client, serial: client.get_device_info(serial)
)
TOPIC_STORAGE: Final[DetailTopic[list[StorageMedium]]] = DetailTopic(
    "storage", lambda client, serial: client.get_format_status(serial)
)
#: The latest firmware: the device list carries the installed one, so it is
#: asked for once a day, and again when the installed version changes.
TOPIC_VERSION: Final[DetailTopic[DeviceVersion]] = DetailTopic(
    "version",
    lambda client, serial: client.get_device_version(serial),
    max_age=CADENCES[CadenceKey.FIRMWARE].default,
    stale_fn=_new_firmware,
)
#: The detectors of an A1-type hub (``detector/list``, see ``detectors.py``).
TOPIC_DETECTORS: Final[DetailTopic[list[Detector]]] = DetailTopic(
    "detectors", lambda client, serial: client.list_detectors(serial)
)
#: Set while a firmware upgrade is followed
#: (``DetailCoordinator.async_watch_upgrade``), never read by the cadence: no
#: entity registers it.
TOPIC_UPGRADE: Final[DetailTopic[UpgradeStatus]] = DetailTopic(
    "upgrade", lambda client, serial: client.get_upgrade_status(serial)
)
