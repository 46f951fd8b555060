"""Copied-text detection: precision and recall on generated rewrites.

    python -m bench copying

A corpus of generated news articles (a sentence grammar with many slots, so
independent articles on the same story share words and phrases but not whole
passages). For each of a set of originals, a rewrite keeps two of its
paragraphs with a few words changed (swapped, dropped, inserted) and adds new
paragraphs of its own. Every text's band keys go into one index; each text's
candidates are verified with ``shared_passages``. A link is true when the pair
is an (original, rewrite) pair. Also timed: texts indexed per second.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict

from sources.text.copying import Tokens, band_keys, shared_passages, tokenize

SYLLABLES = [
    "ka",
    "lo",
    "ven",
    "mar",
    "tis",
    "do",
    "rel",
    "an",
    "bri",
    "sul",
    "ter",
    "ok",
    "pa",
    "ni",
    "gar",
    "hol",
    "mez",
    "ru",
    "fen",
    "da",
]
ROLES = [
    "spokesman",
    "engineer",
    "inspector",
    "director",
    "official",
    "lawyer",
    "minister",
    "councillor",
    "analyst",
    "captain",
    "manager",
    "auditor",
]
BODIES = [
    "harbour authority",
    "transport ministry",
    "coastguard",
    "shipping company",
    "dock union",
    "port police",
    "regional council",
    "environment agency",
    "insurers",
    "fishing cooperative",
    "grain traders",
    "ferry operator",
    "customs service",
    "city hall",
]
VERBS = [
    "said",
    "confirmed",
    "told reporters",
    "warned",
    "insisted",
    "denied",
    "announced",
    "wrote in a letter",
    "said in a statement",
    "told a hearing",
]
WHEN = [
    "on Monday",
    "on Tuesday",
    "late on Wednesday",
    "early on Thursday",
    "on Friday",
    "over the weekend",
    "last month",
    "this week",
    "in March",
    "after the storm",
]
NOUNS = [
    "ferry terminal",
    "rail bridge",
    "grain silo",
    "pumping station",
    "sea wall",
    "fuel depot",
    "crane",
    "container yard",
    "lighthouse",
    "dredging contract",
    "pier",
    "warehouse",
    "tugboat",
    "radar mast",
    "breakwater",
    "cold store",
    "slipway",
    "toll road",
]
EVENTS = [
    "the {noun} at {place} had been {state} for {n} {unit}",
    "{n} {people} were {fate} after the {noun} {failed}",
    "repairs to the {noun} would cost at least {n} million {currency}",
    "an inquiry into the {noun} at {place} would begin {future}",
    "the {noun} near {place} would stay closed {future}",
    "{people} had complained about the {noun} as early as {year}",
    "the {noun} was inspected {n} times in {year} and passed each time",
    "a second {noun} at {place} showed {defects}",
    "{name} had signed the {noun} contract without a tender",
    "the {noun} carried {n} tonnes of {cargo} a day before {year}",
]
FILL = {
    "state": ["out of service", "under review", "closed to traffic", "without a licence", "idle"],
    "unit": ["days", "weeks", "months", "years"],
    "people": [
        "passengers",
        "workers",
        "residents",
        "inspectors",
        "drivers",
        "volunteers",
        "divers",
    ],
    "fate": ["injured", "evacuated", "stranded", "questioned", "treated in hospital", "rescued"],
    "failed": ["collapsed", "caught fire", "flooded", "lost power", "was hit by the storm", "sank"],
    "currency": ["euros", "dollars", "pounds", "kroner", "francs"],
    "future": [
        "next week",
        "in the spring",
        "before the end of the year",
        "after the holidays",
        "for now",
    ],
    "defects": ["cracks", "corrosion", "wiring faults", "leaks", "subsidence", "rust", "rot"],
    "cargo": ["grain", "coal", "timber", "steel", "fertiliser", "salt", "gravel"],
}
TAILS = [
    "",
    "",
    " The claim could not be verified.",
    " {body} did not respond to a request for comment.",
    " More details were expected {future}.",
    " It was not clear how many {people} had been affected.",
]
EDIT_WORDS = ["also", "reportedly", "now", "still", "already", "officially", "again"]


def _name(rng: random.Random) -> str:
    word = lambda: "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()  # noqa: E731
    return f"{word()} {word()}"


def _fill(template: str, rng: random.Random) -> str:
    values = {
        **{slot: rng.choice(options) for slot, options in FILL.items()},
        "noun": rng.choice(NOUNS),
        "place": _name(rng).split()[0],
        "n": str(rng.randint(2, 99)),
        "year": str(rng.randint(1995, 2025)),
        "name": _name(rng),
        "body": "The " + rng.choice(BODIES),
    }
    return template.format(**values)


def _subject(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{_name(rng)}, a {rng.choice(ROLES)} at the {rng.choice(BODIES)},"
    return "The " + rng.choice(BODIES)


# Each writer words things a little differently: synonyms and modifiers.
SYNONYMS = {
    "would": ["would", "will", "could", "might"],
    "cost": ["cost", "run to", "come to", "reach"],
    "closed": ["closed", "shut", "off limits", "sealed off"],
    "begin": ["begin", "start", "open", "get under way"],
    "complained": ["complained", "warned", "written", "raised the alarm"],
    "inspected": ["inspected", "checked", "examined", "surveyed"],
    "least": ["least", "minimum"],
    "after": ["after", "following", "once"],
    "signed": ["signed", "approved", "awarded", "backed"],
    "showed": ["showed", "had", "revealed", "displayed"],
}
MODIFIERS = ["ageing", "new", "main", "disputed", "busy", "old", "local", "former", "damaged"]


def _reword(sentence: str, rng: random.Random) -> str:
    words = []
    for word in sentence.split():
        if word in SYNONYMS:
            word = rng.choice(SYNONYMS[word])
        if word == "the" and rng.random() < 0.3:
            word = f"the {rng.choice(MODIFIERS)}"
        words.append(word)
    return " ".join(words)


def _sentence(rng: random.Random) -> str:
    event = _fill(rng.choice(EVENTS), rng)
    tail = _fill(rng.choice(TAILS), rng)
    return (
        _reword(f"{_subject(rng)} {rng.choice(VERBS)} {rng.choice(WHEN)} that {event}.", rng) + tail
    )


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


def article(rng: random.Random, paragraphs: int) -> list[str]:
    return [_paragraph(rng) for _ in range(paragraphs)]


def edit(paragraph: str, rng: random.Random, changes: int) -> str:
    """A few words changed: one replaced, one dropped or one inserted at a time."""
    words = paragraph.split()
    for _ in range(changes):
        i = rng.randrange(1, len(words) - 1)
        op = rng.choice(("swap", "drop", "insert"))
        if op == "swap":
            words[i] = rng.choice(EDIT_WORDS)
        elif op == "drop":
            del words[i]
        else:
            words.insert(i, rng.choice(EDIT_WORDS))
    return " ".join(words)


def corpus(seed: int = 14, originals: int = 40, independent: int = 80):
    rng = random.Random(seed)
    texts: dict[str, str] = {}
    truth: set[frozenset[str]] = set()
    for n in range(originals):
        paragraphs = article(rng, rng.randint(5, 9))
        texts[f"orig{n}"] = "\n".join(paragraphs)
        kept = rng.sample(range(len(paragraphs)), 2)
        rewrite = article(rng, rng.randint(2, 5))
        for i in sorted(kept):
            rewrite.insert(
                rng.randrange(len(rewrite) + 1), edit(paragraphs[i], rng, rng.randint(2, 5))
            )
        texts[f"copy{n}"] = "\n".join(rewrite)
        truth.add(frozenset((f"orig{n}", f"copy{n}")))
    for n in range(independent):
        texts[f"indep{n}"] = "\n".join(article(rng, rng.randint(4, 9)))
    return texts, truth


def evaluate(texts: dict[str, str], truth: set[frozenset[str]]):
    started = time.perf_counter()
    keys = {name: band_keys(text) for name, text in texts.items()}
    index_seconds = time.perf_counter() - started
    by_key: dict[int, set[str]] = defaultdict(set)
    for name, ks in keys.items():
        for key in ks:
            by_key[key].add(name)
    candidates: set[frozenset[str]] = set()
    for names in by_key.values():
        names = sorted(names)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                candidates.add(frozenset((a, b)))
    started = time.perf_counter()
    links = set()
    tokenised: dict[str, Tokens] = {}  # each text tokenised once, as the service does

    def tokens_of(name: str) -> Tokens:
        if name not in tokenised:
            tokenised[name] = tokenize(texts[name])
        return tokenised[name]

    for pair in candidates:
        a, b = sorted(pair)
        if shared_passages(tokens_of(a), tokens_of(b)):
            links.add(pair)
    verify_seconds = time.perf_counter() - started
    true_links = links & truth
    precision = len(true_links) / len(links) if links else 1.0
    recall = len(true_links) / len(truth) if truth else 1.0
    return {
        "precision": precision,
        "recall": recall,
        "false_links": len(links - truth),
        "candidates": len(candidates),
        "texts_per_s": len(texts) / index_seconds,
        "pairs_per_s": len(candidates) / verify_seconds if verify_seconds else 0.0,
    }


def main(argv: list[str]) -> int:
    runs = []
    for seed in (14, 15, 16):
        texts, truth = corpus(seed=seed)
        runs.append(evaluate(texts, truth))
    n = len(corpus(seed=14)[0])
    print(
        f"copied text ({n} texts a run, 40 rewrites keeping 2 paragraphs with 2-5 words "
        f"changed; 3 seeds): precision {min(r['precision'] for r in runs):.3f}, "
        f"recall {min(r['recall'] for r in runs):.3f} (worst of 3), "
        f"false links {sum(r['false_links'] for r in runs)}"
    )
    print(
        f"copied text: {statistics.median(r['texts_per_s'] for r in runs):,.0f} texts indexed/s, "
        f"{statistics.median(r['pairs_per_s'] for r in runs):,.0f} candidate pairs verified/s, "
        f"{statistics.median(r['candidates'] for r in runs):,.0f} candidate pairs (median of 3)"
    )
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
