"""PTZ, mirror and preset endpoints against the simulator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.ezviz_open.api.errors import (
    EzvizDeviceOfflineError,
    EzvizNotFoundError,
    EzvizNotSupportedError,
    EzvizParameterError,
    EzvizPtzLimitError,
)
from custom_components.ezviz_open.api.ptz import (
    PATH_PRESET_ADD,
    PATH_PRESET_CLEAR,
    PATH_PRESET_MOVE,
    PATH_PTZ_MIRROR,
    PATH_PTZ_START,
    PATH_PTZ_STOP,
    MirrorCommand,
    PtzDirection,
    PtzSpeed,
)

from .partb_helpers import assert_lapp, last_request

if TYPE_CHECKING:
    from custom_components.ezviz_open.api import EzvizOpenClient
    from simulator import Simulator

PTZ_CAMERA = "C6N000001"
FIXED_CAMERA = "BC1000002"
OFFLINE_CAMERA = "C1C000007"


async def test_start_and_stop_ptz(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    ptz = simulator.state.devices[PTZ_CAMERA].ptz
    assert ptz is not None
    pan_before = ptz.pan

    await client.start_ptz(PTZ_CAMERA, PtzDirection.LEFT, PtzSpeed.FAST)
    assert_lapp(
        last_request(simulator, PATH_PTZ_START),
        {"deviceSerial": PTZ_CAMERA, "channelNo": "1", "direction": "2", "speed": "2"},
    )
    assert ptz.moving == PtzDirection.LEFT

    await client.stop_ptz(PTZ_CAMERA, PtzDirection.LEFT)
    assert_lapp(
        last_request(simulator, PATH_PTZ_STOP),
        {"deviceSerial": PTZ_CAMERA, "channelNo": "1", "direction": "2"},
    )
    moving_after: int | None = ptz.moving  # re-read: the stop changed it
    assert moving_after is None
    assert ptz.pan < pan_before


async def test_ptz_at_limit(client: EzvizOpenClient, simulator: Simulator) -> None:
    ptz = simulator.state.devices[PTZ_CAMERA].ptz
    assert ptz is not None
    ptz.pan = ptz.pan_max

    with pytest.raises(EzvizPtzLimitError) as err:
        await client.start_ptz(PTZ_CAMERA, PtzDirection.RIGHT)
    assert err.value.code == 60005
    assert last_request(simulator, PATH_PTZ_START).form["speed"] == "1"


async def test_ptz_unsupported_and_offline(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    with pytest.raises(EzvizNotSupportedError):
        await client.start_ptz(FIXED_CAMERA, PtzDirection.UP)
    with pytest.raises(EzvizDeviceOfflineError):
        await client.start_ptz(OFFLINE_CAMERA, PtzDirection.UP)


async def test_ptz_parameters_checked_before_sending(
    client: EzvizOpenClient, simulator: Simulator
) -> None:
    with pytest.raises(EzvizParameterError) as err:
        await client.start_ptz(PTZ_CAMERA, 12)  # type: ignore[arg-type]
    assert err.value.code is None
    with pytest.raises(EzvizParameterError):
        await client.start_ptz(PTZ_CAMERA, PtzDirection.UP, channel=0)
    with pytest.raises(EzvizParameterError):
        await client.move_to_preset(PTZ_CAMERA, 0)
    with pytest.raises(EzvizParameterError):
        await client.mirror_ptz("", MirrorCommand.CENTER)
    assert simulator.count() == 0


async def test_mirror(client: EzvizOpenClient, simulator: Simulator) -> None:
    ptz = simulator.state.devices[PTZ_CAMERA].ptz
    assert ptz is not None
    before = dict(ptz.mirror)

    await client.mirror_ptz(PTZ_CAMERA, MirrorCommand.LEFT_RIGHT)

    assert_lapp(
        last_request(simulator, PATH_PTZ_MIRROR),
        {"deviceSerial": PTZ_CAMERA, "channelNo": "1", "command": "1"},
    )
    assert ptz.mirror != before


async def test_preset_round_trip(client: EzvizOpenClient, simulator: Simulator) -> None:
    ptz = simulator.state.devices[PTZ_CAMERA].ptz
    assert ptz is not None
    known = set(ptz.presets)

    index = await client.add_preset(PTZ_CAMERA)

    assert_lapp(
        last_request(simulator, PATH_PRESET_ADD),
        {"deviceSerial": PTZ_CAMERA, "channelNo": "1"},
    )
    assert index not in known
    assert index in ptz.presets

    # Move away, then back to the preset.
    stored = ptz.presets[index]
    ptz.pan, ptz.tilt = ptz.pan_min, ptz.tilt_min
    await client.move_to_preset(PTZ_CAMERA, index)
    assert_lapp(
        last_request(simulator, PATH_PRESET_MOVE),
        {"deviceSerial": PTZ_CAMERA, "channelNo": "1", "index": str(index)},
    )
    assert (ptz.pan, ptz.tilt, ptz.zoom) == stored

    await client.clear_preset(PTZ_CAMERA, index)
    assert_lapp(
        last_request(simulator, PATH_PRESET_CLEAR),
        {"deviceSerial": PTZ_CAMERA, "channelNo": "1", "index": str(index)},
    )
    assert index not in ptz.presets

    with pytest.raises(EzvizNotFoundError) as err:
        await client.move_to_preset(PTZ_CAMERA, index)
    assert err.value.code == 60011
