"""Selects of EZVIZ devices, each from one description.

Like the switches, a description names the capability that makes the select
exist, the per-device endpoint (detail topic) it reads, how to read the
current option from that reply, how to write an option, and what the reply
would look like after a successful write (shown at once; one read of that
endpoint, for that device, confirms it).

The fill light and the working mode have no flag in the reference's
capability table: each select exists when its endpoint (``fillLight/mode/get``,
``timing/plan/get``) answered with data, asked once per device and firmware
version with the capability set (``CapabilityStore``).

Infrared is not here: the API only turns the infrared light on or off, so it
is a switch (``switch.py``).

PTZ presets: the API has no endpoint that lists a device's presets and the
capability set only says whether presets exist (``ptz_preset``), not how many.
The reference numbers them 1 to 12 and leaves keeping them to the caller, so
the preset select offers those twelve numbers and moves to the one chosen; a
number with no stored preset is refused by the cloud (60011) and reported as
such. It has no current option: the cloud does not say where the camera is
pointing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory

from .api._parse import as_bool
from .api.device_config import AlarmSoundMode, FillLightMode, WorkingMode
from .api.devices import AlarmSoundMode as StatusAlarmSoundMode
from .api.settings import ChimeType
from .entity import EzvizDetailEntity, EzvizEntity, async_setup_device_entities
from .helpers import ezviz_exception_handler
from .topics import TOPIC_STATUS, DetailTopic

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api import EzvizOpenClient
    from .api.device_config import FillLightStatus, TimingPlan
    from .api.settings import ChimeSettings
    from .api.system import DeviceCapabilities
    from .data import EzvizOpenConfigEntry, EzvizOpenData

# The detail topics only selects read (the shared ones are in topics.py).
TOPIC_FILL_LIGHT: Final[DetailTopic[FillLightStatus]] = DetailTopic(
    "fill_light", lambda client, serial: client.get_fill_light_mode(serial)
)
TOPIC_CHIME: Final[DetailTopic[ChimeSettings]] = DetailTopic(
    "chime", lambda client, serial: client.get_chime(serial)
)
TOPIC_WORKING_MODE: Final[DetailTopic[TimingPlan]] = DetailTopic(
    "working_mode", lambda client, serial: client.get_timing_plan(serial)
)


PARALLEL_UPDATES = 1

#: The preset numbers the reference documents ("from 1 to 12").
PRESET_NUMBERS = tuple(str(index) for index in range(1, 13))

FILL_LIGHT_OPTIONS: dict[str, FillLightMode] = {
    "black_and_white": FillLightMode.BLACK_AND_WHITE,
    "full_color": FillLightMode.FULL_COLOR,
    "smart": FillLightMode.SMART,
}
ALARM_SOUND_OPTIONS: dict[str, AlarmSoundMode] = {
    "short": AlarmSoundMode.SHORT,
    "long": AlarmSoundMode.LONG,
    "mute": AlarmSoundMode.MUTE,
}
CHIME_OPTIONS: dict[str, ChimeType] = {
    "mechanical": ChimeType.MECHANICAL,
    "electronic": ChimeType.ELECTRONIC,
    "none": ChimeType.NONE,
}
WORKING_MODE_OPTIONS: dict[str, WorkingMode] = {
    "power_saving": WorkingMode.POWER_SAVING,
    "performance": WorkingMode.PERFORMANCE,
    "normal": WorkingMode.NORMAL,
    "super_power_saving": WorkingMode.SUPER_POWER_SAVING,
}

#: Used when a device reports a chime without a duration.
DEFAULT_CHIME_DURATION = 10000


def _option_of(options: Mapping[str, int], value: int | None) -> str | None:
    """Return the option whose wire value is ``value`` (None if unknown)."""
    return next((option for option, wire in options.items() if wire == value), None)


async def _set_working_mode(
    client: EzvizOpenClient, serial: str, plan: TimingPlan | None, mode: WorkingMode
) -> None:
    """Write the plan back with its times and days, running ``mode``.

    The set endpoint takes one daily range for some week days: the first
    range of the plan (all day, every day when it has none or was not read).
    """
    week = plan.week_plans[0] if plan and plan.week_plans else None
    slot = week.time_plan[0] if week and week.time_plan else None
    enabled = as_bool(plan.raw.get("enable")) if plan else None
    await client.set_timing_plan(
        serial,
        enabled=True if enabled is None else enabled,
        start=(slot.begin_time if slot and slot.begin_time else "00:00"),
        end=(slot.end_time if slot and slot.end_time else "23:59"),
        week_days=(week.week_days if week and week.week_days else range(7)),
        mode=mode,
    )


def _with_working_mode(plan: TimingPlan, mode: WorkingMode) -> TimingPlan:
    if not plan.week_plans or not plan.week_plans[0].time_plan:
        return plan
    week = plan.week_plans[0]
    slot = replace(week.time_plan[0], mode=mode)
    week = replace(week, time_plan=[slot, *week.time_plan[1:]])
    return replace(plan, week_plans=[week, *plan.week_plans[1:]])


def _working_mode(plan: TimingPlan) -> WorkingMode | int | None:
    if not plan.week_plans or not plan.week_plans[0].time_plan:
        return None
    return plan.week_plans[0].time_plan[0].mode


async def _set_chime(
    client: EzvizOpenClient,
    serial: str,
    chime: ChimeSettings | None,
    chime_type: ChimeType,
) -> None:
    """Change the chime type, keeping its duration."""
    duration = chime.duration if chime is not None else None
    await client.set_chime(
        serial,
        chime_type,
        duration if duration is not None else DEFAULT_CHIME_DURATION,
    )


@dataclass(frozen=True, kw_only=True)
class EzvizSelectEntityDescription[T, V: int](SelectEntityDescription):
    """A select read from one detail topic (replies ``T``, wire values ``V``)."""

    topic: DetailTopic[T]
    exists_fn: Callable[[DeviceCapabilities], bool]
    #: Option name -> the client's value for it.
    values: dict[str, V]
    #: The wire value of the current option, from the topic's reply (a
    #: number no option has shows as no option).
    value_fn: Callable[[T], int | None]
    #: Writes a value; gets the topic's last reply (None if not read yet).
    select_fn: Callable[[EzvizOpenClient, str, T | None, V], Awaitable[None]]
    #: The topic's reply after a successful write of a value.
    written_fn: Callable[[T, V], T]


#: No tuple type on purpose: mypy then infers each description's own types
#: and checks its functions against them (see ``switch.SWITCHES``).
SELECTS: Final = (
    EzvizSelectEntityDescription(
        key="fill_light_mode",
        translation_key="fill_light_mode",
        entity_category=EntityCategory.CONFIG,
        options=list(FILL_LIGHT_OPTIONS),
        values=FILL_LIGHT_OPTIONS,
        topic=TOPIC_FILL_LIGHT,
        # No flag in the capability table: the endpoint answered (a probe).
        exists_fn=lambda caps: caps.fill_light,
        value_fn=lambda status: status.mode,
        select_fn=lambda client, serial, _status, mode: client.set_fill_light_mode(
            serial, mode
        ),
        written_fn=lambda status, mode: replace(status, mode=mode),
    ),
    EzvizSelectEntityDescription(
        key="alarm_sound",
        translation_key="alarm_sound",
        entity_category=EntityCategory.CONFIG,
        options=list(ALARM_SOUND_OPTIONS),
        values=ALARM_SOUND_OPTIONS,
        # device/status/get reports it, and other entities read that anyway.
        topic=TOPIC_STATUS,
        exists_fn=lambda caps: caps.support_alarm_voice,
        value_fn=lambda status: status.alarm_sound_mode,
        select_fn=lambda client, serial, _status, mode: client.set_alarm_sound_mode(
            serial, mode
        ),
        written_fn=lambda status, mode: replace(
            status, alarm_sound_mode=StatusAlarmSoundMode(int(mode))
        ),
    ),
    EzvizSelectEntityDescription(
        key="chime_type",
        translation_key="chime_type",
        entity_category=EntityCategory.CONFIG,
        options=list(CHIME_OPTIONS),
        values=CHIME_OPTIONS,
        topic=TOPIC_CHIME,
        exists_fn=lambda caps: caps.support_chime,
        value_fn=lambda chime: chime.chime_type,
        select_fn=_set_chime,
        written_fn=lambda chime, chime_type: replace(chime, chime_type=chime_type),
    ),
    EzvizSelectEntityDescription(
        key="working_mode",
        translation_key="working_mode",
        entity_category=EntityCategory.CONFIG,
        options=list(WORKING_MODE_OPTIONS),
        values=WORKING_MODE_OPTIONS,
        topic=TOPIC_WORKING_MODE,
        # No flag in the capability table: the endpoint answered (a probe).
        exists_fn=lambda caps: caps.working_mode,
        value_fn=_working_mode,
        select_fn=_set_working_mode,
        written_fn=_with_working_mode,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the selects each device's capabilities allow."""

    def _entities(
        data: EzvizOpenData, serial: str, caps: DeviceCapabilities
    ) -> list[EzvizEntity]:
        # Each one was checked against its types where it is declared.
        descriptions: tuple[EzvizSelectEntityDescription[Any, Any], ...] = SELECTS
        entities: list[EzvizEntity] = [
            EzvizSelect(data, serial, description)
            for description in descriptions
            if description.exists_fn(caps)
        ]
        if caps.ptz_preset:
            entities.append(EzvizPresetSelect(data, serial))
        return entities

    async_setup_device_entities(entry, async_add_entities, _entities)


