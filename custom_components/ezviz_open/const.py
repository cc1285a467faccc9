"""Constants of the EZVIZ Open Platform integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import CONF_URL

if TYPE_CHECKING:
    from collections.abc import Mapping

DOMAIN: Final = "ezviz_open"
LOGGER = logging.getLogger(__package__)

# Entry data
CONF_APP_KEY: Final = "app_key"
CONF_APP_SECRET: Final = "app_secret"  # noqa: S105
CONF_REGION: Final = "region"
CONF_TOKEN: Final = "token"  # noqa: S105
# The custom URL itself uses homeassistant.const.CONF_URL ("url").

REGION_GLOBAL: Final = "global"
REGION_CHINA: Final = "china"
REGION_CUSTOM: Final = "custom"
REGIONS: Final = (REGION_GLOBAL, REGION_CHINA, REGION_CUSTOM)
REGION_URLS: Final = {
    REGION_GLOBAL: "https://open.ezvizlife.com",
    REGION_CHINA: "https://open.ys7.com",
}

# Options
CONF_ACCOUNT_INTERVAL: Final = "account_interval"
CONF_DETAIL_INTERVAL: Final = "detail_interval"
CONF_STREAM_PROTOCOL: Final = "stream_protocol"
CONF_STREAM_QUALITY: Final = "stream_quality"
CONF_VERIFICATION_CODES: Final = "verification_codes"

PROTOCOL_HLS: Final = "hls"
PROTOCOL_RTMP: Final = "rtmp"
PROTOCOL_FLV: Final = "flv"
STREAM_PROTOCOLS: Final = (PROTOCOL_HLS, PROTOCOL_RTMP, PROTOCOL_FLV)
QUALITY_HD: Final = "hd"
QUALITY_SMOOTH: Final = "smooth"
STREAM_QUALITIES: Final = (QUALITY_HD, QUALITY_SMOOTH)

# Cadences, their option ranges and floors: metering/planner.py, CADENCES.
#: FLV: one address request an hour of viewing, not one per session (README).
DEFAULT_STREAM_PROTOCOL: Final = PROTOCOL_FLV
DEFAULT_STREAM_QUALITY: Final = QUALITY_HD

#: Requests in flight at once per entry. A detail refresh reads one endpoint
#: per device and topic; 8 at a time make a 50-device refresh at 100 ms per
#: request take about 0.13 of the time one at a time would (4 could not get
#: below 0.25). The number of requests is the same either way.
MAX_CONCURRENT_REQUESTS: Final = 8

#: While the cloud refuses calls for rate or quota (10029 / 10007), each
#: cadence waits at least this long, doubling up to the maximum.
RATE_LIMIT_BACKOFF_MIN: Final = timedelta(minutes=5)
RATE_LIMIT_BACKOFF_MAX: Final = timedelta(hours=1)

ISSUE_RATE_LIMITED: Final = "rate_limited"

#: While the call quota is used up (10007), nothing is asked of the cloud
#: until the budget period ends (the reference names no reset time: the
#: period's end is the assumption, see metering/usage.py), but for one device-list
#: page this often, to notice a reset earlier.
QUOTA_CHECK_INTERVAL: Final = timedelta(hours=1)
#: The issue raised while polling is held back for the budget (metering/usage.py).
ISSUE_BUDGET_SPENT: Final = "budget_spent"

# Camera, PTZ and actions
#: How long a PTZ button moves the camera (between ptz/start and ptz/stop).
PTZ_STEP_DURATION: Final = 0.5  # seconds
#: The validity asked for a live address (the cloud may grant less; its
#: expireTime decides when the relay asks again, see live/relay.py).
LIVE_ADDRESS_VALIDITY: Final = timedelta(hours=1)
#: A still image is captured at most this often per camera (each capture is
#: one request); in between the last picture is shown again.
CAPTURE_MIN_INTERVAL: Final = timedelta(seconds=60)
#: Fetching a picture URL (capture or cover): time limit, size cap, redirects.
PICTURE_TIMEOUT: Final = 10  # seconds
PICTURE_MAX_BYTES: Final = 5 * 1024 * 1024
PICTURE_MAX_REDIRECTS: Final = 3

ISSUE_VERIFICATION_CODE: Final = "verification_code_missing"
#: The cloud refused a camera's live address because its video is encrypted.
ISSUE_LIVE_VIEW_ENCRYPTED: Final = "live_view_encrypted"
#: 60019, "encryption is enabled": the cloud gives no HLS/RTMP/FLV address,
#: live or playback, while a device's video is encrypted.
LIVE_REFUSED_ENCRYPTED: Final = 60019
#: Serials whose owner chose, in that issue's fix, to keep encryption on.
CONF_KEEP_ENCRYPTION: Final = "keep_encryption"
#: After such a refusal, a live address is asked again at most this often
#: (and at once when the device's encryption or the options change).
ENCRYPTED_LIVE_RETRY: Final = timedelta(hours=1)
ISSUE_DETECTOR_NAME_REJECTED: Final = "detector_name_rejected"
ISSUE_DETECTOR_RENAME_FAILED: Final = "detector_rename_failed"

# Alarms (see coordinator/alarms.py for what the cadence costs)
CONF_ALARM_INTERVAL: Final = "alarm_interval"
CONF_ALARM_HOLD: Final = "alarm_hold"
#: How long a motion or doorbell sensor stays on after its alarm.
DEFAULT_ALARM_HOLD: Final = 30  # seconds
MIN_ALARM_HOLD: Final = 5
MAX_ALARM_HOLD: Final = 3600

# Request budget (see metering/planner.py). The reference names no quota figure and no
# reset time: 10,000 calls a day is an assumption the README states.
CONF_REQUEST_BUDGET: Final = "request_budget"
CONF_BUDGET_PERIOD: Final = "budget_period"
CONF_BUDGET_RESERVE: Final = "budget_reserve"
ISSUE_BUDGET_FLOORS: Final = "budget_floors"
PERIOD_DAY: Final = "day"
PERIOD_MONTH: Final = "month"
BUDGET_PERIODS: Final = (PERIOD_DAY, PERIOD_MONTH)
DEFAULT_REQUEST_BUDGET: Final = 10_000
DEFAULT_BUDGET_PERIOD: Final = PERIOD_DAY
#: The share of the budget kept for what the user does (commands, live
#: views, captures, recordings), in percent.
DEFAULT_BUDGET_RESERVE: Final = 20

# Push (see push.py)
CONF_PUSH: Final = "push"
CONF_PUSH_SECRET: Final = "push_secret"  # noqa: S105
CONF_WEBHOOK_ID: Final = "webhook_id"


def base_url_for(data: Mapping[str, Any]) -> str:
    """Return the host that mints tokens for an entry's (or a form's) data."""
    region = data.get(CONF_REGION, REGION_GLOBAL)
    if region == REGION_CUSTOM:
        return str(data[CONF_URL])
    return REGION_URLS[region]
