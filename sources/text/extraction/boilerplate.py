"""Hand-written signs of page furniture: junk units, code, menus, captions, footers.

Each is a generic pattern (no site's name): the block classifier takes them as
features next to the measured ones, so none decides alone.
"""

from __future__ import annotations

import re

from sources.text.extraction.units import Unit

SENTENCE_END = re.compile(r"[.!?…][\"'”\u2019)\]]*$|[\"”\u2019]$")
_CODE_CHARS = frozenset("{}();=[]<>$`\\|")
_CODE_TOKENS = re.compile(
    r"\b(?:function|var|let|const|return|typeof|null|undefined|window|document|"
    r"getElementById|getElementsByTagName|createElement|innerHTML|appendChild|"
    r"addEventListener|async|await|new Date|Math\.\w+)\b|=>|\(\)|\}\)|\{\s*\}|;\s*$|"
    r"[#.][\w-]+\s*\{|\w+\s*:\s*[^;]+;"
)

# A whole unit that is one of these is chrome, not prose.
_JUNK_UNIT = re.compile(
    r"^(?:advertisements?|advertising|ads?|sponsored(?: content)?|promoted(?: content)?|"
    r"paid (?:content|post)|partner content|"
    r"share(?: this)?(?: article| story| page| post)?(?: on \w+| via \w+| it on)?|share it|"
    r"tweet|e-?mail|print|facebook|twitter|x|whatsapp|linkedin|reddit|telegram|pinterest|"
    r"threads|bluesky|fb-messenger|messenger|copy link|copy url|copied|"
    r"\[(?:img|image|inline|iframe|video)\]|image|photo|video|gallery|audio|"
    r"listen(?: to (?:this )?(?:article|story))?(?: \d+ min(?:utes?)?)?|"
    r"\d+ min(?:ute)?s? read|save(?: article)?|bookmark|comments?|\d+ comments?|"
    r"menu|search|close|home|log ?in|log ?out|sign ?in|sign ?up|register|"
    r"subscribe(?: now| today| here)?|follow(?: us)?|loading|continue reading|read more|"
    r"see more|show more|load more|back to top|top|next|previous|prev|more|related|"
    r"(?:related|recommended|popular|latest|top) (?:articles|stories|news|posts|videos)|"
    r"most (?:read|popular|viewed|shared)|trending(?: now)?|breaking(?: news)?|"
    r"toggle (?:navigation|menu)|open menu|main menu|navigation|skip|"
    r"cookie settings|accept(?: all)?(?: cookies)?|manage preferences)$",
    re.IGNORECASE,
)
# A unit that starts like this is a promotion or a widget, wherever it is.
_JUNK_PREFIX = re.compile(
    r"^(?:trending(?: now)?(?: on [^:]{1,40})?:|also read:|read also:|read more:|"
    r"see also:|recommended(?: for you| reading)?:|related(?: article| story| coverage)?:|"
    r"watch(?: now)?:|listen(?: now)?:|sponsored:|don'?t miss:|must read:|editor'?s pick:|"
    r"advertisement\b|link:|sign up for\b|subscribe (?:to|for|and|now)\b|click here\b|"
    r"(?:download|get) (?:our|the) app\b|follow us on\b|join (?:us|our) on\b|"
    r"skip to\b|jump to\b|(?:quick|direct) access to\b)",
    re.IGNORECASE,
)
# Chrome that can hide inside a short unit.
_JUNK_CONTAINS = re.compile(
    r"skip to (?:main )?content|access to (?:main )?contents?|all rights reserved|"
    r"copyright\s*(?:©|\(c\)|\d{4})|©\s*\d{4}|profile image|author image|"
    r"terms of (?:use|service)|privacy policy|cookie policy|enable javascript|"
    r"your browser does not support|this (?:content|video) is not available",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?:\+?\d[\d ().-]{6,}\d|\*\d{3,})")
