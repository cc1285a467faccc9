"""Binary sensors of EZVIZ devices: connectivity, motion and doorbell alarms.

Motion and doorbell sensors turn on with an alarm of their camera (polled
or pushed) and off after the hold time of the options.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.event import async_call_later

from .alarm_coordinator import EVENT_DOORBELL, MOTION_EVENTS, AlarmEvent
from .alarm_entity import EzvizAlarmEntity
from .const import CONF_ALARM_HOLD, DEFAULT_ALARM_HOLD
from .entity import EzvizEntity, async_setup_device_entities, video_channels

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from . import EzvizOpenConfigEntry, EzvizOpenData

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the online sensor of each device and of each NVR channel."""

    def _entities(data: EzvizOpenData, serial: str) -> list[EzvizEntity]:
        entities: list[EzvizEntity] = [EzvizOnlineSensor(data, serial)]
        account = data.account.data
        if account is not None and account.is_multichannel(serial):
            entities.extend(
                EzvizOnlineSensor(data, serial, camera.channel)
                for camera in account.channels(serial)
            )
        entities.extend(
            EzvizAlarmSensor(data, serial, description, channel)
            for channel, _ in video_channels(account, serial)
            for description in ALARM_SENSORS
            if description.exists_fn(data, serial)
        )
        return entities

    async_setup_device_entities(entry, async_add_entities, _entities)


class EzvizOnlineSensor(EzvizEntity, BinarySensorEntity):
    """Whether the device (or channel) is connected to the cloud."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(
        self, data: EzvizOpenData, serial: str, channel: int | None = None
    ) -> None:
        """Set up the sensor."""
        super().__init__(data, serial, "online", channel)

    @property
    def available(self) -> bool:
        """Available while the account is read: offline is a state, not a gap."""
        if not self.coordinator.last_update_success:
            return False
        if self.channel is not None:
            return self.camera is not None
        return self.device is not None

    @property
    def is_on(self) -> bool:
        """Whether the device (or channel) is online."""
        return self.online


@dataclass(frozen=True, kw_only=True)
class EzvizAlarmSensorDescription(BinarySensorEntityDescription):
    """A sensor that is on for a while after some alarms of its camera."""

    events: frozenset[str]
    exists_fn: Callable[[EzvizOpenData, str], bool] = lambda data, serial: True


def _rings(data: EzvizOpenData, serial: str) -> bool:
    """Whether the device is a doorbell (it has a chime, or says so)."""
    caps = data.capabilities.get(serial)
    if caps is not None and caps.support_chime:
        return True
    device = data.account.data.devices.get(serial)
    kinds = (device.category, device.device_type) if device else ()
    return any("doorbell" in (kind or "").lower() for kind in kinds)


ALARM_SENSORS: tuple[EzvizAlarmSensorDescription, ...] = (
    EzvizAlarmSensorDescription(
        key="motion",
        translation_key="motion",
        device_class=BinarySensorDeviceClass.MOTION,
        events=MOTION_EVENTS,
    ),
    EzvizAlarmSensorDescription(
        key="doorbell",
        translation_key="doorbell",
        events=frozenset({EVENT_DOORBELL}),
        exists_fn=_rings,
    ),
)


class EzvizAlarmSensor(EzvizAlarmEntity, BinarySensorEntity):
    """On with an alarm of its kind, off after the hold time."""

    entity_description: EzvizAlarmSensorDescription
    _attr_is_on = False

    def __init__(
        self,
        data: EzvizOpenData,
        serial: str,
        description: EzvizAlarmSensorDescription,
        channel: int | None = None,
    ) -> None:
        """Set up the sensor."""
        super().__init__(data, serial, description.key, channel)
        self.entity_description = description
        self._hold = timedelta(
            seconds=data.options.get(CONF_ALARM_HOLD, DEFAULT_ALARM_HOLD)
        )
        self._cancel_off: CALLBACK_TYPE | None = None

    @callback
    def _handle_alarm(self, event: AlarmEvent) -> None:
        if event.event_type not in self.entity_description.events:
            return
        if self._cancel_off is not None:
            self._cancel_off()
        self._attr_is_on = True
        self._cancel_off = async_call_later(self.hass, self._hold, self._async_off)
        self.async_write_ha_state()

    @callback
    def _async_off(self, _now: object) -> None:
        self._cancel_off = None
        self._attr_is_on = False
        self.async_write_ha_state()

    async def async_will_remove_from_hass(self) -> None:
        """Stop the pending turn-off."""
        await super().async_will_remove_from_hass()
        if self._cancel_off is not None:
            self._cancel_off()
            self._cancel_off = None
