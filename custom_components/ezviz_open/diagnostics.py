"""Diagnostics of the EZVIZ Open Platform integration.

Secrets are redacted: the app key and secret, the token, verification codes,
the push secret and webhook id, device passwords and every URL (live,
picture and cover addresses carry tokens or signatures).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_URL

from .const import (
    CONF_APP_KEY,
    CONF_APP_SECRET,
    CONF_PUSH_SECRET,
    CONF_TOKEN,
    CONF_VERIFICATION_CODES,
    CONF_WEBHOOK_ID,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .data import EzvizOpenConfigEntry

TO_REDACT = {
    CONF_APP_KEY,
    CONF_APP_SECRET,
    CONF_TOKEN,
    CONF_URL,
    CONF_VERIFICATION_CODES,
    CONF_PUSH_SECRET,
    CONF_WEBHOOK_ID,
    "access_token",
    "accessToken",
    "appKey",
    "appSecret",
    "code",
    "validateCode",
    "password",
    "url",
    "picUrl",
    "pic_url",
    "coverUrl",
    "netAddress",
    "net_address",
    "raw",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: EzvizOpenConfigEntry
) -> dict[str, Any]:
    """Return the entry, what the cadences hold, and the request budget state."""
    data = entry.runtime_data
    account = data.account.data
    return {
        "entry": {
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": async_redact_data(dict(entry.options), TO_REDACT),
        },
        "rate_limited": data.allowance.active,
        "budget": data.governor.as_dict(),
        "usage": {
            **data.usage.as_dict(),
            "quota_until": (
                None
                if data.allowance.quota_until is None
                else data.allowance.quota_until.isoformat()
            ),
        },
        "account": {
            "devices": [
                async_redact_data(device.raw, TO_REDACT)
                for device in (account.devices.values() if account else [])
            ],
            "cameras": [
                async_redact_data(camera.raw, TO_REDACT)
                for channels in (account.cameras.values() if account else [])
                for camera in channels
            ],
        },
        "capabilities": data.capabilities.as_dict(),
        "probes": data.capabilities.probes_as_dict(),
        "detail": {
            serial: {
                topic.key: async_redact_data(_as_dict(value), TO_REDACT)
                for topic, value in topics.items()
            }
            for serial, topics in (data.detail.data or {}).items()
        },
        "detail_needs": sorted(
            f"{serial} {topic.key}" for serial, topic in data.detail.needed()
        ),
    }


def _as_dict(value: Any) -> Any:
    """Return a result dataclass as a dict of what was received."""
    raw = getattr(value, "raw", None)
    if isinstance(raw, dict) and raw:
        return raw
    try:
        return asdict(value)
    except TypeError:
        return value
