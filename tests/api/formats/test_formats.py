"""CSV for every list, the Atom feed (parsed back with feedparser), content negotiation."""

from __future__ import annotations

import csv
import io

import feedparser
import pytest


def rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.mark.parametrize(
    ("path", "key"),
    [("/v1/proposals?state=all", "number"), ("/v1/meetings", "id"), ("/v1/members", "name")],
)
async def test_every_list_as_csv(client, meetings, path, key):
    as_json = (await client.get(path)).json()
    separator = "&" if "?" in path else "?"
    by_param = await client.get(f"{path}{separator}format=csv")
    by_accept = await client.get(path, headers={"accept": "text/csv"})
    assert by_param.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_param.content == by_accept.content
    assert by_param.headers["etag"] != (await client.get(path)).headers["etag"]
    table = rows(by_param)
    assert [row[key] for row in table] == [str(item[key]) for item in as_json["data"]]
    assert by_param.headers["x-total-count"] == str(as_json["meta"]["count"])


async def test_proposal_csv_flattens_nested_values(client, meetings):
    table = {
        row["number"]: row for row in rows(await client.get("/v1/proposals?state=all&format=csv"))
    }
    assert table["3"]["labels"] == "vote at next meeting"
    assert table["3"]["author"] == "alice"
    assert table["3"]["stage_rule"] == "label"
    assert table["3"]["discussed_in"] == "2025-02-10"
    assert table["3"]["next_vote_at"] == "2025-02-18T12:00:00Z"
    assert table["3"]["draft"] == "false"


async def test_csv_pages_like_json(client, meetings):
    response = await client.get("/v1/proposals?state=all&format=csv&limit=2")
    assert len(rows(response)) == 2
    assert 'rel="next"' in response.headers["link"]
    assert "format=csv" in response.headers["link"]


async def test_csv_cells_cannot_become_spreadsheet_formulas(client, engine):
    from tests.api.conftest import REPO, store_synced
    from tests.factories import facts, pull, stored

    store_synced(engine, stored(REPO, facts(pull(1, '=HYPERLINK("http://x","y")'))))
    table = rows(await client.get("/v1/proposals?kind=all&format=csv"))
    assert table[0]["title"] == '\'=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("path", ["/v1/proposals?format=xml", "/v1/members?format=atom"])
async def test_unknown_formats_are_refused(client, meetings, path):
    response = await client.get(path)
    assert response.status_code == 400
    assert response.json()["invalid-params"][0]["name"] == "format"


async def test_atom_feed_is_valid_and_complete(client, meetings):
    response = await client.get("/v1/proposals.atom")
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "ALESCo proposals"
    entries = {entry.id: entry for entry in feed.entries}
    assert set(entries) == {f"https://github.com/o/r/pull/{n}" for n in range(1, 6)}
    fcp = entries["https://github.com/o/r/pull/3"]
    assert fcp.title == "#3 RFC: Voting soon [fcp]"
    assert [tag.term for tag in fcp.tags] == ["fcp"]
    assert fcp.author == "alice"
    assert fcp.updated == "2025-02-03T12:00:00Z"
    assert (
        feedparser.parse((await client.get("/v1/proposals.atom?stage=accepted")).content)
        .entries[0]
        .id.endswith("/pull/4")
    )
