"""Streaming exports of evidence: ``?format=csv`` and ``?format=ndjson``, with
the list's filters, every matching pair (no pagination)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from claims.exports import COLUMNS, neutralise_cell
from claims.services import claim_create, evidence_link
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

TEXT = 'He said "taxes, will rise". She said taxes will not rise.\nA third line, with commas.'


@pytest.fixture
def pairs(analyst):
    source = SourceFactory(raw=TEXT, outlet_domain="example.com")
    claim = claim_create(text="Taxes will rise", user=analyst)
    asserts = evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact='"taxes, will rise"',
        attributed_to="He",
        note="line1\nline2",
        user=analyst,
    )
    disputes = evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="disputes",
        exact="taxes will not rise",
        user=analyst,
    )
    return {"asserts": asserts, "disputes": disputes, "claim": claim, "source": source}


def _content(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_csv_streams_every_pair_with_a_header(viewer_client, pairs):
    response = viewer_client.get("/api/evidence/?format=csv&page_size=1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(_content(response))))
    assert list(rows[0].keys()) == COLUMNS
    assert len(rows) == 2  # not paginated
    by_id = {int(r["id"]): r for r in rows}
    row = by_id[pairs["asserts"].pk]
    assert row["exact"] == '"taxes, will rise"'
    assert row["note"] == "line1\nline2"
    assert row["stance"] == "asserts"
    assert row["outlet_domain"] == "example.com"
    assert row["claim_text"] == "Taxes will rise"
    assert TEXT[int(row["start"]) : int(row["end"])] == row["exact"]


def test_ndjson_streams_one_object_per_line(viewer_client, pairs):
    response = viewer_client.get("/api/evidence/?format=ndjson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = _content(response).splitlines()
    objects = [json.loads(line) for line in lines]
    assert len(objects) == 2
    assert set(objects[0]) == set(COLUMNS)
    assert {o["stance"] for o in objects} == {"asserts", "disputes"}


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_exports_apply_the_list_filters(viewer_client, pairs, fmt):
    response = viewer_client.get(f"/api/evidence/?format={fmt}&stance=disputes")
    content = _content(response)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(content)))
    else:
        rows = [json.loads(line) for line in content.splitlines()]
    assert [int(r["id"]) for r in rows] == [pairs["disputes"].pk]
    assert rows[0]["exact"] == "taxes will not rise"


def test_export_with_a_bad_filter_is_a_json_400(viewer_client, pairs):
    response = viewer_client.get("/api/evidence/?format=csv&updated_since=garbage")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "updated_since" in response.json()


def test_export_needs_authentication(client_for, pairs):
    response = client_for(None).get("/api/evidence/?format=ndjson")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


FORMULAS = ['=HYPERLINK("http://evil.example")', "+1+2", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        *((f, "'" + f) for f in FORMULAS),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (-3, -3),
    ],
)
def test_neutralise_cell_follows_the_owasp_rule(value, cell):
    assert neutralise_cell(value) == cell


@pytest.mark.parametrize("payload", FORMULAS)
def test_csv_cells_that_would_run_as_formulas_are_neutralised(viewer_client, analyst, payload):
    """OWASP's rule: a cell beginning with = + - @ tab or CR gets a leading
    apostrophe, so a spreadsheet shows it as text; NDJSON keeps it as is."""
    source = SourceFactory(raw=TEXT, outlet_domain=None)
    claim = claim_create(text=f"{payload} is a claim", user=analyst)
    evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="mentions",
        exact="taxes will not rise",
        attributed_to=payload,
        note=payload,
        user=analyst,
    )

    response = viewer_client.get("/api/evidence/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["note"] == "'" + payload
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert rows[0]["start"].isdigit()  # numbers stay numbers

    ndjson = viewer_client.get("/api/evidence/?format=ndjson")
    line = json.loads(b"".join(ndjson.streaming_content).decode().splitlines()[0])
    assert line["note"] == payload
