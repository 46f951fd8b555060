"""Benchmark quote re-anchoring: does a re-parse ever pass other words off as
the analyst's quote, how many untouched quotes it keeps, and how fast.

    python -m bench anchoring [--seed N] [--docs N]

Outcomes, on synthetic news articles and on the demo articles
(``fixtures/demo/articles``, extracted by the pipeline), for three kinds of
rule change:

* *untouched*: junk lines dropped, a banner added, footnote markers removed,
  all outside the quotes. A quote is *kept* when it ends ``anchored`` or
  ``relocated`` with its words at the offset the edits moved it to;
* *words edited*: a negation inserted, a number changed, a name swapped, a
  word dropped or a word's case flipped inside the quote. It should be
  *flagged* ``changed`` (or ``orphaned``);
* *paragraph dropped*: the quote's paragraph is gone and a near-identical
  sentence (one name changed) appears elsewhere: ``orphaned`` or ``changed``.

Real news articles too, when the extraction dev set is at hand
(``BENCH_DATA``, default ``../shared/extraction-dev``: the human-reviewed
article bodies of its ``ground-truth/*.json``); skipped otherwise.

*Wrong* is any quote that ends ``anchored``/``relocated`` on words other than
its selection, or an untouched quote kept at another place. It must be 0.

Speed is measured on a ~100 KB synthetic article with 50 excerpts (the upper
end of what a source holds), re-anchored with ``reanchor_all`` after (a) no
change, (b) a shift (junk dropped, a banner added: each quote found verbatim
elsewhere), (c) one-character edits inside every quote (each one needs the
fuzzy search, and ends ``changed``). Targets: (a) ≥ 10,000 excerpts/s,
(c) ≥ 1,000 excerpts/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sources.text.anchoring import (
    SAME_WORDS_STATES,
    AnchorState,
    Quote,
    quote_at,
    reanchor_all,
    same_words,
)

ROOT = Path(__file__).resolve().parent.parent
DEMO_ARTICLES = ROOT / "fixtures" / "demo" / "articles"
DEFAULT_REAL = ROOT.parent / "shared" / "extraction-dev"
UNCHANGED_TARGET = 10_000
FUZZY_TARGET = 1_000

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

NAMES = [
    "Dinara", "Venera", "Amaru", "Tomasz", "Ilse", "Kofi", "Marisol", "Oskar", "Priya",
    "Rashid", "Sunniva", "Teodor",
]  # fmt: skip
SURNAMES = ["Okafor", "Lindqvist", "Haddad", "Moreau", "Takeda", "Varga", "Quispe", "Novak"]
PLACES = ["Port Elsby", "the Varn valley", "Kelso", "the northern district", "Harrowgate"]
NOUNS = [
    "budget", "inquiry", "ferry contract", "water supply", "election", "hospital wing",
    "drone programme", "harbour dredging", "pension reform", "bridge repair",
]  # fmt: skip
ADJECTIVES = ["approved", "delayed", "illegal", "on schedule", "underfunded", "a success"]

Edit = tuple[int, int, str]  # (start, end, replacement) on the old text


# --- texts -------------------------------------------------------------------


def make_document(rng: random.Random, size: int) -> str:
    """Word salad with junk lines, boilerplate and footnotes (for speed)."""
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


def news_sentence(rng: random.Random) -> str:
    name = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}"
    number = rng.randint(2, 990)
    noun, adjective, place = rng.choice(NOUNS), rng.choice(ADJECTIVES), rng.choice(PLACES)
    return rng.choice(
        [
            f"{name} said the {noun} was {adjective}.",
            f"According to {name}, {number} people in {place} were affected by the {noun}.",
            f"“The {noun} is {adjective},” {name} told reporters in {place} on day {number}.",
            f"Vote for {rng.choice(NAMES)}, the campaign in {place} urged {number} times.",
            f"Officials in {place} said the {noun} will be {adjective} by week {number}.",
        ]
    )


def news_article(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(4, 16)):
        if rng.random() < 0.25:
            paragraphs.append(rng.choice(JUNK_LINES))
        sentences = [news_sentence(rng) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            sentences.insert(rng.randrange(len(sentences) + 1), f"[{rng.randint(1, 9)}]")
        paragraphs.append(" ".join(sentences))
    return "\n".join(p + "\n" for p in paragraphs)


def demo_texts() -> list[str]:
    """The demo articles' clean text, as ingestion makes it."""
    from sources.text.extraction import decode_bytes, extract

    texts = []
    for path in sorted(DEMO_ARTICLES.glob("*")):
        if path.suffix not in {".txt", ".html"}:
            continue
        ctype = "text/html" if path.suffix == ".html" else "text/plain"
        texts.append(extract(decode_bytes(path.read_bytes()), content_type=ctype).text)
    return texts


