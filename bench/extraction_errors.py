"""Page-by-page errors of the extraction pipeline on the tuning part of a dev set.

    python -m bench.extraction_errors [--field title|author|date|body] [--all-rows]

For each page of the tuning part (``bench.splits``; the held-out part is never
listed) and each field: the gold value, ours and bare trafilatura's, marked
``ok``/``--`` by the bench's scoring. Bodies are listed by F1 (ours, bare) when
ours is below 0.9 or below bare. Bare trafilatura's results can be kept in a
``--cache`` file (they do not change while the pipeline is tuned).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from pathlib import Path

from bench.extraction import DEFAULT_DATA, bare, load_html_pages, ours
from bench.scoring import author_match, body_overlap, date_match, title_match
from bench.splits import TUNE, part_of

MATCHERS = {"title": title_match, "author": author_match, "date": date_match}


def _show(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction_errors", description=__doc__)
    parser.add_argument("--field", choices=[*MATCHERS, "body"], action="append")
    parser.add_argument("--all-rows", action="store_true", help="list matches too")
    parser.add_argument("--cache", help="a JSON file keeping bare trafilatura's results")
    args = parser.parse_args(argv)
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    fields = args.field or [*MATCHERS, "body"]

    env = os.environ.get("BENCH_DATA")
    _, pages = load_html_pages(Path(env) if env else DEFAULT_DATA)
    pages = [p for p in pages if part_of(p.name) == TUNE]
    cache_path = Path(args.cache) if args.cache else None
    cache = json.loads(cache_path.read_text()) if cache_path and cache_path.is_file() else {}
    misses = dict.fromkeys(fields, 0)
    for page in pages:
        if page.name not in cache:
            cache[page.name] = list(bare(page))
        theirs = cache[page.name]
        mine = ours(page)
        gold = {"title": page.title, "author": page.author, "date": page.date}
        for position, name in enumerate(("title", "author", "date"), start=1):
            if name not in fields:
                continue
            match = MATCHERS[name]
            hit, bare_hit = match(mine[position], gold[name]), match(theirs[position], gold[name])
            misses[name] += not hit
            if hit and not args.all_rows:
                continue
            print(
                f"{page.name} {name:<6} gold={_show(gold[name])!r}\n"
                f"    {'ok' if hit else '--'} ours={_show(mine[position])!r}\n"
                f"    {'ok' if bare_hit else '--'} bare={_show(theirs[position])!r}"
                f"  url={page.url}"
            )
        if "body" in fields:
            o, b = body_overlap(mine[0], page.body), body_overlap(theirs[0], page.body)
            if args.all_rows or o.f1 < 0.9 or o.f1 < b.f1 - 0.005:
                misses["body"] += 1
                print(
                    f"{page.name} body   ours P{o.precision:.2f} R{o.recall:.2f} F{o.f1:.2f}"
                    f"  bare P{b.precision:.2f} R{b.recall:.2f} F{b.f1:.2f}"
                )
    if cache_path:
        cache_path.write_text(json.dumps(cache))
    print(f"{len(pages)} tuning pages; misses: {misses}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
