"""Title, author and site-name clean-up shared by the HTML and plain-text paths.

Generic heuristics only: a site's name is recognised from og:site_name, the
extractor's site name or the URL's domain, never from a list of sites.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from sources.text import canonical
from sources.text.errors import UrlError
from sources.text.extraction import dates
from sources.text.extraction.normalize import normalize_line

_WORD = re.compile(r"\w+")
# Separators between a headline and the site's or section's name.
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||\u2013|\u2014|-|·|•|»|::|/|:)\s+")
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\||&|\band\b|\bund\b|\bet\b|\by\b|,)\s*", re.IGNORECASE)
_BY_PREFIX = re.compile(
    r"^\s*(?:(?:this\s+(?:post|article|story|guide|page|piece)\s+(?:was|is|has\s+been)\s+)?"
    r"(?:(?:medically|legally|expert|fact)[\s-]+)?"
    r"(?:written|words|reported|reporting|story|text|posted|published|edited|reviewed|"
    r"checked|fact-checked|compiled|curated|photos?)\s+(?:and\s+\w+\s+)?by|by|author|authors|"
    r"byline|von|par|por)\b\s*[.:\-\u2013]?\s*",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
ROLE_WORDS = frozenset(
    [
        "reporter",
        "reporters",
        "correspondent",
        "correspondents",
        "editor",
        "editors",
        "writer",
        "writers",
        "contributor",
        "contributors",
        "columnist",
        "columnists",
        "journalist",
        "journalists",
        "staff",
        "producer",
        "analyst",
        "expert",
        "specialist",
        "author",
        "authors",
        "desk",
        "newsdesk",
        "team",
        "chief",
        "senior",
        "deputy",
        "managing",
        "associate",
        "assistant",
        "contributing",
        "freelance",
        "bureau",
        "photographer",
        "photojournalist",
        "intern",
        "fellow",
        "founder",
        "ceo",
        "cofounder",
        "director",
        "manager",
        "officer",
        "president",
        "head",
        "lead",
        "strategist",
        "consultant",
        "attorney",
        "lawyer",
        "coordinator",
        "marketing",
        "content",
        "dvm",
        "phd",
        "md",
        "rn",
        "ma",
        "msc",
        "mba",
        "esq",
    ]
)
# Job titles trailing a person's name; plurals and "team" name a collective byline.
_JOB_TITLES = frozenset(
    w for w in ROLE_WORDS if not w.endswith("s") and w not in ("team", "desk", "newsdesk", "staff")
)
# Tokens that mark a string as not being a person's name at all.
_NOT_NAME = frozenset(
    [
        "share",
        "comments",
        "comment",
        "updated",
        "published",
        "posted",
        "read",
        "follow",
        "subscribe",
        "advertisement",
        "click",
        "login",
        "sign",
        "home",
        "menu",
        "privacy",
    ]
)
# A "name" made of these only is a date's remnant ("October"), not a person.
_DATE_WORDS = frozenset(
    [
        *dates.MONTH_NAMES,
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
    ]
)
_AFTER_NAME = re.compile(
    r"\s+(?:on|at|in|updated|published|posted|last updated)\s+|\s*[|•·]\s*|\s+\d|"
    r"\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d"
)
# A name does not end in a function word ("Insights from", "Posted on").
_DANGLING = frozenset(["from", "by", "of", "the", "and", "with", "to", "in", "on", "at", "for"])
MAX_NAME_WORDS = 6


def key(text: str | None) -> str:
    """Lower-cased alphanumerics only: how two names are compared."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if ch.isalnum())


def site_domain(url: str | None) -> str | None:
    """The site's domain, to name it when the page does not: the outlet's
    domain (:func:`sources.text.canonical.domain_of`) without a mobile "m."."""
    if not url:
        return None
    try:
        return canonical.domain_of(url).removeprefix("m.") or None
    except UrlError:
        return None


def site_keys(site_name: str | None, url: str | None) -> set[str]:
    """Ways a page may spell its own site's name: 'Harbour Daily', 'harbourdaily.example'."""
    keys = {key(site_name)} if site_name else set()
    domain = site_domain(url)
    if domain:
        label, registrable = canonical.site_label(domain)
        keys.update({key(domain), key(label), key(registrable)})
    if site_name and "." in site_name:
        keys.add(key(site_name.split(".")[0]))
    return {k for k in keys if len(k) >= 3}


