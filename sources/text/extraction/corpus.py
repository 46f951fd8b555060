"""Directories of article pages with their gold body and metadata.

Two layouts are read, so the training command and the benchmark take either:

- ours: ``html/<id>.html[.gz]`` and ``ground-truth/<id>.json`` holding
  ``{url, title, author, publish_date, main_content}``;
- public article-extraction benchmarks: ``html/<id>.html[.gz]`` and one
  ``ground-truth.json`` mapping each id to ``{url, articleBody, headline?,
  author?, datePublished?}``.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GoldPage:
    name: str
    html: str
    url: str | None
    title: str | None
    author: str | list[str] | None
    date: str | None
    body: str


class CorpusError(Exception):
    """The directory holds no pages in a layout we read."""


def _read_html(path: Path) -> str:
    if path.name.endswith(".gz"):
        with gzip.open(path, "rb") as handle:
            data = handle.read()
    else:
        data = path.read_bytes()
    return data.decode("utf-8", errors="replace")


def _html_files(directory: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for path in sorted((directory / "html").iterdir()):
        for suffix in (".html.gz", ".html"):
            if path.name.endswith(suffix):
                files[path.name.removesuffix(suffix)] = path
                break
    return files


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v)
    return str(value) if value else None


def load_corpus(directory: Path | str) -> list[GoldPage]:
    """The pages of ``directory`` in name order; CorpusError if it has none."""
    root = Path(directory)
    if not (root / "html").is_dir():
        raise CorpusError(f"{root} has no html/ directory")
    files = _html_files(root)
    pages: list[GoldPage] = []
    shared = root / "ground-truth.json"
    if shared.is_file():
        truth = json.loads(shared.read_text("utf-8"))
        for name, path in files.items():
            gold = truth.get(name)
            if not gold:
                continue
            pages.append(
                GoldPage(
                    name=name,
                    html=_read_html(path),
                    url=gold.get("url"),
                    title=_text(gold.get("headline") or gold.get("title")),
                    author=_text(gold.get("author")),
                    date=_text(gold.get("datePublished") or gold.get("publish_date")),
                    body=gold.get("articleBody") or "",
                )
            )
    else:
        for name, path in files.items():
            gold_path = root / "ground-truth" / f"{name}.json"
            if not gold_path.is_file():
                continue
            gold = json.loads(gold_path.read_text("utf-8"))
            pages.append(
                GoldPage(
                    name=name,
                    html=_read_html(path),
                    url=gold.get("url"),
                    title=_text(gold.get("title")),
                    author=_text(gold.get("author")),
                    date=_text(gold.get("publish_date")),
                    body=gold.get("main_content") or gold.get("articleBody") or "",
                )
            )
    if not pages:
        raise CorpusError(f"{root} holds no page with a ground truth")
    return pages
