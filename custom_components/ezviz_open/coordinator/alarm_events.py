"""Alarms as events: the event types, and one alarm as entities see it.

The reference's alarm-type table is grouped into the event types of the
event entities (``event.py``); every type not named here (recoveries, arming
reports, faults, ...) is ``other``, and the raw type still reaches
automations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from homeassistant.util import dt as dt_util

from ..api.alarms import Alarm, AlarmType

if TYPE_CHECKING:
    from datetime import datetime

EVENT_MOTION: Final = "motion"
EVENT_HUMAN: Final = "human"
EVENT_LINE_CROSSING: Final = "line_crossing"
EVENT_INTRUSION: Final = "intrusion"
EVENT_FACE: Final = "face"
EVENT_DOORBELL: Final = "doorbell"
EVENT_PIR: Final = "pir"
EVENT_TAMPER: Final = "tamper"
EVENT_VIDEO_LOSS: Final = "video_loss"
EVENT_DOOR_CONTACT: Final = "door_contact"
EVENT_SMOKE: Final = "smoke"
EVENT_GAS: Final = "gas"
EVENT_WATER_LEAK: Final = "water_leak"
EVENT_EMERGENCY: Final = "emergency_button"
EVENT_POWER_ON: Final = "power_on"
EVENT_POWER_OFF: Final = "power_off"
EVENT_OTHER: Final = "other"

EVENT_TYPES: Final = (
    EVENT_MOTION,
    EVENT_HUMAN,
    EVENT_LINE_CROSSING,
    EVENT_INTRUSION,
    EVENT_FACE,
    EVENT_DOORBELL,
    EVENT_PIR,
    EVENT_TAMPER,
    EVENT_VIDEO_LOSS,
    EVENT_DOOR_CONTACT,
    EVENT_SMOKE,
    EVENT_GAS,
    EVENT_WATER_LEAK,
    EVENT_EMERGENCY,
    EVENT_POWER_ON,
    EVENT_POWER_OFF,
    EVENT_OTHER,
)

_T = AlarmType
#: The reference's alarm-type table grouped into event types; every type
#: not named here (recoveries, arming reports, faults, ...) is ``other``.
_GROUPS: dict[str, tuple[AlarmType, ...]] = {
    EVENT_MOTION: (
        _T.MOTION_DETECTION_ALARM,
        _T.HOST_MOTION_DETECTION_ALARM,
        _T.BABY_MOTION_DETECTION,
        _T.FAST_MOVING_DETECTION,
    ),
    EVENT_HUMAN: (
        _T.PEOPLE_GATHERING_DETECTION,
        _T.LOITERING_DETECTION,
        _T.BEHAVIOR_ANALYSIS_ALARM,
    ),
    EVENT_LINE_CROSSING: (_T.LINE_CROSSING, _T.ILLEGAL_PARKING_DETECTION),
    EVENT_INTRUSION: (
        _T.INTRUSION,
        _T.INTRUSION_ALARM,
        _T.REGION_ENTRANCE_DETECTION,
        _T.REGION_EXITING_DETECTION,
        _T.INSTANT_ZONE_ALARM,
        _T.DELAY_ZONE_ALARM,
        _T.INTERNAL_DELAYED_ALARM,
        _T.H24_VOICED_ZONE_ALARM,
        _T.H24_NON_VOICED_ZONE_ALARM,
        _T.H24_AUX_ZONE_ALARM,
        _T.SOFT_ZONE_BANDIT_ALARM,
    ),
    EVENT_FACE: (_T.FACE_DETECTION_EVENT,),
    EVENT_DOORBELL: (_T.DOOR_BELL_RING_ALARM,),
    EVENT_PIR: (_T.PIR_EVENT, _T.PIR_ALARM, _T.CURTAIN_ALARM),
    EVENT_TAMPER: (
        _T.VIDEO_TAMPERING_ALARM,
        _T.HOST_VIDEO_TAMPERING_ALARM,
        _T.SCENE_CHANGE_DETECTION,
        _T.DEFOCUS_DETECTION,
        _T.MAGNETIC_DISTURBANCE_ALARM,
        _T.H24_SHOCK_ZONE_ALARM,
        _T.SENSOR_TAMPERED,
        _T.DEVICE_TAMPERING_ALARM,
        _T.HOST_ANTI_TAMPER_ALARM,
        _T.CARD_READER_ANTI_TAMPER_ALARM,
        _T.DOOR_CONTROL_ANTI_TAMPER_ALARM,
    ),
    EVENT_VIDEO_LOSS: (_T.VIDEO_LOSS, _T.HOST_VIDEO_LOSS, _T.VIDEO_INPUT_EXCEPTION),
    EVENT_DOOR_CONTACT: (
        _T.MAGNETIC_CONTACT_ALARM,
        _T.OPEN_CLOSE_DETECTOR_ALARM,
        _T.DOOR_ABNORMALLY_OPEN,
    ),
    EVENT_SMOKE: (
        _T.SMOKE_ALARM,
        _T.FIRE_ALARM_ARMING_ZONE_ALARM,
        _T.SOFT_ZONE_FIRE_ALARM,
    ),
    EVENT_GAS: (_T.COMBUSTIBLE_GAS_ALARM,),
    EVENT_WATER_LEAK: (_T.WATER_LEAK_ALARM,),
    EVENT_EMERGENCY: (
        _T.EMERGENCY_BUTTON_EVENT,
        _T.EMERGENCY_BUTTON_ALARM,
        _T.SOFT_ZONE_EMERGENCY_ALARM,
        _T.DURESS_REPORT,
    ),
    EVENT_POWER_ON: (_T.AC_POWER_ON, _T.DEVICE_POWER_ON),
    EVENT_POWER_OFF: (_T.AC_POWER_OFF, _T.DEVICE_POWER_OFF),
}
ALARM_EVENT_TYPES: Final[dict[int, str]] = {
    int(alarm_type): event_type
    for event_type, types in _GROUPS.items()
    for alarm_type in types
}

#: Push names (casefolded) whose meaning has no code in the reference's table,
#: by event type. ``SmartHumanDet``: wd15102/Ai_jiankong (``webhook.js``)
#: names the pushes it receives with it "人形检测" (human shape detection).
#: Names with a code (``api.alarms.ALARM_TYPE_NAMES``) take their code's type.
NAME_EVENT_TYPES: Final[dict[str, str]] = {"smarthumandet": EVENT_HUMAN}

#: Event types that turn a camera's motion sensor on.
MOTION_EVENTS: Final = frozenset(
    {
        EVENT_MOTION,
        EVENT_HUMAN,
        EVENT_LINE_CROSSING,
        EVENT_INTRUSION,
        EVENT_FACE,
        EVENT_PIR,
    }
)


def event_type_of(alarm_type: int | None, name: str | None = None) -> str:
    """Return the event type of an alarm's code, else of its push name.

    ``other`` when neither is grouped: the raw type still reaches automations.
    """
    if alarm_type is not None:
        return ALARM_EVENT_TYPES.get(int(alarm_type), EVENT_OTHER)
    if name is not None:
        return NAME_EVENT_TYPES.get(name.casefold(), EVENT_OTHER)
    return EVENT_OTHER


# -- alarms as events ----------------------------------------------------------


#: (serial, channel, type, second) of an alarm without an id.
type Fingerprint = tuple[str, int | None, int | str | None, int | None]


@dataclass(frozen=True)
class AlarmEvent:
    """One alarm, from polling or push, as the entities see it."""

    serial: str
    #: The channel of the device the alarm belongs to (None: the device).
    channel: int | None
    event_type: str
    alarm_id: str | None
    #: The reference's code (from a number or a known push name), or None.
    alarm_type: int | None
    #: The type as sent: the code when it is a number, else the pushed text
    #: (``motiondetect``, ...), known or not. The ``alarm_type`` attribute.
    raw_type: int | str | None
    time: datetime | None
    name: str | None
    picture_url: str | None
    encrypted: bool

    @classmethod
    def from_alarm(cls, alarm: Alarm) -> AlarmEvent:
        """Build the event of a listed (or pushed) alarm."""
        time = alarm.alarm_time
        if time is not None and time.tzinfo is None:
            # A device-local text without zone: the best guess is local time.
            time = time.replace(tzinfo=dt_util.get_default_time_zone())
        code = None if alarm.alarm_type is None else int(alarm.alarm_type)
        name = alarm.alarm_type_name
        return cls(
            serial=(alarm.device_serial or "").upper(),
            channel=alarm.channel_no,
            event_type=event_type_of(code, name),
            alarm_id=alarm.alarm_id,
            alarm_type=code,
            raw_type=name if name is not None else code,
            time=time,
            name=alarm.alarm_name,
            picture_url=alarm.alarm_pic_url,
            encrypted=bool(alarm.is_encrypted),
        )

    @property
    def fingerprint(self) -> Fingerprint:
        """What identifies the alarm when no id does: device, channel, type, second.

        The type is the code when known, so that a pushed ``motiondetect`` and
        the polled 10002 of the same second are one alarm.
        """
        second = None if self.time is None else int(self.time.timestamp())
        kind = self.alarm_type if self.alarm_type is not None else self.raw_type
        return (self.serial, self.channel, kind, second)

    @property
    def attributes(self) -> dict[str, str | int | bool | None]:
        """The attributes of the event entity's state."""
        return {
            "alarm_id": self.alarm_id,
            "alarm_type": self.raw_type,
            "alarm_time": None if self.time is None else self.time.isoformat(),
            "channel": self.channel,
            "source_name": self.name,
            "has_picture": self.picture_url is not None,
        }


#: (serial, entity channel): None for a device's own entities.
type AlarmTarget = tuple[str, int | None]
type AlarmListener = Callable[[AlarmEvent], None]
