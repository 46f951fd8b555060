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

from sources.text.stopwords import PROSE_FUNCTION_WORDS

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
    if language in PROSE_FUNCTION_WORDS:
        return PROSE_FUNCTION_WORDS[language]
    name = _JUSTEXT_NAMES.get(language or "")
    if name is None:
        return None
    return frozenset(word.casefold() for word in justext.get_stoplist(name))
