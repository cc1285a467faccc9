"""Cameras of EZVIZ devices: one per video channel.

The stream is the camera's relay on loopback (relay.py), which reads the
cloud's play addresses (FLV, HLS or RTMP as the options say; never
``ezopen``, which ffmpeg cannot play) and carries the video across their
expiry and the sessions the cloud ends. The cloud gives those addresses only
for cameras with video encryption off (60019 otherwise): a refusal is
remembered, the camera stops offering a stream and says why
(``stream_status``), a repair issue offers to turn encryption off, and the
cloud is asked again only when the device's encryption or the options change
(a reload), or after ``ENCRYPTED_LIVE_RETRY``. The still image is a capture
when the device can take one, else the channel's cover picture. Motion detection is the device's
arming (``defence``). The camera is also the target of the integration's
actions (PTZ, presets, ringtone, storage, arming schedule).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from homeassistant.components.camera import Camera, CameraEntityFeature
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
from yarl import URL

from .api.device_config import VoiceIndex
from .api.errors import (
    EzvizAuthError,
    EzvizEncryptionError,
    EzvizError,
    EzvizNotFoundError,
    EzvizNotSupportedError,
    EzvizParameterError,
)
from .api.live import StreamProtocol, StreamQuality
from .api.ptz import PtzDirection, PtzSpeed
from .api.settings import CameraDefenceMode, DefencePlan, Weekday
from .const import (
    CAPTURE_MIN_INTERVAL,
    CONF_STREAM_PROTOCOL,
    CONF_STREAM_QUALITY,
    DEFAULT_STREAM_PROTOCOL,
    DEFAULT_STREAM_QUALITY,
    DOMAIN,
    ENCRYPTED_LIVE_RETRY,
    LIVE_ADDRESS_VALIDITY,
    LIVE_REFUSED_ENCRYPTED,
    LOGGER,
    PROTOCOL_FLV,
    PROTOCOL_HLS,
    PROTOCOL_RTMP,
    QUALITY_HD,
    QUALITY_SMOOTH,
)
from .entity import (
    MANUFACTURER,
    EzvizEntity,
    async_setup_device_entities,
    video_channels,
)
from .helpers import async_ptz_step, ezviz_exception_handler, quota_error
from .live.relay import LiveRelay
from .picture import async_fetch_picture
from .repairs import async_delete_live_view_issue, async_raise_live_view_issue
from .topics import TOPIC_STATUS

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime, time
    from typing import Any

    from homeassistant.core import HomeAssistant, ServiceResponse
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api.devices import Camera as ChannelListing
    from .api.system import DeviceCapabilities
    from .data import EzvizOpenConfigEntry, EzvizOpenData

PARALLEL_UPDATES = 1

STREAM_PROTOCOL: dict[str, StreamProtocol] = {
    PROTOCOL_HLS: StreamProtocol.HLS,
    PROTOCOL_RTMP: StreamProtocol.RTMP,
    PROTOCOL_FLV: StreamProtocol.FLV,
}
STREAM_QUALITY: dict[str, StreamQuality] = {
    QUALITY_HD: StreamQuality.HD,
    QUALITY_SMOOTH: StreamQuality.SMOOTH,
}
#: Schemes a stream source may have (ffmpeg plays them; ezopen it cannot).
STREAM_SCHEMES = frozenset({"http", "https", "rtmp", "rtmps"})

#: Action values -> client enums (the action schemas list these keys).
PTZ_DIRECTIONS: dict[str, PtzDirection] = {
    direction.name.lower(): direction for direction in PtzDirection
}
PTZ_SPEEDS: dict[str, PtzSpeed] = {speed.name.lower(): speed for speed in PtzSpeed}
RINGTONES: dict[str, VoiceIndex] = {voice.name.lower(): voice for voice in VoiceIndex}
WEEKDAYS: dict[str, Weekday] = {day.name.lower()[:3]: day for day in Weekday}
#: ``stream_status``: whether the cloud is known to refuse the live view.
STREAM_AVAILABLE = "available"
STREAM_ENCRYPTED = "encrypted"
#: 60011: no such preset; 60007/60008: no room for another one.
PRESET_MISSING_CODE = 60011
PRESET_LIMIT_CODES = frozenset({60007, 60008})


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a camera for each video channel."""

    def _entities(
        data: EzvizOpenData, serial: str, caps: DeviceCapabilities
    ) -> list[EzvizEntity]:
        return [
            EzvizCamera(data, serial, channel, channel_no)
            for channel, channel_no in video_channels(data.account.data, serial)
        ]

    async_setup_device_entities(entry, async_add_entities, _entities)


