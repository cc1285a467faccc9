"""The budget governor: keeps the cadences to the plan that fits the budget.

It holds the current ``planner.Plan`` and hands its intervals to the
allowance (``allowance.py``), from which the coordinators take them: the
device-list and alarm polls, the detail rounds and the camera list's maximum
age. It plans again when what the plan depends on changes:

- the fleet: devices and channels (each account poll), which of them are
  online, and the endpoints that enabled entities read (when an entity
  is added or removed, and each detail round);
- push health (``push_health.py``): push counts as healthy while it is
  configured and a verified message arrived within ``PUSH_HEALTHY_FOR`` (one
  hour), and until a poll finds what push did not deliver: an alarm
  (``coordinator/alarms.py``) or a device gone on- or offline (the device
  list, reported here). While it is healthy, presence and alarms come by
  push, so the device list and the alarm poll relax to their push intervals
  and may stretch to their push floors (the table's ``push_interval`` and
  ``push_floor``);
- the options (a change reloads the entry, and with it a new governor).

When even the floors do not fit, every cadence stays at its floor and a
repair issue gives the numbers; it goes when a plan fits again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_ACCOUNT_INTERVAL,
    CONF_ALARM_INTERVAL,
    CONF_BUDGET_PERIOD,
    CONF_BUDGET_RESERVE,
    CONF_DETAIL_INTERVAL,
    CONF_REQUEST_BUDGET,
    DEFAULT_BUDGET_PERIOD,
    DEFAULT_BUDGET_RESERVE,
    DEFAULT_REQUEST_BUDGET,
    DOMAIN,
    ISSUE_BUDGET_FLOORS,
    LOGGER,
)
from ..listeners import Listeners
from .planner import (
    CADENCES,
    CadenceKey,
    Fleet,
    Plan,
    desired_intervals,
    period_length,
    plan,
)

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Mapping
    from datetime import timedelta

    from homeassistant.config_entries import ConfigEntry

    from ..coordinator.account import AccountCoordinator
    from ..coordinator.detail import DetailCoordinator
    from .allowance import Allowance
    from .push_health import PushHealth

#: The option that asks for each cadence's interval (in the table's unit).
OPTION_CADENCES: dict[str, CadenceKey] = {
    CONF_ACCOUNT_INTERVAL: CadenceKey.DEVICE_LIST,
    CONF_DETAIL_INTERVAL: CadenceKey.DETAIL,
    CONF_ALARM_INTERVAL: CadenceKey.ALARMS,
}


def asked_intervals(options: Mapping[str, Any]) -> dict[CadenceKey, timedelta]:
    """Return every cadence's interval as the options ask (defaults otherwise)."""
    asked: dict[CadenceKey, timedelta] = {}
    for option, key in OPTION_CADENCES.items():
        unit = CADENCES[key].option_unit
        if option in options and unit is not None:
            asked[key] = unit * int(options[option])
    return desired_intervals(asked)


def fleet_of(account: AccountCoordinator, detail: DetailCoordinator) -> Fleet:
    """Return what the cadences cost depends on, as the account stands now."""
    data = account.data
    devices = data.devices if data is not None else {}
    online = {s for s, device in devices.items() if device.online is not False}
    reads = [topic for serial, topic in detail.needed() if serial in online]
    daily = CADENCES[CadenceKey.FIRMWARE].default
    return Fleet(
        devices=len(devices),
        channels=sum(len(c) for c in data.cameras.values()) if data else 0,
        detail_reads=sum(1 for topic in reads if topic.max_age is None),
        firmware_reads=sum(1 for topic in reads if topic.max_age == daily),
    )


