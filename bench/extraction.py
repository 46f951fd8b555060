"""Benchmark of the extraction pipeline against bare trafilatura.

    python -m bench.extraction [--rounds N] [--limit N]

HTML pages come from ``BENCH_DATA`` (a directory with ``html/<id>.html.gz``
and ``ground-truth/<id>.json``; default ``../shared/extraction-dev`` when it
exists), else from the HTML fixtures in ``tests/fixtures/articles``. Quality
and speed are measured in the same run: body shingle P/R/F1 and metadata
exact-match accuracy for our ``extract()`` and for bare trafilatura, then
throughput of both on the same pages (best of several rounds), then the
plain-text cleaner against the text fixtures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from bench.scoring import (
    Overlap,
    author_match,
    body_overlap,
    date_match,
    mean_overlap,
    title_match,
)
from sources.text.extraction import extract

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
DEFAULT_DATA = ROOT.parent / "shared" / "extraction-dev"


@dataclass(frozen=True)
class Page:
    name: str
    raw: str
    url: str | None
    title: str | None
    author: str | list[str] | None
    date: str | None
    body: str


@dataclass
class Scores:
    body: Overlap
    title: float
    author: float
    date: float
    title_known: float
    author_known: float
    date_known: float


def load_html_pages(data: Path | None) -> tuple[str, list[Page]]:
    if data is not None and (data / "html").is_dir():
        pages = []
        for path in sorted((data / "html").glob("*.html.gz")):
            name = path.name.removesuffix(".html.gz")
            truth = json.loads((data / "ground-truth" / f"{name}.json").read_text("utf-8"))
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                raw = handle.read()
            pages.append(
                Page(
                    name,
                    raw,
                    truth.get("url"),
                    truth.get("title"),
                    truth.get("author"),
                    truth.get("publish_date"),
                    truth.get("main_content") or "",
                )
            )
        return str(data), pages
    return str(FIXTURES), load_fixture_pages(".html")


def load_fixture_pages(suffix: str) -> list[Page]:
    pages = []
    for path in sorted(FIXTURES.glob(f"*{suffix}")):
        truth = json.loads(path.with_name(f"{path.stem}.expected.json").read_text("utf-8"))
        pages.append(
            Page(
                path.stem,
                path.read_text("utf-8"),
                truth.get("url"),
                truth.get("title"),
                truth.get("authors"),
                truth.get("published_at"),
                truth.get("body") or "",
            )
        )
    return pages


def _accuracy(hits: Sequence[bool]) -> float:
    return sum(hits) / len(hits) if hits else 0.0


def score(
    pages: Sequence[Page],
    predictions: Sequence[tuple[str | None, str | None, str | list[str] | None, str | None]],
) -> Scores:
    """predictions: (body, title, author(s), ISO date) per page."""
    bodies, titles, authors, days = [], [], [], []
    for page, (body, title, author, day) in zip(pages, predictions, strict=True):
        bodies.append(body_overlap(body, page.body))
        titles.append(title_match(title, page.title))
        authors.append((author_match(author, page.author), bool(page.author)))
        days.append((date_match(day, page.date), bool(page.date)))
    return Scores(
        body=mean_overlap(bodies),
        title=_accuracy(titles),
        author=_accuracy([hit for hit, _ in authors]),
        date=_accuracy([hit for hit, _ in days]),
        title_known=_accuracy(titles),
        author_known=_accuracy([hit for hit, known in authors if known]),
        date_known=_accuracy([hit for hit, known in days if known]),
    )


def ours(page: Page) -> tuple[str | None, str | None, list[str], str | None]:
    result = extract(page.raw, content_type=None, url=page.url)
    day = result.published_at.date().isoformat() if result.published_at else None
    return result.text, result.title, result.authors, day


def bare(page: Page) -> tuple[str | None, str | None, str | None, str | None]:
    body = trafilatura.extract(page.raw)
    meta = trafilatura.bare_extraction(page.raw, url=page.url, with_metadata=True)
    if meta is None:
        meta = trafilatura.extract_metadata(page.raw, page.url)
    return body, meta.title, meta.author, meta.date


def throughput(
    contenders: dict[str, Callable[[str], object]], raws: Sequence[str], rounds: int
) -> dict[str, float]:
    """Articles per second of each contender, best of ``rounds`` passes over all pages.

    Rounds alternate between the contenders so that both see the same machine load.
    """
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(rounds):
        for name, func in contenders.items():
            start = time.perf_counter()
            for raw in raws:
                func(raw)
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: len(raws) / seconds for name, seconds in best.items()}


def _row(label: str, s: Scores) -> str:
    return (
        f"  {label:<22} {s.body.precision:6.3f} {s.body.recall:6.3f} {s.body.f1:6.3f}   "
        f"{s.title:6.3f} {s.author:6.3f} {s.date:6.3f}   "
        f"{s.author_known:6.3f} {s.date_known:6.3f}"
    )


def _header() -> str:
    return (
        f"  {'':<22} {'P':>6} {'R':>6} {'F1':>6}   {'title':>6} {'author':>6} {'date':>6}   "
        f"{'auth*':>6} {'date*':>6}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__)
    parser.add_argument("--rounds", type=int, default=4, help="timing rounds (best is kept)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N pages")
    args = parser.parse_args(argv)
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)

    env = os.environ.get("BENCH_DATA")
    data = Path(env) if env else (DEFAULT_DATA if DEFAULT_DATA.is_dir() else None)
    source, pages = load_html_pages(data)
    if args.limit:
        pages = pages[: args.limit]
    if not pages:
        print("no HTML pages found", file=sys.stderr)
        return 1

    print(f"HTML: {len(pages)} pages from {source}")
    ours_scores = score(pages, [ours(p) for p in pages])
    bare_scores = score(pages, [bare(p) for p in pages])
    print(_header())
    print(_row("extract() (ours)", ours_scores))
    print(_row("bare trafilatura", bare_scores))
    print("  metadata: normalised exact match over all pages (missing on both sides = hit);")
    print("  auth*/date*: only pages whose ground truth has a value")

    raws = [p.raw for p in pages]
    rates = throughput(
        {
            "ours": lambda raw: extract(raw, content_type="text/html"),
            "bare": trafilatura.extract,
        },
        raws,
        args.rounds,
    )
    ours_rate, bare_rate = rates["ours"], rates["bare"]
    print(
        f"\nThroughput (best of {args.rounds} rounds, {len(raws)} pages): "
        f"extract() {ours_rate:.1f}/s, trafilatura.extract {bare_rate:.1f}/s, "
        f"ratio {ours_rate / bare_rate:.2f}"
    )

    dumps = load_fixture_pages(".txt")
    if dumps:
        dump_scores = score(dumps, [ours(p) for p in dumps])
        print(f"\nText dumps: {len(dumps)} fixtures from {FIXTURES}")
        print(_header())
        print(_row("text cleaner (ours)", dump_scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
