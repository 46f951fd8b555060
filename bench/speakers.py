"""Speaker suggestion: top-1 accuracy on labelled news copy, and throughput.

    python -m bench speakers

Three labelled sets of our own news copy live in ``bench/data/``: ``dev`` (the
rules were tuned on it), ``heldout`` (written before the rules; scored 29/30
on its first run, and one generic bug that run showed — a parenthesised
acronym ending the subject — was fixed afterwards, so it is no longer blind)
and ``unseen`` (written after the rules were final, scored as it came out). A suggestion is right when its speaker matches the gold
speaker or one of its aliases (case, spacing and a leading article aside);
``via`` is scored the same way, item by item, on the cases that have one.
Throughput is passages per second over every labelled passage, repeated.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from sources.text.speakers import suggest_speaker

DATA = Path(__file__).parent / "data"
SETS = ("dev", "heldout", "unseen")


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    passage: str
    speakers: tuple[str, ...]  # accepted names; empty = no attribution
    via: tuple[tuple[str, ...], ...]
    kind: str | None


def normalise(name: str | None) -> str:
    if not name:
        return ""
    name = name.replace("’", "'").casefold()
    name = re.sub(r"^(?:the|a|an)\s+", "", " ".join(name.split()))
    return name.strip(" .,")


def load(name: str) -> list[Case]:
    raw = (DATA / f"speakers_{name}.txt").read_text(encoding="utf-8")
    cases = []
    for block in raw.split("\n@ ")[1:]:
        lines = block.strip("\n").split("\n")
        header = dict(
            (part.split(":", 1)[0].strip(), part.split(":", 1)[1].strip())
            for part in lines[0].split("|")[1:]
        )
        case_id = lines[0].split("|")[0].strip()
        passage = lines[1][2:]
        text = "\n".join(lines[2:]).strip("\n")
        if passage not in text:
            raise ValueError(f"{name}/{case_id}: the passage is not in the text")
        speaker = header["speaker"]
        via = header.get("via", "")
        cases.append(
            Case(
                id=case_id,
                text=text,
                passage=passage,
                speakers=() if speaker == "-" else tuple(s.strip() for s in speaker.split("/")),
                via=tuple(
                    tuple(s.strip() for s in item.split("/"))
                    for item in via.split(";")
                    if item.strip()
                ),
                kind=None if header.get("kind", "-") == "-" else header["kind"],
            )
        )
    return cases


def judge(case: Case) -> tuple[bool, bool | None, object]:
    start = case.text.index(case.passage)
    got = suggest_speaker(case.text, start, start + len(case.passage))
    right = (
        got.speaker is None
        if not case.speakers
        else normalise(got.speaker) in {normalise(s) for s in case.speakers}
    )
    via_right = None
    if case.via:
        via_right = len(got.via) == len(case.via) and all(
            normalise(v) in {normalise(a) for a in accepted}
            for v, accepted in zip(got.via, case.via, strict=True)
        )
    return right, via_right, got


def accuracy(name: str, *, verbose: bool = False) -> tuple[float, float | None, int]:
    cases = load(name)
    right = 0
    via_total = via_right = 0
    for case in cases:
        ok, via_ok, got = judge(case)
        right += ok
        if via_ok is not None:
            via_total += 1
            via_right += via_ok
        if verbose and (not ok or via_ok is False):
            print(
                f"  miss {name}/{case.id}: got {got.speaker!r} via {list(got.via)} "
                f"(cue {got.cue!r}); want {case.speakers or '-'} via {case.via}"
            )
    return right / len(cases), (via_right / via_total if via_total else None), len(cases)


def throughput(seconds: float = 1.0) -> float:
    cases = [case for name in SETS for case in load(name)]
    jobs = [
        (c.text, c.text.index(c.passage), c.text.index(c.passage) + len(c.passage)) for c in cases
    ]
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text, a, b in jobs:
            suggest_speaker(text, a, b)
        done += len(jobs)
    return done / (time.perf_counter() - started)


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    for name in SETS:
        acc, via, n = accuracy(name, verbose=verbose)
        via_text = f", via exact {via:.3f}" if via is not None else ""
        print(f"speaker top-1 accuracy, {name} set ({n} passages): {acc:.3f}{via_text}")
    rates = [throughput() for _ in range(3)]
    print(f"speaker suggestion: {statistics.median(rates):,.0f} passages/s (median of 3)")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
