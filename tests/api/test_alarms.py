"""Alarm list endpoints against the simulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math
from typing import TYPE_CHECKING

import pytest

from custom_components.ezviz_open.api.alarms import (
    ALARM_TYPE_NAMES,
    PATH_ALARM_LIST,
    PATH_DEVICE_ALARM_LIST,
    Alarm,
    AlarmStatus,
    AlarmType,
)
from custom_components.ezviz_open.api.errors import (
    EzvizNotFoundError,
    EzvizParameterError,
)

from .partb_helpers import assert_lapp, last_request, requests_to

if TYPE_CHECKING:
    from custom_components.ezviz_open.api import EzvizOpenClient
    from simulator import Simulator

HUB = "A1S000004"


def _window(sim: Simulator) -> tuple[datetime, datetime]:
    now = datetime.fromtimestamp(sim.now(), tz=UTC)
    return now - timedelta(days=6), now + timedelta(minutes=1)


def _ms(value: datetime) -> str:
    return str(int(value.timestamp() * 1000))


async def test_alarm_page(client: EzvizOpenClient, simulator: Simulator) -> None:
    start, end = _window(simulator)

    page = await client.get_alarm_page(start=start, end=end, page_size=3)

    assert_lapp(
        last_request(simulator, PATH_ALARM_LIST),
        {
            "startTime": _ms(start),
            "endTime": _ms(end),
            "status": "2",
            "pageStart": "0",
            "pageSize": "3",
        },
    )
    expected = sorted(simulator.state.alarms, key=lambda a: -a.alarm_time_ms)
    assert page.page is not None
    assert page.page.total == len(expected)
    assert page.page.size == 3
    assert [a.alarm_id for a in page.alarms] == [a.alarm_id for a in expected[:3]]

    newest, source = page.alarms[0], expected[0]
    assert newest.device_serial == source.serial
    assert newest.alarm_type == AlarmType(source.alarm_type)
    assert isinstance(newest.alarm_type, AlarmType)
    assert newest.alarm_time == datetime.fromtimestamp(
        source.alarm_time_ms / 1000, tz=UTC
    )
    assert newest.channel_no == source.channel_no
    assert newest.is_checked is bool(source.is_checked)
    assert newest.is_encrypted is bool(source.is_encrypt)
    assert newest.pre_time == source.pre_time
    assert newest.delay_time == source.delay_time
    assert newest.alarm_pic_url
    assert newest.relation_alarms == []
    assert newest.customer_type is None
    assert newest.raw["alarmId"] == source.alarm_id


async def test_list_alarms_reads_every_page(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    start, end = _window(simulator)

    alarms = await client.list_alarms(start=start, end=end, page_size=4)

    total = len(simulator.state.alarms)
    sent = requests_to(simulator, PATH_ALARM_LIST)
    assert [r.form["pageStart"] for r in sent] == [
        str(i) for i in range(math.ceil(total / 4))
    ]
    assert all(r.form["pageSize"] == "4" for r in sent)
    assert sorted(a.alarm_id or "" for a in alarms) == sorted(
        a.alarm_id for a in simulator.state.alarms
    )


async def test_list_alarms_filters(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    start, end = _window(simulator)

    unread = await client.list_alarms(start=start, end=end, status=AlarmStatus.UNREAD)
    assert last_request(simulator, PATH_ALARM_LIST).form["status"] == "0"
    assert {a.alarm_id for a in unread} == {
        a.alarm_id for a in simulator.state.alarms if not a.is_checked
    }

    smoke = await client.list_alarms(
        start=start, end=end, alarm_type=AlarmType.SMOKE_ALARM
    )
    assert last_request(simulator, PATH_ALARM_LIST).form["alarmType"] == "10005"
    assert [a.alarm_name for a in smoke] == ["Kitchen Smoke"]


async def test_device_alarms(client: EzvizOpenClient, simulator: Simulator) -> None:
    start, end = _window(simulator)

    page = await client.get_device_alarm_page(
        HUB, start=start, end=end, page_start=1, page_size=2
    )
    assert_lapp(
        last_request(simulator, PATH_DEVICE_ALARM_LIST),
        {
            "deviceSerial": HUB,
            "startTime": _ms(start),
            "endTime": _ms(end),
            "status": "2",
            "pageStart": "1",
            "pageSize": "2",
        },
    )
    hub_alarms = [a for a in simulator.state.alarms if a.serial == HUB]
    assert page.page is not None
    assert page.page.total == len(hub_alarms)
    assert page.page.page == 1
    assert len(page.alarms) == 2

    alarms = await client.list_device_alarms(HUB, start=start, end=end)
    assert {a.device_serial for a in alarms} == {HUB}
    assert {a.alarm_type for a in alarms} == {
        AlarmType.MAGNETIC_CONTACT_ALARM,
        AlarmType.SMOKE_ALARM,
        AlarmType.WATER_LEAK_ALARM,
        AlarmType.EMERGENCY_BUTTON_EVENT,
    }


async def test_device_alarms_unknown_device(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    with pytest.raises(EzvizNotFoundError) as err:
        await client.list_device_alarms("ZZZ999999")
    assert err.value.code == 20002


async def test_alarm_parameters_checked(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    start, end = _window(simulator)
    with pytest.raises(EzvizParameterError):
        await client.get_alarm_page(page_size=51)
    with pytest.raises(EzvizParameterError):
        await client.list_alarms(start=end, end=start)
    with pytest.raises(EzvizParameterError):
        await client.get_device_alarm_page(HUB, page_start=-1)
    assert simulator.count() == 0


def test_alarm_parsing_is_lenient() -> None:
    alarm = Alarm.from_api(
        {
            "alarmId": 123,
            "alarmType": "99999",
            "alarmTime": "2024-05-01 10:00:00",
            "channelNo": "2",
            "isEncrypt": "1",
            "relationAlarms": None,
            "extra": "kept",
        }
    )
    assert alarm.alarm_id == "123"
    assert alarm.alarm_type == 99999
    assert not isinstance(alarm.alarm_type, AlarmType)
    assert alarm.alarm_time == datetime(2024, 5, 1, 10, 0, 0)
    assert alarm.channel_no == 2
    assert alarm.is_encrypted is True
    assert alarm.device_serial is None
    assert alarm.relation_alarms == []
    assert alarm.raw["extra"] == "kept"


@pytest.mark.parametrize(
    ("sent", "code", "name"),
    [
        (10002, AlarmType.MOTION_DETECTION_ALARM, None),
        ("10002", AlarmType.MOTION_DETECTION_ALARM, None),
        ("motiondetect", AlarmType.MOTION_DETECTION_ALARM, "motiondetect"),
        (" MotionDetect ", AlarmType.MOTION_DETECTION_ALARM, "MotionDetect"),
        ("VMD", AlarmType.MOTION_DETECTION_ALARM, "VMD"),
        ("PIR", AlarmType.PIR_EVENT, "PIR"),
        ("SmartFaceDet", AlarmType.FACE_DETECTION_EVENT, "SmartFaceDet"),
        ("shelteralarm", AlarmType.VIDEO_TAMPERING_ALARM, "shelteralarm"),
        ("SmartHumanDet", None, "SmartHumanDet"),  # no code in the table
        ("babyCryDet", None, "babyCryDet"),
        ("", None, None),
        (None, None, None),
    ],
)
def test_alarm_type_as_number_or_name(
    sent: object, code: AlarmType | None, name: str | None
) -> None:
    """Push messages give the type as a number or a name; the text is kept."""
    alarm = Alarm.from_api({"alarmType": sent})
    assert alarm.alarm_type == code
    assert alarm.alarm_type_name == name


def test_alarm_type_names_are_casefolded_codes_of_the_table() -> None:
    """Every name maps to a code of the reference's table, looked up casefolded."""
    assert ALARM_TYPE_NAMES
    for name, code in ALARM_TYPE_NAMES.items():
        assert name == name.casefold()
        assert isinstance(code, AlarmType)
