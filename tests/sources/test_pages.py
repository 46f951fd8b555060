"""/sources/ and /sources/new/ (the reader is tested with the claims pages)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sources.batches import ingest_item_process
from sources.models import IngestBatch, IngestItem, Source
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

DUMP = """Tide gauge records a new high at Kelso

By Oona Field

The tide gauge at the Kelso breakwater recorded its highest reading in forty years on Sunday, the harbour office said.

Engineers said the sea wall held and no homes were flooded.
"""
PAGE = b"""<html><head><title>Ferry timetable changes | Coast Weekly</title></head><body>
<nav><a href="/">Home</a></nav><article><h1>Ferry timetable changes</h1>
<p>The island ferry will leave twenty minutes earlier from Monday, the operator said in a notice to passengers.</p>
<p>The change follows complaints that the last crossing arrived after the bus connection had gone.</p>
</article></body></html>"""


class _Page(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def page_server():
    _Page.hits = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def analyst_web(client, analyst):
    client.force_login(analyst)
    return client


def test_pasted_text_is_ingested_and_linked(analyst_web):
    response = analyst_web.post("/sources/new/", {"raw": DUMP})

    source = Source.objects.get()
    assert response.status_code == 200
    assert source.title == "Tide gauge records a new high at Kelso"
    assert f'href="/sources/{source.pk}/"' in response.content.decode()


def test_several_files_get_a_result_each(analyst_web):
    files = [
        SimpleUploadedFile("tide.txt", DUMP.encode(), content_type="text/plain"),
        SimpleUploadedFile("ferry.html", PAGE, content_type="text/html"),
        SimpleUploadedFile("empty.txt", b"   ", content_type="text/plain"),
    ]

    response = analyst_web.post("/sources/new/", {"files": files})

    content = response.content.decode()
    assert response.status_code == 200  # one failure does not fail the rest
    assert content.count('class="result-created"') == 2
    assert content.count('class="result-error"') == 1
    assert Source.objects.get(original_filename="ferry.html").content_type == "text/html"


def test_a_url_is_fetched_once_and_then_reported_as_duplicate(analyst_web, page_server, settings):
    settings.INGEST_ALLOW_PRIVATE_URLS = True
    settings.INGEST_ALLOWED_PORTS = None  # the local server listens on a random port
    url = f"{page_server}/ferry?utm_source=newsletter"

    first = analyst_web.post("/sources/new/", {"urls": url})
    second = analyst_web.post("/sources/new/", {"urls": f"{page_server}/ferry"})

    assert 'class="result-created"' in first.content.decode()
    assert 'class="result-duplicate"' in second.content.decode()
    assert _Page.hits == 1
    source = Source.objects.get()
    assert source.url == f"{page_server}/ferry"
    assert source.title == "Ferry timetable changes"


def test_a_loopback_url_is_refused_by_default(analyst_web, page_server):
    response = analyst_web.post("/sources/new/", {"urls": f"{page_server}/ferry"})

    assert response.status_code == 400
    assert 'class="result-error"' in response.content.decode()
    assert _Page.hits == 0
    assert not Source.objects.exists()


def test_an_empty_form_says_what_to_do(analyst_web):
    response = analyst_web.post("/sources/new/", {})
    assert response.status_code == 400
    assert "Paste text, choose files, or give a URL." in response.content.decode()


def test_a_viewer_cannot_ingest(client, viewer):
    client.force_login(viewer)
    response = client.post("/sources/new/", {"raw": DUMP})
    assert response.status_code == 403
    assert not Source.objects.exists()


def test_the_list_filters_by_words_and_outlet(client, viewer):
    source_ingest(raw=DUMP, content_type="text/plain", outlet_domain="kelsotimes.example")
    source_ingest(raw=PAGE, content_type="text/html", outlet_domain="coastweekly.example")
    client.force_login(viewer)

    by_words = client.get("/sources/", {"q": "tide gauge"}).content.decode()
    by_outlet = client.get("/sources/", {"outlet": "coastweekly.example"}).content.decode()

    assert "Tide gauge records" in by_words
    assert "Ferry timetable" not in by_words
    assert "Ferry timetable changes" in by_outlet
    assert "Tide gauge" not in by_outlet


def test_the_list_query_count_is_flat(client, viewer, django_assert_max_num_queries):
    for i in range(20):
        source_ingest(
            raw=DUMP + f"\nUpdate {i}.\n", content_type="text/plain", outlet_domain=f"o{i}.example"
        )
    client.force_login(viewer)
    with django_assert_max_num_queries(8):
        response = client.get("/sources/")
    assert response.content.decode().count('href="/sources/') >= 20


def test_several_urls_are_fetched_in_the_background_with_progress(
    analyst_web, page_server, settings, django_capture_on_commit_callbacks
):
    settings.INGEST_ALLOW_PRIVATE_URLS = True
    settings.INGEST_ALLOWED_PORTS = None  # the local server listens on a random port
    urls = f"{page_server}/a\n{page_server}/b\n{page_server}/a"

    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_web.post("/sources/new/", {"urls": urls})

    batch = IngestBatch.objects.get()
    assert response.status_code == 200
    assert (batch.total, batch.done, batch.failed) == (2, 2, 0)
    assert batch.finished_at is not None
    assert [i.status for i in batch.items.order_by("id")] == ["created", "duplicate"]
    progress = analyst_web.get(f"/sources/batches/{batch.pk}/", HTTP_HX_REQUEST="true")
    assert "2</strong> of 2 URLs done" in progress.content.decode()
    assert "hx-trigger" not in progress.content.decode()  # finished: no more polling


def test_a_batch_item_delivered_twice_is_counted_once(analyst, page_server, settings):
    settings.INGEST_ALLOW_PRIVATE_URLS = True
    settings.INGEST_ALLOWED_PORTS = None  # the local server listens on a random port
    batch = IngestBatch.objects.create(total=1)
    item = IngestItem.objects.create(batch=batch, url=f"{page_server}/a")

    first = ingest_item_process(item_id=item.pk)
    second = ingest_item_process(item_id=item.pk)

    batch.refresh_from_db()
    assert first.status == "created"
    assert second is None
    assert (batch.done, batch.failed) == (1, 0)


def test_a_failing_url_is_reported_in_its_batch(analyst, page_server, settings):
    settings.INGEST_ALLOWED_PORTS = None  # the port is allowed; the address is not
    batch = IngestBatch.objects.create(total=1)
    item = IngestItem.objects.create(batch=batch, url=f"{page_server}/a")  # loopback: refused

    ingest_item_process(item_id=item.pk)

    item.refresh_from_db()
    batch.refresh_from_db()
    assert item.status == "error"
    assert "private" in item.error.lower() or "loopback" in item.error.lower()
    assert (batch.done, batch.failed) == (1, 1)