class EzvizSelect[T, V: int](EzvizDetailEntity[T], SelectEntity):
    """A select read from a per-device endpoint."""

    entity_description: EzvizSelectEntityDescription[T, V]

    def __init__(
        self,
        data: EzvizOpenData,
        serial: str,
        description: EzvizSelectEntityDescription[T, V],
    ) -> None:
        """Set up the select."""
        self.entity_description = description
        self.topic = description.topic
        super().__init__(data, serial, description.key)

    @property
    def current_option(self) -> str | None:
        """The current option, None when the device reports none we know."""
        value = self.detail_value
        if value is None:
            return None
        description = self.entity_description
        return _option_of(description.values, description.value_fn(value))

    @ezviz_exception_handler
    async def async_select_option(self, option: str) -> None:
        """Write the option, show it at once, and read it back."""
        description = self.entity_description
        wire = description.values[option]
        value = self.detail_value
        await description.select_fn(self.runtime.client, self.serial, value, wire)
        detail = self.runtime.detail
        if value is not None:
            detail.async_set_value(
                self.serial, self.topic, description.written_fn(value, wire)
            )
        await detail.async_refresh_device(self.serial, {self.topic})


class EzvizPresetSelect(EzvizEntity, SelectEntity):
    """Move a PTZ camera to a stored preset (see the module docstring)."""

    _attr_translation_key = "ptz_preset"
    _attr_current_option = None

    def __init__(self, data: EzvizOpenData, serial: str) -> None:
        """Set up the select."""
        super().__init__(data, serial, "ptz_preset")
        self._attr_options = list(PRESET_NUMBERS)

    @ezviz_exception_handler
    async def async_select_option(self, option: str) -> None:
        """Move to the preset; it reads nothing back (no position is reported)."""
        await self.runtime.client.move_to_preset(self.serial, int(option))
