"""Exceptions of the EZVIZ Open Platform client and the code table behind them.

The cloud reports failures as numeric codes (a string ``code`` in lapp replies,
an integer ``meta.code`` in v3 replies). ``error_for_code`` turns a code into
an exception whose class says what a caller can do about it: re-authenticate,
back off, mark a device unavailable, or tell the user the device cannot do it.
Messages are kept for humans only; decisions are made on the class and code.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final


class EzvizError(Exception):
    """Base of every error the client raises."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        endpoint: str | None = None,
        http_status: int | None = None,
    ) -> None:
        """Keep the code, message and endpoint for callers and logs."""
        super().__init__(message)
        self.message = message
        self.code = code
        self.endpoint = endpoint
        self.http_status = http_status

    def __str__(self) -> str:
        """Message with code, HTTP status and endpoint."""
        parts = [self.message]
        if self.code is not None:
            parts.append(f"code {self.code}")
        if self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        if self.endpoint:
            parts.append(self.endpoint)
        return parts[0] if len(parts) == 1 else f"{parts[0]} ({', '.join(parts[1:])})"

    def __repr__(self) -> str:
        """Class, message, code and endpoint."""
        return (
            f"{type(self).__name__}(message={self.message!r}, code={self.code!r}, "
            f"endpoint={self.endpoint!r})"
        )


class EzvizConnectionError(EzvizError):
    """The cloud could not be reached (DNS, refused, reset, TLS)."""


class EzvizTimeoutError(EzvizConnectionError):
    """A request did not finish within the per-request timeout."""


class EzvizResponseError(EzvizError):
    """The reply was not what the API documents (not JSON, HTML, truncated, wrong shape)."""


class EzvizApiError(EzvizError):
    """The cloud answered with an error code."""


class EzvizAuthError(EzvizApiError):
    """Wrong app key or secret, app frozen, or a token that stays unusable."""


class EzvizRateLimitError(EzvizApiError):
    """Call quota (10007) or call frequency (10029) exceeded: back off."""

    @property
    def is_quota(self) -> bool:
        """Whether the (daily) call quota is used up, rather than the frequency."""
        return self.code == 10007


class EzvizDeviceOfflineError(EzvizApiError):
    """The device is offline."""


class EzvizNotFoundError(EzvizApiError):
    """The device, channel, or item does not exist or is not the account's."""


class EzvizNotSupportedError(EzvizApiError):
    """The device or account does not support the function."""


class EzvizDeviceBusyError(EzvizApiError):
    """The device timed out, failed transiently, or is busy with something else."""


class EzvizPtzLimitError(EzvizApiError):
    """The PTZ head is at a limit in the requested direction."""


class EzvizEncryptionError(EzvizApiError):
    """Video encryption is in the way, or the verification code is wrong."""


class EzvizParameterError(EzvizApiError):
    """The request was rejected as invalid."""


class EzvizNoChangeError(EzvizParameterError):
    """The device already is in the requested state (60010, 60013, 60021, 60022).

    An addition to the contract: it subclasses ``EzvizParameterError`` so code
    written against the contract still catches it, while a caller that wants to
    treat "already so" as success can catch it first.
    """


class EzvizServerError(EzvizApiError):
    """The cloud failed on its side (49999, 50000, HTTP 5xx)."""


class EzvizTokenRejectedError(EzvizServerError):
    """A token just minted with the app's credentials was rejected (10002) too.

    The credentials work (the cloud accepted them a moment ago), so this is
    not a reason to ask the user for a new secret: retry later.
    """


class EzvizWebhookError(EzvizError):
    """A push (webhook) message was rejected; ``reason`` says why."""

    MISSING_SIGNATURE: Final = "missing_signature"
    BAD_SIGNATURE: Final = "bad_signature"
    TOO_OLD: Final = "too_old"
    MALFORMED: Final = "malformed"

    def __init__(self, reason: str, message: str) -> None:
        """Keep the reason (one of the class constants)."""
        super().__init__(message)
        self.reason = reason


_E = type[EzvizApiError]


def _codes(cls: _E, *codes: int) -> dict[int, _E]:
    return dict.fromkeys(codes, cls)


