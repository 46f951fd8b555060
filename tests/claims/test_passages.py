"""A claim's significant words (``claims.passages``)."""

from __future__ import annotations

from claims.passages import significant_words


def test_significant_words_drop_stopwords_and_keep_the_longest():
    assert significant_words("The northern quay was reopened after the repairs") == [
        "northern",
        "quay",
        "reopened",
        "repairs",
    ]
