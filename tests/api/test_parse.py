"""The lenient value readers: what the cloud sends, and what the models get."""

import math

import pytest

from custom_components.ezviz_open.api._parse import (
    as_bool,
    as_dict,
    as_dict_list,
    as_float,
    as_int,
    as_list,
    as_str,
    is_supported,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (7, 7),
        (True, 1),
        (3.9, 3),
        (math.nan, None),
        (math.inf, None),
        ("12", 12),
        (" 64% ", 64),
        ("0%", 0),
        ("2.0", 2),
        ("", None),
        ("abc", None),
        ([1], None),
    ],
)
def test_as_int(value: object, expected: int | None) -> None:
    result = as_int(value)
    assert result == expected
    assert result is None or type(result) is int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("x", "x"),
        (True, "1"),
        (False, "0"),
        (5, "5"),
        (1.5, "1.5"),
        ({"a": 1}, None),
    ],
)
def test_as_str(value: object, expected: str | None) -> None:
    assert as_str(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, 1.0),
        (2, 2.0),
        ("2.5", 2.5),
        ("50%", 50.0),
        ("nope", None),
        ([], None),
    ],
)
def test_as_float(value: object, expected: float | None) -> None:
    # A bool is not a measurement: it reads as None.
    assert as_float(value) == (None if isinstance(value, bool) else expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (0, False),
        (2, True),
        ("1", True),
        ("true", True),
        ("OFF", False),
        ("0", False),
        ("3", True),
        ("maybe", None),
        ([], None),
    ],
)
def test_as_bool(value: object, expected: bool | None) -> None:
    assert as_bool(value) is expected


def test_containers() -> None:
    assert as_dict({"a": 1, 2: "b"}) == {"a": 1, "2": "b"}
    assert as_dict([1]) == {}
    assert as_list((1, 2)) == [1, 2]
    assert as_list("12") == []
    assert as_dict_list([{"a": 1}, "junk", None, {"b": 2}]) == [{"a": 1}, {"b": 2}]
    assert as_dict_list({"a": 1}) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("0", False),
        ("-1", False),
        ("-2", False),
        ("3", True),
        (1, True),
        (0, False),
        (-1, False),
        (4, True),
        ("1,3", True),
        ("16-9", True),
        ("", False),
        ("  ", False),
        ([], False),
        ([{"streamType": 1}], True),
        ({}, False),
        (None, False),
        (True, True),
        (False, False),
        (object(), False),
    ],
)
def test_is_supported(value: object, expected: bool) -> None:
    assert is_supported(value) is expected
