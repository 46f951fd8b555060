"""Benchmark quote re-anchoring: speed and relocation accuracy.

    python -m bench.anchoring [--seed N] [--docs N]

Speed is measured on a ~100 KB synthetic article with 50 excerpts (the upper
end of what a source holds), re-anchored with ``reanchor_all`` after:

* (a) no change: every quote is still at its offset;
* (b) a shift: junk lines dropped and a header inserted, so each quote is found
  verbatim elsewhere;
* (c) small edits inside every quote (a typo or a curly quote mark), so each
  one needs the fuzzy search.

Accuracy is measured on synthetic *benign* rule changes (junk lines and
footnote markers dropped elsewhere) over many documents with repeated
boilerplate: a relocation is correct when the new span is the same words at
the offset the edits moved them to; wrong when it is anywhere else.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable

from sources.text.anchoring import AnchorState, Quote, quote_at, reanchor_all

WORDS = [
    "the", "a", "of", "and", "to", "in", "is", "was", "for", "on", "that", "with", "as", "by",
    "at", "from", "it", "this", "be", "are", "has", "had", "city", "council", "report", "said",
    "year", "people", "new", "more", "about", "after", "over", "its", "their", "which",
    "minister", "budget", "bridge", "election", "river", "hospital", "school", "police",
    "court", "judge", "vote", "mayor", "spokesperson", "statement", "agency", "funding",
    "contract", "million", "percent", "week"
]  # fmt: skip
JUNK_LINES = [
    "Advertisement",
    "Share this article",
    "Read more: our coverage of the election",
    "Subscribe to our newsletter",
    "Photo: Getty Images",
]
BOILERPLATE = "The council has not responded to a request for comment by the time of publication."
JUNK_PATTERN = re.compile(r"(?m)^(?:" + "|".join(re.escape(j) for j in JUNK_LINES) + r")\n")
FOOTNOTE_PATTERN = re.compile(r" \[\d\]")

Edit = tuple[int, int, str]  # (start, end, replacement) on the old text


def make_document(rng: random.Random, size: int) -> str:
    lines: list[str] = []
    length = 0
    while length < size:
        roll = rng.random()
        if roll < 0.2:
            line = rng.choice(JUNK_LINES)
        elif roll < 0.25:
            line = BOILERPLATE
        else:
            sentences = [
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 24))).capitalize()
                + rng.choice(".!?")
                for _ in range(rng.randint(1, 5))
            ]
            if rng.random() < 0.3:
                sentences.insert(rng.randrange(len(sentences) + 1), f"[{rng.randint(1, 9)}]")
            line = " ".join(sentences)
        lines += [line, ""]
        length += len(line) + 2
    return "\n".join(lines)


def apply_edits(text: str, edits: list[Edit]) -> str:
    parts, pos = [], 0
    for a, b, replacement in sorted(edits):
        parts += [text[pos:a], replacement]
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


def moved(offset: int, edits: list[Edit]) -> int:
    return offset + sum(len(r) - (b - a) for a, b, r in edits if b <= offset)


def benign_edits(text: str) -> list[Edit]:
    return sorted(
        (m.start(), m.end(), "")
        for pattern in (JUNK_PATTERN, FOOTNOTE_PATTERN)
        for m in pattern.finditer(text)
    )


def pick_quotes(
    rng: random.Random, text: str, count: int, avoid: list[Edit], *, disjoint: bool = False
) -> list[Quote]:
    quotes: list[Quote] = []
    taken: list[tuple[int, int]] = []
    while len(quotes) < count:
        start = rng.randrange(len(text) - 200)
        end = start + rng.randint(20, 160)
        if not text[start:end].strip() or any(a < end + 1 and start - 1 < b for a, b, _ in avoid):
            continue
        if disjoint and any(a < end + 40 and start - 40 < b for a, b in taken):
            continue
        taken.append((start, end))
        quotes.append(quote_at(text, start, end))
    return quotes


def rate(run: Callable[[], object], excerpts: int, min_seconds: float = 1.0) -> float:
    """Excerpts re-anchored per second, repeating ``run`` for ``min_seconds``."""
    rounds, began = 0, time.perf_counter()
    while True:
        run()
        rounds += 1
        elapsed = time.perf_counter() - began
        if elapsed >= min_seconds:
            return rounds * excerpts / elapsed


def speed(rng: random.Random) -> dict[str, float]:
    text = make_document(rng, 100_000)
    edits = benign_edits(text)
    quotes = pick_quotes(rng, text, 50, edits, disjoint=True)

    banner = "Breaking news banner\n\n"
    shifted = banner + apply_edits(text, edits)
    shifted_spans = [
        (len(banner) + moved(q.start, edits), len(banner) + moved(q.end, edits)) for q in quotes
    ]

    typos: list[Edit] = []
    for quote in quotes:
        i = quote.start + len(quote.exact) // 2
        typos.append((i, i + 1, "\u2019" if text[i] == " " else text[i].upper() + "x"))
    fuzzy = apply_edits(text, typos)
    # Each quote contains exactly its own typo, so its end moves with it.
    fuzzy_spans = [(moved(q.start, typos), moved(q.end, typos)) for q in quotes]

    results = {}
    for name, new_text, spans in (
        ("unchanged", text, [(q.start, q.end) for q in quotes]),
        ("shifted", shifted, shifted_spans),
        ("fuzzy", fuzzy, fuzzy_spans),
    ):
        anchors = reanchor_all(quotes, new_text)
        hits = sum(
            a.state is not AnchorState.ORPHANED and (a.quote.start, a.quote.end) == span
            for a, span in zip(anchors, spans, strict=True)
        )
        results[name] = rate(lambda new_text=new_text: reanchor_all(quotes, new_text), len(quotes))
        results[f"{name}_ok"] = hits / len(quotes)
    return results


def accuracy(rng: random.Random, docs: int) -> dict[str, int]:
    counts = {"total": 0, "correct": 0, "wrong": 0, "orphaned": 0}
    for _ in range(docs):
        text = make_document(rng, rng.randint(3_000, 20_000))
        edits = benign_edits(text)
        new_text = apply_edits(text, edits)
        quotes = pick_quotes(rng, text, 50, edits)
        for quote, anchor in zip(quotes, reanchor_all(quotes, new_text), strict=True):
            counts["total"] += 1
            if anchor.state is AnchorState.ORPHANED:
                counts["orphaned"] += 1
            elif (
                anchor.quote.start == moved(quote.start, edits)
                and anchor.quote.exact == quote.exact
            ):
                counts["correct"] += 1
            else:
                counts["wrong"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.anchoring", description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--docs", type=int, default=200, help="documents for the accuracy run")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    began = time.perf_counter()
    figures = speed(rng)
    print("Re-anchoring speed (100 KB text, 50 excerpts per source):")
    for name, label in (
        ("unchanged", "(a) unchanged text"),
        ("shifted", "(b) shifted text, exact elsewhere"),
        ("fuzzy", "(c) small edits inside quotes"),
    ):
        print(
            f"  {label:<36} {figures[name]:>10,.0f} excerpts/s"
            f"   ({figures[name + '_ok']:.0%} at the expected span)"
        )

    counts = accuracy(rng, args.docs)
    total = counts["total"]
    print(f"Relocation accuracy on synthetic benign rule changes ({total} excerpts):")
    print(f"  correct  {counts['correct']:>6}  {counts['correct'] / total:.2%}")
    print(f"  orphaned {counts['orphaned']:>6}  {counts['orphaned'] / total:.2%}")
    print(f"  wrong    {counts['wrong']:>6}  {counts['wrong'] / total:.2%}")
    print(f"({time.perf_counter() - began:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
