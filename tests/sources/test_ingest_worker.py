"""URL batches on a real Celery worker (queue ``ingest``) over Redis."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sources.batches import ingest_batch_create
from sources.models import IngestBatch, Source

pytestmark = pytest.mark.services

PAGE = """<html><head><title>Report {n} | Bay Courier</title></head><body><article>
<h1>Report {n} on the dredging works</h1>
<p>Dredging of the inner harbour reached section {n} on Tuesday, the port engineers said in their weekly update.</p>
<p>The works are expected to finish before the autumn storms, according to the contractor.</p>
</article></body></html>"""


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGE.format(n=self.path.strip("/")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_url_batch_is_fetched_by_a_real_worker(celery_worker_factory):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    celery_worker_factory(env={"INGEST_ALLOW_PRIVATE_URLS": "1", "INGEST_ALLOWED_PORTS": "*"})
    try:
        batch = ingest_batch_create(
            urls=[f"{base}/{n}" for n in range(1, 4)], outlet_domain="baycourier.example"
        )

        deadline = time.monotonic() + 60
        while IngestBatch.objects.get(pk=batch.pk).finished_at is None:
            assert time.monotonic() < deadline, "the batch did not finish"
            time.sleep(0.2)
    finally:
        server.shutdown()

    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (3, 0)
    titles = sorted(Source.objects.values_list("title", flat=True))
    assert titles == [f"Report {n} on the dredging works" for n in range(1, 4)]
