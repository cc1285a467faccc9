"""The picture of the last alarm, one per camera (video channel).

Fetched on demand (when shown), with the same rules as still images, and
kept for the alarm it belongs to: no request until it is looked at.

Alarm pictures of devices with video encryption are encrypted with the
device's verification code (see ``api/pictures.py``): they are decrypted
with the code of the options. Without it nothing is fetched, and the
entity's ``picture_status`` attribute says why (``encrypted``); with a code
that does not fit, it says ``wrong_code``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.image import ImageEntity, ImageEntityDescription
from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from .alarm_entity import EzvizAlarmEntity
from .api.errors import EzvizEncryptionError, EzvizError
from .const import LOGGER
from .entity import async_setup_device_entities, video_channels
from .picture import async_fetch_picture

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api.system import DeviceCapabilities
    from .coordinator.alarm_events import AlarmEvent
    from .data import EzvizOpenConfigEntry, EzvizOpenData
    from .entity import EzvizEntity

PARALLEL_UPDATES = 1

ALARM_PICTURE = ImageEntityDescription(
    key="alarm_picture", translation_key="alarm_picture"
)

#: ``picture_status`` values.
STATUS_AVAILABLE = "available"
STATUS_NONE = "no_picture"
STATUS_ENCRYPTED = "encrypted"
STATUS_WRONG_CODE = "wrong_code"
STATUS_FAILED = "fetch_failed"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EzvizOpenConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the alarm picture of each camera."""

    def _entities(
        data: EzvizOpenData, serial: str, caps: DeviceCapabilities
    ) -> list[EzvizEntity]:
        return [
            EzvizAlarmPicture(hass, data, serial, channel)
            for channel, _ in video_channels(data.account.data, serial)
        ]

    async_setup_device_entities(entry, async_add_entities, _entities)


class EzvizAlarmPicture(EzvizAlarmEntity, ImageEntity):
    """The picture of the last alarm of a camera."""

    entity_description = ALARM_PICTURE
    _attr_content_type = "image/jpeg"

    def __init__(
        self,
        hass: HomeAssistant,
        data: EzvizOpenData,
        serial: str,
        channel: int | None,
    ) -> None:
        """Set up the image entity."""
        EzvizAlarmEntity.__init__(self, data, serial, ALARM_PICTURE.key, channel)
        ImageEntity.__init__(self, hass)
        self._image: bytes | None = None
        self._image_alarm: str | None = None
        self._failed_alarm: str | None = None
        self._failed_status = STATUS_FAILED
        self._sync_last_updated()

    def _sync_last_updated(self) -> None:
        alarm = self.last_alarm
        self._attr_image_last_updated = (
            alarm.time if alarm is not None and alarm.time else None
        )

    @property
    def picture_status(self) -> str:
        """Why the picture is (not) shown."""
        alarm = self.last_alarm
        if alarm is None or alarm.picture_url is None:
            return STATUS_NONE
        if self._failed_alarm is not None and self._failed_alarm == _alarm_key(alarm):
            return self._failed_status
        if alarm.encrypted and self.verification_code is None:
            return STATUS_ENCRYPTED
        return STATUS_AVAILABLE

    @property
    def entity_picture(self) -> str | None:
        """The picture's link, only while there is one to show.

        Without it (no alarm with a picture yet, or one that cannot be
        decrypted) a dashboard shows the entity's icon, not a broken image.
        """
        if self.picture_status in (STATUS_AVAILABLE, STATUS_FAILED):
            return super().entity_picture
        return None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The alarm the picture belongs to, and whether it can be shown."""
        alarm = self.last_alarm
        return {
            "alarm_id": alarm.alarm_id if alarm else None,
            "event_type": alarm.event_type if alarm else None,
            "picture_status": self.picture_status,
        }

    async def async_image(self) -> bytes | None:
        """Fetch the last alarm's picture once; None when it cannot be shown."""
        alarm = self.last_alarm
        if (
            alarm is None
            or alarm.picture_url is None
            or self.picture_status not in (STATUS_AVAILABLE, STATUS_FAILED)
        ):
            # No picture, or one that cannot be decrypted: the code only
            # changes with the options, which reload the entry.
            return None
        key = _alarm_key(alarm)
        if self._image is not None and self._image_alarm == key:
            return self._image
        code = self.verification_code
        image: bytes | None = None
        failure = STATUS_FAILED
        try:
            image = await async_fetch_picture(
                self.hass, alarm.picture_url, self.entity_id, code
            )
        except EzvizEncryptionError:
            failure = STATUS_WRONG_CODE if code else STATUS_ENCRYPTED
        except EzvizError as err:
            LOGGER.debug("Picture of %s not shown: %s", self.entity_id, err)
        if image is None:
            if (self._failed_alarm, self._failed_status) != (key, failure):
                self._failed_alarm, self._failed_status = key, failure
                self.async_write_ha_state()
            return None
        self._image, self._image_alarm, self._failed_alarm = image, key, None
        return image

    @callback
    def _handle_alarm(self, event: AlarmEvent) -> None:
        self._image = None
        self._attr_image_last_updated = event.time or dt_util.utcnow()
        self.async_write_ha_state()


def _alarm_key(alarm: AlarmEvent) -> str:
    """Return what identifies an alarm's picture: its id, else its fingerprint."""
    return alarm.alarm_id or repr(alarm.fingerprint)
