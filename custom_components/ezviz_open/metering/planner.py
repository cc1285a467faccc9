"""The cadence table, and the planner that fits the cadences into a request budget.

This is the one place a polling cadence is declared. The planner, the
README's budget table and the benchmark read it; no cadence constant lives
anywhere else.

Each row says how often a cadence runs by default, the fastest and slowest
a user may ask for, the slowest the planner may stretch it to (its floor: no
slower than a user would accept), what it does while push is healthy, and
what one run costs for a given fleet.

The planner (``plan``) takes the fleet, the intervals the user asked for
(the fastest wanted), the budget, its period and its reserve, and whether
push is healthy. It projects the polling over the period and, when that
does not fit in the budget less the reserve, stretches the cadences in
``stretch`` order, what is worth least per request first: a cadence is only
stretched once every earlier one is at its floor. When even the floors do
not fit, every cadence stays at its floor and the plan says so.

No Home Assistant import: the planner is property-tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
import math
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

#: The cloud's pages hold 50 devices, channels or alarms.
PAGE_SIZE: Final = 50
#: A monthly budget is planned over this many days (the longest month: the
#: plan then holds in every month).
MONTH: Final = timedelta(days=31)
DAY: Final = timedelta(days=1)


class CadenceKey(StrEnum):
    """The polling cadences (also the request kinds they are counted under)."""

    DEVICE_LIST = "device_list"
    CAMERA_LIST = "camera_list"
    ALARMS = "alarms"
    DETAIL = "detail"
    FIRMWARE = "firmware"


@dataclass(frozen=True, kw_only=True)
class Fleet:
    """What a cadence's cost depends on."""

    #: Devices in the account.
    devices: int
    #: Camera channels in the account (NVR channels counted one by one).
    channels: int
    #: Detail reads per round: the sum over online devices of the endpoints
    #: that enabled entities read (``DetailCoordinator.needed``), those read
    #: once a day (the latest firmware) aside.
    detail_reads: int
    #: Latest-firmware reads a day (one per online device whose update
    #: entity is enabled).
    firmware_reads: int = 0


@dataclass(frozen=True, kw_only=True)
class Cadence:
    """One polling cadence."""

    key: CadenceKey
    #: What it reads (README, diagnostics).
    what: str
    #: The interval at default options.
    default: timedelta
    #: The fastest a user may set (options), and the slowest.
    minimum: timedelta
    maximum: timedelta
    #: The unit the option is entered in (None: no option).
    option_unit: timedelta | None
    #: The slowest the planner may stretch it to.
    floor: timedelta
    #: While push is healthy: the interval it relaxes to (None: unchanged)
    #: and the slowest it may then be stretched to.
    push_interval: timedelta | None
    push_floor: timedelta
    #: Stretched in this order (1 first) when the budget is short; 0: never
    #: stretched (a fixed cost).
    stretch: int
    #: Requests one run costs for a fleet, and in words (README).
    cost: Callable[[Fleet], float]
    per_run: str

    def floor_for(self, *, push: bool) -> timedelta:
        """Return the slowest the planner may go, with or without healthy push."""
        return self.push_floor if push else self.floor


def pages(count: int) -> int:
    """Return the requests that list ``count`` items (an empty list costs one too)."""
    return max(1, math.ceil(count / PAGE_SIZE))


CADENCES: Final[dict[CadenceKey, Cadence]] = {
    cadence.key: cadence
    for cadence in (
        Cadence(
            key=CadenceKey.DEVICE_LIST,
            what="device/list: online state, arming, names, firmware",
            default=timedelta(seconds=60),
            minimum=timedelta(seconds=30),
            maximum=timedelta(hours=1),
            option_unit=timedelta(seconds=1),
            floor=timedelta(minutes=15),
            push_interval=timedelta(minutes=15),
            push_floor=timedelta(hours=1),
            stretch=4,
            cost=lambda fleet: pages(fleet.devices),
            per_run="1 per 50 devices",
        ),
        Cadence(
            key=CadenceKey.CAMERA_LIST,
            what="camera/list: channels, NVR channel state",
            default=timedelta(hours=1),
            minimum=timedelta(hours=1),
            maximum=timedelta(hours=1),
            option_unit=None,
            floor=timedelta(hours=6),
            push_interval=None,
            push_floor=timedelta(hours=6),
            stretch=2,
            cost=lambda fleet: pages(fleet.channels),
            per_run="1 per 50 channels",
        ),
        Cadence(
            key=CadenceKey.ALARMS,
            what="alarm/list: the account's alarms",
            default=timedelta(seconds=180),
            minimum=timedelta(seconds=30),
            maximum=timedelta(hours=1),
            option_unit=timedelta(seconds=1),
            floor=timedelta(minutes=30),
            push_interval=timedelta(minutes=15),
            push_floor=timedelta(hours=1),
            stretch=3,
            cost=lambda fleet: 1,
            per_run="1 for the account",
        ),
        Cadence(
            key=CadenceKey.DETAIL,
            what="per-device settings that enabled entities read",
            default=timedelta(minutes=60),
            minimum=timedelta(minutes=10),
            maximum=timedelta(hours=24),
            option_unit=timedelta(minutes=1),
            floor=timedelta(hours=6),
            push_interval=None,
            push_floor=timedelta(hours=6),
            stretch=1,
            cost=lambda fleet: fleet.detail_reads,
            per_run="1 per online device and endpoint in use",
        ),
        Cadence(
            key=CadenceKey.FIRMWARE,
            what="device/version/info: the latest firmware",
            default=timedelta(hours=24),
            minimum=timedelta(hours=24),
            maximum=timedelta(hours=24),
            option_unit=None,
            floor=timedelta(hours=24),
            push_interval=None,
            push_floor=timedelta(hours=24),
            stretch=0,
            cost=lambda fleet: fleet.firmware_reads,
            per_run="1 per online device with an update entity",
        ),
    )
}

