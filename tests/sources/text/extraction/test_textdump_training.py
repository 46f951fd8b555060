"""The block classifier's training command, its corpus layouts and its determinism."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sources.text.extraction import EXTRACTOR_VERSION, extract, rules_fingerprint
from sources.text.extraction import rules as rules_module
from sources.text.extraction.blockmodel import (
    BlockModel,
    ModelError,
    model_digest,
    read_model_file,
    shipped_model_version,
)
from sources.text.extraction.corpus import CorpusError, load_corpus
from sources.text.extraction.dumps import render_dump
from sources.text.extraction.normalize import join_paragraphs
from sources.text.extraction.textdump import clean_dump
from sources.text.extraction.training import unit_label

PAGES = Path(__file__).resolve().parents[3] / "fixtures" / "pages"


def _train(output: Path, folds: int = 3) -> dict:
    call_command("train_textdump", str(PAGES), output=str(output), folds=folds, stdout=None)
    return json.loads(output.read_text("utf-8"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, dict]:
    output = tmp_path_factory.mktemp("model") / "model.json"
    return output, _train(output)


def test_train_textdump_writes_a_model_from_the_pages(trained):
    _, data = trained
    model = BlockModel.from_dict(data)
    assert data["trained_on"]["pages"] == 6
    assert data["trained_on"]["styles"] == ["copied", "lines", "wrapped"]
    assert 0 < data["trained_on"]["body_units"] < data["trained_on"]["units"]
    assert len(model.coef) == len(model.features)
    assert data["version"] == model_digest(data)


def test_training_reports_a_held_out_figure(trained):
    _, data = trained
    held_out = data["held_out"]
    assert held_out["folds"] == 3
    assert held_out["pages"] == 6
    assert held_out["body_f1"] > 0.8


def test_trained_model_keeps_the_article_and_drops_the_furniture(trained):
    _, data = trained
    model = BlockModel.from_dict(data)
    page = next(p for p in load_corpus(PAGES) if p.name == "harbour-levy")
    result = clean_dump(render_dump(page.html, style="wrapped"), url=page.url, model=model)
    text = join_paragraphs(result.paragraphs)
    assert "The levy takes effect in June" in text
    assert "Privacy policy" not in text
    assert "Most read" not in text
    assert result.title == page.title


def test_training_twice_gives_the_same_file(trained, tmp_path):
    first, _ = trained
    second = tmp_path / "again.json"
    _train(second)
    assert second.read_bytes() == first.read_bytes()


def test_train_textdump_refuses_a_directory_without_pages(tmp_path):
    with pytest.raises(CommandError, match="html/"):
        call_command("train_textdump", str(tmp_path), output=str(tmp_path / "m.json"))
    assert not (tmp_path / "m.json").exists()


def test_train_textdump_refuses_an_unknown_dump_style(tmp_path):
    with pytest.raises(CommandError, match="unknown dump style"):
        call_command("train_textdump", str(PAGES), output=str(tmp_path / "m.json"), styles="pdf")


def test_public_benchmark_layout_is_read(tmp_path):
    (tmp_path / "html").mkdir()
    page = (PAGES / "html" / "wind-farm.html").read_bytes()
    (tmp_path / "html" / "a1.html.gz").write_bytes(gzip.compress(page))
    truth = {"a1": {"url": "https://x.example/a1", "articleBody": "The body.", "headline": "H"}}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth), "utf-8")
    [loaded] = load_corpus(tmp_path)
    assert (loaded.name, loaded.body, loaded.title, loaded.url) == (
        "a1",
        "The body.",
        "H",
        "https://x.example/a1",
    )
    assert "Offshore wind farm" in loaded.html


def test_corpus_without_ground_truth_is_refused(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "a.html").write_text("<p>x</p>", "utf-8")
    with pytest.raises(CorpusError):
        load_corpus(tmp_path)


def test_unit_label_follows_the_gold_body():
    gold = "The council voted late on Monday to introduce a levy on cruise passengers."
    from sources.text.extraction.training import _gold_index

    index = _gold_index(gold)
    assert unit_label("The council voted late on Monday to introduce a levy", index) == 1.0
    assert unit_label("Sign up for our newsletter to get the news every morning", index) == 0.0
    assert unit_label("Monday", index) == 1.0
    assert unit_label("Share", index) == 0.0


def test_render_dump_is_deterministic_and_wraps():
    html = (PAGES / "html" / "rail-signals.html").read_text("utf-8")
    wrapped = render_dump(html, style="wrapped")
    assert wrapped == render_dump(html, style="wrapped")
    assert max(len(line) for line in wrapped.splitlines()) <= 80
    assert "Log in" not in render_dump(html, style="copied")
    with pytest.raises(ValueError, match="unknown dump style"):
        render_dump(html, style="pdf")


def test_same_dump_gives_the_same_result_twice():
    html = (PAGES / "html" / "museum-theft.html").read_text("utf-8")
    dump = render_dump(html, style="lines")
    first, second = (
        extract(dump, content_type="text/plain"),
        extract(dump, content_type="text/plain"),
    )
    assert first == second
    assert "antique silver" in first.text


def test_extractor_version_carries_the_shipped_model():
    assert EXTRACTOR_VERSION.endswith(f"+textdump.{shipped_model_version()}")
    assert shipped_model_version() == model_digest(read_model_file())


def test_a_new_model_changes_the_rules_fingerprint(monkeypatch):
    before = rules_fingerprint([])
    monkeypatch.setattr(rules_module, "EXTRACTOR_VERSION", "2.0.0+textdump.000000000000")
    assert rules_fingerprint([]) != before


def test_malformed_model_is_refused():
    data = dict(read_model_file())
    data["coef"] = data["coef"][:-1]
    with pytest.raises(ModelError, match="differ in length"):
        BlockModel.from_dict(data)
    with pytest.raises(ModelError, match="format"):
        BlockModel.from_dict({**data, "format": 99})