_CONTACT_WORDS = re.compile(
    r"\b(?:tel|telephone|phone|fax|call us|hotline|toll[- ]free|e-?mail|contact)\b", re.IGNORECASE
)
# Where the article ends and the page's furniture begins.
_TAIL_STRONG = re.compile(
    r"^(?:related (?:tags|topics|articles|stories|coverage|content|posts|links|reading)|"
    r"tags?:|topics?:|filed under\b|most (?:read|popular|viewed|shared|commented)\b|"
    r"more (?:on|from|in) [^:]{1,40}(?::|$)|more stories\b|read next\b|what to read next|"
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested)|about the author\b|"
    r"stay informed\b|share (?:it|this)(?: article| story)? on\b|leave a (?:comment|reply)\b|"
    r"(?:hot|top|latest|popular) (?:opinion|stories|news|articles)\b|editor'?s picks\b|"
    r"recommended (?:for you|stories|articles)\b)",
    re.IGNORECASE,
)
_CREDIT_PAREN = re.compile(
    r"\((?:@[^()]*|[^()]*\b(?:photo|photograph|image|picture|credit|courtesy|getty|"
    r"handout|file|screenshot|screengrab|twitter|instagram)\b[^()]*)\)\s*\.?$",
    re.IGNORECASE,
)
_CREDIT_TAIL = re.compile(
    r"(?:photo(?:graph)?|image|picture|credit|illustration|pictured)s?\s*(?:=|:|by\b)\s*"
    r"[^.!?]{2,80}$",
    re.IGNORECASE,
)
_CAPTION_START = re.compile(
    r"^(?:photo|image|picture|caption|pictured|above|top|file photo)\s*[:=]", re.IGNORECASE
)

MAX_TITLE_WORDS = 25


def stop_density(unit: Unit, stopwords: frozenset[str]) -> float:
    if not unit.words:
        return 0.0
    return sum(w.casefold() in stopwords for w in unit.words) / len(unit.words)


def is_code(text: str) -> bool:
    if not text:
        return False
    code_chars = sum(ch in _CODE_CHARS for ch in text)
    tokens = len(_CODE_TOKENS.findall(text))
    ratio = code_chars / len(text)
    return ratio > 0.06 or (tokens >= 3 and ratio > 0.02) or tokens >= 6


def is_menu(unit: Unit, stop_density: float, language_known: bool) -> bool:
    """Many capitalised words, no sentence: a navigation bar or a tag list."""
    words = unit.words
    if len(words) < 5 or SENTENCE_END.search(unit.text):
        return False
    capitalised = sum(w[:1].isupper() or w[:1].isdigit() for w in words) / len(words)
    if language_known:
        return (len(words) > MAX_TITLE_WORDS and stop_density < 0.12) or (
            capitalised > 0.85 and (stop_density == 0 or (len(words) >= 8 and stop_density < 0.1))
        )
    return len(words) > MAX_TITLE_WORDS and capitalised > 0.6


def is_contact_footer(unit: Unit) -> bool:
    return (
        len(unit.words) < 80
        and bool(_PHONE.search(unit.text))
        and bool(_CONTACT_WORDS.search(unit.text))
    )


def is_junk(unit: Unit) -> bool:
    bare = unit.text.strip(" .:|>»•*-\u2013\u2014")
    if _JUNK_UNIT.match(bare) or _JUNK_PREFIX.match(bare):
        return True
    return len(unit.words) < 30 and bool(_JUNK_CONTAINS.search(unit.text))


def is_caption(unit: Unit) -> bool:
    if len(unit.words) > 100:
        return False
    text = unit.text
    return bool(
        _CREDIT_PAREN.search(text) or _CREDIT_TAIL.search(text) or _CAPTION_START.match(text)
    )


def is_tail_marker(unit: Unit) -> bool:
    """'Related stories', 'Tags:', 'About the author': where the page's furniture begins."""
    return bool(_TAIL_STRONG.match(unit.text.strip(" .:|>»•*-\u2013\u2014")))
