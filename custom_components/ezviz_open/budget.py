"""The cadence table: every polling cadence, what it costs, and how far it may stretch.

This is the one place a polling cadence is declared. The planner, the
README's budget table and the benchmark read it; no cadence constant lives
anywhere else.

Each row says how often a cadence runs by default, the fastest a user may
ask for, the slowest it may be stretched to (its floor: no slower than a
user would accept), what it does while push is healthy, and what one run
costs for a given fleet. When the projected polling does not fit in the
budget less the reserve, cadences are stretched in ``stretch`` order: what
is worth least per request first.

No Home Assistant import: the planner is property-tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
import math
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Callable

#: The cloud's pages hold 50 devices, channels or alarms.
PAGE_SIZE: Final = 50


class CadenceKey(StrEnum):
    """The polling cadences (also the request kinds they are counted under)."""

    DEVICE_LIST = "device_list"
    CAMERA_LIST = "camera_list"
    ALARMS = "alarms"
    DETAIL = "detail"


@dataclass(frozen=True, kw_only=True)
class Fleet:
    """What a cadence's cost depends on."""

    #: Devices in the account.
    devices: int
    #: Camera channels in the account (NVR channels counted one by one).
    channels: int
    #: Detail reads per round: the sum over online devices of the endpoints
    #: that enabled entities read (``DetailCoordinator.needed``).
    detail_reads: int


@dataclass(frozen=True, kw_only=True)
class Cadence:
    """One polling cadence."""

    key: CadenceKey
    #: The interval at default options.
    default: timedelta
    #: The fastest a user may set (options), and the slowest.
    minimum: timedelta
    maximum: timedelta
    #: The slowest the planner may stretch it to.
    floor: timedelta
    #: While push is healthy: the interval it relaxes to (None: unchanged)
    #: and the slowest it may then be stretched to.
    push_interval: timedelta | None
    push_floor: timedelta
    #: Stretched in this order (1 first) when the budget is short.
    stretch: int
    #: Requests one run costs for a fleet.
    cost: Callable[[Fleet], float]


def _pages(count: int) -> int:
    return max(1, math.ceil(count / PAGE_SIZE))


CADENCES: Final[dict[CadenceKey, Cadence]] = {
    cadence.key: cadence
    for cadence in (
        Cadence(
            key=CadenceKey.DEVICE_LIST,
            default=timedelta(seconds=60),
            minimum=timedelta(seconds=30),
            maximum=timedelta(hours=1),
            floor=timedelta(minutes=15),
            push_interval=timedelta(minutes=15),
            push_floor=timedelta(hours=1),
            stretch=4,
            cost=lambda fleet: _pages(fleet.devices),
        ),
        Cadence(
            key=CadenceKey.CAMERA_LIST,
            default=timedelta(hours=1),
            minimum=timedelta(hours=1),
            maximum=timedelta(hours=1),
            floor=timedelta(hours=6),
            push_interval=None,
            push_floor=timedelta(hours=6),
            stretch=2,
            cost=lambda fleet: _pages(fleet.channels),
        ),
        Cadence(
            key=CadenceKey.ALARMS,
            default=timedelta(seconds=180),
            minimum=timedelta(seconds=30),
            maximum=timedelta(hours=1),
            floor=timedelta(minutes=30),
            push_interval=timedelta(minutes=15),
            push_floor=timedelta(hours=1),
            stretch=3,
            cost=lambda fleet: 1,
        ),
        Cadence(
            key=CadenceKey.DETAIL,
            default=timedelta(minutes=60),
            minimum=timedelta(minutes=10),
            maximum=timedelta(hours=24),
            floor=timedelta(hours=6),
            push_interval=None,
            push_floor=timedelta(hours=6),
            stretch=1,
            cost=lambda fleet: fleet.detail_reads,
        ),
    )
}
