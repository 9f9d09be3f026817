"""Tests of alesco/safe_json.py: JSON that can always be written."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from enum import Enum

import orjson
import pytest

from alesco.safe_json import MAX_DEPTH, dumps, encodable


class Colour(Enum):
    RED = "r\ud800"


@dataclasses.dataclass
class Point:
    name: str


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("\ud800", "\ufffd", id="lone-high-surrogate"),
        pytest.param("a\udfffb", "a\ufffdb", id="lone-low-surrogate"),
        pytest.param("\ud83d\ude00", "\ufffd\ufffd", id="surrogate-pair-in-a-python-str"),
        pytest.param("\x00\x1f\x7f", "\x00\x1f\x7f", id="control-characters-need-nothing"),
        pytest.param("😀 ١٢", "😀 ١٢", id="real-characters-stay"),
        pytest.param(2**63, 2**63, id="unsigned-64-bit-integer-stays"),
        pytest.param(2**64, str(2**64), id="integer-past-64-bits-as-text"),
        pytest.param(-(2**63) - 1, str(-(2**63) - 1), id="negative-past-64-bits-as-text"),
        pytest.param(10**5000, "<integer of 16610 bits>", id="integer-past-int-str-limit"),
        pytest.param(True, True, id="boolean-stays"),
        pytest.param({"\ud800": 1}, {"\ufffd": 1}, id="key-with-surrogate"),
        pytest.param({1: "a", None: "b"}, {"1": "a", "None": "b"}, id="non-string-keys"),
        pytest.param({10**5000: 1}, {"<integer of 16610 bits>": 1}, id="huge-integer-key"),
        pytest.param(("\ud800", ["\udc00"]), ["\ufffd", ["\ufffd"]], id="tuples-and-lists"),
        pytest.param(Colour.RED, "r\ufffd", id="enum-value"),
        pytest.param(Point("\ud800"), {"name": "\ufffd"}, id="dataclass"),
        pytest.param({1, 2}, "{1, 2}", id="unknown-through-default"),
        pytest.param((10**5000,), ["<integer of 16610 bits>"], id="tuple-of-huge-integer"),
    ],
)
def test_encodable(value, expected):
    assert encodable(value) == expected
    orjson.dumps(encodable(value))


def test_a_failing_repr_falls_back_to_the_type_name():
    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert encodable(Hostile()) == "<Hostile>"


def test_depth_is_bounded_below_orjsons_limit():
    assert dumps(nested(3000)) == b"[" * MAX_DEPTH + b'"<nested too deep>"' + b"]" * MAX_DEPTH


def test_dumps_is_orjson_when_orjson_can():
    moment = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    value = {"at": moment, "n": 2**63, "s": "\x00é"}
    assert dumps(value, orjson.OPT_INDENT_2) == orjson.dumps(value, option=orjson.OPT_INDENT_2)


def test_dumps_keeps_options_and_default_on_the_fallback():
    written = dumps({"b": "\ud800", "a": {1, 2}}, orjson.OPT_SORT_KEYS, default=sorted)
    assert orjson.loads(written) == {"a": [1, 2], "b": "\ufffd"}
    assert written.index(b'"a"') < written.index(b'"b"')
