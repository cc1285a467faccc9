"""The request-budget planner, property-tested (pure: no Home Assistant).

Over fleets of 1 to 300 devices, budgets, reserves, periods and intervals
asked for: the projection fits in the budget less the reserve unless every
cadence is at its floor (and then the plan says so); no cadence is ever
planned faster than asked; cadences are stretched in the table's order;
more budget never means slower polling.
"""

from __future__ import annotations

from datetime import timedelta
import math

from hypothesis import given, settings, strategies as st

from custom_components.ezviz_open.metering.planner import (
    CADENCES,
    DAY,
    MONTH,
    STRETCH_ORDER,
    CadenceKey,
    Fleet,
    Plan,
    allowance_of,
    desired_intervals,
    pages,
    plan,
    projection,
)


@st.composite
def fleets(draw: st.DrawFn) -> Fleet:
    devices = draw(st.integers(min_value=1, max_value=300))
    return Fleet(
        devices=devices,
        channels=draw(st.integers(min_value=0, max_value=devices * 4)),
        detail_reads=draw(st.integers(min_value=0, max_value=devices * 6)),
        firmware_reads=draw(st.integers(min_value=0, max_value=devices)),
    )


def _seconds(key: CadenceKey) -> st.SearchStrategy[timedelta]:
    cadence = CADENCES[key]
    return st.integers(
        min_value=int(cadence.minimum.total_seconds()),
        max_value=int(cadence.maximum.total_seconds()),
    ).map(lambda s: timedelta(seconds=s))


ASKED = st.fixed_dictionaries(
    {
        CadenceKey.DEVICE_LIST: _seconds(CadenceKey.DEVICE_LIST),
        CadenceKey.ALARMS: _seconds(CadenceKey.ALARMS),
        CadenceKey.DETAIL: _seconds(CadenceKey.DETAIL),
    }
)
BUDGETS = st.integers(min_value=100, max_value=2_000_000)
RESERVES = st.integers(min_value=0, max_value=90)
PERIODS = st.sampled_from([DAY, MONTH])
PUSH = st.booleans()


def _at_floors(fleet: Fleet, result: Plan) -> bool:
    """Every cadence at its floor (one that costs nothing is left as asked)."""
    return all(
        result.intervals[k] == result.floors[k] or CADENCES[k].cost(fleet) == 0
        for k in STRETCH_ORDER
    )


@settings(max_examples=400, deadline=None)
@given(fleets(), ASKED, BUDGETS, RESERVES, PERIODS, PUSH)
def test_fits_unless_at_floors(
    fleet: Fleet,
    asked: dict[CadenceKey, timedelta],
    budget: int,
    reserve: int,
    period: timedelta,
    push: bool,
) -> None:
    """The projection fits in budget less reserve, or every cadence is at its floor."""
    result = plan(
        fleet, asked, budget=budget, reserve_percent=reserve, period=period, push=push
    )
    assert result.allowance == allowance_of(budget, reserve)
    assert result.projected == round_up(projection(fleet, result.intervals, period))
    if result.fits:
        assert projection(fleet, result.intervals, period) <= result.allowance
    else:
        assert _at_floors(fleet, result)
        assert result.projected == result.floor_cost > result.allowance


def round_up(value: float) -> int:
    whole = int(value)
    return whole if value - whole < 1e-9 else whole + 1


@settings(max_examples=400, deadline=None)
@given(fleets(), ASKED, BUDGETS, RESERVES, PERIODS, PUSH)
def test_never_faster_than_asked_nor_slower_than_floor(
    fleet: Fleet,
    asked: dict[CadenceKey, timedelta],
    budget: int,
    reserve: int,
    period: timedelta,
    push: bool,
) -> None:
    """Every interval lies between what was asked (push-relaxed) and its floor."""
    result = plan(
        fleet, asked, budget=budget, reserve_percent=reserve, period=period, push=push
    )
    for key, cadence in CADENCES.items():
        interval = result.intervals[key]
        assert interval >= asked.get(key, cadence.default)
        assert interval >= result.desired[key]
        assert interval <= result.floors[key]
        assert result.floors[key] >= cadence.floor_for(push=push) or (
            result.floors[key] == result.desired[key]
        )
        if push and cadence.push_interval is not None:
            assert interval >= cadence.push_interval
        # Whole seconds: a coordinator's schedule is in seconds.
        assert interval.total_seconds() == int(interval.total_seconds())


@settings(max_examples=400, deadline=None)
@given(fleets(), ASKED, BUDGETS, RESERVES, PERIODS, PUSH)
def test_stretch_order(
    fleet: Fleet,
    asked: dict[CadenceKey, timedelta],
    budget: int,
    reserve: int,
    period: timedelta,
    push: bool,
) -> None:
    """A cadence is stretched only when every earlier one (that costs) is at its floor."""
    result = plan(
        fleet, asked, budget=budget, reserve_percent=reserve, period=period, push=push
    )
    for n, key in enumerate(STRETCH_ORDER):
        if result.intervals[key] > result.desired[key]:
            for earlier in STRETCH_ORDER[:n]:
                assert (
                    result.intervals[earlier] == result.floors[earlier]
                    or CADENCES[earlier].cost(fleet) == 0
                ), (key, earlier, result)
    # The non-stretchable rows (the daily firmware read) are never stretched.
    for key, cadence in CADENCES.items():
        if not cadence.stretch:
            assert result.intervals[key] == result.desired[key]


