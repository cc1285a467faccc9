"""Sensors of EZVIZ devices, each from one description.

Most read ``device/status/get`` (battery, storage, cloud storage), which one
request per device serves for every entity of that device that needs it.
Wi-Fi signal (``device/info``) and storage capacity (``format/status``) cost
a request each per device and round, so they are disabled by default; the
firmware version comes with the device list and costs nothing.

*Projected cloud requests* belongs to the account itself (a service device):
what the cadences will request in the budget's period as planned now
(``metering/governor.py``), with the budget and the planned intervals as attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfInformation

from .api.devices import CloudStorageStatus, DiskState
from .entity import (
    EzvizDetailEntity,
    EzvizEntity,
    async_setup_device_entities,
    service_device_info,
)
from .helpers import is_battery_camera
from .topics import TOPIC_INFO, TOPIC_STATUS, DetailTopic

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from .api.device_config import StorageMedium
    from .api.devices import Device, DeviceStatus
    from .api.system import DeviceCapabilities
    from .data import EzvizOpenConfigEntry, EzvizOpenData

# The detail topic only sensors read (the shared ones are in topics.py).
TOPIC_STORAGE: Final[DetailTopic[list[StorageMedium]]] = DetailTopic(
    "storage", lambda client, serial: client.get_format_status(serial)
)


PARALLEL_UPDATES = 0

#: Storage states, the most telling first: a device with several media
#: (an NVR) shows the state of the one that needs attention.
STORAGE_STATES: dict[DiskState, str] = {
    DiskState.WRONG_MEDIUM: "wrong_medium",
    DiskState.UNFORMATTED: "unformatted",
    DiskState.FORMATTING: "formatting",
    DiskState.NORMAL: "normal",
}
CLOUD_STATES: dict[CloudStorageStatus, str] = {
    CloudStorageStatus.NOT_ACTIVATED: "not_activated",
    CloudStorageStatus.ACTIVATED: "activated",
    CloudStorageStatus.EXPIRED: "expired",
}


def _storage_state(status: DeviceStatus) -> str | None:
    """Return the state of the device's storage (None when not reported)."""
    states = {
        state for state in (status.disks or status.nvr_disks or ()) if state is not None
    }
    return next(
        (name for state, name in STORAGE_STATES.items() if state in states), None
    )


def _capacity(media: list[StorageMedium]) -> int | None:
    """Return the total capacity of the media (None when none reports one)."""
    sizes = [medium.capacity for medium in media if medium.capacity is not None]
    return sum(sizes) if sizes else None


def _cloud_state(status: DeviceStatus) -> str | None:
    if status.cloud_status is None:
        return None
    return CLOUD_STATES.get(status.cloud_status)


@dataclass(frozen=True, kw_only=True)
class EzvizSensorEntityDescription[T](SensorEntityDescription):
    """A sensor read from one detail topic, whose replies are ``T``."""

    topic: DetailTopic[T]
    exists_fn: Callable[[DeviceCapabilities], bool]
    value_fn: Callable[[T], StateType]


@dataclass(frozen=True, kw_only=True)
class EzvizDeviceSensorEntityDescription(SensorEntityDescription):
    """A sensor read from the device list (free: no request of its own)."""

    exists_fn: Callable[[DeviceCapabilities], bool]
    value_fn: Callable[[Device], StateType]