class BudgetGovernor:
    """Plans the cadences of one entry and applies the plan."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        account: AccountCoordinator,
        detail: DetailCoordinator,
        allowance: Allowance,
        push_health: PushHealth,
    ) -> None:
        """Read the budget and the intervals asked for from the options."""
        self._hass = hass
        self._entry = entry
        self._account = account
        self._detail = detail
        self._allowance = allowance
        self._push_health = push_health
        options = entry.options
        self.budget = int(options.get(CONF_REQUEST_BUDGET, DEFAULT_REQUEST_BUDGET))
        self.period: str = options.get(CONF_BUDGET_PERIOD, DEFAULT_BUDGET_PERIOD)
        self.reserve = int(options.get(CONF_BUDGET_RESERVE, DEFAULT_BUDGET_RESERVE))
        self.asked = asked_intervals(options)
        self.plan: Plan | None = None
        self._listeners: Listeners[()] = Listeners()
        self._push_timer: CALLBACK_TYPE | None = None
        self._replan_soon: asyncio.Handle | None = None
        self._account_fresh = False

    @property
    def issue_id(self) -> str:
        """The repair issue raised while even the floors do not fit."""
        return f"{ISSUE_BUDGET_FLOORS}_{self._entry.entry_id}"

    @property
    def push_healthy(self) -> bool:
        """Whether presence and alarms come by push (see the module docstring)."""
        return self._push_health.healthy

    @callback
    def async_start(self) -> None:
        """Plan now, and again whenever the fleet or push health changes."""
        entry = self._entry
        entry.async_on_unload(self._account.async_add_listener(self._account_updated))
        entry.async_on_unload(self._detail.async_add_listener(self.async_replan))
        entry.async_on_unload(self._push_health.async_add_listener(self._push_changed))
        entry.async_on_unload(
            self._detail.async_add_needs_listener(self._async_replan_soon)
        )
        entry.async_on_unload(self._async_stop)
        self.async_replan()

    @callback
    def _async_replan_soon(self) -> None:
        """Plan again once the entities being added have said what they read."""
        if self._replan_soon is None:
            self._replan_soon = self._hass.loop.call_soon(self._async_replan_now)

    @callback
    def _async_replan_now(self) -> None:
        self._replan_soon = None
        self.async_replan()

    @callback
    def _async_stop(self) -> None:
        self._cancel_push_timer()
        if self._replan_soon is not None:
            self._replan_soon.cancel()
            self._replan_soon = None

    @callback
    def _account_updated(self) -> None:
        # The device list was just read: no need to read it again at once
        # should its cadence get faster.
        self._account_fresh = True
        try:
            if self._account.polled_presence_changes:
                # A device went on- or offline and only the poll saw it.
                self._push_health.async_missed("an on/offline change")
            self.async_replan()
        finally:
            self._account_fresh = False

    @callback
    def async_add_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update`` when the plan changes; return the undo."""
        return self._listeners.async_add(update)

    @callback
    def async_replan(self) -> None:
        """Plan for the account as it stands; apply the plan if it changed."""
        new = plan(
            fleet_of(self._account, self._detail),
            self.asked,
            budget=self.budget,
            reserve_percent=self.reserve,
            period=period_length(self.period),
            push=self.push_healthy,
        )
        if new == self.plan:
            return
        old, self.plan = self.plan, new
        self._apply(new, old)
        self._update_issue(new, old)
        self._listeners.async_call()

    def _apply(self, new: Plan, old: Plan | None) -> None:
        intervals = new.intervals
        if old is None or intervals != old.intervals:
            LOGGER.debug(
                "Cadences planned for %s requests a %s (budget %s less %s %%): %s",
                new.projected,
                self.period,
                self.budget,
                self.reserve,
                {key.value: str(value) for key, value in intervals.items()},
            )
        faster = (
            old is not None
            and intervals[CadenceKey.DEVICE_LIST]
            < old.intervals[CadenceKey.DEVICE_LIST]
        )
        self._allowance.async_set_plan(intervals)
        if faster and not self._account_fresh and not self._allowance.active:
            # Presence is wanted fresher (push no longer healthy, a larger
            # budget, fewer devices): poll now, not at the end of the old
            # interval.
            self._entry.async_create_background_task(
                self._hass,
                self._account.async_request_refresh(),
                f"{DOMAIN} device list at the new cadence",
            )

    def _update_issue(self, new: Plan, old: Plan | None) -> None:
        if new.fits:
            ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)
            return
        if old is None or old.fits:
            LOGGER.warning(
                "Even the slowest cadences need %s requests a %s, more than the "
                "budget less its reserve (%s); polling at the slowest cadences",
                new.floor_cost,
                self.period,
                new.allowance,
            )
        # Created again when the numbers change: the issue shows the latest.
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_BUDGET_FLOORS,
            translation_placeholders={
                "devices": str(fleet_of(self._account, self._detail).devices),
                "budget": str(self.budget),
                "period": self.period,
                "reserve": str(self.reserve),
                "allowance": str(new.allowance),
                "floor_cost": str(new.floor_cost),
            },
        )

    @callback
    def _push_changed(self) -> None:
        """Push health changed: plan again, and again when it would expire."""
        self._cancel_push_timer()
        expires = self._push_health.expires
        if expires is not None and self.push_healthy:
            delay = max((expires - dt_util.utcnow()).total_seconds(), 0)
            self._push_timer = async_call_later(self._hass, delay, self._push_due)
        self.async_replan()

    @callback
    def _push_due(self, _now: Any) -> None:
        self._push_timer = None
        # A later message moved the expiry out: follow it.
        self._push_changed()

    @callback
    def _cancel_push_timer(self) -> None:
        if self._push_timer is not None:
            self._push_timer()
            self._push_timer = None

    def as_dict(self) -> dict[str, Any]:
        """Return the plan, for diagnostics and the sensor's attributes."""
        current = self.plan
        return {
            "budget": self.budget,
            "period": self.period,
            "reserve_percent": self.reserve,
            "allowance": current.allowance if current else None,
            "projected": current.projected if current else None,
            "floor_cost": current.floor_cost if current else None,
            "fits": current.fits if current else None,
            "push_healthy": self.push_healthy,
            "intervals_s": {
                key.value: int(value.total_seconds())
                for key, value in (current.intervals if current else {}).items()
            },
            "stretched": [key.value for key in current.stretched] if current else [],
        }
