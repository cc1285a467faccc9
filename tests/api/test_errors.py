"""The error hierarchy and the code table."""

from __future__ import annotations

import pytest

from custom_components.ezviz_open.api.errors import (
    ERROR_CLASSES,
    EzvizApiError,
    EzvizAuthError,
    EzvizConnectionError,
    EzvizDeviceBusyError,
    EzvizDeviceOfflineError,
    EzvizEncryptionError,
    EzvizError,
    EzvizNoChangeError,
    EzvizNotFoundError,
    EzvizNotSupportedError,
    EzvizParameterError,
    EzvizPtzLimitError,
    EzvizRateLimitError,
    EzvizResponseError,
    EzvizServerError,
    EzvizTimeoutError,
    EzvizWebhookError,
    error_for_code,
    error_for_http_status,
)

# Every code of the reference's error table (error-codes.txt) except 200, plus
# the codes that appear only in endpoint tables or field notes (10026, 60058).
REFERENCE_CODES = """
1001 1002 1003 1004 1005 1006 1007 1008 1009 1010 1011 1012 1013 1014 1015 1021
1026 1031 1032 1041 1043 2000 2001 2003 2004 2007 2009 2030 5000 5001 5002 7001
7002 7003 7004 7005 7006 7007 10001 10002 10004 10005 10006 10007 10008 10009
10010 10011 10012 10013 10014 10017 10018 10019 10020 10029 10030 10031 10032
10034 10035 10036 20001 20002 20003 20004 20005 20006 20007 20008 20009 20010
20011 20012 20013 20014 20015 20016 20017 20018 20019 20020 20021 20022 20023
20024 20025 20026 20029 20030 20031 20032 20033 20101 20102 20103 20104 20105
20106 20107 20108 20109 20110 20111 20112 20201 20202 20301 20302 20303 30001
49999 50000 60000 60001 60002 60003 60004 60005 60006 60007 60008 60009 60010
60011 60012 60013 60014 60015 60016 60017 60018 60019 60020 60021 60022 60023
60024 60025 60026 60027 60028 60029 60030 60031 60032 60033 60035 60040 60041
60042 60043 60044 60045 60046 60047 60048 60049 60050 60051 60052 60053 60054
60055 60056 60057 60058 60060 10026
"""


def test_every_reference_code_is_mapped() -> None:
    """Each documented code has a specific class; the table has nothing else."""
    codes = {int(code) for code in REFERENCE_CODES.split()}
    assert set(ERROR_CLASSES) == codes
    for code, cls in ERROR_CLASSES.items():
        assert issubclass(cls, EzvizApiError)
        assert cls is not EzvizApiError, code


@pytest.mark.parametrize(
    ("codes", "cls"),
    [
        ((10002, 10005, 10017, 10030, 1014, 10013, 10014, 10018), EzvizAuthError),
        ((10007, 10029), EzvizRateLimitError),
        ((2003, 20007), EzvizDeviceOfflineError),
        ((2000, 20002, 20018, 20014), EzvizNotFoundError),
        ((2030, 20015, 60000, 60020, 10026), EzvizNotSupportedError),
        ((20008, 2009, 20006, 60009, 60014), EzvizDeviceBusyError),
        ((60002, 60003, 60004, 60005), EzvizPtzLimitError),
        ((60016, 60019, 20010), EzvizEncryptionError),
        ((10001,), EzvizParameterError),
        ((60021, 60022), EzvizNoChangeError),
        ((49999, 50000), EzvizServerError),
    ],
)
def test_contract_families(codes: tuple[int, ...], cls: type[EzvizApiError]) -> None:
    """The families named in the contract."""
    for code in codes:
        error = error_for_code(code, "msg", "/api/x")
        assert type(error) is cls, code
        assert error.code == code
        assert error.message == "msg"
        assert error.endpoint == "/api/x"


def test_unknown_code_is_plain_api_error() -> None:
    """An unknown code is a plain EzvizApiError with a default message."""
    error = error_for_code(99999, "", None)
    assert type(error) is EzvizApiError
    assert error.message == "EZVIZ error 99999"
    assert error.endpoint is None


def test_hierarchy() -> None:
    """The class tree of the contract."""
    assert issubclass(EzvizTimeoutError, EzvizConnectionError)
    for cls in (
        EzvizConnectionError,
        EzvizResponseError,
        EzvizApiError,
        EzvizWebhookError,
    ):
        assert issubclass(cls, EzvizError)
    for cls in (
        EzvizAuthError,
        EzvizRateLimitError,
        EzvizDeviceOfflineError,
        EzvizNotFoundError,
        EzvizNotSupportedError,
        EzvizDeviceBusyError,
        EzvizPtzLimitError,
        EzvizEncryptionError,
        EzvizParameterError,
        EzvizServerError,
    ):
        assert issubclass(cls, EzvizApiError)
    assert issubclass(EzvizNoChangeError, EzvizParameterError)


def test_rate_limit_is_quota() -> None:
    """is_quota tells the call quota from the frequency limit."""
    assert error_for_code(10007, "", None).is_quota  # type: ignore[attr-defined]
    assert not error_for_code(10029, "", None).is_quota  # type: ignore[attr-defined]


def test_str_and_repr() -> None:
    """str carries code, HTTP status and endpoint; repr the fields."""
    error = EzvizDeviceOfflineError(
        "offline", code=20007, endpoint="/api/v3/x", http_status=412
    )
    assert str(error) == "offline (code 20007, HTTP 412, /api/v3/x)"
    assert repr(error) == (
        "EzvizDeviceOfflineError(message='offline', code=20007, endpoint='/api/v3/x')"
    )
    assert str(EzvizError("plain")) == "plain"
    assert EzvizError("plain").code is None


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, EzvizParameterError),
        (401, EzvizAuthError),
        (403, EzvizNotFoundError),
        (404, EzvizNotFoundError),
        (408, EzvizDeviceBusyError),
        (412, EzvizDeviceOfflineError),
        (422, EzvizNotSupportedError),
        (429, EzvizRateLimitError),
        (500, EzvizServerError),
        (504, EzvizServerError),
        (418, EzvizResponseError),
    ],
)
def test_error_for_http_status(status: int, cls: type[EzvizError]) -> None:
    """The HTTP fallback for v3 replies without an envelope."""
    error = error_for_http_status(status, "/api/v3/x")
    assert type(error) is cls
    assert error.http_status == status
    assert error.code is None
    assert error.endpoint == "/api/v3/x"
    assert error_for_http_status(status, None, "custom").message == "custom"


def test_webhook_error_reason() -> None:
    """EzvizWebhookError keeps its reason."""
    error = EzvizWebhookError(EzvizWebhookError.TOO_OLD, "old")
    assert error.reason == "too_old"
    assert error.message == "old"