def is_site_name(text: str, keys: set[str]) -> bool:
    k = key(text)
    if not k or not keys:
        return False
    for site in keys:
        if k == site:
            return True
        # "Harbour Daily News" vs "harbourdaily"; "The Daily" vs "thedaily.example"
        if len(k) >= 5 and len(site) >= 5 and (k.startswith(site) or site.startswith(k)):
            return True
    return False


# --- titles -----------------------------------------------------------------


def _title_words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def strip_site_from_title(title: str, keys: set[str]) -> str:
    """Drop leading or trailing segments naming the site ("Headline | Site")."""
    title = normalize_line(title)
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEPARATORS.findall(title)
    # trailing segments
    while len(parts) > 1 and is_site_name(parts[-1], keys):
        parts.pop()
        seps.pop()
    while len(parts) > 1 and is_site_name(parts[0], keys):
        parts.pop(0)
        seps.pop(0)
    # "Headline | Section" with a pipe: a short tail is navigation, not headline
    while (
        len(parts) > 1
        and seps[-1].strip() in ("|", "»", "::")
        and len(_title_words(parts[-1])) <= 3
        and len(_title_words(" ".join(parts[:-1]))) >= 3
    ):
        parts.pop()
        seps.pop()
    rebuilt = parts[0]
    for sep, part in zip(seps, parts[1:], strict=True):
        rebuilt += sep + part
    return rebuilt.strip()


def _similarity(a: str, b: str) -> float:
    wa, wb = set(_title_words(a)), set(_title_words(b))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


_JOINT_AFTER = re.compile(r"^\s*[:|(\[\-\u2013\u2014·•»/]")
_JOINT_BEFORE = re.compile(r"[:|)\]\-\u2013\u2014·•»/]\s*$")


def _appended(longer: str, shorter: str) -> bool | None:
    """Whether ``longer`` is ``shorter`` plus text hung on a separator ("Blog:
    Headline", "Headline (example.com) 87"): True; plus plain words ("Best
    Scooters" + " 2025"): False; None if ``shorter`` is not inside ``longer``."""
    start = longer.casefold().find(shorter.casefold())
    if start < 0 or longer.casefold() == shorter.casefold():
        return None
    before, after = longer[:start], longer[start + len(shorter) :]
    if (before and not before[-1:].isspace() and before[-1:].isalnum()) or (
        after and after[:1].isalnum()
    ):
        return None  # inside a word
    return bool((before.strip() and _JOINT_BEFORE.search(before)) or _JOINT_AFTER.match(after))


def reconcile_titles(heading: str, meta_title: str) -> str:
    """The visible headline, unless it is the meta title with something hung
    on a separator ("Blog: Headline", "Headline (example.com) 87"): a section,
    the source or a comment count is not part of the headline. Plain words
    ("The Best Cameras" vs "Best Cameras") are, so the headline stays."""
    if heading and meta_title and _appended(heading, meta_title):
        return meta_title
    return heading or meta_title


def choose_title(meta_title: str | None, headings: Sequence[str], keys: set[str]) -> str | None:
    """Prefer the page's visible headline (an h1 agreeing with the meta title).

    The meta title often carries the site's name or an SEO variant; the h1 is
    what readers see. An h1 that shares little with the meta title is usually
    the logo or a section name, so the cleaned meta title wins then.
    """
    cleaned = strip_site_from_title(meta_title, keys) if meta_title else None
    candidates = [
        h for h in (normalize_line(h) for h in headings) if 1 <= len(_title_words(h)) <= 40
    ]
    candidates = [h for h in candidates if not is_site_name(h, keys)]
    if cleaned:
        scored = [(_similarity(h, cleaned), -i, h) for i, h in enumerate(candidates)]
        scored = [s for s in scored if s[0] >= 0.6]
        if scored:
            return reconcile_titles(strip_site_from_title(max(scored)[2], keys), cleaned)
        return cleaned or None
    if candidates:
        return strip_site_from_title(candidates[0], keys)
    return None


# --- authors ----------------------------------------------------------------


