"""Switches of EZVIZ devices, each from one description.

A description says from which capability the switch exists, which per-device
endpoint (detail topic) it reads, how to read its value from that reply, how
to write it, and what the reply would look like after a successful write (so
the new state shows at once; a read of that one endpoint confirms it).
Voice prompts have no flag in the reference's capability table: that switch
exists when ``sound/switch/status`` answered with a status, asked once per
device and firmware version with the capability set (``CapabilityStore``).

Each detector of an A1 hub has a switch per hub mode (home, away, sleep)
where the hub's guard mask lets it be armed on its own
(``detector/status/set``; the hub's detector list is read again after).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.exceptions import ServiceValidationError

from .api.detectors import Detector, SafeMode
from .api.device_config import SwitchStatus as ConfigSwitchStatus, SwitchType
from .api.settings import SwitchStatus
from .const import DOMAIN
from .detectors import (
    EzvizDetectorEntity,
    async_refresh_hub,
    async_setup_detector_entities,
    guard_allows,
)
from .entity import EzvizDetailEntity, EzvizEntity, async_setup_device_entities
from .helpers import ezviz_exception_handler
from .topics import TOPIC_STATUS, DetailTopic

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api import EzvizOpenClient
    from .api.system import DeviceCapabilities
    from .data import EzvizOpenConfigEntry, EzvizOpenData

PARALLEL_UPDATES = 1

# The detail topics only switches read (the shared ones are in topics.py).
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


def _enabled(status: SwitchStatus | ConfigSwitchStatus) -> bool | None:
    """Return the state of an on/off endpoint (None when its reply did not say)."""
    return status.enabled


def _with_enabled[S: (SwitchStatus, ConfigSwitchStatus)](status: S, on: bool) -> S:
    """Return an on/off endpoint's reply as it is after ``on`` was written."""
    return replace(status, enabled=on)


@dataclass(frozen=True, kw_only=True)
class EzvizSwitchEntityDescription[T](SwitchEntityDescription):
    """A switch read from one detail topic, whose replies are ``T``."""

    topic: DetailTopic[T]
    exists_fn: Callable[[DeviceCapabilities], bool]
    value_fn: Callable[[T], bool | None]
    set_fn: Callable[[EzvizOpenClient, str, bool], Awaitable[None]]
    #: The topic's value after a successful write.
    written_fn: Callable[[T, bool], T]