@settings(max_examples=300, deadline=None)
@given(
    fleets(),
    ASKED,
    BUDGETS,
    st.integers(min_value=1, max_value=500_000),
    RESERVES,
    PERIODS,
    PUSH,
)
def test_monotonic_in_budget(
    fleet: Fleet,
    asked: dict[CadenceKey, timedelta],
    budget: int,
    more: int,
    reserve: int,
    period: timedelta,
    push: bool,
) -> None:
    """A larger budget never plans any cadence slower."""
    kwargs = {"reserve_percent": reserve, "period": period, "push": push}
    small = plan(fleet, asked, budget=budget, **kwargs)  # type: ignore[arg-type]
    large = plan(fleet, asked, budget=budget + more, **kwargs)  # type: ignore[arg-type]
    for key in CADENCES:
        assert large.intervals[key] <= small.intervals[key]
    assert large.fits or not small.fits


@settings(max_examples=200, deadline=None)
@given(fleets(), ASKED, RESERVES, PERIODS, PUSH)
def test_ample_budget_keeps_what_was_asked(
    fleet: Fleet,
    asked: dict[CadenceKey, timedelta],
    reserve: int,
    period: timedelta,
    push: bool,
) -> None:
    """With room to spare nothing is stretched."""
    wanted = desired_intervals(asked)
    budget = 10**9
    result = plan(
        fleet, asked, budget=budget, reserve_percent=reserve, period=period, push=push
    )
    assert result.fits
    assert result.stretched == ()
    if not push:
        assert result.intervals == wanted


def test_defaults_at_ten_devices_keep_the_defaults() -> None:
    """Ten devices fit the default budget at default cadences (2,529 a day measured)."""
    fleet = Fleet(devices=10, channels=13, detail_reads=24, firmware_reads=9)
    result = plan(fleet, budget=10_000, reserve_percent=20)
    assert result.fits
    assert result.intervals == {k: c.default for k, c in CADENCES.items()}
    assert result.projected == 1440 + 24 + 480 + 24 * 24 + 9


def test_hundred_twenty_devices_stretch_the_detail_cadence_only() -> None:
    """At 120 devices the default budget stretches the detail reads, nothing else."""
    fleet = Fleet(devices=120, channels=150, detail_reads=259, firmware_reads=103)
    result = plan(fleet, budget=10_000, reserve_percent=20)
    assert result.fits
    assert result.stretched == (CadenceKey.DETAIL,)
    assert result.projected <= 8000
    assert result.intervals[CadenceKey.DEVICE_LIST] == timedelta(seconds=60)
    assert timedelta(hours=1) < result.intervals[CadenceKey.DETAIL] < timedelta(hours=6)


def test_push_relaxes_device_list_and_alarms() -> None:
    """Healthy push: the device list and the alarm poll relax to 15 minutes."""
    fleet = Fleet(devices=10, channels=13, detail_reads=24, firmware_reads=9)
    result = plan(fleet, budget=10_000, reserve_percent=20, push=True)
    assert result.intervals[CadenceKey.DEVICE_LIST] == timedelta(minutes=15)
    assert result.intervals[CadenceKey.ALARMS] == timedelta(minutes=15)
    assert result.projected == 96 + 24 + 96 + 576 + 9 < 1000


def test_floors_do_not_fit() -> None:
    """A budget below the floors' cost: every cadence at its floor, and it says so."""
    fleet = Fleet(devices=300, channels=600, detail_reads=1500, firmware_reads=300)
    result = plan(fleet, budget=500, reserve_percent=20)
    assert not result.fits
    assert result.intervals == result.floors
    floors = {k: c.floor for k, c in CADENCES.items()}
    assert result.intervals == floors
    assert (
        result.floor_cost
        == result.projected
        == (pages(300) * 96 + pages(600) * 4 + 48 + 1500 * 4 + 300)
    )


def test_monthly_budget_is_planned_over_the_longest_month() -> None:
    """A month's budget is spread over 31 days."""
    fleet = Fleet(devices=10, channels=13, detail_reads=24, firmware_reads=9)
    daily = plan(fleet, budget=2000, reserve_percent=0)
    monthly = plan(fleet, budget=2000 * 31, reserve_percent=0, period=MONTH)
    assert daily.intervals == monthly.intervals


def test_push_lets_the_device_list_stretch_to_its_push_floor() -> None:
    """Healthy push: presence comes by push, so the device list may go slower."""
    fleet = Fleet(devices=300, channels=0, detail_reads=0)
    polled = plan(fleet, budget=400, reserve_percent=0)
    assert not polled.fits
    assert polled.intervals[CadenceKey.DEVICE_LIST] == timedelta(minutes=15)
    pushed = plan(fleet, budget=400, reserve_percent=0, push=True)
    assert pushed.fits
    assert pushed.intervals[CadenceKey.ALARMS] == timedelta(hours=1)
    interval = pushed.intervals[CadenceKey.DEVICE_LIST]
    assert timedelta(minutes=15) < interval <= timedelta(hours=1)
    assert interval == timedelta(seconds=math.ceil(6 * 86400 / (400 - 4 - 24)))