def real_texts() -> tuple[Path | None, list[str]]:
    """Article bodies of the extraction dev set, if it is here."""
    env = os.environ.get("BENCH_DATA")
    data = Path(env) if env else DEFAULT_REAL
    truth = sorted((data / "ground-truth").glob("*.json")) if data.is_dir() else []
    texts = [json.loads(path.read_text("utf-8")).get("main_content") or "" for path in truth]
    return (data if texts else None), [t for t in texts if len(t) > 200]


# --- edits -------------------------------------------------------------------


def apply_edits(text: str, edits: list[Edit]) -> str:
    parts, pos = [], 0
    for a, b, replacement in sorted(edits):
        parts += [text[pos:a], replacement]
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


def moved(offset: int, edits: list[Edit]) -> int:
    return offset + sum(len(r) - (b - a) for a, b, r in edits if b <= offset)


def benign_edits(rng: random.Random, text: str, avoid: list[tuple[int, int]]) -> list[Edit]:
    """Junk lines and footnote markers dropped, a banner and photo credits
    added: a rule change that touches no quote."""

    def free(a: int, b: int) -> bool:
        return all(b <= s or e <= a for s, e in avoid)

    edits: list[Edit] = [
        (m.start(), m.end(), "")
        for pattern in (JUNK_PATTERN, FOOTNOTE_PATTERN)
        for m in pattern.finditer(text)
        if free(m.start(), m.end())
    ]
    edits.append((0, 0, "Breaking news banner\n\n"))
    for m in re.finditer(r"\n+", text):
        if rng.random() < 0.05 and free(m.start(), m.end()):
            edits.append((m.end(), m.end(), "Photo: agency\n\n"))
    edits.sort()
    merged: list[Edit] = []
    for edit in edits:
        if not merged or edit[0] >= merged[-1][1]:
            merged.append(edit)
    return merged


def _negate(exact: str, rng: random.Random) -> str | None:
    spots = [m.end() for m in re.finditer(r"\b(?:was|is|will|were|are|has|had)\b", exact)]
    return (lambda i: exact[:i] + " not" + exact[i:])(rng.choice(spots)) if spots else None


def _number(exact: str, rng: random.Random) -> str | None:
    found = list(re.finditer(r"\d+", exact))
    if not found:
        return None
    m = rng.choice(found)
    return exact[: m.start()] + str(int(m.group()) + rng.choice([1, 9, 100])) + exact[m.end() :]


def _name(exact: str, rng: random.Random) -> str | None:
    found = list(re.finditer(r"\b[A-Z][a-z]{2,}\b", exact))
    if not found:
        return None
    m = rng.choice(found)
    other = rng.choice([n for n in NAMES + SURNAMES if n != m.group()])
    return exact[: m.start()] + other + exact[m.end() :]


def _drop_word(exact: str, rng: random.Random) -> str | None:
    found = list(re.finditer(r" \b\w+\b", exact))
    if len(found) < 2:
        return None
    m = rng.choice(found)
    return exact[: m.start()] + exact[m.end() :]


def _case(exact: str, rng: random.Random) -> str | None:
    found = list(re.finditer(r"\b[A-Za-z]{3,}\b", exact))
    if not found:
        return None
    m = rng.choice(found)
    return exact[: m.start()] + m.group().swapcase()[0] + m.group()[1:] + exact[m.end() :]


WORD_EDITS: list[Callable[[str, random.Random], str | None]] = [
    _negate,
    _number,
    _name,
    _drop_word,
    _case,
]


