"""Alarm messages (lapp ``alarm/list``, ``alarm/device/list``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Final, Self

from ._convert import check_enum, parse_time, to_epoch_ms
from ._params import check_int_range, check_serial, param_error
from ._parse import as_bool, as_dict, as_dict_list, as_int, as_str
from .client import BaseClient, Page

if TYPE_CHECKING:
    from datetime import datetime

PATH_ALARM_LIST = "/api/lapp/alarm/list"
PATH_DEVICE_ALARM_LIST = "/api/lapp/alarm/device/list"

MAX_PAGE_SIZE = 50


class AlarmType(IntEnum):
    """The reference's alarm-type table.

    Unknown codes are kept as plain ints by ``Alarm.from_api``. The table lists
    "Wi-Fi Recovered" without a number; it sits between 12104 and 12106, so it
    is taken to be 12105.
    """

    PIR_EVENT = 10000
    EMERGENCY_BUTTON_EVENT = 10001
    MOTION_DETECTION_ALARM = 10002
    BABY_CRY_ALARM = 10003
    MAGNETIC_CONTACT_ALARM = 10004
    SMOKE_ALARM = 10005
    COMBUSTIBLE_GAS_ALARM = 10006
    WATER_LEAK_ALARM = 10008
    EMERGENCY_BUTTON_ALARM = 10009
    PIR_ALARM = 10010
    VIDEO_TAMPERING_ALARM = 10011
    VIDEO_LOSS = 10012
    LINE_CROSSING = 10013
    INTRUSION = 10014
    FACE_DETECTION_EVENT = 10015
    DOOR_BELL_RING_ALARM = 10016
    CURTAIN_ALARM = 10018
    OPEN_CLOSE_DETECTOR_ALARM = 10019
    SCENE_CHANGE_DETECTION = 10020
    DEFOCUS_DETECTION = 10021
    AUDIO_EXCEPTION_DETECTION = 10022
    UNATTENDED_BAGGAGE_DETECTION = 10023
    OBJECT_REMOVAL_DETECTION = 10024
    ILLEGAL_PARKING_DETECTION = 10025
    PEOPLE_GATHERING_DETECTION = 10026
    LOITERING_DETECTION = 10027
    FAST_MOVING_DETECTION = 10028
    REGION_ENTRANCE_DETECTION = 10029
    REGION_EXITING_DETECTION = 10030
    MAGNETIC_DISTURBANCE_ALARM = 10031
    LOW_BATTERY_ALARM = 10032
    INTRUSION_ALARM = 10033
    BABY_MOTION_DETECTION = 10035
    SWITCH_POWER_SUPPLY_ALARM = 10036
    OVER_TEMPERATURE_ALARM = 10037
    LOW_TEMPERATURE_ALARM = 10038
    OVER_HUMIDITY_ALARM = 10039
    LOW_HUMIDITY_ALARM = 10040
    IO_ALARM = 10100
    IO_1_ALARM = 10101
    IO_2_ALARM = 10102
    IO_3_ALARM = 10103
    IO_4_ALARM = 10104
    IO_5_ALARM = 10105
    IO_6_ALARM = 10106
    IO_7_ALARM = 10107
    IO_8_ALARM = 10108
    IO_9_ALARM = 10109
    IO_10_ALARM = 10110
    IO_11_ALARM = 10111
    IO_12_ALARM = 10112
    IO_13_ALARM = 10113
    IO_14_ALARM = 10114
    IO_15_ALARM = 10115
    IO_16_ALARM = 10116
    HOST_MOTION_DETECTION_ALARM = 12000
    HOST_VIDEO_LOSS = 12001
    HOST_VIDEO_TAMPERING_ALARM = 12002
    INSTANT_ZONE_ALARM = 12003
    INSTANT_ZONE_ALARM_RECOVERED = 12004
    H24_VOICED_ZONE_ALARM = 12005
    H24_VOICED_ZONE_ALARM_RECOVERED = 12006
    DELAY_ZONE_ALARM = 12007
    DELAY_ZONE_ALARM_RECOVERED = 12008
    INTERNAL_DELAYED_ALARM = 12009
    INTERNAL_DELAYED_ALARM_RECOVERED = 12010
    FIRE_ALARM_ARMING_ZONE_ALARM = 12011
    FIRE_ALARM_ARMING_ZONE_ALARM_RECOVERED = 12012
    BEHAVIOR_ANALYSIS_ALARM = 12013
    BEHAVIOR_ANALYSIS_ALARM_RECOVERED = 12014
    H24_NON_VOICED_ZONE_ALARM = 12015
    H24_NON_VOICED_ZONE_ALARM_RECOVERED = 12016
    H24_AUX_ZONE_ALARM = 12017
    H24_AUX_ZONE_ALARM_RECOVERED = 12018
    H24_SHOCK_ZONE_ALARM = 12019
    H24_SHOCK_ZONE_ALARM_RECOVERED = 12020
    SENSOR_TAMPERED = 12021
    SENSOR_TAMPER_RECOVERED = 12022
    SOFT_ZONE_EMERGENCY_ALARM = 12023
    SOFT_ZONE_FIRE_ALARM = 12024
    SOFT_ZONE_BANDIT_ALARM = 12025
    DURESS_REPORT = 12026
    DEVICE_TAMPERING_ALARM = 12027
    DEVICE_TAMPERING_ALARM_RECOVERED = 12028
    AC_POWER_OFF = 12029
    AC_POWER_ON = 12030
    LOW_BATTERY_VOLTAGE = 12031
    BATTERY_VOLTAGE_RECOVERY = 12032
    TELEPHONE_DISCONNECTED = 12033
    TELEPHONE_CONNECTED = 12034
    EXPANSION_BUS_MODULE_OFFLINE = 12035
    EXPANSION_BUS_MODULE_ONLINE = 12036
    KEYBOARD_OFFLINE = 12037
    KEYBOARD_RECOVERED = 12038
    KBUS_TRIGGER_DISCONNECTION = 12039
    KBUS_TRIGGER_RECOVERED = 12040
    AUTO_ARMING_DISARMING_FAILED = 12041
    AUTO_DISARMING_FAILED = 12042
    WIRELESS_NETWORK_EXCEPTION = 12043
    WIRELESS_NETWORK_RECOVERY = 12044
    SIM_CARD_EXCEPTION = 12045
    SIM_CARD_RECOVERY = 12046
    CONTROL_PANEL_RESET = 12047
    DISARM = 12048
    ARM = 12049
    AUTO_DISARM = 12050
    AUTO_ARM = 12051
    CLEAR_ALARM = 12052
    INSTANT_ARM = 12053
    KEY_REGION_DISARMING = 12054
    KEY_REGION_ARMING = 12055
    STAY_ARM = 12056
    FORCED_ARM = 12057
    BYPASS = 12058
    BYPASS_RECOVERY = 12059
    PARTITION_GROUP_BYPASS = 12060
    PARTITION_GROUP_BYPASS_RECOVERED = 12061
    MANUAL_TEST_REPORT = 12062
    SCHEDULED_TEST_REPORT = 12063
    SINGLE_ZONE_DISARMING = 12064
    SINGLE_ZONE_ARMING = 12065
    KEYPAD_LOCKED = 12066
    KEYPAD_UNLOCKED = 12067
    PRINTER_DISCONNECTED = 12068
    PRINTER_CONNECTED = 12069
    INSTANT_DISARMING = 12070
    STAY_DISARMING = 12071
    SCHEDULED_TRIGGER_ENABLE = 12072
    SCHEDULED_TRIGGER_DISABLE = 12073
    SCHEDULED_TRIGGER_ENABLE_FAILED = 12074
    SCHEDULED_TRIGGER_DISABLE_FAILED = 12075
    ENTER_PROGRAMMING = 12076
    EXIT_PROGRAMMING = 12077
    KBUS_GP_K_DISCONNECTION = 12078
    KBUS_GP_K_CONNECTION = 12079
    KBUS_MN_K_DISCONNECTION = 12080
    KBUS_MN_K_CONNECTED = 12081
    IP_CONFLICTED = 12082
    NORMAL_IP = 12083
    NETWORK_DISCONNECTED = 12084
    NORMAL_NETWORK = 12085
    MOTION_DETECTION_ALARM_STOPPED = 12086
    VIDEO_TAMPERING_DETECTION_STOPPED = 12087
    VIDEO_SIGNAL_RECOVERED = 12088
    INPUT_OUTPUT_VIDEO_STANDARD_MISMATCH = 12089
    INPUT_OUTPUT_VIDEO_FORMAT_RECOVERED = 12090
    VIDEO_INPUT_EXCEPTION = 12091
    VIDEO_INPUT_RECOVERED = 12092
    HDD_FULL = 12093
    FREE_HDD = 12094
    HDD_ERROR = 12095
    HDD_RECOVERED = 12096
    UPLOADING_PICTURE_FAILED = 12097
    DETECTOR_OFFLINE = 12098
    DETECTOR_ONLINE = 12099
    DETECTOR_BATTERY_LOW = 12100
    DETECTOR_BATTERY_OK = 12101
    ZONE_ADD_DETECTOR = 12102
    ZONE_DELETE_DETECTOR = 12103
    WIFI_EXCEPTION = 12104
    WIFI_RECOVERED = 12105
    RF_EXCEPTION = 12106
    RF_RECOVERED = 12107
    HOST_ANTI_TAMPER_ALARM = 12108
    HOST_ANTI_TAMPER_ALARM_RECOVERED = 12109
    CARD_READER_ANTI_TAMPER_ALARM = 12110
    CARD_READER_ANTI_TAMPER_ALARM_RECOVERED = 12111
    EVENT_INPUT_ALARM = 12112
    EVENT_INPUT_ALARM_RECOVERY = 12113
    DOOR_CONTROL_ANTI_TAMPER_ALARM = 12114
    DOOR_CONTROL_ANTI_TAMPER_ALARM_RECOVERED = 12115
    DOOR_CONTROL_NETWORK_DISCONNECTED = 12116
    DOOR_CONTROL_NETWORK_CONNECTED = 12117
    DEVICE_POWER_ON = 12118
    DEVICE_POWER_OFF = 12119
    DOOR_ABNORMALLY_OPEN = 12120
    THIRD_PARTY_CAPTURE = 40001
    CONNECTIVITY = 40002


class AlarmStatus(IntEnum):
    """The ``status`` filter (the cloud's default is ``UNREAD``)."""

    UNREAD = 0
    READ = 1
    ALL = 2


#: Text alarm types of push messages (``ys.alarm``) -> the reference's code.
#:
#: The reference types ``alarmType`` as an int (``alarm/list``); the Chinese
#: push documentation types it as a string, and public clients that read real
#: pushes compare it with names. Only names seen in public material are here,
#: each with the code of the same meaning (keys casefolded). Sources:
#:
#: - ``motiondetect``, ``VMD``: wd15102/Ai_jiankong (``webapp.js``) files the
#:   pushes it received as ``motiondetect`` / ``VMD`` / ``10002`` under one
#:   heading, "移动侦测" (motion detection); lihua321-lihua/EdgeFallSys_web
#:   lists ``pir`` and ``motiondetect`` as ``ys.alarm`` alarm types.
#: - ``SmartFaceDet``: ha-china/ezviz_push (``webhook.py``) reads the face id
#:   of ``alarmType == "SmartFaceDet"``; a Java client (``YingShiConsts``)
#:   names it "智能人脸检测" (smart face detection), beside ``facedetection``
#:   "人脸检测事件" (face detection event).
#: - A Java gateway's ``EzvizConstants`` (``com.zhian.gateway.third.hk.ezviz``):
#:   ``shelteralarm`` "遮挡告警" (lens covered: video tampering), ``videoloss``,
#:   ``fire`` "烟感告警" (smoke detector) and ``smokeAlarm`` "烟雾告警",
#:   ``UnderVoltage`` (battery low), ``devTampering`` / ``devTamperRecov``
#:   (device anti-tamper, recovered), ``SIMExcep`` / ``SIMRecov``, ``disarm``,
#:   ``clear`` "消警" (clear alarm), ``HDDfull``, ``HDDfree``, ``HDDexception``,
#:   ``HDDRecov``.
#:
#: A name not here has no code; its text is kept (``Alarm.alarm_type_name``).
ALARM_TYPE_NAMES: Final[dict[str, AlarmType]] = {
    name.casefold(): code
    for name, code in (
        ("motiondetect", AlarmType.MOTION_DETECTION_ALARM),
        ("VMD", AlarmType.MOTION_DETECTION_ALARM),
        ("pir", AlarmType.PIR_EVENT),
        ("SmartFaceDet", AlarmType.FACE_DETECTION_EVENT),
        ("facedetection", AlarmType.FACE_DETECTION_EVENT),
        ("shelteralarm", AlarmType.VIDEO_TAMPERING_ALARM),
        ("videoloss", AlarmType.VIDEO_LOSS),
        ("fire", AlarmType.SMOKE_ALARM),
        ("smokeAlarm", AlarmType.SMOKE_ALARM),
        ("UnderVoltage", AlarmType.LOW_BATTERY_ALARM),
        ("devTampering", AlarmType.DEVICE_TAMPERING_ALARM),
        ("devTamperRecov", AlarmType.DEVICE_TAMPERING_ALARM_RECOVERED),
        ("SIMExcep", AlarmType.SIM_CARD_EXCEPTION),
        ("SIMRecov", AlarmType.SIM_CARD_RECOVERY),
        ("disarm", AlarmType.DISARM),
        ("clear", AlarmType.CLEAR_ALARM),
        ("HDDfull", AlarmType.HDD_FULL),
        ("HDDfree", AlarmType.FREE_HDD),
        ("HDDexception", AlarmType.HDD_ERROR),
        ("HDDRecov", AlarmType.HDD_RECOVERED),
    )
}


def alarm_type_of(value: Any) -> AlarmType | int | None:
    """Return an ``AlarmType``, the bare int for a code not in the table, or None.

    A number (or numeric text) is a code; a push name known to
    ``ALARM_TYPE_NAMES`` gives its code; any other text gives None.
    """
    code = as_int(value)
    if code is None:
        name = alarm_type_name_of(value)
        return None if name is None else ALARM_TYPE_NAMES.get(name.casefold())
    try:
        return AlarmType(code)
    except ValueError:
        return code


def alarm_type_name_of(value: Any) -> str | None:
    """Return the alarm type as sent when it is a text that is not a number."""
    if isinstance(value, str) and value.strip() and as_int(value) is None:
        return value.strip()
    return None


@dataclass(frozen=True)
class Alarm:
    """One alarm message."""

    alarm_id: str | None
    alarm_name: str | None
    #: The reference's code: from a number, or from a known push name.
    alarm_type: AlarmType | int | None
    alarm_time: datetime | None
    channel_no: int | None
    device_serial: str | None
    is_encrypted: bool | None
    is_checked: bool | None
    rec_state: int | None
    pre_time: int | None
    delay_time: int | None
    alarm_pic_url: str | None
    relation_alarms: list[dict[str, Any]]
    customer_type: str | None
    customer_info: str | None
    #: The type as sent when it is a text (push messages), else None.
    alarm_type_name: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse one item of the alarm list."""
        raw = as_dict(data)
        return cls(
            alarm_id=as_str(raw.get("alarmId")),
            alarm_name=as_str(raw.get("alarmName")),
            alarm_type=alarm_type_of(raw.get("alarmType")),
            alarm_time=parse_time(raw.get("alarmTime")),
            channel_no=as_int(raw.get("channelNo")),
            device_serial=as_str(raw.get("deviceSerial")),
            is_encrypted=as_bool(raw.get("isEncrypt")),
            is_checked=as_bool(raw.get("isChecked")),
            rec_state=as_int(raw.get("recState")),
            pre_time=as_int(raw.get("preTime")),
            delay_time=as_int(raw.get("delayTime")),
            alarm_pic_url=as_str(raw.get("alarmPicUrl")) or None,
            relation_alarms=as_dict_list(raw.get("relationAlarms")),
            customer_type=as_str(raw.get("customerType")),
            customer_info=as_str(raw.get("customerInfo")),
            alarm_type_name=alarm_type_name_of(raw.get("alarmType")),
            raw=raw,
        )


@dataclass(frozen=True)
class AlarmPage:
    """One page of alarms and the cloud's paging information."""

    alarms: list[Alarm]
    page: Page | None


def _filters(
    endpoint: str,
    start: datetime | None,
    end: datetime | None,
    alarm_type: AlarmType | int | None,
    status: AlarmStatus | None,
) -> dict[str, object | None]:
    if start is not None and end is not None and start > end:
        raise param_error("start is after end", endpoint)
    return {
        "startTime": None if start is None else to_epoch_ms(start),
        "endTime": None if end is None else to_epoch_ms(end),
        "alarmType": None if alarm_type is None else int(alarm_type),
        "status": (
            None
            if status is None
            else check_enum(status, AlarmStatus, "status", endpoint)
        ),
    }


class AlarmsMixin(BaseClient):
    """Alarm messages of the account or of one device.

    The cloud only keeps about 7 days of alarms and defaults ``start`` to
    midnight today; ``status`` defaults to ``ALL`` here (the cloud's own
    default is unread only). Naive datetimes are taken as UTC.
    """

    async def get_alarm_page(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        alarm_type: AlarmType | int | None = None,
        status: AlarmStatus | None = AlarmStatus.ALL,
        page_start: int = 0,
        page_size: int = 10,
    ) -> AlarmPage:
        """One page of the account's alarms."""
        path = PATH_ALARM_LIST
        params = _filters(path, start, end, alarm_type, status)
        params["pageStart"] = check_int_range(page_start, 0, None, "page_start", path)
        params["pageSize"] = check_int_range(
            page_size, 1, MAX_PAGE_SIZE, "page_size", path
        )
        reply = await self._lapp(path, params)
        items = [] if reply.data is None else self._expect_list(reply.data, path)
        return AlarmPage([Alarm.from_api(item) for item in items], reply.page)

    async def list_alarms(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        alarm_type: AlarmType | int | None = None,
        status: AlarmStatus | None = AlarmStatus.ALL,
        page_size: int = MAX_PAGE_SIZE,
    ) -> list[Alarm]:
        """Every page of the account's alarms."""
        path = PATH_ALARM_LIST
        params = _filters(path, start, end, alarm_type, status)
        size = check_int_range(page_size, 1, MAX_PAGE_SIZE, "page_size", path)
        items = await self._lapp_all_pages(path, params, page_size=size)
        return [Alarm.from_api(item) for item in items]

    async def get_device_alarm_page(
        self,
        serial: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        alarm_type: AlarmType | int | None = None,
        status: AlarmStatus | None = AlarmStatus.ALL,
        page_start: int = 0,
        page_size: int = 10,
    ) -> AlarmPage:
        """One page of one device's alarms."""
        path = PATH_DEVICE_ALARM_LIST
        params = _filters(path, start, end, alarm_type, status)
        params["deviceSerial"] = check_serial(serial, path)
        params["pageStart"] = check_int_range(page_start, 0, None, "page_start", path)
        params["pageSize"] = check_int_range(
            page_size, 1, MAX_PAGE_SIZE, "page_size", path
        )
        reply = await self._lapp(path, params)
        items = [] if reply.data is None else self._expect_list(reply.data, path)
        return AlarmPage([Alarm.from_api(item) for item in items], reply.page)

    async def list_device_alarms(
        self,
        serial: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        alarm_type: AlarmType | int | None = None,
        status: AlarmStatus | None = AlarmStatus.ALL,
        page_size: int = MAX_PAGE_SIZE,
    ) -> list[Alarm]:
        """Every page of one device's alarms."""
        path = PATH_DEVICE_ALARM_LIST
        params = _filters(path, start, end, alarm_type, status)
        params["deviceSerial"] = check_serial(serial, path)
        size = check_int_range(page_size, 1, MAX_PAGE_SIZE, "page_size", path)
        items = await self._lapp_all_pages(path, params, page_size=size)
        return [Alarm.from_api(item) for item in items]
