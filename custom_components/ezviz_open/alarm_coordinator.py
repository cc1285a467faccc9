"""The alarm cadence: every alarm of the account, at almost no cost.

One account-wide ``alarm/list`` poll per cadence (never one per device),
paged 50 at a time, asking only from the newest alarm time already seen
(``startTime``, rounded down to the second) so that a quiet account costs
one request per poll. Alarms are de-duplicated by ``alarmId`` (and, for
pushed alarms that carry no id, by device, channel, type and second), so an
alarm seen by polling and by push (``ys.alarm``) is one event.

The first poll at setup only records what already happened (the newest
alarm of each channel, for its picture): no event fires for history.

Requests per day: ``86400 / interval`` (180 s: 480), plus one per further
page of 50 alarms; the count does not depend on the number of devices.
While push is healthy (a verified message within ``PUSH_HEALTHY_FOR``, and
no poll since found an alarm push did not deliver), the budget governor
relaxes the poll to the table's push interval (``budget.CADENCES``, 15 min:
96 a day), a safety net.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util

from .api.alarms import Alarm, AlarmType
from .api.errors import EzvizAuthError, EzvizError, EzvizRateLimitError
from .budget import CadenceKey
from .const import DOMAIN, LOGGER
from .coordinator import AccountCoordinator, EzvizCoordinator, RateLimitState
from .usage import counting_as

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .api import EzvizOpenClient

#: The cloud keeps about 7 days of alarms; never ask for older ones.
ALARM_RETENTION: Final = timedelta(days=7) - timedelta(hours=1)
#: How long alarm ids are remembered behind the newest one (for de-duplication).
SEEN_WINDOW: Final = timedelta(hours=1)
#: Push counts as healthy this long after the last verified message (of any
#: type): an hour without one, polling takes over presence and alarms again.
PUSH_HEALTHY_FOR: Final = timedelta(hours=1)
#: When the first poll finds nothing, later polls start this far before it
#: (the cloud's and Home Assistant's clocks may differ a little).
CLOCK_MARGIN: Final = timedelta(minutes=1)

# -- event types ---------------------------------------------------------------

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


class AlarmCoordinator(EzvizCoordinator[dict[AlarmTarget, AlarmEvent]]):
    """The account's alarms; data is the newest alarm of each target."""

    request_kind = CadenceKey.ALARMS

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: EzvizOpenClient,
        rate_limit: RateLimitState,
        account: AccountCoordinator,
        interval: timedelta,
    ) -> None:
        """Set up the alarm cadence."""
        super().__init__(
            hass, entry, client, rate_limit, name="EZVIZ alarms", interval=interval
        )
        self.account = account
        self.data = {}
        #: The newest alarm time seen by polling (None before the first poll).
        self._newest: datetime | None = None
        self._seen_ids: dict[str, datetime] = {}
        self._seen_prints: dict[Fingerprint, datetime] = {}
        #: Fingerprints of alarms seen without an id -> how many are unmatched.
        self._idless: dict[Fingerprint, int] = {}
        self._alarm_listeners: dict[AlarmTarget, list[AlarmListener]] = {}
        self._alarm_announcers: dict[AlarmTarget, list[AlarmListener]] = {}
        self._push_at: datetime | None = None
        self._push_listeners: list[CALLBACK_TYPE] = []

    # -- subscriptions ---------------------------------------------------------

    @callback
    def async_subscribe(
        self, target: AlarmTarget, listener: AlarmListener, *, announces: bool = False
    ) -> CALLBACK_TYPE:
        """Call ``listener`` with each new alarm of ``target``; return the undo.

        A listener that ``announces`` the alarm (fires an event that
        automations trigger on) is called after the target's other listeners,
        so that what such an automation reads (the alarm's picture, a motion
        sensor) already shows this alarm, however soon Home Assistant runs it.
        """
        listeners = (
            self._alarm_announcers if announces else self._alarm_listeners
        ).setdefault(target, [])
        listeners.append(listener)

        @callback
        def _unsubscribe() -> None:
            listeners.remove(listener)

        return _unsubscribe

    def target_of(self, event: AlarmEvent) -> AlarmTarget:
        """Where an alarm shows: its channel's device on a multi-channel device."""
        data = self.account.data
        if (
            event.channel is not None
            and data is not None
            and data.is_multichannel(event.serial)
            and any(c.channel == event.channel for c in data.channels(event.serial))
        ):
            return (event.serial, event.channel)
        return (event.serial, None)

    # -- polling ---------------------------------------------------------------

    @property
    def push_healthy(self) -> bool:
        """Whether push delivered a verified message recently."""
        expires = self.push_expires
        return expires is not None and dt_util.utcnow() < expires

    @property
    def push_expires(self) -> datetime | None:
        """When push stops counting as healthy without another message."""
        if self._push_at is None:
            return None
        return self._push_at + PUSH_HEALTHY_FOR

    @callback
    def async_on_push_change(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` when push becomes healthy or is found wanting."""
        self._push_listeners.append(listener)

        @callback
        def _remove() -> None:
            self._push_listeners.remove(listener)

        return _remove

    @callback
    def async_push_missed(self, what: str) -> None:
        """Stop trusting push: a poll found what it should have delivered."""
        if not self.push_healthy:
            return
        LOGGER.debug("Polling found %s push did not deliver", what)
        self._push_at = None
        self._push_changed()

    @callback
    def _push_changed(self) -> None:
        for listener in list(self._push_listeners):
            listener()

    async def _async_fetch(self) -> dict[AlarmTarget, AlarmEvent]:
        now = dt_util.utcnow()
        if self._newest is None:
            # Setup: what already happened is history, not events.
            page = await self.client.get_alarm_page(page_size=50)
            events = [AlarmEvent.from_alarm(alarm) for alarm in page.alarms]
            self._remember(events)
            for event in sorted(events, key=_time_key):
                self.data[self.target_of(event)] = event
            self._newest = max(
                (e.time for e in events if e.time is not None),
                default=now - CLOCK_MARGIN,
            )
        else:
            start = max(self._newest, now - ALARM_RETENTION).replace(microsecond=0)
            alarms = await self.client.list_alarms(start=start)
            events = [AlarmEvent.from_alarm(alarm) for alarm in alarms]
            if self._async_process(events) and self.push_healthy:
                self.async_push_missed("alarms")
            self._newest = max(
                (e.time for e in events if e.time is not None), default=self._newest
            )
            self._prune(self._newest)
        return dict(self.data)

    async def _async_update_data(self) -> dict[AlarmTarget, AlarmEvent]:
        """Poll, without judging the shared rate-limit standing.

        The limits are per application: while another cadence is refused,
        this one waits too, and only the account cadence's accepted calls
        clear the standing (a lone alarm poll could succeed by chance).
        """
        if self.rate_limit.active and self.rate_limit.backoff is not None:
            self.update_interval = max(self.base_interval, self.rate_limit.backoff)
            return dict(self.data)
        if self.rate_limit.polling_spent:
            # Only the device list is polled until the budget period ends.
            return dict(self.data)
        try:
            with counting_as(self.request_kind):
                data = await self._async_fetch()
        except EzvizAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except EzvizRateLimitError as err:
            self.update_interval = max(self.base_interval, self.rate_limit.hit(err))
            return dict(self.data)
        except EzvizError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        self.update_interval = self.base_interval
        return data

    # -- events ----------------------------------------------------------------

    @callback
    def async_push_alarm(self, alarm: Alarm) -> bool:
        """Feed a pushed alarm into the event path; return whether it was new."""
        self.async_push_seen()
        return bool(self._async_process([AlarmEvent.from_alarm(alarm)]))

    @callback
    def async_push_seen(self) -> None:
        """Record a verified push message: polling may slow down."""
        healthy = self.push_healthy
        self._push_at = dt_util.utcnow()
        if not healthy:
            self._push_changed()

    def _is_new(self, event: AlarmEvent) -> bool:
        """Whether an alarm was not seen before (by id; by fingerprint without).

        Several alarms can share a second (a burst): an alarm with an id is
        only taken for an earlier one without an id (a push that carried
        none), and each of those stands for one alarm only.
        """
        if event.alarm_id is None:
            return event.fingerprint not in self._seen_prints
        if event.alarm_id in self._seen_ids:
            return False
        if self._idless.get(event.fingerprint):
            self._idless[event.fingerprint] -= 1
            self._seen_ids[event.alarm_id] = event.time or dt_util.utcnow()
            return False
        return True

    def _remember(self, events: Iterable[AlarmEvent]) -> None:
        now = dt_util.utcnow()
        for event in events:
            when = event.time or now
            if event.alarm_id is not None:
                self._seen_ids[event.alarm_id] = when
            else:
                self._idless[event.fingerprint] = (
                    self._idless.get(event.fingerprint, 0) + 1
                )
            self._seen_prints[event.fingerprint] = when

    def _prune(self, newest: datetime) -> None:
        """Forget the alarms seen more than ``SEEN_WINDOW`` before ``newest``."""
        horizon = newest - SEEN_WINDOW
        self._seen_ids = {k: v for k, v in self._seen_ids.items() if v >= horizon}
        self._seen_prints = {k: v for k, v in self._seen_prints.items() if v >= horizon}
        self._idless = {
            k: v for k, v in self._idless.items() if v and k in self._seen_prints
        }

    @callback
    def _async_process(self, events: Iterable[AlarmEvent]) -> list[AlarmEvent]:
        """Dispatch the alarms not seen before, oldest first; return them."""
        new: list[AlarmEvent] = []
        for event in sorted(events, key=_time_key):
            if not event.serial or not self._is_new(event):
                continue
            self._remember([event])
            new.append(event)
        for event in new:
            target = self.target_of(event)
            self.data[target] = event
            for listener in (
                *self._alarm_listeners.get(target, ()),
                *self._alarm_announcers.get(target, ()),
            ):
                listener(event)
        return new


def _time_key(event: AlarmEvent) -> datetime:
    return event.time or datetime.min.replace(tzinfo=UTC)