def pick_quotes(rng: random.Random, text: str, count: int) -> list[Quote]:
    """Disjoint sentence-like spans of content (not junk), 20-200 characters."""
    sentences = [
        m.span()
        for m in re.finditer(r"[A-Z“\"][^.!?\n]{18,200}[.!?”]+", text)
        if text[m.start() : m.end()] not in JUNK_LINES
    ]
    rng.shuffle(sentences)
    quotes: list[Quote] = []
    for a, b in sentences[:count]:
        if rng.random() < 0.3 and b - a > 40:  # a clause, not the whole sentence
            b = a + rng.randint(25, b - a - 1)
            while text[b - 1] == " ":
                b -= 1
        quotes.append(quote_at(text, a, b))
    return sorted(quotes, key=lambda q: q.start)


# --- outcomes ----------------------------------------------------------------


def _count_words_gone(counts: Counter, kind: str, quote: Quote, new_text: str) -> None:
    """Re-anchor a quote whose words are gone from ``new_text``: it must not
    end anchored/relocated on other words."""
    (anchor,) = reanchor_all([quote], new_text)
    counts[kind] += 1
    if anchor.state in SAME_WORDS_STATES and not same_words(anchor.quote.exact, quote.exact):
        counts[f"{kind} wrong"] += 1
    else:
        counts[f"{kind} {anchor.state.value}"] += 1


def outcomes(rng: random.Random, texts: list[str], quotes_per_text: int = 8) -> Counter:
    counts: Counter = Counter()
    for text in texts:
        quotes = pick_quotes(rng, text, quotes_per_text)
        if not quotes:
            continue
        # Untouched by the rule.
        edits = benign_edits(rng, text, [(q.start - 1, q.end + 1) for q in quotes])
        new_text = apply_edits(text, edits)
        for quote, anchor in zip(quotes, reanchor_all(quotes, new_text), strict=True):
            counts["untouched"] += 1
            if anchor.state in SAME_WORDS_STATES:
                right = anchor.quote.exact == quote.exact and anchor.quote.start == moved(
                    quote.start, edits
                )
                counts["untouched kept" if right else "untouched wrong"] += 1
            else:
                counts[f"untouched {anchor.state.value}"] += 1
        # Words edited inside each quote (one rule per quote).
        for quote in quotes:
            edited = rng.choice(WORD_EDITS)(quote.exact, rng)
            if edited is None or same_words(edited, quote.exact):
                continue
            _count_words_gone(
                counts, "edited", quote, text[: quote.start] + edited + text[quote.end :]
            )
        # The quote's paragraph dropped; a near-identical sentence elsewhere.
        quote = rng.choice(quotes)
        para_start = text.rfind("\n", 0, quote.start) + 1
        para_end = text.find("\n", quote.end)
        para_end = len(text) if para_end == -1 else para_end
        twin = _name(quote.exact, rng) or _number(quote.exact, rng)
        rest = text[:para_start] + text[para_end:]
        if twin is not None and rest.strip():
            at = rng.randrange(len(rest))
            at = rest.find("\n", at)
            at = len(rest) if at == -1 else at
            _count_words_gone(counts, "dropped", quote, rest[:at] + "\n" + twin + "\n" + rest[at:])
    return counts


def print_outcomes(label: str, counts: Counter) -> int:
    def pct(part: int, whole: int) -> str:
        return f"{100 * part / whole:6.2f}%" if whole else "     -"

    untouched, edited, dropped = counts["untouched"], counts["edited"], counts["dropped"]
    total = untouched + edited + dropped
    wrong = counts["untouched wrong"] + counts["edited wrong"] + counts["dropped wrong"]
    orphaned = sum(counts[f"{k} orphaned"] for k in ("untouched", "edited", "dropped"))
    print(f"{label}: {total} quotes ({untouched} untouched, {edited} edited, {dropped} dropped)")
    print(f"  kept-unchanged   {pct(counts['untouched kept'], untouched)}  of untouched quotes")
    print(
        f"  changed-flagged  {pct(counts['edited changed'], edited)}  of edited quotes"
        f" (+{pct(counts['edited orphaned'], edited).strip()} orphaned)"
    )
    print(
        f"  dropped          {pct(counts['dropped orphaned'], dropped)} orphaned,"
        f" {pct(counts['dropped changed'], dropped).strip()} changed"
    )
    print(f"  orphaned         {pct(orphaned, total)}  of all quotes")
    print(f"  wrong            {pct(wrong, total)}  ({wrong} quotes)")
    return wrong


