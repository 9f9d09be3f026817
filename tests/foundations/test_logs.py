"""Tests of alesco/logs.py: one JSON line per record, whatever the record holds."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

import orjson
import pytest

from alesco.logs import json_handler

HOSTILE = [
    pytest.param("\ud800", "\ufffd", id="lone-surrogate"),
    pytest.param("a\x00b\x1b[31m", "a\x00b\x1b[31m", id="nul-and-escape-sequence"),
    pytest.param("line\nbreak", "line\nbreak", id="newline-stays-inside-the-line"),
    pytest.param(10**5000, "<integer of 16610 bits>", id="integer-past-int-str-limit"),
    pytest.param({"\udc00": [2**64]}, {"\ufffd": [str(2**64)]}, id="nested"),
]


def lines_of(log: Callable[[logging.Logger], None]) -> list[dict]:
    """The JSON lines `log` writes through the formatter (and only through it)."""
    stream = io.StringIO()
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler := json_handler(stream))
    logger.propagate = False
    try:
        log(logger)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return [orjson.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(("value", "written"), HOSTILE)
def test_a_hostile_extra_field_is_written(value, written):
    [line] = lines_of(lambda logger: logger.warning("request.refused", extra={"field": value}))
    assert (line["event"], line["field"]) == ("request.refused", written)


@pytest.mark.parametrize(("value", "written"), HOSTILE[:3])
def test_a_hostile_message_argument_is_written(value, written):
    [line] = lines_of(lambda logger: logger.warning("refused %s", value))
    assert line["event"] == f"refused {written}"


def test_a_hostile_exception_message_is_written():
    def log(logger: logging.Logger) -> None:
        try:
            raise ValueError("bad \ud800 value")
        except ValueError:
            logger.exception("request.failed")

    [line] = lines_of(log)
    assert "ValueError: bad \ufffd value" in line["exception"]
