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
While push is healthy (``metering/push_health.py``: a verified message
within the hour, and no poll since found an alarm push did not deliver), the
budget governor relaxes the poll to the table's push interval
(``metering/planner.py``, 15 min: 96 a day), a safety net.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ..metering.planner import CadenceKey
from .alarm_events import AlarmEvent, AlarmListener, AlarmTarget, Fingerprint
from .base import EzvizCoordinator

if TYPE_CHECKING:
    from collections.abc import Iterable

    from homeassistant.config_entries import ConfigEntry

    from ..api import EzvizOpenClient
    from ..api.alarms import Alarm
    from ..metering.allowance import Allowance
    from ..metering.push_health import PushHealth
    from .account import AccountCoordinator

#: The cloud keeps about 7 days of alarms; never ask for older ones.
ALARM_RETENTION: Final = timedelta(days=7) - timedelta(hours=1)
#: How long alarm ids are remembered behind the newest one (for de-duplication).
SEEN_WINDOW: Final = timedelta(hours=1)
#: When the first poll finds nothing, later polls start this far before it
#: (the cloud's and Home Assistant's clocks may differ a little).
CLOCK_MARGIN: Final = timedelta(minutes=1)


class AlarmCoordinator(EzvizCoordinator[dict[AlarmTarget, AlarmEvent]]):
    """The account's alarms; data is the newest alarm of each target."""

    cadence = CadenceKey.ALARMS
    # The limits are per application: only the account cadence's accepted
    # calls clear the standing (a lone alarm poll could succeed by chance).
    clears_standing = False

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: EzvizOpenClient,
        allowance: Allowance,
        account: AccountCoordinator,
        push_health: PushHealth,
    ) -> None:
        """Set up the alarm cadence."""
        super().__init__(hass, entry, client, allowance, name="EZVIZ alarms")
        self.account = account
        self.push_health = push_health
        self.data = {}
        #: The newest alarm time seen by polling (None before the first poll).
        self._newest: datetime | None = None
        self._seen_ids: dict[str, datetime] = {}
        self._seen_prints: dict[Fingerprint, datetime] = {}
        #: Fingerprints of alarms seen without an id -> how many are unmatched.
        self._idless: dict[Fingerprint, int] = {}
        self._alarm_listeners: dict[AlarmTarget, list[AlarmListener]] = {}
        self._alarm_announcers: dict[AlarmTarget, list[AlarmListener]] = {}

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
            if self._async_process(events):
                self.push_health.async_missed("alarms")
            self._newest = max(
                (e.time for e in events if e.time is not None), default=self._newest
            )
            self._prune(self._newest)
        return dict(self.data)

    async def _async_update_data(self) -> dict[AlarmTarget, AlarmEvent]:
        """Poll, unless the cloud refuses calls or the budget is spent.

        While another cadence is refused this one waits too (the limits are
        per application); once the period's polling allowance is spent only
        the device list is polled until the period ends.
        """
        if self.allowance.active:
            self._follow_plan()
            return dict(self.data)
        if self.allowance.polling_spent:
            return dict(self.data)
        return await super()._async_update_data()

    # -- events ----------------------------------------------------------------

    @callback
    def async_push_alarm(self, alarm: Alarm) -> bool:
        """Feed a pushed alarm into the event path; return whether it was new."""
        self.push_health.async_seen()
        return bool(self._async_process([AlarmEvent.from_alarm(alarm)]))

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