# Every code of error-codes.txt and of the endpoint tables of the reference.
# A code the table does not know becomes a plain EzvizApiError.
ERROR_CLASSES: Final = MappingProxyType(
    {
        **_codes(
            EzvizAuthError,
            1014,  # incorrect password or appKey
            1015,  # user locked
            10002,  # accessToken invalid or expired (after one renewal)
            10005,  # appKey frozen
            10006,  # IP limited
            10008,  # signature error
            10009,  # signature parameters error
            10010,  # signature timeout
            10013,  # app has no permission for the interface
            10014,  # appKey's third-party user not bound
            10017,  # appKey does not exist
            10018,  # token does not match appKey
            10030,  # appKey and appSecret mismatch
            10036,  # sub-account frozen
            20005,  # SDK security authentication needed
        ),
        **_codes(
            EzvizRateLimitError,
            1005,  # no more password attempts
            1041,  # no more verification code requests
            1043,  # no more verification code attempts
            10007,  # call quota used up
            10029,  # call frequency limit
            60030,  # no more card password attempts for 24 h
        ),
        **_codes(
            EzvizDeviceOfflineError,
            2003,
            20007,
            20023,  # offline and not added by the user
            20024,  # offline and added by the user
            20029,  # offline and added by yourself
        ),
        **_codes(
            EzvizNotFoundError,
            1007,  # unregistered phone number
            1013,  # user does not exist
            1031,  # unregistered email
            2000,  # device does not exist
            2001,  # camera does not exist
            2007,  # incorrect device serial
            7001,  # invitation does not exist
            10004,  # user does not exist
            10031,  # (sub-)account has no permission for this device
            10032,  # sub-account does not exist
            20001,  # channel does not exist
            20002,  # device does not exist
            20014,  # incorrect device serial
            20018,  # the user does not own the device
            20021,  # online and not added by the user
            20026,  # video not in the gallery
            20030,  # user does not have the video
            20032,  # channel does not exist for this user
            20102,  # no invitation
            20104,  # friend does not exist
            20106,  # group does not exist
            20109,  # sharing does not exist
            20301,  # alarm message (UUID) does not exist
            20302,  # picture (UUID) does not exist
            20303,  # picture (FID) does not exist
            30001,  # user does not exist
            60011,  # preset does not exist
            60031,  # card password does not exist
        ),
        **_codes(
            EzvizNotSupportedError,
            2030,  # device does not support the cloud
            10011,  # cloud P2P not allowed
            10026,  # paid feature (capture on free international accounts)
            20009,  # device cannot be added to a sub-account
            20015,  # function not supported
            20019,  # cloud storage not supported
            60000,  # PTZ not supported
            60001,  # no PTZ permission
            60020,  # command not supported
            60047,  # stream type not supported
            60050,  # added device needs an upgrade
            60051,  # added device not supported
            60053,  # resolution not supported
            60060,  # device not bound for live
        ),
        **_codes(
            EzvizDeviceBusyError,
            2004,  # device exception
            2009,  # device request timeout
            20006,  # network exception
            20008,  # device response timeout
            20016,  # formatting
            60006,  # PTZ control failed
            60009,  # preset being called
            60012,  # unknown (device) error
            60014,  # upgrading
            60015,  # rebooting
            60017,  # capture failed
            60018,  # upgrade failed
            60025,  # people counting setting failed
            60026,  # privacy mask on
            60027,  # mirroring
            60028,  # PTZ being controlled
            60029,  # two-way audio in progress
            60044,  # added device network timeout
            60048,  # bandwidth exceeded
            60055,  # stream of added device failed
        ),
        **_codes(EzvizPtzLimitError, 60002, 60003, 60004, 60005),
        **_codes(
            EzvizEncryptionError,
            5002,  # incorrect device verification code
            10019,  # password error
            20010,  # device verification code error
            20031,  # terminal binding: device code check failed
            60016,  # encryption is disabled
            60019,  # encryption is enabled
            60042,  # incorrect password of the added device
            60058,  # high-risk device, authentication demanded
        ),
        **_codes(
            EzvizNoChangeError,
            60010,  # preset is the current position
            60013,  # firmware is the latest
            60021,  # already armed/disarmed so
            60022,  # already in that (open/closed) state
        ),
        **_codes(
            EzvizParameterError,
            1001,  # invalid user name
            1002,  # user name occupied
            1003,  # invalid password
            1004,  # duplicated password
            1006,  # phone number registered
            1008,  # invalid phone number
            1009,  # user name and phone mismatch
            1010,  # getting verification code failed
            1011,  # incorrect verification code
            1012,  # invalid verification code
            1021,  # verification parameters exception
            1026,  # email registered
            1032,  # invalid email
            5000,  # device added by yourself
            5001,  # device added by others
            7002,  # invitation verification failed
            7003,  # invited user mismatch
            7004,  # cancelling invitation failed
            7005,  # deleting invitation failed
            7006,  # cannot invite yourself
            7007,  # duplicated invitation
            10001,  # parameter error
            10012,  # third-party account already bound
            10020,  # request method required
            10034,  # sub-account name exists
            20003,  # parameters exception (upgrade SDK)
            20004,  # parameters exception (upgrade SDK)
            20013,  # device added by other users
            20017,  # device added by yourself
            20020,  # online and added by yourself
            20022,  # online and added by other users
            20025,  # duplicated sharing
            20033,  # cannot favourite own shared video
            20101,  # share to yourself
            20103,  # friend exists
            20105,  # friend status error
            20107,  # cannot befriend yourself
            20108,  # not a friend
            20110,  # friend group not the user's
            20111,  # friend not awaiting verification
            20112,  # adding friend failed
            60007,  # no more presets
            60008,  # preset limit (C6)
            60032,  # card password state wrong or expired
            60033,  # card password not for sale
            60040,  # added device not in the same LAN
            60041,  # added device not in the same LAN
            60043,  # no more devices can be added
            60045,  # IP conflict with another channel
            60046,  # IP conflict with the parent device
            60049,  # invalid IP or port
            60052,  # incorrect channel number
            60054,  # account of the added device locked
            60057,  # no linkage between IPC and NVR
        ),
        **_codes(
            EzvizServerError,
            10035,  # getting the sub-account token failed
            20011,  # adding device failed
            20012,  # adding device failed
            20201,  # handling the alarm failed
            20202,  # handling the message failed
            49999,  # data exception
            50000,  # server exception
            60023,  # subscription failed
            60024,  # cancelling subscription failed
            60035,  # buying cloud storage failed
            60056,  # deleting device failed
        ),
    }
)

