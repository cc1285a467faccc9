"""Entities fed by the alarm cadence (and push): events, sensors, pictures.

Alarms belong to a device, or to one channel of a multi-channel device (an
NVR); the entities of that device or channel subscribe to its alarms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import callback

from .entity import EzvizEntity, video_channels

if TYPE_CHECKING:
    from .coordinator.alarm_events import AlarmEvent, AlarmTarget
    from .data import EzvizOpenData


def alarm_channels(data: EzvizOpenData, serial: str) -> list[int | None]:
    """Entity channels that receive alarms: the device, and each NVR channel."""
    channels: list[int | None] = [None]
    channels.extend(
        channel
        for channel, _ in video_channels(data.account.data, serial)
        if channel is not None
    )
    return channels


class EzvizAlarmEntity(EzvizEntity):
    """An entity that reacts to the alarms of its device or channel."""

    #: Whether the entity announces each alarm (an event entity): it hears of
    #: an alarm after the entities that show it.
    _announces_alarms = False

    @property
    def alarm_target(self) -> AlarmTarget:
        """The (serial, channel) whose alarms this entity follows."""
        return (self.serial, self.channel)

    @property
    def last_alarm(self) -> AlarmEvent | None:
        """The newest alarm of the target (from polling, push or setup)."""
        return (self.runtime.alarms.data or {}).get(self.alarm_target)

    async def async_added_to_hass(self) -> None:
        """Follow the alarm cadence (which keeps it running) and new alarms."""
        await super().async_added_to_hass()
        alarms = self.runtime.alarms
        self.async_on_remove(alarms.async_add_listener(self._handle_alarm_poll))
        self.async_on_remove(
            alarms.async_subscribe(
                self.alarm_target, self._handle_alarm, announces=self._announces_alarms
            )
        )

    @callback
    def _handle_alarm_poll(self) -> None:
        """Do nothing after a poll (new alarms were handled one by one)."""

    @callback
    def _handle_alarm(self, event: AlarmEvent) -> None:
        """Handle a new alarm of the target."""
        raise NotImplementedError