#: No tuple type on purpose: mypy then infers each description's own topic
#: type and checks its functions against it (see ``switch.SWITCHES``).
SENSORS: Final = (
    EzvizSensorEntityDescription(
        key="battery",
        translation_key="battery",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        topic=TOPIC_STATUS,
        exists_fn=is_battery_camera,
        value_fn=lambda status: status.battery,
    ),
    EzvizSensorEntityDescription(
        key="storage",
        translation_key="storage",
        device_class=SensorDeviceClass.ENUM,
        options=list(STORAGE_STATES.values()),
        entity_category=EntityCategory.DIAGNOSTIC,
        topic=TOPIC_STATUS,
        exists_fn=lambda caps: caps.support_disk,
        value_fn=_storage_state,
    ),
    EzvizSensorEntityDescription(
        key="cloud_storage",
        translation_key="cloud_storage",
        device_class=SensorDeviceClass.ENUM,
        options=list(CLOUD_STATES.values()),
        entity_category=EntityCategory.DIAGNOSTIC,
        topic=TOPIC_STATUS,
        exists_fn=lambda caps: caps.support_cloud,
        value_fn=_cloud_state,
    ),
    # One request per device and round each: disabled by default.
    EzvizSensorEntityDescription(
        key="wifi_signal",
        translation_key="wifi_signal",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        topic=TOPIC_INFO,
        exists_fn=lambda caps: caps.supports("support_wifi"),
        value_fn=lambda info: info.signal,
    ),
    EzvizSensorEntityDescription(
        key="storage_capacity",
        translation_key="storage_capacity",
        device_class=SensorDeviceClass.DATA_SIZE,
        # The reference gives no unit; the cloud's numbers are megabytes
        # (a 64 GB card reports about 60,000).
        native_unit_of_measurement=UnitOfInformation.MEGABYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        topic=TOPIC_STORAGE,
        exists_fn=lambda caps: caps.support_disk,
        value_fn=_capacity,
    ),
)
DEVICE_SENSORS: tuple[EzvizDeviceSensorEntityDescription, ...] = (
    # Free, but the update entity and the device page show it already:
    # disabled by default.
    EzvizDeviceSensorEntityDescription(
        key="firmware_version",
        translation_key="firmware_version",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=lambda caps: True,
        value_fn=lambda device: device.version,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors each device's capabilities allow."""

    def _entities(
        data: EzvizOpenData, serial: str, caps: DeviceCapabilities
    ) -> list[EzvizEntity]:
        # Each one was checked against its topic's type where it is declared.
        descriptions: tuple[EzvizSensorEntityDescription[Any], ...] = SENSORS
        entities: list[EzvizEntity] = [
            EzvizDetailSensor(data, serial, description)
            for description in descriptions
            if description.exists_fn(caps)
        ]
        entities.extend(
            EzvizDeviceSensor(data, serial, description)
            for description in DEVICE_SENSORS
            if description.exists_fn(caps)
        )
        return entities

    async_setup_device_entities(entry, async_add_entities, _entities)
    async_add_entities(
        [EzvizCloudRequestsSensor(entry), EzvizProjectedRequestsSensor(entry)]
    )


class EzvizDetailSensor[T](EzvizDetailEntity[T], SensorEntity):
    """A sensor read from a per-device endpoint."""

    entity_description: EzvizSensorEntityDescription[T]

    def __init__(
        self,
        data: EzvizOpenData,
        serial: str,
        description: EzvizSensorEntityDescription[T],
    ) -> None:
        """Set up the sensor."""
        self.entity_description = description
        self.topic = description.topic
        super().__init__(data, serial, description.key)

    @property
    def native_value(self) -> StateType:
        """The value, None when the device did not report it."""
        value = self.detail_value
        return None if value is None else self.entity_description.value_fn(value)


class EzvizDeviceSensor(EzvizEntity, SensorEntity):
    """A sensor read from the device list."""

    entity_description: EzvizDeviceSensorEntityDescription

    def __init__(
        self,
        data: EzvizOpenData,
        serial: str,
        description: EzvizDeviceSensorEntityDescription,
    ) -> None:
        """Set up the sensor."""
        self.entity_description = description
        super().__init__(data, serial, description.key)

    @property
    def native_value(self) -> StateType:
        """The value from the device as last listed."""
        device = self.device
        return None if device is None else self.entity_description.value_fn(device)


class EzvizProjectedRequestsSensor(SensorEntity):
    """Requests the cadences will make in the budget's period, as planned now."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_translation_key = "projected_requests"
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_native_unit_of_measurement = "requests"
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(self, entry: EzvizOpenConfigEntry) -> None:
        """Attach the sensor to the account's own device."""
        self._governor = entry.runtime_data.governor
        self._attr_unique_id = f"{entry.entry_id}_projected_requests"
        self._attr_device_info = service_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Follow the plan."""
        self.async_on_remove(
            self._governor.async_add_listener(self.async_write_ha_state)
        )

    @property
    def native_value(self) -> int | None:
        """Projected polling requests in the current period."""
        plan = self._governor.plan
        return None if plan is None else plan.projected

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The budget, whether the plan fits and the planned intervals."""
        attributes = self._governor.as_dict()
        attributes.pop("projected")
        return attributes


class EzvizCloudRequestsSensor(SensorEntity):
    """Requests sent to the cloud this budget period (``metering/usage.py``), on the account.

    A total that starts again from 0 each period: ``last_reset`` is the
    period's start, so long-term statistics add the periods up.
    """

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_translation_key = "cloud_requests"
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_native_unit_of_measurement = "requests"
    _attr_state_class = SensorStateClass.TOTAL
    _unrecorded_attributes = frozenset(
        {"period_end", "budget", "reserve", "polling_allowance"}
    )

    def __init__(self, entry: EzvizOpenConfigEntry) -> None:
        """Attach the sensor to the account's device."""
        self._usage = entry.runtime_data.usage
        self._attr_unique_id = f"{entry.entry_id}_cloud_requests"
        self._attr_device_info = service_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Follow the count."""
        await super().async_added_to_hass()
        self.async_on_remove(self._usage.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> int:
        """Requests sent this period."""
        return self._usage.total

    @property
    def last_reset(self) -> datetime:
        """The start of the period."""
        return self._usage.period_start

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The period, the budget and reserve, and the count by kind."""
        usage = self._usage.as_dict()
        return {
            key: usage[key]
            for key in (
                "period_start",
                "period_end",
                "budget",
                "reserve",
                "polling_allowance",
                "by_kind",
            )
        }
