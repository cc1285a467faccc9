"""Every reply example of the reference, served over loopback, parses into its values.

``reference_examples.json`` holds each endpoint's reply example as the
reference writes it (``scripts/reference_examples.py`` extracts it and records
the few repairs of text that is not JSON at all). Each example is served by a
tiny aiohttp server for its path and method, the client method of that
endpoint reads it, and the parsed model must carry the example's values: the
key fields typed (below, per endpoint) and every scalar of the example's
``data`` in the model's ``raw``.

The v3 examples are written ``{"status": 200, "body": {"meta", "data"}}``:
doc notation for the HTTP status and body (field-notes), so each is served
both ways, split into status and body, and verbatim as one body.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, datetime, time
import importlib.util
import json
from pathlib import Path
import sys
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.ezviz_open.api import (
    EzvizDeviceOfflineError,
    EzvizOpenClient,
    EzvizResponseError,
    error_for_code,
)
from custom_components.ezviz_open.api.alarms import AlarmType
from custom_components.ezviz_open.api.client import Page, TokenInfo
from custom_components.ezviz_open.api.detectors import (
    DetectorModel,
    DetectorType,
    SafeMode,
)
from custom_components.ezviz_open.api.device_config import (
    AlarmSoundMode as V3AlarmSoundMode,
    FillLightMode,
    StorageMediumStatus,
    SwitchType,
    VoiceIndex,
    WorkingMode,
)
from custom_components.ezviz_open.api.devices import (
    AlarmSoundMode,
    CloudStorageStatus as DeviceCloudStatus,
    DiskState,
)
from custom_components.ezviz_open.api.live import StreamProtocol
from custom_components.ezviz_open.api.ptz import MirrorCommand, PtzDirection, PtzSpeed
from custom_components.ezviz_open.api.ram import Policy, Statement
from custom_components.ezviz_open.api.settings import (
    CameraDefenceMode,
    ChimeType,
    DefencePlan,
    Weekday,
)
from custom_components.ezviz_open.api.storage import CloudStorageStatus, RecordType
from custom_components.ezviz_open.api.system import DateFormat, UpgradeState
from tests.reference import ENDPOINTS_TSV, ROOT, endpoint_rows, shared_spec

if TYPE_CHECKING:
    from custom_components.ezviz_open.api.alarms import AlarmPage


DATA_FILE = Path(__file__).with_name("reference_examples.json")
CONTENT: dict[str, Any] = json.loads(DATA_FILE.read_text("utf-8"))
EXAMPLES: list[dict[str, Any]] = CONTENT["examples"]

V3_SERIAL = "GDA8052E04F99490CB6826"
ACCOUNT_ID = "b3ad7ba927524b748e557572024d4ac2"
SAMPLE_TIME = datetime(2017, 9, 1, 15, 30, 45)  # the samples' "updateTime"

type Call = Callable[[EzvizOpenClient], Awaitable[Any]]
type View = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Case:
    """How one endpoint's example is read, and what it must read as.

    ``view(result, data)`` picks the typed values of the parsed ``result``
    (``data`` is the example's data member, for long values such as URLs);
    it must equal ``expected``. Without a view the call returns None.
    """

    call: Call
    view: View | None = None
    expected: Any = None


def _utc_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def _switch(result: Any, data: Any) -> Any:
    return (result.serial, result.channel, result.enabled)


def _alarms(result: AlarmPage, data: Any) -> Any:
    first = result.alarms[0]
    return (
        result.page,
        [(a.alarm_id, a.device_serial, a.alarm_name) for a in result.alarms],
        (first.alarm_type, first.alarm_time, first.channel_no),
        (first.is_encrypted, first.is_checked, first.pre_time, first.delay_time),
        first.alarm_pic_url == data[0]["alarmPicUrl"],
        (first.relation_alarms, first.customer_type, first.customer_info),
    )


def _alarms_expected(serials: list[str], names: list[str]) -> Any:
    ids = ["24027912025633491", "24027912025633469", "24027912025633457"]
    return (
        Page(total=9, page=0, size=3),
        list(zip(ids, serials, names, strict=True)),
        (AlarmType.PIR_EVENT, _utc_ms(4364654646485), 1),
        (False, False, 10, 30),
        True,
        ([], None, None),
    )


def _sub_account(result: Any, data: Any) -> Any:
    return (
        (result.account_id, result.account_name, result.app_key, result.enabled),
        None
        if result.policy is None
        else [(s.permissions, s.resources) for s in result.policy.statements],
    )


SUB_ACCOUNT = (
    (ACCOUNT_ID, "test", "ae1b9af9dcac4caeb88da6dbbf2dd8d5", True),
    [
        (
            ("GET", "UPDATE", "REAL"),
            ("dev:469631729", "dev:519928976", "cam:544229080:1"),
        ),
        (("GET",), ("dev:470686804",)),
    ],
)


# ----------------------------------------------- one case per reference row

CASES: dict[str, Case] = {
    "Get accessToken via appKey and secret": Case(
        lambda c: c.get_access_token(force=True),
        lambda r, d: r,
        TokenInfo(
            access_token="at.7jrcjmna8qnqg8d3dgnzs87m4v2dme3l-32enpqgusd-1jvdfe4-uxo15ik0s",
            expire_time_ms=1470810222045,
            area_domain="https://iusopen.ezvizlife.com",
        ),
    ),
    "Obtain Play Address": Case(
        lambda c: c.get_live_address("F00497273", protocol=StreamProtocol.HLS),
        lambda r, d: (r.url == d["url"], r.id, r.expire_time),
        (True, "512628410958159872", datetime(2022, 11, 16, 6, 2, 17)),
    ),
    "Invalidate Play Address": Case(
        lambda c: c.disable_live_address("F00497273", url_id="512638098828922880")
    ),
    "Query local video record": Case(
        lambda c: c.list_local_recordings("J67757598"),
        lambda r, d: [
            (x.start_time, x.end_time, x.device_serial, x.channel_no, x.record_type)
            for x in r
        ],
        [
            (
                datetime(2022, 11, 10, 11, 44, 15),
                datetime(2022, 11, 10, 11, 51, 21),
                "J67757598",
                1,
                RecordType.TIMING,
            )
        ],
    ),
    "Add Device": Case(lambda c: c.add_device("427734888", "ABCDEF")),
    "Delete Device": Case(lambda c: c.delete_device("427734888")),
    "Edit Device Name": Case(lambda c: c.rename_device("427734888", "5")),
    "Capture Pictures": Case(
        lambda c: c.capture_picture("427734888"),
        lambda r, d: r.url == d["picUrl"],
        True,
    ),
    "Link IPC to NVR": Case(lambda c: c.add_ipc("596510666", "777777777", channel=1)),
    "Delete IPC from NVR": Case(
        lambda c: c.delete_ipc("596510666", "777777777", channel=1)
    ),
    "Get Device List": Case(
        lambda c: c.list_devices_page(0, 2),
        lambda r, d: (
            r[1],
            [
                (x.serial, x.name, x.device_type, x.online, x.defence, x.version)
                for x in r[0]
            ],
            [x.update_time for x in r[0]],
        ),
        (
            Page(total=2, page=0, size=2),
            [
                ("427734000", "xiaoge device", "C1", True, 1, "V4.2.5 build 151223"),
                ("519266666", "Test", "UNKNOWN", False, 0, "V5.3.0 build 150824"),
            ],
            [SAMPLE_TIME, SAMPLE_TIME],
        ),
    ),
    "Get Single Device Information": Case(
        lambda c: c.get_device_info("427734168"),
        lambda r, d: (r.serial, r.name, r.model, r.online, r.defence, r.encrypted),
        ("427734168", "niuxiaoge device", "CS-C1-11WPFR", False, 1, False),
    ),
    "Get Camera List": Case(
        lambda c: c.list_cameras_page(0, 2),
        lambda r, d: (
            r[1],
            [
                (x.serial, x.channel, x.name, x.online, x.shared, x.encrypted)
                for x in r[0]
            ],
            [x.video_level for x in r[0]],
            [x.pic_url for x in r[0]] == [x["picUrl"] for x in d],
        ),
        (
            Page(total=2, page=0, size=10),
            [
                ("427734444", 1, "C1(427734444)", True, 1, True),
                ("519544444", 1, "C2C(519544444)", False, 2, False),
            ],
            [2, 2],
            True,
        ),
    ),
    "Search Captured Picture by UUID (for Linktom Device)": Case(
        lambda c: c.get_picture_by_uuid("09076e76501644989b63ba0016ec5776", 100),
        lambda r, d: r.url == d["picUrl"],
        True,
    ),
    "Get the device status information": Case(
        lambda c: c.get_device_status("427734168"),
        lambda r, d: (
            (r.privacy, r.pir, r.alarm_sound_mode, r.battery, r.lock_signal),
            (r.disk_count, r.disks, r.nvr_disk_count, r.nvr_disks),
            (r.cloud_type, r.cloud_status),
        ),
        (
            (False, None, AlarmSoundMode.MUTE, None, None),  # -2/-1: not reported
            (1, (DiskState.NORMAL,), 1, (DiskState.NORMAL,)),
            (0, DeviceCloudStatus.EXPIRED),
        ),
    ),
    "Get device channel information": Case(
        lambda c: c.list_device_channels("427734222"),
        lambda r, d: [
            (
                (x.serial, x.ipc_serial, x.channel, x.device_name, x.name),
                (x.online, x.shared, x.encrypted, x.video_level, x.related_ipc),
            )
            for x in r
        ],
        [
            (
                (
                    "427734222",
                    "427734222",
                    1,
                    "My(427734222)427734222",
                    "My(427734222)427734222",
                ),
                (True, 0, False, 2, False),
            )
        ],
    ),
    "Arming and Disarming": Case(
        lambda c: c.set_defence("427734888", CameraDefenceMode.ARMED)
    ),
    "Disable Device Video Encryption": Case(
        lambda c: c.disable_encryption("427734888", "ABCDEF")
    ),
    "Enable Device Video Encryption": Case(lambda c: c.enable_encryption("427734888")),
    "Get Audio Prompt Status of Wi-Fi Configuration": Case(
        lambda c: c.get_prompt_sound("502608888"), _switch, ("502608888", 1, True)
    ),
    "Set Audio Prompt for Wi-Fi Configuration": Case(
        lambda c: c.set_prompt_sound("596510888", True, channel=1)
    ),
    "Get Video Tampering Status": Case(
        lambda c: c.get_privacy("596510666"), _switch, ("596510666", 1, True)
    ),
    "Set Video Tampering Status": Case(
        lambda c: c.set_privacy("596510666", True, channel=1)
    ),
    "Get Sound Source Positioning Status": Case(
        lambda c: c.get_sound_localization("596510666"),
        _switch,
        ("596510666", 1, True),
    ),
    "Set Sound Source Positioning Status": Case(
        lambda c: c.set_sound_localization("596510666", True, channel=1)
    ),
    "Get Device Arming and Disarming Schedule": Case(
        lambda c: c.get_defence_plan("427734888", channel=1),
        lambda r, d: (r.enabled, r.start, r.stop, r.stop_next_day, r.days),
        (
            False,
            time(23, 20),
            time(23, 21),
            False,
            (Weekday.MONDAY, Weekday.TUESDAY, Weekday.SUNDAY),  # "0,1,6"
        ),
    ),
    "Set Device Arming and Disarming Schedule": Case(
        lambda c: c.set_defence_plan(
            "427734888",
            DefencePlan(
                enabled=False,
                start=time(23, 20),
                stop=time(23, 21),
                days=(Weekday.MONDAY, Weekday.TUESDAY, Weekday.SUNDAY),
            ),
            channel=1,
        )
    ),
    "Get device microphone switch status": Case(
        lambda c: c.get_microphone("596510666"),
        _switch,
        ("596510666", 1, True),  # a list, "enable": "1" a string
    ),
    "Set device microphone switch status": Case(
        lambda c: c.set_microphone("596510666", True)
    ),
    "Set configuration of pir area": Case(
        lambda c: c.set_pir_area("596510666", [1, 3, 6, 7])
    ),
    "Get configuration of pir area": Case(
        lambda c: c.get_pir_area("596510666"),
        lambda r, d: (r.serial, r.channel, r.rows, r.columns, r.area),
        ("C24899350", 1, 3, 4, (1, 9, 13)),
    ),
    "Set chime type": Case(
        lambda c: c.set_chime("C24899350", ChimeType.NONE, 10000, channel=1)
    ),
    "Get chime type": Case(
        lambda c: c.get_chime("596510666", channel=1),
        lambda r, d: (r.serial, r.channel, r.chime_type, r.duration),
        ("C24899350", 1, ChimeType.NONE, 1000),
    ),
    "Set infrared type": Case(lambda c: c.set_infrared("C24899350", False, channel=1)),
    "Get Infrared Type": Case(
        lambda c: c.get_infrared("596510888", channel=1),
        _switch,
        ("C24899350", 1, False),
    ),
    "Get device time zone": Case(
        lambda c: c.get_device_timezone("Q00737271"),
        lambda r, d: (r.serial, r.time_zone, r.wifi_ssid, r.offline_notify),
        ("Q00737272", "UTC+14:00", "", False),
    ),
    "Get time zone list": Case(
        lambda c: c.list_timezones(),
        lambda r, d: (
            len(r),
            (r[0].code, r[0].value, r[0].display_name),
            [(t.code, t.value, t.display_name) for t in r]
            == [(x["tzCode"], x["tzValue"], x["disPlayName"]) for x in d],
        ),
        (105, ("2", "UTC+14:00", "(UTC+14:00) Kiritimati Island"), True),
    ),
    "Set device time zone": Case(
        lambda c: c.set_device_timezone(
            "Q00737272", "188", date_format=DateFormat.YYYY_MM_DD
        )
    ),
    "Get device capability": Case(
        lambda c: c.get_device_capabilities("Q00737272"),
        lambda r, d: (
            r.raw == d,
            "support_defence" in r,
            "support_ptz" in r,
            "video_quality_capacity" in r,  # []
            "support_modify_detectorguard" in r,  # "0,0,7,7,7,0,7,0,0,0"
            "support_channel_number" in r,  # a bare 0
        ),
        (True, True, False, False, True, False),
    ),
    "Get device language": Case(
        lambda c: c.get_device_language("Q00737272"), lambda r, d: r, "ENGLISH"
    ),
    "Set device language": Case(lambda c: c.set_device_language("Q00737272", "GERMAN")),
    "Change the video encryption password": Case(
        lambda c: c.update_video_password("596510666", "AAAAAA", "BBBBBB")
    ),
    "Get Device Version Information": Case(
        lambda c: c.get_device_version("427734888"),
        lambda r, d: (r.current, r.latest, r.upgrade_available),
        ("V4.2.5 build 151223", "V4.2.5 build 151223", False),
    ),
    "Upgrade Device Firmware": Case(lambda c: c.upgrade_device("427734888")),
    "Get Device Upgrade Status": Case(
        lambda c: c.get_upgrade_status("427734888"),
        lambda r, d: (r.state, r.progress),
        (UpgradeState.UPGRADING, 43),
    ),
    "Start PTZ Control": Case(
        lambda c: c.start_ptz("502608888", PtzDirection.LEFT, PtzSpeed.MEDIUM)
    ),
    "Stop PTZ Control": Case(lambda c: c.stop_ptz("568261888")),
    "Mirror Filp": Case(lambda c: c.mirror_ptz("427734888", MirrorCommand.CENTER)),
    "Add Preset": Case(lambda c: c.add_preset("568261888"), lambda r, d: r, 3),
    "Call Preset": Case(lambda c: c.move_to_preset("568261888", 3)),
    "Clear Preset": Case(lambda c: c.clear_preset("568261888", 3)),
    "Get All Alarm Lists": Case(
        lambda c: c.get_alarm_page(page_size=3),
        _alarms,
        _alarms_expected(
            ["427734888", "427734777", "427734666"],
            ["Device 1", "Device 2", "Device 3"],
        ),
    ),
    "Get Alarm Information List by Device": Case(
        lambda c: c.get_device_alarm_page("427734888", page_size=3),
        _alarms,
        _alarms_expected(["427734888"] * 3, ["Device 1"] * 3),
    ),
    "Get Detector List": Case(
        lambda c: c.list_detectors("596510888"),
        lambda r, d: [
            (
                (x.serial, x.detector_type, x.type_name, x.name, x.connected),
                (x.zone_fault, x.battery_low, x.wireless_interference, x.offline),
                (x.home_enabled, x.away_enabled, x.sleep_enabled, x.update_time),
            )
            for x in r
        ],
        [
            # "callhelp" and "waterlogging" arrive in lower case.
            (
                (
                    "594012222",
                    DetectorType.EMERGENCY_BUTTON,
                    "Emergency Button",
                    "Emergency Button",
                    True,
                ),
                (False, False, False, False),
                (True, True, True, SAMPLE_TIME),
            ),
            (
                (
                    "303333333",
                    DetectorType.WATER_LEAK,
                    "waterlogging",
                    "Washing Room",
                    True,
                ),
                (False, False, False, True),
                (True, True, True, SAMPLE_TIME),
            ),
        ],
    ),
    "Set Detector Status": Case(
        lambda c: c.set_detector_status("569262222", "604216666", SafeMode.SLEEP, True)
    ),
    "Delete Detector": Case(lambda c: c.delete_detector("569262222", "604216666")),
    "Get IPC List to be Linked": Case(
        lambda c: c.list_linkable_cameras("569262222"),
        lambda r, d: [(x.device_serial, x.channel_no, x.camera_name) for x in r],
        [("428888888", 1, "Outdoor"), ("426666666", 1, "Indoo")],
    ),
    "Get Linked IPC List": Case(
        lambda c: c.list_linked_cameras("465538888", "470289999"),
        lambda r, d: [(x.detector_serial, x.ipc_serial) for x in r],
        [("470289999", "558815555")],
    ),
    "Set Linkage Relation between Detector and IPC": Case(
        lambda c: c.set_detector_camera_link(
            "465538888", "470289999", "558815555", linked=False
        )
    ),
    "Edit Detector Name": Case(
        lambda c: c.rename_detector("465538888", "470289999", "mydetector")
    ),
    "One-touch Clear Alarm for Device": Case(
        lambda c: c.cancel_detector_alarm("465538888")
    ),
    "Set device associated with detector": Case(
        lambda c: c.add_detector(
            "Q01478043", "Q00786518", DetectorModel.MAGNETIC_CONTACT
        )
    ),
    "Query the fill light mode": Case(
        lambda c: c.get_fill_light_mode(V3_SERIAL),
        lambda r, d: (r.device_serial, r.mode, r.luminance, r.duration),
        ("GDA8052E04F99490CB6826:79BF4971B", FillLightMode.SMART, 100, 5),
    ),
    "Set the fill light mode": Case(
        lambda c: c.set_fill_light_mode(V3_SERIAL, FillLightMode.SMART)
    ),
    "Query device switch": Case(
        lambda c: c.get_switch_status(V3_SERIAL, SwitchType.MOTION_TRIGGERED_LIGHT),
        lambda r, d: (r.sub_serial, r.switch_type, r.enabled),
        ("GDA8052E04F99490CB6826:79BF4971B", 2, True),  # the sample says type 2
    ),
    "Set device switch": Case(
        lambda c: c.set_switch_status(
            V3_SERIAL, SwitchType.MOTION_TRIGGERED_LIGHT, enabled=True
        )
    ),
    "Query the device working mode plan": Case(
        lambda c: c.get_timing_plan(V3_SERIAL),
        lambda r, d: (
            r.sub_serial,
            r.sub_type,
            [
                (w.week_days, [(s.begin_time, s.end_time, s.event_arg, s.mode)])
                for w in r.week_plans
                for s in w.time_plan
            ],
        ),
        (
            "GDA8052E04F99490CB6826:79BF4971B",
            2,
            [((0, 1), [("08:00", "18:00", "mode:1", WorkingMode.PERFORMANCE)])],
        ),
    ),
    "Set the device working mode plan": Case(
        lambda c: c.set_timing_plan(
            V3_SERIAL,
            enabled=True,
            start="08:00",
            end="18:00",
            week_days=[0, 1],
            mode=WorkingMode.PERFORMANCE,
        )
    ),
    "Query the alarm sound enablement switch": Case(
        lambda c: c.get_alarm_sound_mode(V3_SERIAL),
        lambda r, d: (r.device_serial, r.mode),
        ("123", V3AlarmSoundMode.MUTE),
    ),
    "Set the alarm sound function": Case(
        lambda c: c.set_alarm_sound_mode(V3_SERIAL, V3AlarmSoundMode.MUTE)
    ),
    "Query detection area": Case(
        lambda c: c.get_motion_detect_area(V3_SERIAL, channel=2),
        lambda r, d: (r.device_serial, r.channel_no, r.rows, r.columns, r.area),
        (
            "GDA8052E04F99490CB6826:79BF4971B",
            2,
            0,
            0,
            (0, 48, 3, 3, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0),
        ),
    ),
    "Set detection area": Case(
        lambda c: c.set_motion_detect_area(V3_SERIAL, [8, 8, 8])
    ),
    "Play ringtone": Case(lambda c: c.play_ringtone(V3_SERIAL, VoiceIndex.ALARM_BEEP)),
    "Get the device formatting status": Case(
        lambda c: c.get_format_status(V3_SERIAL),
        lambda r, d: [
            (m.index, m.name, m.status, m.formatting_rate, m.capacity) for m in r
        ],
        [(0, "名称", StorageMediumStatus.NORMAL, 20, 231313)],
    ),
    "Formatting device disk": Case(lambda c: c.format_disk(V3_SERIAL, 0)),
    "Enable Cloud Storage for Device via Card Password": Case(
        lambda c: c.open_cloud_storage(
            "596510666", "4326717075050976", channel=1, phone="18888888888"
        )
    ),
    "Search device cloud storage information": Case(
        lambda c: c.get_cloud_storage_info("596510666", channel=1),
        lambda r, d: (
            (r.user_name, r.device_serial, r.channel_no, r.total_days, r.valid_days),
            (r.status, r.start_time, r.expire_time),
            (
                r.service_detail.total_days,
                r.service_detail.status,
                r.service_detail.start_time,
            ),
        ),
        (
            ("ezviz", "596510666", 1, 7, 280),
            (
                CloudStorageStatus.ACTIVATED,
                _utc_ms(1470370451000),
                _utc_ms(1603107852000),
            ),
            (30, CloudStorageStatus.NOT_ACTIVATED, _utc_ms(1539949152000)),
        ),
    ),
    "Create Sub-Account": Case(
        lambda c: c.create_sub_account("test", "secret"), lambda r, d: r, ACCOUNT_ID
    ),
    "Get Single Sub-Account Information": Case(
        lambda c: c.get_sub_account(account_id=ACCOUNT_ID), _sub_account, SUB_ACCOUNT
    ),
    "Access Sub-account Information List": Case(
        lambda c: c.get_sub_account_page(page_size=2),
        lambda r, d: (r.page, [_sub_account(x, d) for x in r.accounts]),
        (
            Page(total=15, page=0, size=2),
            [
                SUB_ACCOUNT,
                (
                    (
                        "0058a3964698415d8a70a931faa48d78",
                        "test2",
                        "ae1b9af9dcac4caeb88da6dbbf2dd8d5",
                        True,
                    ),
                    None,  # "policy": null
                ),
            ],
        ),
    ),
    "Edit Current Sub-account Password": Case(
        lambda c: c.update_sub_account_password(ACCOUNT_ID, "old", "new")
    ),
    "Edit Sub-account Permission Strategy": Case(
        lambda c: c.set_sub_account_policy(
            ACCOUNT_ID, Policy((Statement.create(["GET"], ["dev:469631729"]),))
        )
    ),
    "Add Sub-account Permission": Case(
        lambda c: c.add_sub_account_statement(
            ACCOUNT_ID, Statement.create(["GET"], ["dev:547596317"])
        )
    ),
    "Delete Sub-Account Permission": Case(
        lambda c: c.delete_sub_account_statement(ACCOUNT_ID, "547596317")
    ),
    "Access Mode B Sub-Account AccessToken": Case(
        lambda c: c.get_sub_account_token(ACCOUNT_ID),
        lambda r, d: (
            r.access_token == d["accessToken"],
            r.expire_time_ms,
            r.area_domain,
        ),
        (True, 1470810222045, "https://iusopen.ezvizlife.com"),
    ),
    "Delete Sub-Account": Case(lambda c: c.delete_sub_account(ACCOUNT_ID)),
}


# ------------------------------------------------------------ generic parts


def _served(example: dict[str, Any], form: str) -> tuple[int, Any]:
    """(HTTP status, body) to answer with: verbatim, or the v3 notation split."""
    value = example["json"]
    if form == "split":
        return int(value["status"]), value["body"]
    return 200, value


def _envelope(value: Any) -> dict[str, Any]:
    """The envelope inside the example (the reference's wrappers removed)."""
    for key in ("result", "body"):
        if isinstance(value.get(key), dict):
            return dict(value[key])
    return dict(value)


def _code(envelope: dict[str, Any]) -> int:
    meta = envelope.get("meta")
    return int(meta["code"] if isinstance(meta, dict) else envelope["code"])


def _raws(value: Any) -> Iterator[dict[str, Any]]:
    """Every ``raw`` dict in a parsed result (models, lists, tuples, nested)."""
    if isinstance(value, list | tuple):
        for item in value:
            yield from _raws(item)
    elif is_dataclass(value) and not isinstance(value, type):
        raw = getattr(value, "raw", None)
        if isinstance(raw, dict):
            yield raw
        for item in fields(value):
            if item.name != "raw":
                yield from _raws(getattr(value, item.name))


def _scalars(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """(key, value) of every scalar in a JSON value (list items under their key)."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _scalars(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars(item, key)
    else:
        yield key, json.dumps(value)


def _forms(example: dict[str, Any]) -> list[str]:
    value = example["json"]
    doc_notation = "status" in value and isinstance(value.get("body"), dict)
    return ["verbatim", "split"] if doc_notation else ["verbatim"]


async def _client_answering(
    local_server: Callable[..., Awaitable[str]],
    session: aiohttp.ClientSession,
    answer: Callable[[web.Request], Awaitable[web.StreamResponse]],
    *,
    with_token: bool = True,
) -> EzvizOpenClient:
    """A client of a loopback server answering with ``answer``.

    ``with_token`` hands it a valid token, so no token/get is made.
    """
    base_url = await local_server(answer)
    expire = int(datetime.now(UTC).timestamp() * 1000) + 86_400_000
    token = TokenInfo("at.test", expire, None) if with_token else None
    return EzvizOpenClient(session, "key", "secret", base_url=base_url, token=token)


PARAMS = [
    pytest.param(example, form, id=f"{example['line']}-{example['path']}-{form}")
    for example in EXAMPLES
    for form in _forms(example)
]


@pytest.mark.parametrize(("example", "form"), PARAMS)
async def test_example_parses(
    local_server: Callable[..., Awaitable[str]],
    session: aiohttp.ClientSession,
    example: dict[str, Any],
    form: str,
) -> None:
    """The client reads the example, served for its endpoint, into its values."""
    status, body = _served(example, form)
    received: list[tuple[str, str]] = []

    async def answer(request: web.Request) -> web.StreamResponse:
        received.append((request.method, request.path))
        if (request.method, request.path) != (example["method"], example["path"]):
            return web.Response(status=404, text="not this example's endpoint")
        return web.json_response(body, status=status)

    client = await _client_answering(
        local_server,
        session,
        answer,
        with_token=example["path"] != "/api/lapp/token/get",
    )
    case = CASES[example["operation"]]
    envelope = _envelope(example["json"])
    code = _code(envelope)

    if code != 200:  # an error example: the mapped error, nothing parsed
        expected = type(error_for_code(code, "", example["path"]))
        with pytest.raises(expected):
            await case.call(client)
        return

    result = await case.call(client)
    assert received == [(example["method"], example["path"])]
    data = envelope.get("data")
    if case.view is None:
        assert result is None
        assert data is None, "an example with data needs a view"
    else:
        assert case.view(result, data) == case.expected
    raws = list(_raws(result))
    if data is not None and raws:
        # Nothing the example sends is lost: each scalar is in some raw dict.
        missing = set(_scalars(data)) - {s for raw in raws for s in _scalars(raw)}
        assert missing == set()


def test_every_example_has_a_case() -> None:
    """A reference row without a case here would go unread."""
    assert {example["operation"] for example in EXAMPLES} == set(CASES)


def test_counts() -> None:
    """One example per checklist row; the v3 ones and detector/list were repaired."""
    assert CONTENT["endpoints"] == len(endpoint_rows())
    assert CONTENT["endpoints_without_example"] == []
    assert CONTENT["example_count"] == len(EXAMPLES) == CONTENT["endpoints"]
    repaired = [e["path"] for e in EXAMPLES if e["repairs"]]
    assert CONTENT["repaired_count"] == len(repaired)
    assert "/api/lapp/detector/list" in repaired
    assert all(
        path.startswith("/api/v3/") for path in repaired if "detector" not in path
    )
    wrapped = [e["path"] for e in EXAMPLES if "result" in e["json"]]
    assert wrapped == ["/api/lapp/detector/list"]


def _load_script() -> Any:
    path = ROOT / "scripts" / "reference_examples.py"
    spec = importlib.util.spec_from_file_location("reference_examples", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_data_file_matches_the_reference() -> None:
    """The committed examples and checklist are what ../shared gives today.

    Skipped in a clone without ../shared; CI always has it, and fails
    without it, so the copies are checked on every landed change.
    """
    spec = shared_spec()
    script = _load_script()
    assert script.render(script.extract(spec)) == DATA_FILE.read_text("utf-8")
    assert (spec / "endpoints.tsv").read_text("utf-8") == ENDPOINTS_TSV.read_text(
        "utf-8"
    )
    assert script.main(["--check", "--spec", str(spec)]) == 0


# ------------------------------------- the wrappers beyond the samples' successes


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, {"result": {"code": "20007", "msg": "offline"}}),
        (412, {"status": 412, "body": {"meta": {"code": 20007, "message": "x"}}}),
        (200, {"status": 412, "body": {"meta": {"code": 20007, "message": "x"}}}),
    ],
)
async def test_wrapped_error_raises_the_mapped_error(
    local_server: Callable[..., Awaitable[str]],
    session: aiohttp.ClientSession,
    status: int,
    body: dict[str, Any],
) -> None:
    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response(body, status=status)

    client = await _client_answering(local_server, session, answer)
    call = (
        client.list_detectors("A1S000004")
        if "result" in body
        else client.get_fill_light_mode("C6N000001")
    )
    with pytest.raises(EzvizDeviceOfflineError) as info:
        await call
    assert info.value.code == 20007


async def test_wrapper_without_an_envelope_is_not_read(
    local_server: Callable[..., Awaitable[str]], session: aiohttp.ClientSession
) -> None:
    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response({"result": {"data": []}})

    client = await _client_answering(local_server, session, answer)
    with pytest.raises(EzvizResponseError, match="not an EZVIZ envelope"):
        await client.list_detectors("A1S000004")


async def test_paging_is_read_inside_the_wrapper(
    local_server: Callable[..., Awaitable[str]], session: aiohttp.ClientSession
) -> None:
    """The "page" member inside "result" drives paging like a plain one."""
    serials = ["D1", "D2", "D3"]

    async def answer(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        page = int(str(form["pageStart"]))
        chunk = serials[page * 2 : page * 2 + 2]  # the cloud pages by 2 here
        envelope = {
            "code": "200",
            "data": [{"deviceSerial": serial} for serial in chunk],
            "page": {"total": len(serials), "page": page, "size": 2},
        }
        return web.json_response({"result": envelope})

    client = await _client_answering(local_server, session, answer)
    devices = await client.list_devices()
    assert [device.serial for device in devices] == serials
