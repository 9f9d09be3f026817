"""Tests of api/formats/negotiation.py: which representation an `Accept` header asks for."""

from __future__ import annotations

import pytest

from api.formats.negotiation import accepted_format


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        pytest.param("", None, id="nothing-said-json"),
        pytest.param("*/*", None, id="anything-json"),
        pytest.param("text/csv", "csv", id="csv"),
        pytest.param("Text/CSV", "csv", id="case-insensitive"),
        pytest.param("text/csv;q=0.5, application/json", None, id="json-preferred-by-q"),
        pytest.param("application/json;q=0.2, text/csv", "csv", id="csv-preferred-by-q"),
        pytest.param("application/json;q=0, text/csv;q=0", None, id="all-refused-json"),
        pytest.param("text/csv;q=0", None, id="csv-refused"),
        pytest.param("application/json, text/csv", None, id="tie-json-wins"),
        pytest.param("application/atom+xml;q=0.9, text/csv;q=0.1", "atom", id="atom-by-q"),
        pytest.param("text/calendar", "ics", id="calendar"),
        pytest.param(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html", id="browser"
        ),
        pytest.param("text/csv;q=bad", None, id="unreadable-q-refuses"),
        pytest.param("image/png", None, id="unserved-type-json"),
    ],
)
def test_accepted_format(accept, chosen):
    assert accepted_format(accept) == chosen
