"""Binary sensors of EZVIZ devices: connectivity, motion and doorbell alarms.

A device with ``support_device_offline_notify`` has a diagnostic sensor of
whether the cloud notifies when it goes offline (``offlineNotify`` of
``device/info``; the API has no endpoint to change it). It reads the same
topic as the Wi-Fi signal sensor, and like it is disabled by default.

Motion and doorbell sensors turn on with an alarm of their camera (polled
or pushed) and off after the hold time of the options. Each detector of an
A1 hub has a sensor of its kind (door, motion, smoke, ...) that does the
same with the hub's alarms of that kind from that detector, diagnostics
from the hub's detector list (battery, zone fault, interference, link), and
a tamper diagnostic set by the hub's "sensor tampered" / "recovered" alarms.
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
from homeassistant.const import STATE_OFF, STATE_ON, EntityCategory
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.restore_state import RestoreEntity

from .alarm_entity import EzvizAlarmEntity
from .api.alarms import AlarmType
from .api.detectors import Detector, DetectorType
from .api.devices import Device
from .const import CONF_ALARM_HOLD, DEFAULT_ALARM_HOLD
from .coordinator.alarm_events import (
    EVENT_DOOR_CONTACT,
    EVENT_DOORBELL,
    EVENT_EMERGENCY,
    EVENT_GAS,
    EVENT_MOTION,
    EVENT_PIR,
    EVENT_SMOKE,
    EVENT_WATER_LEAK,
    MOTION_EVENTS,
    AlarmEvent,
)
from .detectors import (
    EzvizDetectorEntity,
    async_setup_detector_entities,
    hub_detectors,
)
from .entity import (
    EzvizDetailEntity,
    EzvizEntity,
    async_setup_device_entities,
    video_channels,
)
from .topics import TOPIC_INFO

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api.system import DeviceCapabilities
    from .data import EzvizOpenConfigEntry, EzvizOpenData

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the online sensor of each device and of each NVR channel."""

    def _entities(
        data: EzvizOpenData, serial: str, caps: DeviceCapabilities
    ) -> list[EzvizEntity]:
        entities: list[EzvizEntity] = [EzvizOnlineSensor(data, serial)]
        if caps.supports("support_device_offline_notify"):
            entities.append(EzvizOfflineNotifySensor(data, serial))
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

    def _detector_entities(
        data: EzvizOpenData, hub: str, detector: Detector
    ) -> list[BinarySensorEntity]:
        entities: list[BinarySensorEntity] = []
        if detector.detector_type in DETECTOR_KINDS:
            entities.append(EzvizDetectorAlarmSensor(data, hub, detector))
        entities.append(EzvizDetectorTamperSensor(data, hub, detector))
        entities.extend(
            EzvizDetectorSensor(data, hub, detector, description)
            for description in DETECTOR_SENSORS
            if description.value_fn(detector) is not None
        )
        return entities

    async_setup_detector_entities(entry, async_add_entities, _detector_entities)


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


class EzvizOfflineNotifySensor(EzvizDetailEntity[Device], BinarySensorEntity):
    """Whether the cloud notifies the account when the device goes offline."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_entity_registry_enabled_default = False
    _attr_translation_key = "offline_notification"
    topic = TOPIC_INFO

    def __init__(self, data: EzvizOpenData, serial: str) -> None:
        """Set up the sensor."""
        super().__init__(data, serial, "offline_notification")

    @property
    def is_on(self) -> bool | None:
        """Whether offline notifications are on (None when not reported)."""
        info = self.detail_value
        return info.offline_notify if info is not None else None


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


class _EzvizHeldAlarmSensor(EzvizAlarmEntity, BinarySensorEntity):
    """On with an alarm, off after the hold time of the options."""

    _attr_is_on = False
    _cancel_off: CALLBACK_TYPE | None = None

    @callback
    def _async_hold_on(self) -> None:
        """Turn on now (again), and off once the hold time has passed."""
        if self._cancel_off is not None:
            self._cancel_off()
        self._attr_is_on = True
        hold = timedelta(
            seconds=self.runtime.options.get(CONF_ALARM_HOLD, DEFAULT_ALARM_HOLD)
        )
        self._cancel_off = async_call_later(self.hass, hold, self._async_off)
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


class EzvizAlarmSensor(_EzvizHeldAlarmSensor):
    """On with an alarm of its kind, off after the hold time."""

    entity_description: EzvizAlarmSensorDescription

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

    @callback
    def _handle_alarm(self, event: AlarmEvent) -> None:
        if event.event_type not in self.entity_description.events:
            return
        self._async_hold_on()


# -- detectors of A1 hubs ------------------------------------------------------

_MOTION = (BinarySensorDeviceClass.MOTION, frozenset({EVENT_PIR, EVENT_MOTION}))
#: Detector type -> the main sensor's device class and the alarms that turn
#: it on (types that detect nothing, such as remote controls, have none).
DETECTOR_KINDS: dict[
    DetectorType | str | None, tuple[BinarySensorDeviceClass, frozenset[str]]
] = {
    DetectorType.MAGNETIC_CONTACT: (
        BinarySensorDeviceClass.DOOR,
        frozenset({EVENT_DOOR_CONTACT}),
    ),
    DetectorType.OPEN_CLOSE: (
        BinarySensorDeviceClass.OPENING,
        frozenset({EVENT_DOOR_CONTACT}),
    ),
    DetectorType.PIR: _MOTION,
    DetectorType.CURTAIN: _MOTION,
    DetectorType.SMOKE: (BinarySensorDeviceClass.SMOKE, frozenset({EVENT_SMOKE})),
    DetectorType.GAS: (BinarySensorDeviceClass.GAS, frozenset({EVENT_GAS})),
    DetectorType.WATER_LEAK: (
        BinarySensorDeviceClass.MOISTURE,
        frozenset({EVENT_WATER_LEAK}),
    ),
    DetectorType.EMERGENCY_BUTTON: (
        BinarySensorDeviceClass.SAFETY,
        frozenset({EVENT_EMERGENCY}),
    ),
}


def alarm_matches(
    event: AlarmEvent, detector: Detector, listed: dict[str, Detector]
) -> bool:
    """Whether an alarm of the hub comes from ``detector``.

    Alarms name their detector (its location): by name when the name is one
    of the hub's detectors, else by kind when the hub has one such detector.
    """
    kind = DETECTOR_KINDS.get(detector.detector_type)
    if kind is None or event.event_type not in kind[1]:
        return False
    name = (event.name or "").casefold()
    names = {(det.name or "").casefold() for det in listed.values()}
    if name and name in names:
        return name == (detector.name or "").casefold()
    same_kind = [
        det
        for det in listed.values()
        if (other := DETECTOR_KINDS.get(det.detector_type)) is not None
        and event.event_type in other[1]
    ]
    return len(same_kind) == 1


class EzvizDetectorAlarmSensor(EzvizDetectorEntity, _EzvizHeldAlarmSensor):
    """On with an alarm of the hub from this detector, off after the hold time."""

    def __init__(self, data: EzvizOpenData, hub: str, detector: Detector) -> None:
        """Set up the sensor of a detector's kind."""
        super().__init__(data, hub, detector, "alarm")
        self._attr_device_class = DETECTOR_KINDS[detector.detector_type][0]

    @callback
    def _handle_alarm(self, event: AlarmEvent) -> None:
        detector = self.detector
        if detector is None or not alarm_matches(
            event, detector, hub_detectors(self.runtime, self.serial)
        ):
            return
        self._async_hold_on()


