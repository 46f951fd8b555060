"""Extraction rules written by editors: validation, fingerprint and application.

Every regex runs under the ``regex`` module with a time budget per rule and
text, so a rule that backtracks catastrophically on some page cannot hang a
worker: it raises ``RuleTimeout`` and that source fails visibly (its previous
text is kept). It is never skipped for a line, which would make the text
depend on the machine's load. Validation additionally runs the pattern against
a few adversarial strings and refuses it when that already takes too long.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import regex
from cssselect import SelectorError
from lxml.cssselect import CSSSelector

from sources.text.errors import RuleError
from sources.text.extraction.version import EXTRACTOR_VERSION

METADATA_FIELDS = ("title", "author", "published_at")

# Seconds one rule may spend on one text before the source fails.
APPLY_TIMEOUT = 0.5
# Seconds one rule may spend on one adversarial string at validation.
VALIDATE_TIMEOUT = 0.05
# Rules match line by line: ``^`` and ``$`` anchor at line boundaries.
_FLAGS = regex.MULTILINE | regex.VERSION0
_GROUP_REFERENCE = re.compile(r"\\(?:g<([^>]*)>|(\d+))")


class RuleTimeout(Exception):
    """A rule ran over its time budget on one text."""

    def __init__(self, spec: RuleSpec, budget: float) -> None:
        pattern = spec.pattern if len(spec.pattern) <= 80 else spec.pattern[:77] + "..."
        super().__init__(
            f"The {spec.kind} rule with pattern {pattern!r} took more than {budget:g} s on "
            "this text; simplify the rule, then re-parse."
        )
        self.spec = spec


class _Budget:
    """What is left of one rule's time on one text, for each regex call."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        return remaining


class RuleKind(enum.StrEnum):
    DROP_LINES = "drop_lines"
    CUT_BEFORE = "cut_before"
    CUT_AFTER = "cut_after"
    REPLACE = "replace"
    STRIP_SELECTOR = "strip_selector"
    METADATA = "metadata"


TEXT_RULE_KINDS = frozenset(
    {RuleKind.DROP_LINES, RuleKind.CUT_BEFORE, RuleKind.CUT_AFTER, RuleKind.REPLACE}
)


@dataclass(frozen=True)
class RuleSpec:
    kind: str  # a RuleKind value
    pattern: str  # regex, or CSS selector for strip_selector
    replacement: str = ""  # for replace
    field: str = ""  # for metadata: "title" | "author" | "published_at"


def _kind(spec: RuleSpec) -> RuleKind:
    try:
        return RuleKind(spec.kind)
    except ValueError:
        choices = ", ".join(kind.value for kind in RuleKind)
        raise RuleError(
            f"Unknown rule kind {spec.kind!r}; use one of: {choices}.", code="invalid_rule"
        ) from None


def _compile(pattern: str) -> Any:
    if not pattern:
        raise RuleError("The rule's pattern is empty.", code="invalid_rule")
    try:
        return regex.compile(pattern, _FLAGS)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise RuleError(
            f"The pattern is not a valid regular expression: {exc}.", code="invalid_rule"
        ) from None


def _adversarial_inputs(pattern: str) -> Iterable[str]:
    """Long runs of the characters a pattern mentions, ending in a mismatch.

    Nested quantifiers such as ``(a+)+b`` explode on exactly this shape.
    """
    literals = {ch for ch in pattern if ch.isalnum() or ch in " -.,:/_'\""}
    for seed in [*sorted(literals)[:12], "a", "0", " ", "a b ", "-.", "\n"]:
        yield seed * 2000 + "\x00!"
    yield "".join(sorted(literals)) * 300 + "\x00!"


def _check_not_catastrophic(compiled: Any, pattern: str) -> None:
    for text in _adversarial_inputs(pattern):
        try:
            compiled.search(text, timeout=VALIDATE_TIMEOUT)
        except TimeoutError:
            raise RuleError(
                "The pattern takes too long on some inputs (catastrophic backtracking); "
                "simplify nested repetitions such as (a+)+.",
                code="invalid_rule",
            ) from None


def _check_replacement(compiled: Any, replacement: str) -> None:
    for name, number in _GROUP_REFERENCE.findall(replacement):
        ref = name or number
        if ref.isdigit():
            if int(ref) > compiled.groups:
                raise RuleError(
                    f"The replacement refers to group {ref}, which the pattern does not have.",
                    code="invalid_rule",
                )
        elif ref not in compiled.groupindex:
            raise RuleError(
                f"The replacement refers to group {ref!r}, which the pattern does not have.",
                code="invalid_rule",
            )


