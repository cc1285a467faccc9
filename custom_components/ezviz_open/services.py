"""Actions of the EZVIZ Open Platform integration.

Entity actions on the integration's cameras, registered once in
``async_setup``. Invalid input raises ``ServiceValidationError`` before any
request is sent; a refusal by the cloud raises a translated
``HomeAssistantError`` naming the reason (see ``helpers.translate_error``).

Requests per call: ``ptz`` 2 (start, stop); ``preset_add``, ``preset_goto``,
``preset_clear``, ``play_ringtone`` and ``set_defence_schedule`` 1;
``format_storage`` 1 plus one read of the device's status when an entity
shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.core import SupportsResponse, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, service as service_helper
from homeassistant.helpers.entity_platform import DATA_DOMAIN_PLATFORM_ENTITIES
import voluptuous as vol
from voluptuous.humanize import humanize_error

from .camera import PTZ_DIRECTIONS, PTZ_SPEEDS, RINGTONES, WEEKDAYS
from .const import DOMAIN, PTZ_STEP_DURATION

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

SERVICE_PTZ = "ptz"
SERVICE_PRESET_ADD = "preset_add"
SERVICE_PRESET_GOTO = "preset_goto"
SERVICE_PRESET_CLEAR = "preset_clear"
SERVICE_PLAY_RINGTONE = "play_ringtone"
SERVICE_FORMAT_STORAGE = "format_storage"
SERVICE_SET_DEFENCE_SCHEDULE = "set_defence_schedule"

ATTR_DIRECTION = "direction"
ATTR_SPEED = "speed"
ATTR_DURATION = "duration"
ATTR_INDEX = "index"
ATTR_RINGTONE = "ringtone"
ATTR_VOLUME = "volume"
ATTR_DISK_INDEX = "disk_index"
ATTR_ENABLED = "enabled"
ATTR_START_TIME = "start_time"
ATTR_END_TIME = "end_time"
ATTR_DAYS = "days"

PTZ_MAX_DURATION = 10.0  # seconds
PTZ_MIN_DURATION = 0.1
#: The cloud numbers presets from 1; cameras store up to a few dozen.
PRESET_MAX_INDEX = 256
DISK_MAX_INDEX = 63

_PRESET_INDEX = vol.All(vol.Coerce(int), vol.Range(min=1, max=PRESET_MAX_INDEX))


class _ServiceSchema(vol.Schema):
    """An entity action schema whose invalid input is a translated error."""

    def __call__(self, data: Any, **kwargs: Any) -> Any:
        # Home Assistant 2026.3 and later validate with probatio, whose schemas
        # take a keyword-only ``context``; voluptuous (earlier releases) is untyped.
        try:
            return super().__call__(data, **kwargs)  # type: ignore[no-untyped-call,unused-ignore]
        except vol.Invalid as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_action_data",
                translation_placeholders={"error": humanize_error(data, err)},
            ) from err


def _schema(fields: dict[Any, Any]) -> _ServiceSchema:
    return _ServiceSchema(cv.make_entity_service_schema(fields))


SERVICES: dict[str, tuple[_ServiceSchema, str, SupportsResponse]] = {
    SERVICE_PTZ: (
        _schema(
            {
                vol.Required(ATTR_DIRECTION): vol.In(PTZ_DIRECTIONS),
                vol.Optional(ATTR_SPEED, default="medium"): vol.In(PTZ_SPEEDS),
                vol.Optional(ATTR_DURATION, default=PTZ_STEP_DURATION): vol.All(
                    vol.Coerce(float),
                    vol.Range(min=PTZ_MIN_DURATION, max=PTZ_MAX_DURATION),
                ),
            }
        ),
        "async_ptz",
        SupportsResponse.NONE,
    ),
    SERVICE_PRESET_ADD: (
        _schema({}),
        "async_preset_add",
        SupportsResponse.OPTIONAL,
    ),
    SERVICE_PRESET_GOTO: (
        _schema({vol.Required(ATTR_INDEX): _PRESET_INDEX}),
        "async_preset_goto",
        SupportsResponse.NONE,
    ),
    SERVICE_PRESET_CLEAR: (
        _schema({vol.Required(ATTR_INDEX): _PRESET_INDEX}),
        "async_preset_clear",
        SupportsResponse.NONE,
    ),
    SERVICE_PLAY_RINGTONE: (
        _schema(
            {
                vol.Required(ATTR_RINGTONE): vol.In(RINGTONES),
                vol.Optional(ATTR_VOLUME): vol.All(
                    vol.Coerce(int), vol.Range(min=1, max=100)
                ),
            }
        ),
        "async_play_ringtone",
        SupportsResponse.NONE,
    ),
    SERVICE_FORMAT_STORAGE: (
        _schema(
            {
                vol.Optional(ATTR_DISK_INDEX, default=0): vol.All(
                    vol.Coerce(int), vol.Range(min=0, max=DISK_MAX_INDEX)
                ),
            }
        ),
        "async_format_storage",
        SupportsResponse.NONE,
    ),
    SERVICE_SET_DEFENCE_SCHEDULE: (
        _schema(
            {
                vol.Required(ATTR_ENABLED): cv.boolean,
                vol.Inclusive(ATTR_START_TIME, "period"): cv.time,
                vol.Inclusive(ATTR_END_TIME, "period"): cv.time,
                vol.Optional(ATTR_DAYS): vol.All(
                    cv.ensure_list, [vol.In(WEEKDAYS)], vol.Length(min=1)
                ),
            }
        ),
        "async_set_defence_schedule",
        SupportsResponse.NONE,
    ),
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions on its camera entities."""
    for name, (schema, method, supports_response) in SERVICES.items():
        _async_register_camera_service(hass, name, schema, method, supports_response)


@callback
def _async_register_camera_service(
    hass: HomeAssistant,
    name: str,
    schema: _ServiceSchema,
    method: str,
    supports_response: SupportsResponse,
) -> None:
    """Register an entity action for this integration's cameras.

    Home Assistant 2025.5 added ``async_register_platform_entity_service``;
    on older releases the same registration is made with the platform's
    entity map, which is what that helper does. Each branch runs on its own
    Home Assistant release only (CI tests both), so neither is counted in
    one run's per-module coverage; the actions' tests cover both.
    """
    if hasattr(
        service_helper, "async_register_platform_entity_service"
    ):  # pragma: no cover - Home Assistant 2025.5 and later
        service_helper.async_register_platform_entity_service(
            hass,
            DOMAIN,
            name,
            entity_domain=Platform.CAMERA,
            func=method,
            schema=schema,
            supports_response=supports_response,
        )
    else:  # pragma: no cover - Home Assistant 2025.4
        entities = hass.data.setdefault(DATA_DOMAIN_PLATFORM_ENTITIES, {}).setdefault(
            (Platform.CAMERA, DOMAIN), {}
        )
        service_helper.async_register_entity_service(
            hass,
            DOMAIN,
            name,
            entities=entities,
            func=method,
            job_type=None,
            schema=schema,
            supports_response=supports_response,
        )
