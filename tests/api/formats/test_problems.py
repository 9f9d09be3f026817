"""Tests of api/formats/problems.py: a problem can be written whatever strings it carries."""

from __future__ import annotations

import orjson
import pytest
from starlette.requests import Request

from api.formats.problems import MAX_INSTANCE_LENGTH, PROBLEM_JSON, problem_response, shown


def request_for(path: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": path, "headers": []})


@pytest.mark.parametrize(
    ("detail", "extra", "written"),
    [
        pytest.param("got \ud800", None, "got \ufffd", id="lone-surrogate-in-detail"),
        pytest.param("got \x00\x07", None, "got \x00\x07", id="control-characters"),
        pytest.param(
            "bad",
            {"invalid-params": [{"name": "\udcff", "reason": "\ud800"}]},
            "bad",
            id="lone-surrogates-in-extra",
        ),
        pytest.param("big", {"value": 10**5000}, "big", id="integer-past-int-str-limit"),
    ],
)
def test_any_string_content_is_written(detail, extra, written):
    response = problem_response(request_for("/v1/\ud800"), 400, detail, extra)
    assert response.status_code == 400
    assert response.media_type == PROBLEM_JSON
    problem = orjson.loads(response.body)
    assert (problem["detail"], problem["instance"]) == (written, "/v1/\ufffd")
    if extra and "invalid-params" in extra:
        assert problem["invalid-params"] == [{"name": "\ufffd", "reason": "\ufffd"}]


def test_an_overlong_path_is_not_repeated():
    long_path = "/" + "x" * MAX_INSTANCE_LENGTH
    problem = orjson.loads(problem_response(request_for(long_path), 404, "no").body)
    assert "instance" not in problem
    assert orjson.loads(problem_response(request_for("/v1"), 404, "no").body)["instance"] == "/v1"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param("abc", "'abc'", id="short"),
        pytest.param("x" * 41, "'" + "x" * 40 + "'…", id="cut"),
        pytest.param("\ud800\x00", "'\\ud800\\x00'", id="escaped-by-repr"),
    ],
)
def test_shown(value, text):
    assert shown(value) == text