# --- speed -------------------------------------------------------------------


def rate(run: Callable[[], object], excerpts: int, min_seconds: float = 1.0) -> tuple[float, float]:
    """Excerpts re-anchored per second of this process's CPU time (what the
    code costs, whatever else the machine runs) and per second of wall-clock
    time: the medians of 3 rounds of at least ``min_seconds`` of CPU each."""
    cpu_rates, wall_rates = [], []
    for _ in range(3):
        rounds, cpu_began, wall_began = 0, time.process_time(), time.perf_counter()
        while True:
            run()
            rounds += 1
            cpu = time.process_time() - cpu_began
            if cpu >= min_seconds:
                cpu_rates.append(rounds * excerpts / cpu)
                wall_rates.append(rounds * excerpts / (time.perf_counter() - wall_began))
                break
    return statistics.median(cpu_rates), statistics.median(wall_rates)


def speed(rng: random.Random) -> dict[str, float]:
    text = make_document(rng, 100_000)
    quotes: list[Quote] = []
    taken: list[tuple[int, int]] = []
    junk = [
        (m.start(), m.end()) for p in (JUNK_PATTERN, FOOTNOTE_PATTERN) for m in p.finditer(text)
    ]
    while len(quotes) < 50:
        start = rng.randrange(len(text) - 200)
        end = start + rng.randint(20, 160)
        if not text[start:end].strip() or any(a < end + 1 and start - 1 < b for a, b in junk):
            continue
        if any(a < end + 40 and start - 40 < b for a, b in taken):
            continue
        taken.append((start, end))
        quotes.append(quote_at(text, start, end))
    edits = [(a, b, "") for a, b in junk]
    banner = "Breaking news banner\n\n"
    shifted = banner + apply_edits(text, edits)
    typos: list[Edit] = []
    for quote in quotes:
        i = quote.start + len(quote.exact) // 2
        typos.append((i, i + 1, "\u2019" if text[i] == " " else text[i].upper() + "x"))
    fuzzy = apply_edits(text, typos)

    results: dict[str, float] = {}
    for name, new_text, expected in (
        ("unchanged", text, AnchorState.ANCHORED),
        ("shifted", shifted, AnchorState.RELOCATED),
        ("fuzzy", fuzzy, AnchorState.CHANGED),
    ):
        anchors = reanchor_all(quotes, new_text)
        results[f"{name}_ok"] = sum(a.state is expected for a in anchors) / len(quotes)
        results[name], results[f"{name}_wall"] = rate(
            lambda new_text=new_text: reanchor_all(quotes, new_text), len(quotes)
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench anchoring", description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--docs", type=int, default=300, help="synthetic articles for outcomes")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    began = time.perf_counter()

    figures = speed(rng)
    print(
        "Re-anchoring speed (100 KB text, 50 excerpts per source, median of 3 rounds;"
        " per CPU-second, and per wall-clock second on this machine now):"
    )
    for name, label, target in (
        ("unchanged", "(a) unchanged text", UNCHANGED_TARGET),
        ("shifted", "(b) shifted text, same words elsewhere", None),
        ("fuzzy", "(c) one character edited in each quote", FUZZY_TARGET),
    ):
        goal = ""
        if target is not None:
            goal = f"  target ≥ {target:,}/s: {'ok' if figures[name] >= target else 'MISSED'}"
        print(
            f"  {label:<40} {figures[name]:>10,.0f} excerpts/s"
            f"  (wall {figures[name + '_wall']:,.0f}/s; {figures[name + '_ok']:.0%} as expected)"
            f"{goal}"
        )

    wrong = print_outcomes(
        "Synthetic news articles", outcomes(rng, [news_article(rng) for _ in range(args.docs)])
    )
    # The demo articles are few: each is used with several quote draws.
    demo = demo_texts()
    wrong += print_outcomes("Demo articles", outcomes(rng, demo * 40))
    where, real = real_texts()
    if real:
        wrong += print_outcomes(f"Real news articles ({len(real)}, {where})", outcomes(rng, real))
    else:
        print("Real news articles: none here (set BENCH_DATA to the extraction dev set)")
    print(f"({time.perf_counter() - began:.1f} s)")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
