"""Arming of EZVIZ devices: A1-type hubs and cameras.

Hubs have three modes (sleep, home, away); cameras are armed or not (motion
detection on or off). The state comes with the account cadence's device list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.alarm_control_panel import AlarmControlPanelEntity
from homeassistant.components.alarm_control_panel.const import (
    AlarmControlPanelEntityFeature,
    AlarmControlPanelState,
)

from .api._parse import as_int
from .api.settings import CameraDefenceMode, DefenceMode, HubDefenceMode
from .entity import EzvizEntity, async_setup_device_entities
from .helpers import ezviz_exception_handler

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api.system import DeviceCapabilities
    from .data import EzvizOpenConfigEntry, EzvizOpenData

PARALLEL_UPDATES = 1

HUB_STATES: dict[int, AlarmControlPanelState] = {
    HubDefenceMode.SLEEP: AlarmControlPanelState.DISARMED,
    HubDefenceMode.HOME: AlarmControlPanelState.ARMED_HOME,
    HubDefenceMode.AWAY: AlarmControlPanelState.ARMED_AWAY,
}
CAMERA_STATES: dict[int, AlarmControlPanelState] = {
    CameraDefenceMode.DISARMED: AlarmControlPanelState.DISARMED,
    CameraDefenceMode.ARMED: AlarmControlPanelState.ARMED_AWAY,
}


def is_hub(caps: DeviceCapabilities, defence: int | None) -> bool:
    """Whether a device arms like an A1 hub (sleep / home / away).

    The capability set says so with ``support_protection_mode`` 1 ("protection
    mode only"); a hub-only ``defence`` value (8, 16) says so too.
    """
    return as_int(caps.value("support_protection_mode")) == 1 or defence in (
        HubDefenceMode.HOME,
        HubDefenceMode.AWAY,
    )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an arming panel for each device that supports arming."""

    def _entities(
        data: EzvizOpenData, serial: str, caps: DeviceCapabilities
    ) -> list[EzvizEntity]:
        if not caps.support_defence:
            return []
        return [EzvizAlarmControlPanel(data, serial)]

    async_setup_device_entities(entry, async_add_entities, _entities)


class EzvizAlarmControlPanel(EzvizEntity, AlarmControlPanelEntity):
    """Arm and disarm a device; no code is asked for."""

    _attr_code_arm_required = False
    _attr_translation_key = "arming"

    def __init__(self, data: EzvizOpenData, serial: str) -> None:
        """Set up the panel of one device."""
        super().__init__(data, serial, "arming")
        device = self.device
        self._hub = is_hub(self.capabilities, device.defence if device else None)
        self._attr_supported_features = (
            AlarmControlPanelEntityFeature.ARM_HOME
            | AlarmControlPanelEntityFeature.ARM_AWAY
            if self._hub
            else AlarmControlPanelEntityFeature.ARM_AWAY
        )

    @property
    def alarm_state(self) -> AlarmControlPanelState | None:
        """The arming state from the device list."""
        device = self.device
        if device is None or device.defence is None:
            return None
        return (HUB_STATES if self._hub else CAMERA_STATES).get(device.defence)

    async def async_alarm_disarm(self, code: str | None = None) -> None:
        """Disarm (hubs: sleep mode)."""
        await self._async_set(
            HubDefenceMode.SLEEP if self._hub else CameraDefenceMode.DISARMED
        )

    async def async_alarm_arm_home(self, code: str | None = None) -> None:
        """Arm in home mode (hubs only)."""
        await self._async_set(HubDefenceMode.HOME)

    async def async_alarm_arm_away(self, code: str | None = None) -> None:
        """Arm in away mode (cameras: motion detection on)."""
        await self._async_set(
            HubDefenceMode.AWAY if self._hub else CameraDefenceMode.ARMED
        )

    @ezviz_exception_handler
    async def _async_set(self, mode: DefenceMode) -> None:
        await self.runtime.client.set_defence(self.serial, mode)
        # Shown at once; the account's next read confirms it.
        self.coordinator.async_set_device(self.serial, defence=int(mode))
