"""Errors raised by simulator handlers and turned into API envelopes."""

from __future__ import annotations

# HTTP status used for a body code on the v3 family, from the v3 error tables.
_V3_HTTP_STATUS: dict[int, int] = {
    10001: 400,
    10002: 401,
    10005: 401,
    10007: 429,
    10029: 429,
    10031: 403,
    10036: 403,
    20002: 404,
    20006: 408,
    20007: 412,
    20008: 408,
    20010: 403,
    20011: 422,
    20014: 400,
    20015: 422,
    20016: 422,
    20018: 403,
    20032: 404,
    30001: 401,
    49999: 400,
    50000: 500,
    60012: 400,
    60020: 422,
    60058: 412,
}

_MESSAGES: dict[int, str] = {
    10001: "Parameters error. Parameter is empty or the format is incorrect.",
    10002: "accessToken exception or expired.",
    10005: "appKey exception.",
    10007: "No more calling attempts are allowed.",
    10013: "The APP has no permission to call this interface.",
    10017: "appKey does not exist.",
    10019: "Password error.",
    10020: "The requesting method is required.",
    10026: "The feature requires a paid service.",
    10029: "The call frequency exceeds the upper-limit.",
    10030: "appKey and appSecret mismatch.",
    10031: "The sub-account or the EZVIZ user has no permission.",
    10032: "Sub-account not exist.",
    10034: "Sub-account name already exist.",
    2003: "Device offline.",
    20002: "The device does not exist.",
    20007: "The device is offline.",
    20010: "The device verification code error.",
    20013: "The device has been added by other users.",
    20014: "Illegal deviceSerial.",
    20015: "The device does not support the function.",
    20016: "The current device is formatting.",
    20017: "The device has been added by yourself.",
    20018: "The user does not have this device.",
    20032: "The channel does not exist.",
    49999: "Data exception.",
    50000: "The server exception.",
    60000: "The device does not support PTZ control.",
    60002: "The device PTZ has reached the top limit.",
    60003: "The device PTZ has reached the bottom limit.",
    60004: "The device PTZ has reached the left limit.",
    60005: "The device PTZ has reached the right limit.",
    60007: "No more preset can be added.",
    60011: "The preset does not exist.",
    60013: "The version is the latest one.",
    60014: "The device is upgrading.",
    60016: "The encryption is disabled.",
    60019: "The encryption is enabled.",
    60020: "The command is not supported.",
    60031: "Card password information does not exist.",
    60032: "Incorrect card password status or the password is expired.",
    60041: "The added device is linked to other device.",
    60043: "No more devices can be added.",
    60057: "The deleted device has no linkage.",
}


def message_for(code: int) -> str:
    """Return a plausible English message for an error code."""
    return _MESSAGES.get(code, f"Error {code}.")


def v3_http_status(code: int) -> int:
    """Return the HTTP status the v3 family sends together with ``code``."""
    if code == 200:
        return 200
    return _V3_HTTP_STATUS.get(code, 400)


class ApiError(Exception):
    """An error answer: ``code`` goes in the envelope.

    ``http_status`` overrides the v3 HTTP status (the lapp family always
    answers HTTP 200).
    """

    def __init__(
        self, code: int, message: str | None = None, *, http_status: int | None = None
    ) -> None:
        """Create the error with its code, message and optional v3 HTTP status."""
        self.code = code
        self.message = message or message_for(code)
        self.http_status = http_status
        super().__init__(f"{code}: {self.message}")
