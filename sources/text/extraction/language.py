"""The language of a text, and its stop words, from maintained libraries.

``py3langid`` (the maintained langid.py: a naive Bayes model over byte
n-grams for 97 languages, numpy only) names the language; short
function-word lists (and jusText's stop-word lists, installed with
trafilatura, for other languages) give the stop words the block features
measure. The detector is loaded once, on first use.
"""

from __future__ import annotations

from functools import cache

import justext
from py3langid.langid import MODEL_FILE, LanguageIdentifier

MIN_LETTERS = 20
MIN_PROBABILITY = 0.5
SAMPLE_CHARS = 5000

# ISO 639-1 -> jusText's stop-list name, for the languages both know.
_JUSTEXT_NAMES = {
    "af": "Afrikaans",
    "ar": "Arabic",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "eu": "Basque",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "ga": "Irish",
    "gl": "Galician",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "is": "Icelandic",
    "it": "Italian",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "ms": "Malay",
    "nb": "Norwegian_Bokmal",
    "nl": "Dutch",
    "nn": "Norwegian_Nynorsk",
    "no": "Norwegian_Bokmal",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "sw": "Swahili",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
}


_STOPWORDS = {
    "en": "the of and to in is that for it was on with as are by this be at from have he "
    "said has not but they his an which were their its had been who will would",
    "de": "der die und das ist nicht ein eine zu den von mit sich des auf für im dem "
    "auch es an werden wurde",
    "fr": "le la les et des est un une du que dans pour pas qui sur au avec il sont ce par",
    "es": "el la los las y de que en un una es por con para del se no al lo su como",
    "it": "il la che di e un una per non sono del della con le gli si è da al",
    "nl": "de het een en van is dat niet op te zijn voor met die er als ook aan",
    "pt": "o a os as e de que em um uma do da para com não no na se por",
}
_SHORT_LISTS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
STOPWORD_SETS = {
    **_SHORT_LISTS,
    "en": _SHORT_LISTS["en"]
    | frozenset(
        [
            "a",
            "i",
            "you",
            "we",
            "she",
            "her",
            "him",
            "them",
            "our",
            "your",
            "my",
            "me",
            "us",
            "or",
            "if",
            "so",
            "than",
            "then",
            "there",
            "these",
            "those",
            "what",
            "when",
            "where",
            "how",
            "all",
            "any",
            "can",
            "could",
            "should",
            "may",
            "might",
            "must",
            "do",
            "does",
            "did",
            "into",
            "about",
            "after",
            "before",
            "over",
            "under",
            "up",
            "down",
            "out",
            "more",
            "most",
            "other",
            "some",
            "such",
            "no",
            "only",
            "own",
            "same",
            "very",
            "just",
            "also",
            "being",
            "because",
            "while",
            "between",
            "through",
            "during",
            "against",
        ]
    ),
}


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when too short or unsure."""
    if not text:
        return None
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    language, probability = _identifier().classify(sample)
    return str(language) if probability >= MIN_PROBABILITY else None


@cache
def stopwords_for(language: str | None) -> frozenset[str] | None:
    """The language's function words (case-folded), or None when we have no list.

    Our short lists hold function words only, which tells prose from a menu
    sharply ("Home News Business" has none); jusText's longer lists, which
    also hold common nouns, cover the other languages.
    """
    if language in STOPWORD_SETS:
        return STOPWORD_SETS[language]
    name = _JUSTEXT_NAMES.get(language or "")
    if name is None:
        return None
    return frozenset(word.casefold() for word in justext.get_stoplist(name))