class EzvizCamera(EzvizEntity, Camera):
    """One video channel: cloud stream, still image, motion detection."""

    _attr_brand = MANUFACTURER
    _attr_name = None
    _attr_translation_key = "camera"

    def __init__(
        self,
        data: EzvizOpenData,
        serial: str,
        channel: int | None,
        channel_no: int,
    ) -> None:
        """Set up the camera of one channel."""
        EzvizEntity.__init__(self, data, serial, "camera", channel)
        Camera.__init__(self)
        self.channel_no = channel_no
        device = self.device
        if channel is None and device is not None:
            # A channel's own model is not listed (only the NVR's).
            self._attr_model = device.model or device.device_type
        # Motion detection is the device's arming; an NVR arms as a whole, so
        # its channels do not offer it.
        self._motion_supported = channel is None and self.capabilities.support_defence
        self._capture_supported = self.capabilities.support_capture
        self._relay: LiveRelay | None = None
        #: When the cloud last refused a live address for encryption.
        self._refused_at: datetime | None = None
        self._image: bytes | None = None
        self._image_time: datetime | None = None
        self._image_lock = asyncio.Lock()

    # -- state -----------------------------------------------------------------

    @property
    def _encrypted(self) -> bool:
        device = self.device
        return bool(device and device.encrypted)

    @property
    def _live_view_refused(self) -> bool:
        """Whether the cloud refused a live address for encryption, and still would.

        Until the device's encryption goes off or ``ENCRYPTED_LIVE_RETRY``
        has passed; the options changing reloads the entry (a new camera).
        """
        return (
            self._refused_at is not None
            and self._encrypted
            and dt_util.utcnow() - self._refused_at < ENCRYPTED_LIVE_RETRY
        )

    @property
    def supported_features(self) -> CameraEntityFeature:
        """Streaming, unless the cloud refuses it (the still image stays)."""
        if self._live_view_refused:
            return CameraEntityFeature(0)
        return CameraEntityFeature.STREAM

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        """Why there is no live view, when the cloud refuses it."""
        return {
            "stream_status": (
                STREAM_ENCRYPTED if self._live_view_refused else STREAM_AVAILABLE
            )
        }

    @callback
    def _handle_coordinator_update(self) -> None:
        """Forget a refusal once the device's video is no longer encrypted."""
        if self._refused_at is not None and not self._encrypted:
            self._async_live_view_granted()
        super()._handle_coordinator_update()

    @callback
    def _async_live_view_granted(self) -> None:
        self._refused_at = None
        async_delete_live_view_issue(
            self.hass, self.coordinator.config_entry.entry_id, self.serial
        )

    @property
    def motion_detection_enabled(self) -> bool:
        """Whether the device is armed (motion detection on)."""
        device = self.device
        return bool(self._motion_supported and device and device.defence)

    # -- stream ----------------------------------------------------------------

    async def async_added_to_hass(self) -> None:
        """Set up the relay that serves the stream (see relay.py)."""
        await super().async_added_to_hass()
        if not self._encrypted:
            # A refusal from before a restart that no longer holds.
            async_delete_live_view_issue(
                self.hass, self.coordinator.config_entry.entry_id, self.serial
            )
        protocol = self._stream_protocol
        self._relay = LiveRelay(
            self.hass,
            self.entity_id,
            self._async_fetch_address,
            LIVE_ADDRESS_VALIDITY,
            flv=protocol is StreamProtocol.FLV,
        )

    async def async_will_remove_from_hass(self) -> None:
        """Stop this camera's stream, then its relay.

        Home Assistant does not stop the stream of a camera that goes away
        (a reload): its worker would keep reading the relay, and the relay
        the cloud. Stopped first, it leaves without an error.
        """
        await super().async_will_remove_from_hass()
        if (stream := self.stream) is not None:
            # Removing the last output stops the stream (and its idle timers).
            for output in list(stream.outputs().values()):
                await stream.remove_provider(output)
            await stream.stop()
        if self._relay is not None:
            await self._relay.async_close()

    @property
    def _stream_protocol(self) -> StreamProtocol:
        return STREAM_PROTOCOL.get(
            self.runtime.options.get(CONF_STREAM_PROTOCOL, DEFAULT_STREAM_PROTOCOL),
            StreamProtocol.FLV,
        )

    async def stream_source(self) -> str | None:
        """Return the local relay's URL (see relay.py), once the cloud gave an address.

        Home Assistant's worker keeps this URL for the stream's whole life;
        behind it the relay renews the cloud's addresses and sessions.
        """
        if self._relay is None or self._live_view_refused:
            return None
        source = await self._relay.async_source()
        if source is None and (resets := self.runtime.allowance.quota_until):
            # Nothing is asked of the cloud until the quota resets: say so.
            raise quota_error(resets)
        return source

    async def _async_fetch_address(self) -> tuple[str, datetime | None] | None:
        """Ask the cloud for a live address (one request); None if refused.

        No verification code is sent: it belongs in ezopen addresses only,
        and HLS, RTMP and FLV are refused for encrypted video whatever it is.
        """
        if self._live_view_refused:
            return None
        try:
            address = await self.runtime.client.get_live_address(
                self.serial,
                self.channel_no,
                protocol=self._stream_protocol,
                quality=STREAM_QUALITY.get(
                    self.runtime.options.get(
                        CONF_STREAM_QUALITY, DEFAULT_STREAM_QUALITY
                    ),
                    StreamQuality.HD,
                ),
                expire_time=LIVE_ADDRESS_VALIDITY,
            )
        except EzvizEncryptionError as err:
            if err.code != LIVE_REFUSED_ENCRYPTED:
                LOGGER.warning("No live address for %s: %s", self.entity_id, err)
                return None
            LOGGER.warning(
                "No live view for %s: its video encryption is on, and the cloud "
                "gives no address for encrypted video (see Repairs)",
                self.entity_id,
            )
            self._refused_at = dt_util.utcnow()
            name = (self.device.name if self.device else None) or self.serial
            async_raise_live_view_issue(
                self.hass, self.coordinator.config_entry, self.serial, name
            )
            self.async_write_ha_state()
            return None
        except EzvizAuthError:
            self.coordinator.config_entry.async_start_reauth(self.hass)
            return None
        except EzvizError as err:
            # The error names code and endpoint, never the token or address.
            LOGGER.warning("No live address for %s: %s", self.entity_id, err)
            return None
        if URL(address.url).scheme not in STREAM_SCHEMES:
            LOGGER.warning(
                "The cloud answered a live address that cannot be played for %s",
                self.entity_id,
            )
            return None
        if self._refused_at is not None:
            self._async_live_view_granted()
            self.async_write_ha_state()
        return address.url, address.expire_time

    # -- still image -----------------------------------------------------------

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return a captured picture, or the channel's cover picture.

        A capture costs one request: at most one per ``CAPTURE_MIN_INTERVAL``.
        """
        async with self._image_lock:
            now = dt_util.utcnow()
            if (
                self._image is not None
                and self._image_time is not None
                and now - self._image_time < CAPTURE_MIN_INTERVAL
            ):
                return self._image
            image: bytes | None = None
            if (url := await self._async_capture_url()) is not None:
                image = await self._async_fetch_picture(url)
            camera = self.camera_listing
            if image is None and camera is not None and camera.pic_url:
                image = await self._async_fetch_picture(camera.pic_url)
            if image is None:
                return self._image
            self._image, self._image_time = image, now
            return image

    @property
    def camera_listing(self) -> ChannelListing | None:
        """The channel's row of the camera list (the device's only row if single)."""
        return self.coordinator.data.camera(self.serial, self.channel_no)

    async def _async_capture_url(self) -> str | None:
        """Ask the device for a picture; None when it cannot take one now."""
        if not self._capture_supported or self.runtime.allowance.active:
            return None
        try:
            picture = await self.runtime.client.capture_picture(
                self.serial, self.channel_no
            )
        except EzvizNotSupportedError as err:
            # E.g. 10026: a paid feature on this account. Not asked again.
            LOGGER.debug(
                "%s cannot capture (%s); using the cover picture", self.entity_id, err
            )
            self._capture_supported = False
            return None
        except EzvizAuthError:
            self.coordinator.config_entry.async_start_reauth(self.hass)
            return None
        except EzvizError as err:
            LOGGER.debug("Capture of %s failed: %s", self.entity_id, err)
            return None
        return picture.url or None

    async def _async_fetch_picture(self, url: str) -> bytes | None:
        """Fetch a picture URL (see ``picture.async_fetch_picture``).

        A picture encrypted with the verification code is decrypted; without
        the right code it is not shown.
        """
        try:
            return await async_fetch_picture(
                self.hass, url, self.entity_id, self.verification_code
            )
        except EzvizError as err:
            LOGGER.debug("Picture of %s not shown: %s", self.entity_id, err)
            return None

    # -- motion detection ------------------------------------------------------

    async def async_enable_motion_detection(self) -> None:
        """Arm the device (motion detection on)."""
        await self._async_set_defence(CameraDefenceMode.ARMED)

    async def async_disable_motion_detection(self) -> None:
        """Disarm the device (motion detection off)."""
        await self._async_set_defence(CameraDefenceMode.DISARMED)

    async def _async_set_defence(self, mode: CameraDefenceMode) -> None:
        if not self._motion_supported:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="not_supported"
            )
        await self._async_write_defence(mode)

    @ezviz_exception_handler
    async def _async_write_defence(self, mode: CameraDefenceMode) -> None:
        await self.runtime.client.set_defence(self.serial, mode)
        # Shown at once; the account's next read confirms it.
        self.coordinator.async_set_device(self.serial, defence=int(mode))

    # -- actions (see services.py) ---------------------------------------------

    @ezviz_exception_handler
    async def async_ptz(self, direction: str, speed: str, duration: float) -> None:
        """Move, zoom or focus for ``duration`` seconds (two requests)."""
        await async_ptz_step(
            self.runtime.client,
            self.serial,
            self.channel_no,
            PTZ_DIRECTIONS[direction],
            speed=PTZ_SPEEDS[speed],
            duration=duration,
        )

    async def async_preset_add(self) -> ServiceResponse:
        """Store the current position; answer the preset's index."""
        index = await self._async_preset_add()
        return {"index": index}

    @ezviz_exception_handler
    async def _async_preset_add(self) -> int:
        try:
            return await self.runtime.client.add_preset(
                self.serial, channel=self.channel_no
            )
        except EzvizParameterError as err:
            if err.code not in PRESET_LIMIT_CODES:
                raise
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="preset_limit"
            ) from err

    @ezviz_exception_handler
    async def async_preset_goto(self, index: int) -> None:
        """Move to a stored preset."""
        try:
            await self.runtime.client.move_to_preset(
                self.serial, index, channel=self.channel_no
            )
        except EzvizNotFoundError as err:
            if err.code != PRESET_MISSING_CODE:
                raise
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="preset_not_found",
                translation_placeholders={"index": str(index)},
            ) from err

    @ezviz_exception_handler
    async def async_preset_clear(self, index: int) -> None:
        """Delete a stored preset."""
        await self.runtime.client.clear_preset(
            self.serial, index, channel=self.channel_no
        )

    @ezviz_exception_handler
    async def async_play_ringtone(
        self, ringtone: str, volume: int | None = None
    ) -> None:
        """Play a ringtone on the device."""
        await self.runtime.client.play_ringtone(
            self.serial, RINGTONES[ringtone], volume=volume
        )

    @ezviz_exception_handler
    async def async_format_storage(self, disk_index: int) -> None:
        """Format a storage medium of the device; its state is read again."""
        await self.runtime.client.format_disk(self.serial, disk_index)
        await self.runtime.detail.async_refresh_device(self.serial, {TOPIC_STATUS})

    @ezviz_exception_handler
    async def async_set_defence_schedule(
        self,
        enabled: bool,
        start_time: time | None = None,
        end_time: time | None = None,
        days: list[str] | None = None,
    ) -> None:
        """Set the arming schedule; an end at or before the start is the next day."""
        await self.runtime.client.set_defence_plan(
            self.serial,
            DefencePlan(
                enabled=enabled,
                start=start_time,
                stop=end_time,
                stop_next_day=(
                    start_time is not None
                    and end_time is not None
                    and end_time <= start_time
                ),
                days=(
                    None
                    if days is None
                    else tuple(sorted({WEEKDAYS[day] for day in days}))
                ),
            ),
            channel=self.channel,
        )
