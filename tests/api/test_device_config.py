"""v3 device configuration endpoints against the simulator."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

import pytest

from custom_components.ezviz_open.api.device_config import (
    PATH_ALARM_SOUND_GET,
    PATH_ALARM_SOUND_SET,
    PATH_AUDITION,
    PATH_FILL_LIGHT_GET,
    PATH_FILL_LIGHT_SET,
    PATH_FORMAT_DISK,
    PATH_FORMAT_STATUS,
    PATH_MOTION_AREA_GET,
    PATH_MOTION_AREA_SET,
    PATH_SWITCH_GET,
    PATH_SWITCH_SET,
    PATH_TIMING_PLAN_GET,
    PATH_TIMING_PLAN_SET,
    AlarmSoundMode,
    FillLightMode,
    StorageMediumStatus,
    SwitchType,
    VoiceIndex,
    WorkingMode,
)
from custom_components.ezviz_open.api.errors import (
    EzvizDeviceOfflineError,
    EzvizNotSupportedError,
    EzvizParameterError,
)

from .partb_helpers import assert_v3, last_request

if TYPE_CHECKING:
    from custom_components.ezviz_open.api import EzvizOpenClient
    from simulator import Simulator

CAMERA = "C6N000001"
BATTERY_CAMERA = "BC1000002"
NVR = "NVR000005"
OFFLINE = "C1C000007"


async def test_fill_light_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    status = await client.get_fill_light_mode(CAMERA)
    assert_v3(last_request(simulator, PATH_FILL_LIGHT_GET), "GET", CAMERA)
    assert status.mode is FillLightMode(
        simulator.state.devices[CAMERA].fill_light_mode or 0
    )
    assert status.mode is FillLightMode.SMART
    assert status.device_serial == CAMERA
    assert status.luminance == 100

    await client.set_fill_light_mode(CAMERA, FillLightMode.FULL_COLOR)
    assert_v3(
        last_request(simulator, PATH_FILL_LIGHT_SET),
        "POST",
        CAMERA,
        query={"mode": "1"},
    )
    assert simulator.state.devices[CAMERA].fill_light_mode == 1
    assert (await client.get_fill_light_mode(CAMERA)).mode is FillLightMode.FULL_COLOR


async def test_fill_light_unsupported_and_offline(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    with pytest.raises(EzvizNotSupportedError) as unsupported:
        await client.get_fill_light_mode(BATTERY_CAMERA)
    assert unsupported.value.code == 60020
    assert unsupported.value.http_status == 422

    with pytest.raises(EzvizDeviceOfflineError) as offline:
        await client.set_fill_light_mode(OFFLINE, FillLightMode.SMART)
    assert offline.value.code == 20007
    assert offline.value.http_status == 412


async def test_switch_round_trip(client: EzvizOpenClient, simulator: Simulator) -> None:
    switch = await client.get_switch_status(CAMERA, SwitchType.MOTION_TRIGGERED_LIGHT)
    assert_v3(
        last_request(simulator, PATH_SWITCH_GET), "GET", CAMERA, query={"type": "301"}
    )
    assert switch.switch_type is SwitchType.MOTION_TRIGGERED_LIGHT
    assert switch.enabled is False
    assert switch.sub_serial == CAMERA

    await client.set_switch_status(CAMERA, SwitchType.MOTION_TRIGGERED_LIGHT, True)
    assert_v3(
        last_request(simulator, PATH_SWITCH_SET),
        "POST",
        CAMERA,
        query={"enable": "1", "type": "301"},
    )
    assert simulator.state.devices[CAMERA].switches[301] == 1
    switch = await client.get_switch_status(CAMERA, 301)
    assert switch.enabled is True

    # A switch number outside the reference's table stays a plain int.
    other = await client.get_switch_status(CAMERA, 650)
    assert other.switch_type == 650
    assert not isinstance(other.switch_type, SwitchType)
    assert other.enabled is True

    with pytest.raises(EzvizNotSupportedError):
        await client.get_switch_status(CAMERA, 999)
    with pytest.raises(EzvizParameterError):
        await client.get_switch_status(CAMERA, 0)


async def test_timing_plan_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    plan = await client.get_timing_plan(BATTERY_CAMERA)
    assert_v3(last_request(simulator, PATH_TIMING_PLAN_GET), "GET", BATTERY_CAMERA)
    state = simulator.state.devices[BATTERY_CAMERA].timing_plan
    assert state is not None
    (week,) = plan.week_plans
    assert week.week_days == tuple(int(d) for d in state["week"].split(","))
    (slot,) = week.time_plan
    assert (slot.begin_time, slot.end_time) == (state["startTime"], state["endTime"])
    assert slot.mode is WorkingMode(int(state["eventArg"]))

    await client.set_timing_plan(
        BATTERY_CAMERA,
        enabled=True,
        start=time(22, 0),
        end="6:30",
        week_days=[6, 0],
        mode=WorkingMode.SUPER_POWER_SAVING,
    )
    assert_v3(
        last_request(simulator, PATH_TIMING_PLAN_SET),
        "POST",
        BATTERY_CAMERA,
        body={
            "enable": "1",
            "startTime": "22:00",
            "endTime": "06:30",
            "week": "0,6",
            "eventArg": "3",
        },
    )
    plan = await client.get_timing_plan(BATTERY_CAMERA)
    (week,) = plan.week_plans
    assert week.week_days == (0, 6)
    assert week.time_plan[0].mode is WorkingMode.SUPER_POWER_SAVING
    assert week.time_plan[0].begin_time == "22:00"

    with pytest.raises(EzvizParameterError):
        await client.set_timing_plan(
            BATTERY_CAMERA, enabled=True, start="25:00", end="06:00", week_days=[1]
        )
    with pytest.raises(EzvizParameterError):
        await client.set_timing_plan(
            BATTERY_CAMERA, enabled=True, start="01:00", end="06:00", week_days=[7]
        )
    with pytest.raises(EzvizNotSupportedError):
        await client.get_timing_plan(CAMERA)


async def test_alarm_sound_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    sound = await client.get_alarm_sound_mode(CAMERA)
    assert_v3(last_request(simulator, PATH_ALARM_SOUND_GET), "GET", CAMERA)
    assert sound.mode is AlarmSoundMode(
        simulator.state.devices[CAMERA].alarm_sound_mode
    )

    await client.set_alarm_sound_mode(CAMERA, AlarmSoundMode.MUTE)
    assert_v3(
        last_request(simulator, PATH_ALARM_SOUND_SET),
        "POST",
        CAMERA,
        query={"type": "2"},
    )
    assert (await client.get_alarm_sound_mode(CAMERA)).mode is AlarmSoundMode.MUTE


async def test_motion_area_round_trip(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    area = await client.get_motion_detect_area(CAMERA)
    assert_v3(last_request(simulator, PATH_MOTION_AREA_GET), "GET", CAMERA, channel="1")
    motion = simulator.state.devices[CAMERA].motion_area
    assert motion is not None
    assert (area.rows, area.columns) == (motion["rows"], motion["columns"])
    assert area.area == tuple(motion["area"])
    assert area.channel_no == 1

    await client.set_motion_detect_area(CAMERA, [1, 3, 7])
    assert_v3(
        last_request(simulator, PATH_MOTION_AREA_SET),
        "POST",
        CAMERA,
        channel="1",
        query={"area": "1,3,7"},
    )
    area = await client.get_motion_detect_area(CAMERA)
    assert area.area[:4] == (1, 3, 7, 0)
    assert len(area.area) == motion["rows"]

    with pytest.raises(EzvizParameterError):
        await client.set_motion_detect_area(CAMERA, [])
    with pytest.raises(EzvizParameterError):
        await client.set_motion_detect_area(CAMERA, [-1])


async def test_play_ringtone(client: EzvizOpenClient, simulator: Simulator) -> None:
    await client.play_ringtone(CAMERA, VoiceIndex.ALARM_BEEP, volume=40)

    assert_v3(
        last_request(simulator, PATH_AUDITION),
        "POST",
        CAMERA,
        query={"voiceIndex": "201", "volume": "40"},
    )
    last = simulator.state.devices[CAMERA].last_audition
    assert last is not None
    assert (last["voiceIndex"], last["volume"]) == (201, 40)

    await client.play_ringtone(CAMERA, VoiceIndex.ALERT_BEEP)
    assert last_request(simulator, PATH_AUDITION).query == {"voiceIndex": "200"}
    with pytest.raises(EzvizParameterError):
        await client.play_ringtone(CAMERA, VoiceIndex.MUTE, volume=101)


async def test_format_disk(client: EzvizOpenClient, simulator: Simulator) -> None:
    media = await client.get_format_status(NVR)
    assert_v3(last_request(simulator, PATH_FORMAT_STATUS), "GET", NVR)
    disks = simulator.state.devices[NVR].disks
    assert [(m.index, m.name, m.capacity) for m in media] == [
        (d.index, d.name, d.capacity) for d in disks
    ]
    assert media[1].status is StorageMediumStatus.UNFORMATTED
    assert media[0].formatting_rate == 100

    await client.format_disk(NVR, 1)
    assert_v3(
        last_request(simulator, PATH_FORMAT_DISK), "PUT", NVR, query={"diskIndex": "1"}
    )
    media = await client.get_format_status(NVR)
    assert media[1].status is StorageMediumStatus.FORMATTING
    assert media[1].formatting_rate is not None
    assert 0 <= media[1].formatting_rate < 100

    with pytest.raises(EzvizDeviceOfflineError) as offline:
        await client.get_format_status(OFFLINE)
    assert offline.value.http_status == 412
    with pytest.raises(EzvizParameterError):
        await client.format_disk(NVR, -1)