#: No tuple type on purpose: mypy then infers each description's own topic
#: type and checks its functions against it (under a ``tuple[...[Any], ...]``
#: annotation it would check none of them).
SWITCHES: Final = (
    EzvizSwitchEntityDescription(
        key="privacy",
        translation_key="privacy",
        topic=TOPIC_STATUS,
        exists_fn=lambda caps: caps.support_privacy,
        value_fn=lambda status: status.privacy,
        set_fn=lambda client, serial, on: client.set_privacy(serial, on),
        written_fn=lambda status, on: replace(status, privacy=on),
    ),
    EzvizSwitchEntityDescription(
        key="microphone",
        translation_key="microphone",
        entity_category=EntityCategory.CONFIG,
        topic=TOPIC_MICROPHONE,
        exists_fn=lambda caps: caps.support_audio_onoff,
        set_fn=lambda client, serial, on: client.set_microphone(serial, on),
        value_fn=_enabled,
        written_fn=_with_enabled,
    ),
    EzvizSwitchEntityDescription(
        key="infrared",
        translation_key="infrared",
        entity_category=EntityCategory.CONFIG,
        topic=TOPIC_INFRARED,
        exists_fn=lambda caps: caps.support_close_infrared_light,
        set_fn=lambda client, serial, on: client.set_infrared(serial, on),
        value_fn=_enabled,
        written_fn=_with_enabled,
    ),
    EzvizSwitchEntityDescription(
        key="motion_light",
        translation_key="motion_light",
        entity_category=EntityCategory.CONFIG,
        topic=TOPIC_MOTION_LIGHT,
        exists_fn=lambda caps: caps.support_alarm_light,
        set_fn=lambda client, serial, on: client.set_switch_status(
            serial, SwitchType.MOTION_TRIGGERED_LIGHT, on
        ),
        value_fn=_enabled,
        written_fn=_with_enabled,
    ),
    # Rarely changed: disabled by default, so that they cost no requests
    # unless a user enables them.
    EzvizSwitchEntityDescription(
        key="sound_localization",
        translation_key="sound_localization",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        topic=TOPIC_SOUND_LOCALIZATION,
        exists_fn=lambda caps: caps.support_ssl,
        set_fn=lambda client, serial, on: client.set_sound_localization(serial, on),
        value_fn=_enabled,
        written_fn=_with_enabled,
    ),
    EzvizSwitchEntityDescription(
        key="prompt_sound",
        translation_key="prompt_sound",
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        topic=TOPIC_PROMPT_SOUND,
        # No flag in the capability table: the endpoint answered (a probe).
        exists_fn=lambda caps: caps.prompt_sound,
        set_fn=lambda client, serial, on: client.set_prompt_sound(serial, on),
        value_fn=_enabled,
        written_fn=_with_enabled,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the switches each device's capabilities allow."""

    def _entities(
        data: EzvizOpenData, serial: str, caps: DeviceCapabilities
    ) -> list[EzvizEntity]:
        # Each one was checked against its topic's type where it is declared.
        descriptions: tuple[EzvizSwitchEntityDescription[Any], ...] = SWITCHES
        entities: list[EzvizEntity] = [
            EzvizSwitch(data, serial, description)
            for description in descriptions
            if description.exists_fn(caps)
        ]
        if caps.support_encrypt:
            entities.append(EzvizEncryptionSwitch(data, serial))
        return entities

    async_setup_device_entities(entry, async_add_entities, _entities)

    def _detector_entities(
        data: EzvizOpenData, hub: str, detector: Detector
    ) -> list[EzvizDetectorSwitch]:
        caps = data.capabilities.get(hub)
        return [
            EzvizDetectorSwitch(data, hub, detector, description)
            for description in DETECTOR_SWITCHES
            if guard_allows(caps, detector, description.mode)
        ]

    async_setup_detector_entities(entry, async_add_entities, _detector_entities)


class _EzvizOnOffSwitch(SwitchEntity):
    """A switch whose on and off are the same write: ``_async_set(on)``."""

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the switch on."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the switch off."""
        await self._async_set(False)

    async def _async_set(self, on: bool) -> None:
        raise NotImplementedError


class EzvizSwitch[T](EzvizDetailEntity[T], _EzvizOnOffSwitch):
    """A switch read from a per-device endpoint."""

    entity_description: EzvizSwitchEntityDescription[T]

    def __init__(
        self,
        data: EzvizOpenData,
        serial: str,
        description: EzvizSwitchEntityDescription[T],
    ) -> None:
        """Set up the switch."""
        self.entity_description = description
        self.topic = description.topic
        super().__init__(data, serial, description.key)

    @property
    def is_on(self) -> bool | None:
        """The switch's state, None when the device did not report it."""
        value = self.detail_value
        return None if value is None else self.entity_description.value_fn(value)

    @ezviz_exception_handler
    async def _async_set(self, on: bool) -> None:
        await self.entity_description.set_fn(self.runtime.client, self.serial, on)
        detail = self.runtime.detail
        if (value := self.detail_value) is not None:
            detail.async_set_value(
                self.serial, self.topic, self.entity_description.written_fn(value, on)
            )
        await detail.async_refresh_device(self.serial, {self.topic})


class EzvizEncryptionSwitch(EzvizEntity, _EzvizOnOffSwitch):
    """Video encryption, from the device list.

    Turning it off needs the device's verification code (from the options).
    """

    _attr_entity_category = EntityCategory.CONFIG
    _attr_translation_key = "encryption"

    def __init__(self, data: EzvizOpenData, serial: str) -> None:
        """Set up the switch."""
        super().__init__(data, serial, "encryption")

    @property
    def is_on(self) -> bool | None:
        """Whether the device encrypts its video."""
        device = self.device
        return device.encrypted if device else None

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop encrypting the video (needs the verification code)."""
        code = self.verification_code
        if not code:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="verification_code_missing",
                translation_placeholders={"serial": self.serial},
            )
        await self._async_set(False, code)

    @ezviz_exception_handler
    async def _async_set(self, on: bool, code: str | None = None) -> None:
        client = self.runtime.client
        if on:
            await client.enable_encryption(self.serial)
        else:
            await client.disable_encryption(self.serial, code or "")
        self.coordinator.async_set_device(self.serial, encrypted=on)


@dataclass(frozen=True, kw_only=True)
class EzvizDetectorSwitchDescription(SwitchEntityDescription):
    """Whether a detector takes part in one mode of its hub."""

    mode: SafeMode
    value_fn: Callable[[Detector], bool | None]
    #: The detector as listed after a successful write.
    written_fn: Callable[[Detector, bool], Detector]


DETECTOR_SWITCHES: tuple[EzvizDetectorSwitchDescription, ...] = (
    EzvizDetectorSwitchDescription(
        key="home_mode",
        translation_key="detector_home_mode",
        entity_category=EntityCategory.CONFIG,
        mode=SafeMode.HOME,
        value_fn=lambda detector: detector.home_enabled,
        written_fn=lambda detector, on: replace(detector, home_enabled=on),
    ),
    EzvizDetectorSwitchDescription(
        key="away_mode",
        translation_key="detector_away_mode",
        entity_category=EntityCategory.CONFIG,
        mode=SafeMode.AWAY,
        value_fn=lambda detector: detector.away_enabled,
        written_fn=lambda detector, on: replace(detector, away_enabled=on),
    ),
    EzvizDetectorSwitchDescription(
        key="sleep_mode",
        translation_key="detector_sleep_mode",
        entity_category=EntityCategory.CONFIG,
        mode=SafeMode.SLEEP,
        value_fn=lambda detector: detector.sleep_enabled,
        written_fn=lambda detector, on: replace(detector, sleep_enabled=on),
    ),
)


class EzvizDetectorSwitch(EzvizDetectorEntity, _EzvizOnOffSwitch):
    """Arm or disarm one detector in one mode of its hub."""

    entity_description: EzvizDetectorSwitchDescription

    def __init__(
        self,
        data: EzvizOpenData,
        hub: str,
        detector: Detector,
        description: EzvizDetectorSwitchDescription,
    ) -> None:
        """Set up the switch."""
        self.entity_description = description
        super().__init__(data, hub, detector, description.key)

    @property
    def is_on(self) -> bool | None:
        """Whether the detector is armed in the mode (None if not reported)."""
        detector = self.detector
        return None if detector is None else self.entity_description.value_fn(detector)

    @ezviz_exception_handler
    async def _async_set(self, on: bool) -> None:
        description = self.entity_description
        await self.runtime.client.set_detector_status(
            self.serial, self.detector_serial, description.mode, on
        )
        self.async_set_detector(lambda detector: description.written_fn(detector, on))
        await async_refresh_hub(self.runtime, self.serial)
