"""manage.py ingest / extract."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from sources.models import Source

pytestmark = pytest.mark.django_db

ARTICLE = """Lighthouse keepers return to Skerry Point

By Aldo Brennan

Two keepers returned to the Skerry Point lighthouse on Saturday after a decade of automation, the maritime trust said.

The trust said the keepers would run a visitor centre and check the lamp each night.
"""
PAGE = """<html><head><title>Lighthouse keepers return | Coast Weekly</title></head>
<body><article><h1>Lighthouse keepers return</h1><p>Two keepers returned to the Skerry Point lighthouse on Saturday after
a decade of automation, the maritime trust said in a statement to the press.</p>
<p>The trust said the keepers would run a visitor centre and check the lamp each night through the winter.</p></article></body></html>"""


def _run(*args: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, [line for line in out.getvalue().splitlines() if line.strip()]


def test_ingest_json_reports_each_input_and_exits_0(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "b.html").write_text(PAGE)

    code, lines = _run("ingest", str(tmp_path), "--json", "--outlet", "coastweekly.example")

    records = [json.loads(line) for line in lines]
    assert code == 0
    assert [r["status"] for r in records] == ["created", "created"]
    assert {r["input"].rsplit("/", 1)[-1] for r in records} == {"a.txt", "b.html"}
    assert set(records[0]) == {"input", "status", "source_id", "title", "error"}
    html_source = Source.objects.get(original_filename="b.html")
    assert html_source.content_type == "text/html"
    assert html_source.outlet.domain == "coastweekly.example"


def test_ingest_twice_reports_duplicates(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    _run("ingest", str(path))

    code, lines = _run("ingest", str(path), "--json")

    assert code == 0
    assert json.loads(lines[0])["status"] == "duplicate"
    assert Source.objects.count() == 1


def test_ingest_exits_1_when_an_input_fails_and_still_ingests_the_rest(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    empty = tmp_path / "empty.txt"
    empty.write_text("  ")

    code, lines = _run("ingest", str(good), str(empty), str(tmp_path / "missing.txt"), "--json")

    records = {json.loads(line)["input"].rsplit("/", 1)[-1]: json.loads(line) for line in lines}
    assert code == 1
    assert records["good.txt"]["status"] == "created"
    assert records["empty.txt"]["status"] == "error"
    assert records["empty.txt"]["error"]
    assert records["missing.txt"]["status"] == "error"
    assert records["missing.txt"]["source_id"] is None


def test_ingest_plain_output_is_one_line_per_input(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    code, lines = _run("ingest", str(tmp_path / "a.txt"))
    assert code == 0
    assert len(lines) == 1
    assert lines[0].startswith("created")
    assert "Lighthouse keepers return to Skerry Point" in lines[0]


def test_extract_prints_the_result_without_saving(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)

    code, lines = _run("extract", str(tmp_path / "a.txt"), "--json")

    record = json.loads(lines[0])
    assert code == 0
    assert set(record) == {"input", "content_type", "title", "authors", "published_at", "text"}
    assert record["title"] == "Lighthouse keepers return to Skerry Point"
    assert record["authors"] == ["Aldo Brennan"]
    assert record["text"].startswith("Two keepers returned")
    assert Source.objects.count() == 0


def test_extract_applies_the_current_rules(tmp_path):
    from sources.models import ExtractionRule

    ExtractionRule.objects.create(name="no lamp", kind="drop_lines", pattern="check the lamp")
    (tmp_path / "a.txt").write_text(ARTICLE)

    _, lines = _run("extract", str(tmp_path / "a.txt"), "--json")

    assert "lamp" not in json.loads(lines[0])["text"]