def _titlecase_if_shouting(name: str) -> str:
    letters = [ch for ch in name if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and len(letters) > 3:
        return " ".join(
            "-".join(part.capitalize() for part in word.split("-")) for word in name.split()
        )
    return name


def _strip_role(name: str) -> str:
    """'Jane Doe - Staff Writer' -> 'Jane Doe'; 'Senior Reporter Jane Doe' stays a name."""
    pieces = re.split(r"\s+[-\u2013\u2014|:]\s+", name)
    kept = [p for p in pieces if not _is_role(p)]
    return kept[0] if kept else ""


def _is_role(text: str) -> bool:
    """'Staff Writer', 'Shipping Expert', 'our editors': a job, not a name."""
    words = _WORD.findall(text)
    if not words or len(words) > 5:
        return False
    if len(words) <= 2 and words[-1].casefold() in ROLE_WORDS:
        return True
    if len(words) >= 3 and words[0].casefold() in ROLE_WORDS and words[1].casefold() == "of":
        return True  # "Head of Community Development"
    return all(
        w.casefold() in ROLE_WORDS or w.islower() or w.casefold() in ("the", "our", "of")
        for w in words
    ) and any(w.casefold() in ROLE_WORDS for w in words)


def _ends_with_job_title(text: str) -> bool:
    """'City Hall Reporter' after a name: the person's beat and title, not a second author."""
    words = _WORD.findall(text)
    return 0 < len(words) <= 4 and words[-1].casefold() in ROLE_WORDS


def clean_author(raw: str) -> str | None:
    name = _EMAIL.sub(" ", _PARENTHESES.sub(" ", " ".join(raw.split())))
    found = dates.find_date(name)
    if found:
        name = name[: found[1].start()]
    name = _URL.sub(" ", name)
    name = _HANDLE.sub(" ", name)
    name = _PARENTHESES.sub(" ", name)
    name = _BY_PREFIX.sub("", normalize_line(name))
    # "BeauHD on Friday December 19" / "Jane Doe | Updated 3 hours ago"
    name = _AFTER_NAME.split(name, maxsplit=1)[0]
    name = _strip_role(normalize_line(name))
    words = name.split()
    while len(words) > 2 and words[-1].casefold() in _JOB_TITLES:
        words.pop()  # "Liza Burke Marketing Director"
    name = " ".join(words)
    name = name.strip(" .,:;-\u2013\u2014|/\"'“”")
    if not name or any(ch.isdigit() for ch in name):
        return None
    words = name.split()
    if len(words) > MAX_NAME_WORDS or not any(ch.isalpha() for ch in name):
        return None
    if any(w.casefold().strip(".,:") in _NOT_NAME for w in words):
        return None
    if words[-1] in _DANGLING:
        return None
    if all(w.casefold().strip(".,:") in _DATE_WORDS for w in words):
        return None
    if _is_role(name) and len(words) <= 2:
        return None
    return _titlecase_if_shouting(name)


def split_authors(raw: str | Iterable[str]) -> list[str]:
    texts = [raw] if isinstance(raw, str) else list(raw)
    parts: list[str] = []
    for text in texts:
        text = _BY_PREFIX.sub("", " ".join(text.split()))
        parts.extend(_AUTHOR_SPLIT.split(text))
    return [p for p in parts if p.strip()]


def _shortened(name: str, other: str) -> bool:
    """'Tina Huffman' beside 'Tina Flint Huffman': the same person, named shorter."""
    short, full = _title_words(name), _title_words(other)
    if len(short) >= len(full) or len(short) < 2 or short[0] != full[0] or short[-1] != full[-1]:
        return False
    rest = iter(full)
    return all(word in rest for word in short)


def clean_authors(
    raw: str | Iterable[str] | None, *, site_name: str | None = None, url: str | None = None
) -> list[str]:
    """Names only: no 'By', roles, e-mails or duplicates; the site itself only if alone."""
    if not raw:
        return []
    names: list[str] = []
    collective: list[str] = []  # "Newsdesk", "The Currency editors": no person named
    seen: set[str] = set()
    for position, part in enumerate(split_authors(raw)):
        if _is_role(part) or (position and _ends_with_job_title(part)):
            plain = normalize_line(_BY_PREFIX.sub("", part)).strip(" .,:;-|")
            if plain and len(plain.split()) <= 4 and not _EMAIL.search(plain):
                collective.append(plain)
            continue
        name = clean_author(part)
        if name and key(name) not in seen:
            seen.add(key(name))
            names.append(name)
    if not names:
        names = collective[:1]
    names = [n for n in names if not any(_shortened(n, other) for other in names)]
    keys = site_keys(site_name, url)
    people = [n for n in names if not is_site_name(n, keys)]
    # A publisher listed next to people is not an author; alone, it is the
    # only attribution the page gives (a corporate blog post, a wire story).
    return people or names
