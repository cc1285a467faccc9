"""Edge values: what the client reads leniently, and what it refuses unsent.

Replies the cloud may send in more than one form (times as text or epoch,
names or numbers, a policy as JSON text) come back typed or None, never as
an exception; parameters the reference rules out are refused before any
request.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
import math
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.ezviz_open.api._convert import (
    check_enum,
    from_epoch,
    parse_time,
    to_epoch_ms,
)
from custom_components.ezviz_open.api._params import (
    check_int_range,
    parse_cloud_datetime,
)
from custom_components.ezviz_open.api.detectors import Detector
from custom_components.ezviz_open.api.device_config import (
    PATH_TIMING_PLAN_SET,
    TimePlanSlot,
    WorkingMode,
)
from custom_components.ezviz_open.api.errors import EzvizParameterError
from custom_components.ezviz_open.api.ram import (
    PATH_RAM_STATEMENT_ADD,
    Policy,
    Statement,
    SubAccount,
)
from custom_components.ezviz_open.api.settings import (
    PATH_PIR_SET,
    DefencePlan,
    PirArea,
)
from custom_components.ezviz_open.api.storage import (
    CloudStorageInfo,
    CloudStorageStatus,
    LocalRecording,
    RecordType,
)

if TYPE_CHECKING:
    from custom_components.ezviz_open.api import EzvizOpenClient
    from simulator import Simulator

EPOCH_S = 1_700_000_000
AWARE = datetime.fromtimestamp(EPOCH_S, UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, None),
        (EPOCH_S, AWARE),
        (EPOCH_S * 1000, AWARE),
        (str(EPOCH_S), AWARE),
        ("2022-11-10T11:44:15", datetime(2022, 11, 10, 11, 44, 15)),
        ("  ", None),
        ("yesterday", None),
        (math.nan, None),
        (-5, None),
        (1e20, None),
        ([EPOCH_S], None),
    ],
)
def test_parse_time(value: Any, expected: datetime | None) -> None:
    """Epoch seconds or ms (numbers or digits) are UTC; text is the wall clock."""
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-09-01 15:30:45", datetime(2017, 9, 1, 15, 30, 45)),
        ("2017-09-01T15:30:45", datetime(2017, 9, 1, 15, 30, 45)),
        (str(EPOCH_S), AWARE),
        (EPOCH_S * 1000, AWARE),
        ("", None),
        ("soon", None),
        (True, None),
        (0, None),
        (10**20, None),
    ],
)
def test_parse_cloud_datetime(value: Any, expected: datetime | None) -> None:
    """The cloud's "YYYY-MM-DD HH:MM:SS" text, ISO text or epoch; else None."""
    assert parse_cloud_datetime(value) == expected


def test_epoch_conversions() -> None:
    """A naive datetime sent as epoch ms is taken as UTC."""
    assert to_epoch_ms(datetime(2023, 11, 14, 22, 13, 20)) == EPOCH_S * 1000
    assert to_epoch_ms(AWARE) == EPOCH_S * 1000
    assert from_epoch(EPOCH_S) == AWARE
    assert from_epoch(1e20) is None


@pytest.mark.parametrize("value", [True, 7, "1"])
def test_enum_and_range_refused(value: Any) -> None:
    """A bool is no enum member or integer; out-of-table values are refused."""
    with pytest.raises(EzvizParameterError) as err:
        check_enum(value, WorkingMode, "mode", PATH_TIMING_PLAN_SET)
    assert err.value.endpoint == PATH_TIMING_PLAN_SET
    if not isinstance(value, int) or isinstance(value, bool):
        with pytest.raises(EzvizParameterError):
            check_int_range(value, 0, 6, "day", PATH_TIMING_PLAN_SET)


def test_detector_without_type() -> None:
    """A detector listed without a type keeps its other fields."""
    detector = Detector.from_api({"detectorSerial": "T1", "location": "Shed"})
    assert detector.detector_type is None
    assert detector.name == "Shed"


@pytest.mark.parametrize(
    ("event_arg", "mode"),
    [("mode:1", WorkingMode.PERFORMANCE), ("2", WorkingMode(2)), ("speed:1", None)],
)
def test_time_plan_slot_mode(event_arg: str, mode: WorkingMode | None) -> None:
    """``eventArg`` names the mode as "mode:N" (replies) or N; other keys are not it."""
    assert TimePlanSlot.from_api({"eventArg": event_arg}).mode == mode
    assert TimePlanSlot.from_api({}).mode is None


def test_defence_plan_times() -> None:
    """24:00 is midnight the next day; an impossible hour is no time."""
    plan = DefencePlan.from_api({"startTime": "25:00", "stopTime": "24:00"})
    assert plan.start is None
    assert plan.stop == time(0, 0)
    assert plan.stop_next_day is True


def test_pir_area_outside_the_grid() -> None:
    """A cell outside the grid is not watched."""
    area = PirArea.from_api({"rows": 1, "columns": 3, "area": "1"})
    assert area.is_selected(0, 2)
    assert not area.is_selected(0, 3)
    assert not area.is_selected(1, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("TIMING", RecordType.TIMING),
        ("alarm", RecordType.EVENT),
        ("2", RecordType.EVENT),
        ("9", "9"),
        ("PANORAMA", "PANORAMA"),
        ("", None),
    ],
)
def test_local_recording_type(value: str, expected: RecordType | str | None) -> None:
    """A recording type by name or number; an unknown one is kept as sent."""
    assert LocalRecording.from_api({"type": value}).record_type == expected


def test_cloud_storage_status() -> None:
    """A status the reference does not list stays a number; none stays None."""
    assert CloudStorageInfo.from_api({"status": 1}).status is CloudStorageStatus(1)
    assert CloudStorageInfo.from_api({"status": 7}).status == 7
    assert CloudStorageInfo.from_api({}).status is None


def test_sub_account_policy_forms() -> None:
    """Permissions as a list or as text; a policy that is not JSON is no policy."""
    statement = Statement.from_api({"Permission": ["GET", "REAL"], "Resource": []})
    assert statement.permissions == ("GET", "REAL")
    assert Statement.from_api({"Permission": "GET,REAL"}).permissions == (
        "GET",
        "REAL",
    )
    account = SubAccount.from_api({"accountId": "a1", "policy": "{not json"})
    assert account.account_id == "a1"
    assert account.policy is None


async def test_parameters_refused_unsent(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    """Parameters the reference rules out are refused before a request."""
    simulator.reset_log()
    with pytest.raises(EzvizParameterError):
        await client.set_timing_plan(
            "BC1000002", enabled=True, start="08:00", end="18:00", week_days=[]
        )
    with pytest.raises(EzvizParameterError):
        await client.set_pir_area("C6N000001", "111")  # type: ignore[arg-type]
    for statement in (
        Policy((Statement.create(["GET"], ["dev:C6N000001"]),)),
        42,
        {"Statement": object()},
    ):
        with pytest.raises(EzvizParameterError) as err:
            await client.add_sub_account_statement("a1", statement)  # type: ignore[arg-type]
        assert err.value.endpoint == PATH_RAM_STATEMENT_ADD
    assert simulator.requests == []
    assert PATH_PIR_SET not in simulator.counts()
