"""Benchmark of the extraction pipeline against bare trafilatura.

    python -m bench.extraction [--rounds N] [--limit N]

HTML pages come from ``BENCH_DATA``: our dev-set layout (``html/<id>.html.gz``
and ``ground-truth/<id>.json``) or a public article-extraction benchmark's
(``html/`` and one ``ground-truth.json`` with ``articleBody``); default
``../shared/extraction-dev`` when it exists, else the HTML fixtures in
``tests/fixtures/articles``. Measured in one run:

- HTML: body shingle P/R/F1 and title/author/date accuracy of our ``extract()``
  and of bare trafilatura (``extract`` for the body, ``bare_extraction`` with
  its metadata for the fields);
- text dumps of the same pages (rendered by ``sources.text.extraction.dumps``
  in each style): body P/R/F1 of our cleaner, of the whole dump (nothing
  removed) and of trafilatura on the dump; the classifier's held-out figure
  (k-fold by page, from the model file: those dumps were never trained on);
- throughput of ``extract()`` against ``trafilatura.extract`` without and
  with metadata, on the same pages, rounds alternating (best of N);
- the plain-text cleaner against the text fixtures.
"""

from __future__ import annotations

import argparse
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
from bench.splits import HELD_OUT, TUNE, part_of
from sources.text.extraction import extract
from sources.text.extraction.blockmodel import read_model_file
from sources.text.extraction.corpus import CorpusError, load_corpus
from sources.text.extraction.dumps import STYLES, render_dump

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
    if data is not None:
        try:
            corpus = load_corpus(data)
        except CorpusError as error:
            print(f"{error}: using the fixtures", file=sys.stderr)
        else:
            pages = [Page(p.name, p.html, p.url, p.title, p.author, p.date, p.body) for p in corpus]
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


def ours_dump(text: str, page: Page) -> tuple[str | None, str | None, list[str], str | None]:
    result = extract(text, content_type="text/plain", url=page.url)
    day = result.published_at.date().isoformat() if result.published_at else None
    return result.text, result.title, result.authors, day


def bare_metadata(raw: str) -> object:
    return trafilatura.extract(raw, with_metadata=True)


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
        f"  {label:<26} {s.body.precision:6.3f} {s.body.recall:6.3f} {s.body.f1:6.3f}   "
        f"{s.title:6.3f} {s.author:6.3f} {s.date:6.3f}   "
        f"{s.author_known:6.3f} {s.date_known:6.3f}"
    )


def _header() -> str:
    return (
        f"  {'':<26} {'P':>6} {'R':>6} {'F1':>6}   {'title':>6} {'author':>6} {'date':>6}   "
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
    ours_found = [ours(p) for p in pages]
    bare_found = [bare(p) for p in pages]
    print(_header())
    print(_row("extract() (ours)", score(pages, ours_found)))
    print(_row("bare trafilatura", score(pages, bare_found)))
    for part in (TUNE, HELD_OUT):
        chosen = [i for i, p in enumerate(pages) if part_of(p.name) == part]
        if chosen and len(chosen) < len(pages):
            subset = [pages[i] for i in chosen]
            label = f"{part} part ({len(chosen)})"
            print(_row(f"ours, {label}", score(subset, [ours_found[i] for i in chosen])))
            print(_row(f"bare, {label}", score(subset, [bare_found[i] for i in chosen])))
    print("  metadata: normalised exact match over all pages (missing on both sides = hit);")
    print("  auth*/date*: only pages whose ground truth has a value")
    print("  tune/held-out: bench.splits; rules were tuned on the tune part's errors only")

    raws = [p.raw for p in pages]
    rates = throughput(
        {
            "ours": lambda raw: extract(raw, content_type="text/html"),
            "bare": trafilatura.extract,
            "bare+meta": bare_metadata,
        },
        raws,
        args.rounds,
    )
    ours_rate, bare_rate, meta_rate = rates["ours"], rates["bare"], rates["bare+meta"]
    print(
        f"\nThroughput (best of {args.rounds} rounds, {len(raws)} pages): "
        f"extract() {ours_rate:.1f}/s, trafilatura.extract {bare_rate:.1f}/s "
        f"(ratio {ours_rate / bare_rate:.2f}), with metadata {meta_rate:.1f}/s "
        f"(ratio {ours_rate / meta_rate:.2f})"
    )

    print(f"\nText dumps of the same {len(pages)} pages (styles: {', '.join(STYLES)})")
    print(f"  {'':<30} {'P':>6} {'R':>6} {'F1':>6}   {'title':>6} {'author':>6} {'date':>6}")
    every_ours, every_whole, every_bare = [], [], []
    for style in STYLES:
        dumps = [render_dump(p.raw, style=style) for p in pages]
        ours_s = score(pages, [ours_dump(d, p) for d, p in zip(dumps, pages, strict=True)])
        whole = [body_overlap(d, p.body) for d, p in zip(dumps, pages, strict=True)]
        traf = [
            body_overlap(trafilatura.extract(d), p.body) for d, p in zip(dumps, pages, strict=True)
        ]
        every_ours.append(ours_s)
        every_whole.extend(whole)
        every_bare.extend(traf)
        b = ours_s.body
        print(
            f"  {'cleaner (ours), ' + style:<30} {b.precision:6.3f} {b.recall:6.3f} {b.f1:6.3f}   "
            f"{ours_s.title:6.3f} {ours_s.author:6.3f} {ours_s.date:6.3f}"
        )
    mean_f1 = sum(s.body.f1 for s in every_ours) / len(every_ours)
    whole_o, traf_o = mean_overlap(every_whole), mean_overlap(every_bare)
    print(f"  {'cleaner (ours), all styles':<30} {'':>6} {'':>6} {mean_f1:6.3f}")
    print(
        f"  {'whole dump (nothing removed)':<30} {whole_o.precision:6.3f} {whole_o.recall:6.3f} "
        f"{whole_o.f1:6.3f}"
    )
    print(
        f"  {'trafilatura on the dump':<30} {traf_o.precision:6.3f} {traf_o.recall:6.3f} "
        f"{traf_o.f1:6.3f}"
    )
    held_out = read_model_file().get("held_out")
    if held_out:
        print(
            f"  held-out (block model trained without the page; {held_out['folds']}-fold by page "
            f"over {held_out['pages']} pages of its training set): P {held_out['body_precision']:.3f} "
            f"R {held_out['body_recall']:.3f} F1 {held_out['body_f1']:.3f}"
        )
    print("  (the cleaner figures above are in-sample when BENCH_DATA is the model's training set)")

    dumps = load_fixture_pages(".txt")
    if dumps:
        dump_scores = score(dumps, [ours(p) for p in dumps])
        print(f"\nText dumps: {len(dumps)} fixtures from {FIXTURES}")
        print(_header())
        print(_row("text cleaner (ours)", dump_scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
