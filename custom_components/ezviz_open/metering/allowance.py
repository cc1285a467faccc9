"""The allowance: may a request be sent now, and how often may each cadence poll.

One object per entry answers both, for every part that talks to the cloud:

- **May I send this?** The client's ``on_request`` hook
  (``async_before_request``) refuses at once while the call quota is used up
  (10007), but for the account cadence's hourly check, and counts every
  request it lets through (``usage.RequestCounter``).
- **How often?** ``interval(key)`` is a cadence's planned interval (the
  budget governor's plan, ``governor.py``; the intervals asked for in the
  options until it has planned), stretched to the device list's floor once
  the period's polling allowance is spent, and to the rate-limit back-off
  while the cloud refuses calls. The coordinators read it after each poll and
  follow it when the plan changes (``async_add_plan_listener``); nothing else
  sets their intervals.

The limits are per application, so the standing is shared by every cadence of
an entry: when one is refused, all of them slow down. A frequency refusal
(10029) backs off from 5 minutes to an hour. A used-up quota (10007) stops
every request until the budget period ends (``usage.py``; the assumed reset),
but for the account cadence's hourly check, and refuses actions at once with
the time it resets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..api.errors import EzvizApiError, EzvizRateLimitError
from ..const import (
    DOMAIN,
    ISSUE_RATE_LIMITED,
    LOGGER,
    QUOTA_CHECK_INTERVAL,
    RATE_LIMIT_BACKOFF_MAX,
    RATE_LIMIT_BACKOFF_MIN,
)
from ..listeners import Listeners
from .planner import CADENCES, CadenceKey
from .usage import (
    KIND_CAPABILITIES,
    QuotaUsedUpError,
    RequestCounter,
    current_kind,
    format_time,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime, timedelta


class Allowance:
    """The entry's standing with the cloud, and the cadences' intervals."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        usage: RequestCounter,
        asked: Mapping[CadenceKey, timedelta],
    ) -> None:
        """Start in good standing, at the intervals asked for (``asked``)."""
        self._hass = hass
        self._entry_id = entry_id
        self.usage = usage
        self.backoff: timedelta | None = None
        self._planned: dict[CadenceKey, timedelta] = dict(asked)
        self._plan_listeners: Listeners[()] = Listeners()
        self._resume_listeners: Listeners[()] = Listeners()
        if usage.quota_until is not None:
            # Used up before a restart or reload, within this period.
            self.backoff = QUOTA_CHECK_INTERVAL
            self._async_quota_issue(usage.quota_until)

    @property
    def quota_until(self) -> datetime | None:
        """While the quota is used up: when it is assumed to reset."""
        return self.usage.quota_until

    @property
    def issue_id(self) -> str:
        """The repair issue raised while calls are refused."""
        return f"{ISSUE_RATE_LIMITED}_{self._entry_id}"

    @property
    def active(self) -> bool:
        """Whether the cloud is refusing calls."""
        return self.backoff is not None

    @property
    def polling_spent(self) -> bool:
        """Whether polling is held back: the period's allowance is used."""
        return self.usage.polling_spent()

    @callback
    def hit(self, err: EzvizRateLimitError) -> timedelta:
        """Record a refusal; return how long to wait before the next call."""
        if err.is_quota:
            return self._quota_used_up()
        if self.backoff is None:
            self.backoff = RATE_LIMIT_BACKOFF_MIN
            LOGGER.warning(
                "The EZVIZ cloud refused calls (call frequency limit); keeping "
                "the last known state and polling less often until it accepts "
                "them again"
            )
            ir.async_create_issue(
                self._hass,
                DOMAIN,
                self.issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="rate_limited",
            )
        else:
            self.backoff = min(self.backoff * 2, RATE_LIMIT_BACKOFF_MAX)
        return self.backoff

    @callback
    def _quota_used_up(self) -> timedelta:
        self.backoff = QUOTA_CHECK_INTERVAL
        first = self.usage.quota_until is None
        until = self.usage.quota_until or self.usage.period_end
        self.usage.async_set_quota(until)
        if first:
            LOGGER.warning(
                "The EZVIZ cloud refused calls (call quota used up); keeping the "
                "last known state and asking nothing more of it until %s, but "
                "for one check every %s",
                until,
                QUOTA_CHECK_INTERVAL,
            )
            self._async_quota_issue(until)
        return self.backoff

    @callback
    def _async_quota_issue(self, until: datetime) -> None:
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="quota_exhausted",
            translation_placeholders={"resets": format_time(until)},
        )

    @callback
    def async_cloud_error(self, err: EzvizApiError) -> None:
        """Notice a used-up quota whoever was refused (the client's ``on_error``)."""
        if isinstance(err, EzvizRateLimitError) and err.is_quota:
            self.hit(err)

    @callback
    def async_before_request(self, path: str) -> None:
        """May this request be sent? Refuse it, or count it (the client's ``on_request``).

        While the quota is used up only the account cadence goes through: its
        first request is the hourly check, and what follows it only when the
        check was accepted.
        """
        if self.quota_until is not None and current_kind() not in _CHECK_KINDS:
            raise QuotaUsedUpError(self.quota_until, path)
        self.usage.async_count(path)

    # -- how often ---------------------------------------------------------------

    def planned(self, key: CadenceKey) -> timedelta:
        """Return the plan's interval for a cadence (or the camera list's maximum age)."""
        return self._planned[key]

    def interval(self, key: CadenceKey) -> timedelta:
        """How often a cadence polls now: as planned, stretched by the standing.

        The device list keeps to its floor once the period's polling
        allowance is spent; every cadence waits out a rate-limit back-off.
        """
        interval = self._planned[key]
        if key is CadenceKey.DEVICE_LIST and self.polling_spent:
            interval = max(interval, CADENCES[CadenceKey.DEVICE_LIST].floor)
        return max(interval, self.backoff) if self.backoff else interval

    @callback
    def async_set_plan(self, intervals: Mapping[CadenceKey, timedelta]) -> None:
        """Take a new plan (the governor's) and tell the cadences."""
        self._planned = dict(intervals)
        self._plan_listeners.async_call()

    @callback
    def async_add_plan_listener(self, follow: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``follow`` when the plan changes; return the undo."""
        return self._plan_listeners.async_add(follow)

    # -- standing ----------------------------------------------------------------

    @callback
    def async_new_period(self) -> bool:
        """Assume the quota reset with the new budget period; return if it was used up.

        Requests may go out again, but the cadences stay held back and the
        issue stays until the account cadence's next call is accepted
        (``clear``), which brings the others back (resume listeners).
        """
        if self.quota_until is None:
            return False
        self.usage.async_set_quota(None)
        return True

    @callback
    def async_add_resume_listener(self, resume: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``resume`` when the cloud accepts calls again; return the undo."""
        return self._resume_listeners.async_add(resume)

    @callback
    def clear(self) -> None:
        """Record an accepted call: back to normal, and no issue.

        The issue is deleted even in good standing: one raised before a
        reload, or by a setup that is being retried, belongs to an earlier
        state of this entry, and an accepted call means its cause is gone.
        """
        if self.quota_until is not None:
            self.usage.async_set_quota(None)
        if self.backoff is not None:
            self.backoff = None
            LOGGER.info("The EZVIZ cloud accepts calls again")
            self._resume_listeners.async_call()
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)


#: The kinds sent while the quota is used up (the account cadence's check).
_CHECK_KINDS = frozenset(
    {CadenceKey.DEVICE_LIST, CadenceKey.CAMERA_LIST, KIND_CAPABILITIES}
)
