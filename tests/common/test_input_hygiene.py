"""Text hygiene and body caps at the edge: NUL bytes and lone surrogates in any
field, over-large bodies and uploads, pathological HTML — each gets a 4xx that
says what is wrong, and no table gains or loses a row."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from claims.services import claim_create
from claims_tracker.common.text_hygiene import find_unsafe_text, repair_text
from sources.models import Source
from sources.services import source_ingest
from tests.support.rows import changed_tables, row_counts

pytestmark = pytest.mark.django_db

ARTICLE = "The harbour master said the pier would reopen in May. Fishermen disputed that."


@pytest.fixture
def world(analyst):
    source = source_ingest(raw=ARTICLE, content_type="text/plain").source
    claim = claim_create(text="The pier reopens in May", user=analyst)
    return {"source": source.pk, "claim": claim.pk}


def _post_json(client, path: str, raw_json: str):
    return client.generic("POST", path, raw_json.encode(), content_type="application/json")


# \ud800 spelled as a JSON escape: the only way a lone surrogate reaches Python.
CASES = [
    ("/api/sources/", '{"raw": "ab\\ud800cd", "content_type": "text/plain"}', "raw"),
    ("/api/sources/", '{"raw": "A report\\u0000 on the pier"}', "raw"),
    ("/api/claims/", '{"text": "Pier \\udfff claim"}', "text"),
    ("/api/claims/", '{"text": "Pier claim", "tags": ["ok", "b\\u0000d"]}', "tags[1]"),
    ("/api/claims/", '{"text": "Pier claim", "\\ud83d": 1}', "\\ud83d"),
    (
        "/api/evidence/",
        '{"claim": %(claim)d, "source": %(source)d, "stance": "asserts", "exact": "pier\\ud800"}',
        "exact",
    ),
    (
        "/api/evidence/",
        '{"claim": %(claim)d, "source": %(source)d, "stance": "asserts", '
        '"exact": "the pier would reopen", "attributed_to": "x\\u0000"}',
        "attributed_to",
    ),
    ("/api/rules/preview/", '{"kind": "drop_lines", "pattern": "a\\ud800"}', "pattern"),
]


@pytest.mark.parametrize(("path", "body", "field"), CASES)
def test_api_refuses_nul_and_surrogates_naming_the_field(
    client_for, editor, world, path, body, field
):
    before = row_counts()
    response = _post_json(client_for(editor), path, body % world)

    assert response.status_code == 400, response.content
    payload = response.json()
    assert payload["code"] == "invalid_text"
    assert payload["field"] == field
    assert field in payload["detail"]
    assert changed_tables(before, row_counts()) == {}


@pytest.mark.parametrize("path", ["/api/claims/?q=a%00b", "/api/evidence/?since=%00"])
def test_api_refuses_nul_in_the_query_string(viewer_client, path):
    response = viewer_client.get(path)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_text"


@pytest.mark.parametrize("path", ["/claims/?q=a%00b", "/sources/?q=%00"])
def test_pages_refuse_nul_in_the_query_string(client, viewer, path):
    client.force_login(viewer)
    response = client.get(path)
    assert response.status_code == 400
    assert "“q”" in response.content.decode()


def test_page_form_with_nul_is_refused_and_saves_nothing(client, analyst):
    client.force_login(analyst)
    before = row_counts()
    response = client.post(
        "/sources/new/", {"raw": "The pier\x00 reopens in May.", "content_type": "text/plain"}
    )
    assert response.status_code == 400
    assert "“raw”" in response.content.decode()
    assert changed_tables(before, row_counts()) == {}


def test_walker_names_nested_fields():
    assert find_unsafe_text({"a": [{"b": "x\x00"}]}) == ("a[0].b", "\x00")
    assert find_unsafe_text({"a": ["fine", {"b": "ok"}]}) is None
    assert repair_text("a\x00b\udc80c") == "ab\ufffdc"


# --- sizes --------------------------------------------------------------------------------


def test_a_six_megabyte_json_body_is_refused_before_it_is_read(analyst_client):
    before = row_counts()
    body = json.dumps({"raw": "x" * (6 * 1024 * 1024 + 10)})
    response = analyst_client.generic(
        "POST", "/api/sources/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert "bytes" in response.json()["detail"]
    assert changed_tables(before, row_counts()) == {}


def test_an_upload_stops_at_the_ingest_limit(analyst_client, settings):
    settings.INGEST_MAX_BYTES = 10_000
    before = row_counts()
    big = SimpleUploadedFile("big.txt", b"The pier. " * 2_000)
    response = analyst_client.post("/api/sources/", {"file": big}, format="multipart")
    assert response.status_code == 413
    assert "big.txt" in response.json()["detail"]
    assert "10,000" in response.json()["detail"]
    assert changed_tables(before, row_counts()) == {}


def test_an_upload_stops_at_the_limit_on_the_page_too(client, analyst, settings):
    settings.INGEST_MAX_BYTES = 10_000
    client.force_login(analyst)
    before = row_counts()
    big = SimpleUploadedFile("big.html", b"<p>The pier.</p>" * 2_000)
    response = client.post("/sources/new/", {"files": big})
    assert response.status_code == 413
    assert "big.html" in response.content.decode()
    assert changed_tables(before, row_counts()) == {}


def test_a_multipart_body_over_the_total_limit_is_refused_from_its_length(analyst_client, settings):
    settings.INGEST_MAX_UPLOAD_BYTES = 5_000
    response = analyst_client.post(
        "/api/sources/", {"file": SimpleUploadedFile("a.txt", b"x" * 6_000)}, format="multipart"
    )
    assert response.status_code == 413
    assert "5,000" in response.json()["detail"]


# --- hostile documents -------------------------------------------------------------------


def test_pathologically_nested_html_is_refused_with_a_message(analyst_client):
    before = row_counts()
    page = "<html><body>" + "<div>" * 5_000 + "The pier reopens." + "</div>" * 5_000
    response = analyst_client.post(
        "/api/sources/", {"raw": page, "content_type": "text/html"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "too_nested"
    assert "nested" in response.json()["detail"]
    assert changed_tables(before, row_counts()) == {}


def test_ordinary_nesting_is_accepted(analyst_client):
    page = "<html><body>" + "<div>" * 60 + "<p>" + ARTICLE + "</p>" + "</div>" * 60
    response = analyst_client.post(
        "/api/sources/", {"raw": page, "content_type": "text/html"}, format="json"
    )
    assert response.status_code == 201, response.content


def test_a_file_with_nul_bytes_is_repaired_not_refused(analyst_client):
    upload = SimpleUploadedFile("nul.txt", ARTICLE.encode().replace(b"pier", b"pi\x00er"))
    response = analyst_client.post("/api/sources/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    source = Source.objects.get(pk=response.json()["id"])
    assert "\x00" not in source.text
    assert "pier" in source.text


def test_the_ingest_command_refuses_nul_in_its_arguments(tmp_path):
    with pytest.raises(CommandError, match="--outlet"):
        call_command("ingest", str(tmp_path), "--outlet", "bad\udc80.example")


def test_the_ingest_command_repairs_an_undecodable_file_name(tmp_path, capsys):
    import os

    name = os.fsdecode(b"report-\xff.txt")  # not UTF-8: arrives with a lone surrogate
    (tmp_path / name).write_text(ARTICLE)
    call_command("ingest", str(tmp_path), "--json")
    record = json.loads(capsys.readouterr().out.strip())
    assert record["status"] == "created"
    assert Source.objects.get(pk=record["source_id"]).original_filename == "report-\ufffd.txt"


class _Bomb(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = gzip.compress(b"<p>" + b"a" * (40 * 1024 * 1024) + b"</p>", compresslevel=9)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_decompression_bomb_is_refused_with_a_message(settings):
    from sources.fetching import fetch_url
    from sources.text.errors import FetchError

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Bomb)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with pytest.raises(FetchError) as exc:
            fetch_url(
                f"http://127.0.0.1:{httpd.server_address[1]}/",
                max_bytes=1024 * 1024,
                timeout=10,
                allow_private=True,
                allowed_ports=None,
            )
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert (exc.value.code, exc.value.status) == ("too_large", 413)
    assert "1,048,576" in exc.value.message