def _css_selector(pattern: str) -> CSSSelector:
    if not pattern.strip():
        raise RuleError("The CSS selector is empty.", code="invalid_rule")
    try:
        return CSSSelector(pattern)
    except (SelectorError, ValueError) as exc:
        raise RuleError(
            f"The CSS selector {pattern!r} does not parse: {exc}.", code="invalid_rule"
        ) from None


def validate_rule(spec: RuleSpec) -> None:
    """Raise ``RuleError`` (400) with a readable message if ``spec`` is unusable."""
    kind = _kind(spec)
    if kind is RuleKind.STRIP_SELECTOR:
        _css_selector(spec.pattern)
        return
    compiled = _compile(spec.pattern)
    if kind is RuleKind.METADATA:
        if spec.field not in METADATA_FIELDS:
            raise RuleError(
                f"A metadata rule sets one of {', '.join(METADATA_FIELDS)}, not {spec.field!r}.",
                code="invalid_rule",
            )
        if len(compiled.groupindex) != 1:
            raise RuleError(
                "A metadata rule's pattern needs exactly one named group, "
                "for example (?P<value>...).",
                code="invalid_rule",
            )
    if kind is RuleKind.REPLACE:
        _check_replacement(compiled, spec.replacement)
    _check_not_catastrophic(compiled, spec.pattern)


def effective_spec(spec: RuleSpec) -> tuple[str, str, str, str]:
    """The parts of a rule that can change the output (a drop rule's replacement cannot)."""
    kind = spec.kind
    return (
        kind,
        spec.pattern,
        spec.replacement if kind == RuleKind.REPLACE.value else "",
        spec.field if kind == RuleKind.METADATA.value else "",
    )


def rules_fingerprint(specs: Sequence[RuleSpec]) -> str:
    """sha256 of the ordered effective rules and the extractor version."""
    payload = {
        "extractor": EXTRACTOR_VERSION,
        "rules": [list(effective_spec(spec)) for spec in specs],
    }
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --- application ----------------------------------------------------------


def _safe_compile(pattern: str) -> Any | None:
    try:
        return regex.compile(pattern, _FLAGS)
    except (regex.error, ValueError, OverflowError, RecursionError):
        return None


def _apply_text_rule(kind: RuleKind, compiled: Any, replacement: str, text: str) -> str:
    budget = _Budget(APPLY_TIMEOUT)
    if kind is RuleKind.DROP_LINES:
        kept = [
            line for line in text.split("\n") if not compiled.search(line, timeout=budget.left())
        ]
        return "\n".join(kept)
    if kind is RuleKind.CUT_BEFORE:
        match = compiled.search(text, timeout=budget.left())
        return text[match.start() :] if match else text
    if kind is RuleKind.CUT_AFTER:
        match = compiled.search(text, timeout=budget.left())
        return text[: match.start()] if match else text
    return compiled.sub(replacement, text, timeout=budget.left())


def apply_text_rules(text: str, specs: Sequence[RuleSpec]) -> str:
    """Apply drop/cut/replace rules in order. A rule that cannot apply (a bad
    group reference) is skipped; one over its time budget raises
    ``RuleTimeout``."""
    for spec in specs:
        try:
            kind = RuleKind(spec.kind)
        except ValueError:
            continue
        if kind not in TEXT_RULE_KINDS:
            continue
        compiled = _safe_compile(spec.pattern)
        if compiled is None:
            continue
        try:
            text = _apply_text_rule(kind, compiled, spec.replacement, text)
        except TimeoutError:
            raise RuleTimeout(spec, APPLY_TIMEOUT) from None
        except (regex.error, IndexError, ValueError):
            continue
    return text


def apply_metadata_rules(text: str, specs: Sequence[RuleSpec]) -> dict[str, str]:
    """Values captured by metadata rules, by field; the first rule to match a field wins."""
    found: dict[str, str] = {}
    for spec in specs:
        if spec.kind != RuleKind.METADATA.value or spec.field not in METADATA_FIELDS:
            continue
        if spec.field in found:
            continue
        compiled = _safe_compile(spec.pattern)
        if compiled is None or len(compiled.groupindex) != 1:
            continue
        try:
            match = compiled.search(text, timeout=APPLY_TIMEOUT)
        except TimeoutError:
            raise RuleTimeout(spec, APPLY_TIMEOUT) from None
        if match:
            value = (match.group(next(iter(compiled.groupindex))) or "").strip()
            if value:
                found[spec.field] = value
    return found


def selectors(specs: Sequence[RuleSpec]) -> list[CSSSelector]:
    """The parsed selectors of the strip_selector rules (unparseable ones skipped)."""
    parsed = []
    for spec in specs:
        if spec.kind != RuleKind.STRIP_SELECTOR.value:
            continue
        try:
            parsed.append(_css_selector(spec.pattern))
        except RuleError:
            continue
    return parsed
