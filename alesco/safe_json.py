"""JSON that can always be written, whatever strings a client smuggled into the value.

orjson refuses a few things Python holds without complaint: a str with a lone surrogate
(`"\\ud800"`: Python's json module, `surrogateescape` decoding and `chr()` make them),
integers outside 64 bits, dict keys that are not strings, and nesting past 254 levels.
Problem responses and log lines carry client input, so they must not fail on any of it:
`dumps` tries orjson as is (the fast, usual case) and, only if that fails, writes a copy
made encodable by `encodable`. NULs and control characters need nothing: JSON escapes them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date, datetime, time
from enum import Enum
from typing import Any
from uuid import UUID

import orjson

REPLACEMENT = "\ufffd"  # what UTF-8 decoding with errors="replace" puts for a bad sequence
MAX_DEPTH = 200  # under orjson's own limit of 254 levels
_SURROGATES = re.compile("[\ud800-\udfff]")
_NATIVE = (bool, float, type(None), datetime, date, time, UUID)


def encodable_text(text: str) -> str:
    """`text` with each lone surrogate (unencodable in UTF-8) replaced by U+FFFD."""
    return _SURROGATES.sub(REPLACEMENT, text)


def _integer(value: int) -> int | str:
    if -(2**63) <= value < 2**64:
        return value
    try:
        return str(value)
    except ValueError:  # over Python's 4,300-digit limit for int-to-str conversion
        return f"<integer of {value.bit_length()} bits>"


def _described(value: Any, describe: Callable[[Any], Any]) -> Any:
    """`describe(value)`, or the type's name if describing fails (repr of a tuple holding
    a 5,000-digit integer raises ValueError, for one)."""
    try:
        return describe(value)
    except Exception:  # any failure of foreign code: fall back to what cannot fail
        return f"<{type(value).__name__}>"


def _key(key: Any) -> str:
    """orjson takes only str keys (without OPT_NON_STR_KEYS)."""
    if isinstance(key, str):
        return encodable_text(key)
    if isinstance(key, int) and not isinstance(key, bool):
        return str(_integer(key))
    return encodable_text(_described(key, repr))


def encodable(value: Any, default: Callable[[Any], Any] = repr, depth: int = 0) -> Any:
    """A copy of `value` that orjson can always encode: strings cleaned, big integers as
    text, keys as strings, what orjson does not know through `default`, depth bounded."""
    if isinstance(value, str):
        return encodable_text(value)
    if isinstance(value, _NATIVE):
        return value
    if isinstance(value, int):
        return _integer(value)
    if depth >= MAX_DEPTH:
        return "<nested too deep>"
    if isinstance(value, Enum):
        return encodable(value.value, default, depth + 1)
    if isinstance(value, dict):
        return {_key(key): encodable(item, default, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encodable(item, default, depth + 1) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
        return encodable(fields, default, depth + 1)
    return encodable(_described(value, default), repr, depth + 1)


def dumps(value: Any, option: int = 0, default: Callable[[Any], Any] | None = None) -> bytes:
    """orjson.dumps that never raises for the content of `value`."""
    try:
        return orjson.dumps(value, option=option, default=default)
    except orjson.JSONEncodeError:
        return orjson.dumps(encodable(value, default or repr), option=option)
