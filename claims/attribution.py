"""Who said it: pure functions over sentences, for the reader's suggestions.

``speaker_suggestions`` reads the usual reporting patterns ("X said", "said
X", "according to X", "X told reporters", "X denied") and returns names,
nearest pattern first. ``cue_sentences`` finds the sentences that carry an
attribution or a denial, which the reader marks quietly as candidates.
"""

from __future__ import annotations

import re

CUE_WORDS = (
    "said",
    "says",
    "told",
    "according to",
    "denied",
    "denies",
    "claimed",
    "claims",
    "confirmed",
    "confirms",
    "reported",
    "alleged",
    "insisted",
    "rejected",
    "dismissed",
)
_CUE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in CUE_WORDS) + r")\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’']?|\n|$)")

# A name-like phrase: capitalised words, allowing "of", "the", "al-", initials,
# possessives and a leading role ("spokesman John Smith").
_NAME = r"(?:[A-Z][\w'’.-]*(?:\s+(?:of|the|for|de|al|van|von|and)\s+|\s+))*[A-Z][\w'’.-]*"
_VERB = r"(?:said|says|told|stated|added|claimed|claims|denied|denies|confirmed|insisted|alleged|warned|rejected|dismissed|reported)"
_PATTERNS = [
    # "according to the harbour master, Tomas Greer": the name after the role.
    re.compile(rf"according to [a-z][^,.]{{0,60}},\s+(?P<name>{_NAME})"),
    re.compile(rf"according to (?:the\s+)?(?P<name>{_NAME})"),
    # "X said", "X also said", "X told reporters"; the optional word is an
    # adverb, so "Shipping agents said" does not suggest "Shipping".
    re.compile(
        rf"(?P<name>{_NAME}),?\s+(?:(?:also|later|then|again|earlier|previously|\w+ly)\s+)?{_VERB}\b"
    ),
    re.compile(rf"\b(?:said|says|told|added|claimed|insisted)\s+(?:the\s+)?(?P<name>{_NAME})"),
    re.compile(rf"\b(?:told|reported by)\s+(?P<name>{_NAME})"),
]
_NOT_NAMES = {
    "He",
    "She",
    "They",
    "It",
    "We",
    "I",
    "The",
    "This",
    "That",
    "But",
    "And",
    "In",
    "On",
    "A",
}


def cue_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence that contains an attribution or denial cue."""
    spans = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0)
        if _CUE.search(sentence):
            start = match.start() + (len(sentence) - len(sentence.lstrip()))
            end = match.end() - (len(sentence) - len(sentence.rstrip()))
            if end > start:
                spans.append((start, end))
    return spans


def sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    right_candidates = [i for i in (text.find(".", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[left:right].strip()


def speaker_suggestions(sentence: str, *, limit: int = 3) -> list[str]:
    found: list[str] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            name = match.group("name").strip(" ,.'’\"”")
            words = name.split()
            while words and words[0] in _NOT_NAMES:
                words = words[1:]
            name = " ".join(words)
            if len(name) < 2 or name in found or name in _NOT_NAMES:
                continue
            found.append(name)
    return found[:limit]