def alarm_names_detector(
    event: AlarmEvent, detector: Detector, listed: dict[str, Detector]
) -> bool:
    """Whether a hub's alarm of any kind names ``detector``.

    By name (the detector's location); an alarm without a name concerns a
    detector only when the hub has no other.
    """
    name = (event.name or "").casefold()
    if name:
        return name == (detector.name or "").casefold()
    return list(listed) == [detector.serial]


class EzvizDetectorTamperSensor(
    EzvizDetectorEntity, EzvizAlarmEntity, BinarySensorEntity, RestoreEntity
):
    """On from a "sensor tampered" alarm of the detector until "recovered".

    The detector list reports no tamper state; the hub's alarms do (types
    12021 and 12022). The state survives restarts: the alarms that set it
    are not read again.
    """

    _attr_device_class = BinarySensorDeviceClass.TAMPER
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_is_on = False

    def __init__(self, data: EzvizOpenData, hub: str, detector: Detector) -> None:
        """Set up the sensor."""
        super().__init__(data, hub, detector, "tamper")

    async def async_added_to_hass(self) -> None:
        """Restore the last state, then follow the hub's alarms."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_state()) is not None and (
            last.state in (STATE_ON, STATE_OFF)
        ):
            self._attr_is_on = last.state == STATE_ON

    @callback
    def _handle_alarm(self, event: AlarmEvent) -> None:
        if event.alarm_type not in TAMPER_STATES:
            return
        detector = self.detector
        if detector is None or not alarm_names_detector(
            event, detector, hub_detectors(self.runtime, self.serial)
        ):
            return
        self._attr_is_on = TAMPER_STATES[event.alarm_type]
        self.async_write_ha_state()


#: Alarm types that set a detector's tamper state.
TAMPER_STATES: dict[int | None, bool] = {
    AlarmType.SENSOR_TAMPERED: True,
    AlarmType.SENSOR_TAMPER_RECOVERED: False,
}


def _connected(detector: Detector) -> bool | None:
    if detector.connected is None and detector.offline is None:
        return None
    return detector.connected is not False and detector.offline is not True


@dataclass(frozen=True, kw_only=True)
class EzvizDetectorSensorDescription(BinarySensorEntityDescription):
    """A diagnostic of a detector from the hub's list (None: not reported)."""

    value_fn: Callable[[Detector], bool | None]


DETECTOR_SENSORS: tuple[EzvizDetectorSensorDescription, ...] = (
    EzvizDetectorSensorDescription(
        key="battery_low",
        device_class=BinarySensorDeviceClass.BATTERY,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda detector: detector.battery_low,
    ),
    EzvizDetectorSensorDescription(
        key="zone_fault",
        translation_key="zone_fault",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda detector: detector.zone_fault,
    ),
    EzvizDetectorSensorDescription(
        key="wireless_interference",
        translation_key="wireless_interference",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda detector: detector.wireless_interference,
    ),
    EzvizDetectorSensorDescription(
        key="online",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_connected,
    ),
)


class EzvizDetectorSensor(EzvizDetectorEntity, BinarySensorEntity):
    """A diagnostic of a detector, from the hub's detector list."""

    entity_description: EzvizDetectorSensorDescription

    def __init__(
        self,
        data: EzvizOpenData,
        hub: str,
        detector: Detector,
        description: EzvizDetectorSensorDescription,
    ) -> None:
        """Set up the sensor."""
        self.entity_description = description
        super().__init__(data, hub, detector, description.key)

    @property
    def is_on(self) -> bool | None:
        """The reported value, None when the hub did not report it."""
        detector = self.detector
        return None if detector is None else self.entity_description.value_fn(detector)
