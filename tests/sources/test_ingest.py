"""The one ingest service behind every entry point."""

from __future__ import annotations

import hashlib

import pytest

from claims_tracker.common.errors import ApplicationError
from sources.models import Outlet, Source
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

TEXT = """Council approves the new tram line

By Ines Okafor
12 May 2026

The city council approved the eastern tram line on Thursday by nineteen votes to eleven, the mayor's office said.

Construction is expected to start next spring and to last three years, according to the transport department.
"""

HTML = """<!doctype html><html><head><title>Council approves the new tram line | Metro Ledger</title>
<meta property="og:site_name" content="Metro Ledger"><meta name="author" content="Ines Okafor">
<meta property="article:published_time" content="2026-05-12T09:00:00Z"></head>
<body><nav><a href="/">Home</a><a href="/city">City</a></nav>
<article><h1>Council approves the new tram line</h1>
<p>The city council approved the eastern tram line on Thursday by nineteen votes to eleven, the mayor's office said.</p>
<p>Construction is expected to start next spring and to last three years, according to the transport department.</p>
<script>window.ads = [1,2,3];</script></article>
<footer>© Metro Ledger. Call 0800 123 456.</footer></body></html>"""


def test_raw_input_is_kept_byte_for_byte():
    raw = TEXT.encode("utf-8")
    source = source_ingest(raw=raw, content_type="text/plain").source
    assert bytes(Source.objects.get(pk=source.pk).raw) == raw
    assert source.content_sha256 == hashlib.sha256(raw).hexdigest()


def test_text_dump_metadata_is_extracted_and_kept_out_of_the_body():
    source = source_ingest(raw=TEXT, content_type="text/plain").source
    assert source.title == "Council approves the new tram line"
    assert source.authors == ["Ines Okafor"]
    assert source.published_at.date().isoformat() == "2026-05-12"
    assert source.text.startswith("The city council approved")
    assert "By Ines Okafor" not in source.text


def test_html_is_extracted_without_scripts_menus_or_footer():
    source = source_ingest(
        raw=HTML, content_type="text/html", url="https://metroledger.example/a/1"
    ).source
    assert source.title == "Council approves the new tram line"
    assert "window.ads" not in source.text
    assert "0800 123 456" not in source.text
    assert "nineteen votes to eleven" in source.text
    assert source.outlet.domain == "metroledger.example"


def test_content_type_is_sniffed_when_absent():
    assert source_ingest(raw=HTML).source.content_type == "text/html"
    assert source_ingest(raw=TEXT).source.content_type == "text/plain"


def test_the_same_content_twice_is_one_row():
    first = source_ingest(raw=TEXT, content_type="text/plain")
    second = source_ingest(raw=TEXT, content_type="text/plain")
    assert first.created
    assert not second.created
    assert second.source.pk == first.source.pk
    assert Source.objects.count() == 1


def test_the_same_canonical_url_twice_is_one_row_even_with_tracking_parameters():
    first = source_ingest(raw=HTML, url="https://metroledger.example/a/1?utm_source=x")
    second = source_ingest(raw=HTML + " ", url="https://metroledger.example/a/1#comments")
    assert not second.created
    assert second.source.pk == first.source.pk
    assert first.source.url == "https://metroledger.example/a/1"


def test_input_over_the_size_limit_is_refused_and_nothing_saved(settings):
    settings.INGEST_MAX_BYTES = 100
    with pytest.raises(ApplicationError) as error:
        source_ingest(raw="x" * 101, content_type="text/plain")
    assert error.value.status == 413
    assert "limit is 100 bytes" in error.value.message
    assert Source.objects.count() == 0


def test_empty_input_is_refused():
    with pytest.raises(ApplicationError, match="empty"):
        source_ingest(raw="   \n ", content_type="text/plain")
    assert Source.objects.count() == 0


def test_an_unsupported_content_type_is_refused():
    with pytest.raises(ApplicationError) as error:
        source_ingest(raw=TEXT, content_type="application/pdf")
    assert error.value.status == 415


def test_invalid_utf8_never_crashes_and_the_bytes_are_kept():
    raw = TEXT.encode("utf-8") + b"\xff\xfe broken \xc3"
    source = source_ingest(raw=raw, content_type="text/plain").source
    assert source.status == "parsed"
    assert bytes(Source.objects.get(pk=source.pk).raw) == raw


def test_latin1_text_is_decoded():
    raw = (
        "Café owners protest the new rent rules\n\n" + TEXT.replace("mayor's", "maire’s")
    ).encode("cp1252")
    source = source_ingest(raw=raw, content_type="text/plain").source
    assert "Café" in source.title


def test_a_given_title_and_outlet_win_over_extraction():
    source = source_ingest(
        raw=TEXT,
        content_type="text/plain",
        title="Tram line approved",
        outlet_domain="www.Metro.example",
    ).source
    assert source.title == "Tram line approved"
    assert source.outlet == Outlet.objects.get(domain="metro.example")


def test_a_bad_outlet_domain_is_refused():
    with pytest.raises(ApplicationError, match="not a domain name"):
        source_ingest(raw=TEXT, content_type="text/plain", outlet_domain="not a domain")
    assert Source.objects.count() == 0


def test_an_extractor_crash_keeps_the_raw_input_as_a_failed_source(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("parser blew up")

    monkeypatch.setattr("sources.services.extract", explode)
    source = source_ingest(raw=TEXT, content_type="text/plain", title="Kept anyway").source
    assert source.status == "failed"
    assert "parser blew up" in source.parse_error
    assert source.title == "Kept anyway"
    assert bytes(Source.objects.get(pk=source.pk).raw) == TEXT.encode()
