"""Alarm events: one event entity per device (and per NVR channel).

Every alarm of the account, polled or pushed, fires once on the entity of
the device or channel it belongs to, typed from the reference's alarm-type
table (see ``coordinator.alarm_events.ALARM_EVENT_TYPES``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import callback

from .alarm_entity import EzvizAlarmEntity, alarm_channels
from .coordinator.alarm_events import EVENT_TYPES
from .entity import async_setup_device_entities

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api.system import DeviceCapabilities
    from .coordinator.alarm_events import AlarmEvent
    from .data import EzvizOpenConfigEntry, EzvizOpenData
    from .entity import EzvizEntity

PARALLEL_UPDATES = 0

ALARM_EVENT = EventEntityDescription(
    key="alarm",
    translation_key="alarm",
    event_types=list(EVENT_TYPES),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the alarm event entity of each device and NVR channel."""

    def _entities(
        data: EzvizOpenData, serial: str, caps: DeviceCapabilities
    ) -> list[EzvizEntity]:
        return [
            EzvizAlarmEvent(data, serial, channel)
            for channel in alarm_channels(data, serial)
        ]

    async_setup_device_entities(entry, async_add_entities, _entities)


class EzvizAlarmEvent(EzvizAlarmEntity, EventEntity):
    """Fires with each new alarm of its device or channel."""

    entity_description = ALARM_EVENT
    _announces_alarms = True

    def __init__(
        self, data: EzvizOpenData, serial: str, channel: int | None = None
    ) -> None:
        """Set up the event entity."""
        super().__init__(data, serial, ALARM_EVENT.key, channel)

    @callback
    def _handle_alarm(self, event: AlarmEvent) -> None:
        self._trigger_event(event.event_type, event.attributes)
        self.async_write_ha_state()
