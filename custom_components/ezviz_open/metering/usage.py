"""What the integration asked of the cloud this budget period, by kind.

The cloud meters calls per application (10007 when they are used up), and
the reference names neither the quota nor when it resets. So the integration
counts every request it sends itself (the client's ``on_request`` hook: token
requests, retries and every page included; picture and video downloads from
the addresses the cloud hands out are not API calls and are not counted) and
holds polling to the budget the user sets in the options, for a period that
starts at local midnight (``day``) or on the 1st at 00:00 local time
(``month``), in Home Assistant's time zone.

The kind of a request is the cadence that sends it, set around its fetch in
a context variable that the tasks it starts inherit (``counting_as``); token
requests are ``token`` whoever needs the token; anything no cadence sends is
what a user did (``user``: commands, live addresses, captures, recordings,
actions), except the progress reads of a firmware upgrade (``other``).

The count is stored (Home Assistant's ``Store``, written at most once a
minute and when the entry unloads or Home Assistant stops), so a restart
within a period goes on from it; at the period's end it starts again from 0.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later, async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..api.client import TOKEN_PATH
from ..api.errors import EzvizRateLimitError
from ..const import (
    CONF_BUDGET_PERIOD,
    CONF_BUDGET_RESERVE,
    CONF_REQUEST_BUDGET,
    DEFAULT_BUDGET_PERIOD,
    DEFAULT_BUDGET_RESERVE,
    DEFAULT_REQUEST_BUDGET,
    DOMAIN,
    ISSUE_BUDGET_SPENT,
    LOGGER,
    PERIOD_MONTH,
    QUOTA_CHECK_INTERVAL,
)
from ..listeners import Listeners
from .planner import CADENCES, CadenceKey

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

KIND_CAPABILITIES: Final = "capabilities"
KIND_TOKEN: Final = "token"  # noqa: S105 (a kind, not a secret)
KIND_USER: Final = "user"
KIND_OTHER: Final = "other"
#: Every kind, in the order diagnostics and the sensor list them.
KINDS: Final = (
    *(key.value for key in CadenceKey),
    KIND_CAPABILITIES,
    KIND_TOKEN,
    KIND_USER,
    KIND_OTHER,
)

_REQUEST_KIND: ContextVar[str] = ContextVar(
    "ezviz_open_request_kind", default=KIND_USER
)

_STORAGE_VERSION = 1
#: While the budget is spent, the device list is polled at its floor.
_DEVICE_LIST_FLOOR = CADENCES[CadenceKey.DEVICE_LIST].floor
#: The count is written at most this often (and on unload and stop).
_SAVE_DELAY = 60


@contextmanager
def counting_as(kind: str) -> Iterator[None]:
    """Count the requests sent in this block (and the tasks it starts) as ``kind``."""
    token = _REQUEST_KIND.set(kind)
    try:
        yield
    finally:
        _REQUEST_KIND.reset(token)


def current_kind() -> str:
    """Return the kind requests sent now count as (``user`` outside a cadence)."""
    return _REQUEST_KIND.get()


def period_bounds(now: datetime, period: str) -> tuple[datetime, datetime]:
    """Return the start and end of the budget period around ``now``, aware.

    Local time of Home Assistant's zone: a day from midnight to midnight, a
    month from the 1st at 00:00 to the next 1st (a DST day is 23 or 25 hours).
    """
    today = dt_util.as_local(now).date()
    if period == PERIOD_MONTH:
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
    else:
        first, following = today, today + timedelta(days=1)
    return _midnight(first), _midnight(following)


def _midnight(day: date) -> datetime:
    return dt_util.start_of_local_day(day)


class RequestCounter:
    """Requests sent this period: the total and by kind, kept across restarts."""

    def __init__(
        self, hass: HomeAssistant, entry_id: str, options: Mapping[str, Any]
    ) -> None:
        """Read the budget options; the count starts at 0 until loaded."""
        self._hass = hass
        self._entry_id = entry_id
        self.period: str = options.get(CONF_BUDGET_PERIOD, DEFAULT_BUDGET_PERIOD)
        self.budget: int = int(options.get(CONF_REQUEST_BUDGET, DEFAULT_REQUEST_BUDGET))
        percent = int(options.get(CONF_BUDGET_RESERVE, DEFAULT_BUDGET_RESERVE))
        #: Requests kept for what the user does.
        self.reserve: int = self.budget * percent // 100
        self._store: Store[dict[str, Any]] = _usage_store(hass, entry_id)
        self.period_start, self.period_end = period_bounds(
            dt_util.utcnow(), self.period
        )
        self.total = 0
        self._by_kind: dict[str, int] = {}
        self._listeners: Listeners[()] = Listeners()
        self._period_listeners: Listeners[bool] = Listeners()
        self._unsub_timer: CALLBACK_TYPE | None = None
        self._save_pending = False
        #: While the call quota is used up (10007): when it is assumed to
        #: reset, and when the cloud last refused a call. Stored, so that a
        #: restart or reload does not ask again before the hourly check.
        self.quota_until: datetime | None = None
        self.quota_refused_at: datetime | None = None

    @property
    def by_kind(self) -> Mapping[str, int]:
        """Requests this period by kind (kinds not used yet are absent)."""
        return self._by_kind

    @property
    def polling_allowance(self) -> int:
        """What polling may use this period: the budget less the reserve."""
        return self.budget - self.reserve

    @property
    def issue_id(self) -> str:
        """The repair issue raised while polling is held back."""
        return f"{ISSUE_BUDGET_SPENT}_{self._entry_id}"

    def polling_spent(self) -> bool:
        """Whether this period's requests reached the polling allowance."""
        return self.total >= self.polling_allowance

    async def async_load(self) -> None:
        """Go on from the stored count when it is of the current period."""
        stored = await self._store.async_load()
        if (
            stored is not None
            and stored.get("period") == self.period
            and stored.get("period_start") == self.period_start.isoformat()
        ):
            self.total = int(stored.get("total", 0))
            self._by_kind = {
                str(kind): int(count)
                for kind, count in (stored.get("by_kind") or {}).items()
            }
            until = _parse_time(stored.get("quota_until"))
            if until is not None and until > dt_util.utcnow():
                self.quota_until = until
                self.quota_refused_at = _parse_time(stored.get("quota_refused_at"))
        self._async_schedule_rollover()
        self._async_update_issue()

    async def async_unload(self) -> None:
        """Write the count now and stop the period timer (the entry unloads)."""
        if self._unsub_timer is not None:
            self._unsub_timer()
            self._unsub_timer = None
        await self._store.async_save(self._data_to_save())

    def quota_check_due(self) -> bool:
        """Whether the last refusal of a used-up quota is an hour old."""
        return (
            self.quota_refused_at is None
            or dt_util.utcnow() - self.quota_refused_at >= QUOTA_CHECK_INTERVAL
        )

    @callback
    def async_set_up_again_at_quota_check(self) -> None:
        """Have the entry, failing setup on a used-up quota, set up at the check.

        Home Assistant retries a setup that is not ready with a backoff of its
        own (80 s at most in 2025.4, 10 minutes from 2026.x), so the hourly
        check would wait on it: the entry is reloaded when the check is due
        instead, once (a later failed setup replaces the timer), and only if it
        is still waiting to retry by then.
        """
        if self.quota_refused_at is None:
            return
        timers = self._hass.data.setdefault(_QUOTA_CHECK_TIMERS, {})
        if (cancel := timers.pop(self._entry_id, None)) is not None:
            cancel()
        entry_id = self._entry_id
        hass = self._hass

        @callback
        def _set_up_again(_now: datetime) -> None:
            timers.pop(entry_id, None)
            entry = hass.config_entries.async_get_entry(entry_id)
            if entry is not None and entry.state is ConfigEntryState.SETUP_RETRY:
                hass.config_entries.async_schedule_reload(entry_id)

        due = self.quota_refused_at + QUOTA_CHECK_INTERVAL - dt_util.utcnow()
        timers[entry_id] = async_call_later(
            hass,
            max(due.total_seconds(), 0),
            HassJob(_set_up_again, cancel_on_shutdown=True),
        )

    @callback
    def async_set_quota(self, until: datetime | None) -> None:
        """Record a refusal for a used-up quota (until it resets), or None: accepted."""
        self.quota_until = until
        self.quota_refused_at = None if until is None else dt_util.utcnow()
        self._async_schedule_save()

    @callback
    def async_add_listener(self, update_callback: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``update_callback`` when the count changes; return the undo."""
        return self._listeners.async_add(update_callback)

    @callback
    def async_add_period_listener(
        self, period_callback: Callable[[bool], None]
    ) -> CALLBACK_TYPE:
        """Call ``period_callback`` when a new period starts; return the undo.

        It is told whether polling was held back (the allowance was spent).
        """
        return self._period_listeners.async_add(period_callback)

    @callback
    def async_count(self, path: str) -> None:
        """Count one request to ``path`` (the client's ``on_request``)."""
        if dt_util.utcnow() >= self.period_end:
            # The timer has not fired yet (a busy loop): the period is over.
            self._async_new_period()
        kind = KIND_TOKEN if path == TOKEN_PATH else current_kind()
        self.total += 1
        self._by_kind[kind] = self._by_kind.get(kind, 0) + 1
        if self.total == self.polling_allowance:
            self._async_update_issue()
        self._async_schedule_save()
        self._listeners.async_call()

    @callback
    def _async_schedule_rollover(self) -> None:
        if self._unsub_timer is not None:
            self._unsub_timer()
        self._unsub_timer = async_track_point_in_utc_time(
            self._hass,
            HassJob(self._async_rollover, cancel_on_shutdown=True),
            self.period_end,
        )

    @callback
    def _async_rollover(self, _now: datetime) -> None:
        self._unsub_timer = None
        self._async_new_period()

    @callback
    def _async_new_period(self) -> None:
        """Start the period that includes now, from 0."""
        spent = self.polling_spent()
        self.period_start, self.period_end = period_bounds(
            dt_util.utcnow(), self.period
        )
        LOGGER.debug(
            "New request budget period from %s: %s requests in the last one",
            self.period_start,
            self.total,
        )
        self.total = 0
        self._by_kind = {}
        self._async_schedule_save()
        self._async_schedule_rollover()
        self._async_update_issue()
        self._listeners.async_call()
        self._period_listeners.async_call(spent)

    @callback
    def _async_update_issue(self) -> None:
        """Raise the issue while polling is held back; delete it otherwise."""
        if not self.polling_spent():
            ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)
            return
        LOGGER.warning(
            "%s of %s requests sent this period: polling stops until %s, "
            "except the device list; actions go on from the reserve",
            self.total,
            self.budget,
            self.period_end,
        )
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_BUDGET_SPENT,
            translation_placeholders={
                "count": str(self.total),
                "budget": str(self.budget),
                "resumes": format_time(self.period_end),
                "minutes": str(_DEVICE_LIST_FLOOR // timedelta(minutes=1)),
            },
        )

    @callback
    def _async_schedule_save(self) -> None:
        """Write within ``_SAVE_DELAY``, however often the count changes.

        ``async_delay_save`` moves a pending write out at each call: a count
        that changes every minute would never be written before Home
        Assistant stops.
        """
        if not self._save_pending:
            self._save_pending = True
            self._store.async_delay_save(self._data_to_save, _SAVE_DELAY)

    def _data_to_save(self) -> dict[str, Any]:
        self._save_pending = False
        return {
            "period": self.period,
            "period_start": self.period_start.isoformat(),
            "total": self.total,
            "by_kind": dict(self._by_kind),
            "quota_until": _iso(self.quota_until),
            "quota_refused_at": _iso(self.quota_refused_at),
        }

    def as_dict(self) -> dict[str, Any]:
        """Return the count and the budget (for diagnostics and the sensor)."""
        return {
            "period": self.period,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "total": self.total,
            "by_kind": {kind: self._by_kind.get(kind, 0) for kind in KINDS},
            "budget": self.budget,
            "reserve": self.reserve,
            "polling_allowance": self.polling_allowance,
            "polling_spent": self.polling_spent(),
        }


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def _parse_time(value: Any) -> datetime | None:
    return dt_util.parse_datetime(value) if isinstance(value, str) else None


def format_time(when: datetime) -> str:
    """Format a time for a message: local, to the minute."""
    return dt_util.as_local(when).strftime("%Y-%m-%d %H:%M")


#: The pending set-up-again of each entry whose setup failed on a used-up quota.
_QUOTA_CHECK_TIMERS: HassKey[dict[str, CALLBACK_TYPE]] = HassKey(
    f"{DOMAIN}_quota_check_timers"
)


def _usage_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    return Store(hass, _STORAGE_VERSION, f"{DOMAIN}.{entry_id}.usage")


async def async_remove_usage_store(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's stored count (the entry is being removed)."""
    if (
        cancel := hass.data.get(_QUOTA_CHECK_TIMERS, {}).pop(entry_id, None)
    ) is not None:
        cancel()
    await _usage_store(hass, entry_id).async_remove()


class QuotaUsedUpError(EzvizRateLimitError):
    """A request that was not sent: the call quota is used up until ``resets``."""

    def __init__(self, resets: datetime, path: str) -> None:
        """Refuse a request to ``path`` as the cloud would (10007), without asking it."""
        super().__init__(
            "The call quota is used up; not sent", code=10007, endpoint=path
        )
        self.resets = resets