#: The cadences the planner may stretch, in the order it stretches them.
STRETCH_ORDER: Final = tuple(
    sorted(
        (c.key for c in CADENCES.values() if c.stretch),
        key=lambda k: CADENCES[k].stretch,
    )
)


def period_length(period: str) -> timedelta:
    """Return the length a budget ``period`` ("day" or "month") is planned over."""
    return MONTH if period == "month" else DAY


def desired_intervals(
    asked: Mapping[CadenceKey, timedelta] | None = None,
) -> dict[CadenceKey, timedelta]:
    """Every cadence's wanted interval: as asked (within its range), else its default."""
    asked = asked or {}
    return {
        key: min(max(asked.get(key, cadence.default), cadence.minimum), cadence.maximum)
        for key, cadence in CADENCES.items()
    }


def projection(
    fleet: Fleet, intervals: Mapping[CadenceKey, timedelta], period: timedelta
) -> float:
    """Return the requests the cadences make in ``period`` at ``intervals``."""
    return sum(
        CADENCES[key].cost(fleet) * (period / interval)
        for key, interval in intervals.items()
    )


@dataclass(frozen=True, kw_only=True)
class Plan:
    """The intervals to poll at, and what they cost over the budget's period."""

    intervals: Mapping[CadenceKey, timedelta]
    #: The fastest each may go (as asked; relaxed while push is healthy).
    desired: Mapping[CadenceKey, timedelta]
    #: The slowest each may go.
    floors: Mapping[CadenceKey, timedelta]
    period: timedelta
    budget: int
    #: The budget less the reserve: what polling may use.
    allowance: int
    #: Requests in the period at ``intervals`` (rounded up).
    projected: int
    #: Requests in the period with every cadence at its floor (rounded up).
    floor_cost: int
    push: bool

    @property
    def fits(self) -> bool:
        """Whether the projection fits in the allowance (False: all at floors)."""
        return self.projected <= self.allowance

    @property
    def stretched(self) -> tuple[CadenceKey, ...]:
        """The cadences planned slower than desired."""
        return tuple(k for k in STRETCH_ORDER if self.intervals[k] > self.desired[k])


def allowance_of(budget: int, reserve_percent: float) -> int:
    """Return the budget less the reserve (kept for what the user does)."""
    return math.floor(budget * (100 - reserve_percent) / 100)


def plan(
    fleet: Fleet,
    asked: Mapping[CadenceKey, timedelta] | None = None,
    *,
    budget: int,
    reserve_percent: float,
    period: timedelta = DAY,
    push: bool = False,
) -> Plan:
    """Fit the polling of ``fleet`` in the budget less the reserve.

    Every cadence starts at the interval asked for (relaxed to its push
    interval while push is healthy) and is never planned faster. When the
    projection does not fit, the cadences are stretched one at a time in
    ``STRETCH_ORDER``: each goes as far as its floor before the next one is
    touched, and the one that makes it fit goes exactly as far as needed
    (whole seconds, rounded up).
    """
    desired = desired_intervals(asked)
    floors: dict[CadenceKey, timedelta] = {}
    for key, cadence in CADENCES.items():
        if push and cadence.push_interval is not None:
            desired[key] = max(desired[key], cadence.push_interval)
        floors[key] = max(cadence.floor_for(push=push), desired[key])
    allowance = allowance_of(budget, reserve_percent)
    intervals = dict(desired)
    for key in STRETCH_ORDER:
        if projection(fleet, intervals, period) <= allowance:
            break
        cost = CADENCES[key].cost(fleet) * period.total_seconds()
        others = projection(
            fleet, {k: v for k, v in intervals.items() if k != key}, period
        )
        room = allowance - others
        if cost <= 0:
            continue
        if room <= 0 or cost / room > floors[key].total_seconds():
            intervals[key] = floors[key]
            continue
        # Exactly as far as needed, in whole seconds; never past the floor.
        needed = timedelta(seconds=math.ceil(cost / room))
        intervals[key] = min(max(needed, desired[key]), floors[key])
    return Plan(
        intervals=intervals,
        desired=desired,
        floors=floors,
        period=period,
        budget=budget,
        allowance=allowance,
        projected=math.ceil(projection(fleet, intervals, period) - 1e-9),
        floor_cost=math.ceil(projection(fleet, floors, period) - 1e-9),
        push=push,
    )