# Used only for v3 replies whose body is not the envelope.
HTTP_STATUS_CLASSES: Final = MappingProxyType(
    {
        400: EzvizParameterError,
        401: EzvizAuthError,
        403: EzvizNotFoundError,
        404: EzvizNotFoundError,
        408: EzvizDeviceBusyError,
        412: EzvizDeviceOfflineError,
        422: EzvizNotSupportedError,
        429: EzvizRateLimitError,
    }
)


def error_for_code(code: int, message: str, endpoint: str | None) -> EzvizApiError:
    """Return the exception for a cloud error code (plain EzvizApiError if unknown)."""
    cls = ERROR_CLASSES.get(code, EzvizApiError)
    return cls(message or f"EZVIZ error {code}", code=code, endpoint=endpoint)


def error_for_http_status(
    status: int, endpoint: str | None, message: str | None = None
) -> EzvizError:
    """Return the exception for an HTTP error status whose body was not the envelope."""
    text = message or f"HTTP {status} without an EZVIZ reply"
    if status >= 500:
        return EzvizServerError(text, endpoint=endpoint, http_status=status)
    cls = HTTP_STATUS_CLASSES.get(status)
    if cls is None:
        return EzvizResponseError(text, endpoint=endpoint, http_status=status)
    return cls(text, endpoint=endpoint, http_status=status)


__all__ = [
    "ERROR_CLASSES",
    "HTTP_STATUS_CLASSES",
    "EzvizApiError",
    "EzvizAuthError",
    "EzvizConnectionError",
    "EzvizDeviceBusyError",
    "EzvizDeviceOfflineError",
    "EzvizEncryptionError",
    "EzvizError",
    "EzvizNoChangeError",
    "EzvizNotFoundError",
    "EzvizNotSupportedError",
    "EzvizParameterError",
    "EzvizPtzLimitError",
    "EzvizRateLimitError",
    "EzvizResponseError",
    "EzvizServerError",
    "EzvizTimeoutError",
    "EzvizTokenRejectedError",
    "EzvizWebhookError",
    "error_for_code",
    "error_for_http_status",
]
