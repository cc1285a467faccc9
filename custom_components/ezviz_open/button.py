"""Buttons of EZVIZ cameras: PTZ steps and mirror flips.

Each exists only where the device's capability set offers it. A PTZ button
moves one short step (``ptz/start``, a pause, ``ptz/stop``: two requests);
a mirror button flips the image (one request). Neither has a state to read
back, so no refresh follows.

An A1 hub has a button that clears its alarm (``detector/cancelAlarm``); the
hub's detector list (zone faults) is read again after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory

from .api.ptz import MirrorCommand, PtzDirection
from .const import PTZ_STEP_DURATION
from .detectors import async_cancel_hub_alarm, is_detector_hub
from .entity import EzvizEntity, async_setup_device_entities, video_channels
from .helpers import async_ptz_step, ezviz_exception_handler

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api import EzvizOpenClient
    from .api.system import DeviceCapabilities
    from .data import EzvizOpenConfigEntry, EzvizOpenData

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class EzvizButtonEntityDescription(ButtonEntityDescription):
    """A button: when it exists, and what a press sends."""

    exists_fn: Callable[[DeviceCapabilities], bool]
    #: (client, serial, channel number) -> the command.
    press_fn: Callable[[EzvizOpenClient, str, int], Awaitable[None]]


def _ptz(
    key: str,
    direction: PtzDirection,
    exists_fn: Callable[[DeviceCapabilities], bool],
) -> EzvizButtonEntityDescription:
    return EzvizButtonEntityDescription(
        key=key,
        translation_key=key,
        exists_fn=exists_fn,
        # PTZ_STEP_DURATION is read at press time (tests shorten it).
        press_fn=lambda client, serial, channel: async_ptz_step(
            client, serial, channel, direction, duration=_step_duration()
        ),
    )


def _mirror(
    key: str,
    command: MirrorCommand,
    exists_fn: Callable[[DeviceCapabilities], bool],
) -> EzvizButtonEntityDescription:
    return EzvizButtonEntityDescription(
        key=key,
        translation_key=key,
        entity_category=EntityCategory.CONFIG,
        exists_fn=exists_fn,
        press_fn=lambda client, serial, channel: client.mirror_ptz(
            serial, command, channel=channel
        ),
    )


def _step_duration() -> float:
    return PTZ_STEP_DURATION


BUTTONS: tuple[EzvizButtonEntityDescription, ...] = (
    _ptz("ptz_up", PtzDirection.UP, lambda caps: caps.ptz_top_bottom),
    _ptz("ptz_down", PtzDirection.DOWN, lambda caps: caps.ptz_top_bottom),
    _ptz("ptz_left", PtzDirection.LEFT, lambda caps: caps.ptz_left_right),
    _ptz("ptz_right", PtzDirection.RIGHT, lambda caps: caps.ptz_left_right),
    _ptz("ptz_zoom_in", PtzDirection.ZOOM_IN, lambda caps: caps.ptz_zoom),
    _ptz("ptz_zoom_out", PtzDirection.ZOOM_OUT, lambda caps: caps.ptz_zoom),
    _mirror(
        "mirror_up_down",
        MirrorCommand.UP_DOWN,
        lambda caps: caps.ptz_top_bottom_mirror,
    ),
    _mirror(
        "mirror_left_right",
        MirrorCommand.LEFT_RIGHT,
        lambda caps: caps.ptz_left_right_mirror,
    ),
    _mirror(
        "mirror_center",
        MirrorCommand.CENTER,
        lambda caps: caps.ptz_center_mirror,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons each camera's capabilities allow."""

    def _entities(
        data: EzvizOpenData, serial: str, caps: DeviceCapabilities
    ) -> list[EzvizEntity]:
        entities: list[EzvizEntity] = [
            EzvizButton(data, serial, channel, channel_no, description)
            for channel, channel_no in video_channels(data.account.data, serial)
            for description in BUTTONS
            if description.exists_fn(caps)
        ]
        if is_detector_hub(data, serial):
            entities.append(EzvizClearAlarmButton(data, serial))
        return entities

    async_setup_device_entities(entry, async_add_entities, _entities)


class EzvizButton(EzvizEntity, ButtonEntity):
    """A PTZ step or a mirror flip."""

    entity_description: EzvizButtonEntityDescription

    def __init__(
        self,
        data: EzvizOpenData,
        serial: str,
        channel: int | None,
        channel_no: int,
        description: EzvizButtonEntityDescription,
    ) -> None:
        """Set up the button of one channel."""
        self.entity_description = description
        self.channel_no = channel_no
        super().__init__(data, serial, description.key, channel)

    @ezviz_exception_handler
    async def async_press(self) -> None:
        """Send the command."""
        await self.entity_description.press_fn(
            self.runtime.client, self.serial, self.channel_no
        )


class EzvizClearAlarmButton(EzvizEntity, ButtonEntity):
    """Clear the ongoing alarm of an A1 hub."""

    _attr_translation_key = "clear_alarm"

    def __init__(self, data: EzvizOpenData, serial: str) -> None:
        """Set up the button of a hub."""
        super().__init__(data, serial, "clear_alarm")

    @ezviz_exception_handler
    async def async_press(self) -> None:
        """Clear the alarm, then read the hub's detectors again."""
        await async_cancel_hub_alarm(self.runtime, self.serial)
