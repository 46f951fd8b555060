"""Sentences that carry an attribution or a denial, which the reader marks
quietly as candidates. (Who said it — the speaker of a passage — is
``sources.text.speakers``.)
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
