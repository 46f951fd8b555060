"""Who said it: the attribution of a quoted passage, read from the text.

Pure rules over the article's own words (no model, no network). For a passage
at ``[start, end)`` of ``text`` the suggester finds the reporting frame around
it and returns the origin of the words and who passed them on:

- "X said", "said X, the …", "X told Y" (Y an outlet passes the words on),
  "X, citing Y, said" and "X quoted Y as saying" (speaker Y, via X),
  "according to X" (outermost), nested frames in one sentence ("A, citing B,
  reported that C had said …" → speaker C, via A, B);
- a quotation over several sentences takes the frame where it closes; a quote
  with no frame of its own takes the speaker named in the next sentence, or
  the previous one;
- pronouns ("he said", "it said") and descriptions ("the company said", "the
  governor said") resolve to the nearest earlier name of a fitting kind, and a
  bare surname to the full name used earlier;
- outlets are speakers like anyone else ("The Riverside Gazette reported").

Everything is plain string work (regular expressions over one paragraph
window), so it is fast and needs no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Suggestion", "classify_name", "split_sentences", "suggest_speaker"]

# How far around the passage the suggester reads: the frame is almost always
# in the same paragraph; pronouns look a few sentences back.
WINDOW_BEFORE = 1500
WINDOW_AFTER = 600


@dataclass(frozen=True)
class Suggestion:
    speaker: str | None
    kind: str | None
    via: tuple[str, ...] = ()
    cue: str | None = None
    confidence: float = 0.0
    cue_start: int | None = None
    cue_end: int | None = None

    def as_dict(self) -> dict:
        return {
            "speaker": self.speaker,
            "kind": self.kind,
            "via": list(self.via),
            "cue": self.cue,
            "confidence": self.confidence,
            "cue_start": self.cue_start,
            "cue_end": self.cue_end,
        }


NOTHING = Suggestion(speaker=None, kind=None)

# --- vocabulary ---------------------------------------------------------------

_VERBS = [
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "stated",
    "states",
    "noted",
    "notes",
    "warned",
    "warns",
    "claimed",
    "claims",
    "declared",
    "declares",
    "announced",
    "announces",
    "insisted",
    "insists",
    "explained",
    "explains",
    "argued",
    "argues",
    "wrote",
    "writes",
    "reported",
    "reports",
    "confirmed",
    "confirms",
    "denied",
    "denies",
    "acknowledged",
    "acknowledges",
    "alleged",
    "alleges",
    "asserted",
    "asserts",
    "maintained",
    "maintains",
    "proclaimed",
    "proclaims",
    "replied",
    "responded",
    "recalled",
    "suggested",
    "suggests",
    "predicted",
    "estimated",
    "concluded",
    "countered",
    "cautioned",
    "urged",
    "admitted",
    "admits",
    "conceded",
    "disclosed",
    "revealed",
    "reveals",
    "tweeted",
    "posted",
    "testified",
    "commented",
    "remarked",
    "stressed",
    "emphasised",
    "emphasized",
    "informed",
    "believe",
    "believes",
    "believed",
    "accused",
    "complained",
]
_VERB_RE = re.compile(r"\b(" + "|".join(_VERBS) + r")\b")
_TELL = {"told", "tells", "informed"}
_ACCORDING_RE = re.compile(r"\b[Aa]ccording to\s+")
_CITING_RE = re.compile(r"\b(?:citing|quoting)\s+")
_QUOTED_AS_RE = re.compile(r"\bquoted\s+(?P<who>[^,.;]{2,80}?)\s+as\s+(?:saying|telling)\b")

PRONOUNS = {
    "he": "person",
    "she": "person",
    "it": "organisation",
    "they": "group",
    "him": "person",
    "her": "person",
}

# Words that end an argument of a reporting verb.
_RIGHT_STOP = re.compile(
    r"[,.;:!?()”\"]|\s(?:on|in|at|that|to|after|when|as|during|before|because|while|"
    r"yesterday|today|last|this|earlier|late|early)\b"
)
# Words that end a subject when reading leftwards from the verb.
_LEFT_STOP = re.compile(
    r"(?:[;:”\"]|\b(?:that|but|while|because|although|though|whereas|and|so|as|when|after|if)\s)"
)
_AUX_TAIL = re.compile(
    r"(?:\s+(?:has|have|had|also|later|then|again|earlier|previously|reportedly|"
    r"separately|once|repeatedly|privately|publicly|would|will|did|may|might|"
    r"could|on\s+\w+day|\w+ly))+\s*$"
)
_CLAUSE_CUT = re.compile(
    r"\s(?:who|which|whose|familiar|present|speaking|with knowledge|close to|"
    r"briefed|involved|near|at the|attending|that attended|in charge)\b.*$"
)
_DETERMINER = re.compile(
    r"^(?:the|a|an|two|three|four|five|several|some|many|one|another|other|other)\s+",
    re.I,
)
_ONLY_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.I)
_PAREN = re.compile(r"\s*\(([^()]*)\)")

TITLES = {
    w.lower()
    for w in [
        "Minister",
        "President",
        "Prime",
        "Secretary",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Ambassador",
        "Coordinator",
        "Director",
        "Chief",
        "General",
        "Gen.",
        "Colonel",
        "Col.",
        "Major",
        "Maj.",
        "Captain",
        "Capt.",
        "Lieutenant",
        "Lt.",
        "Sergeant",
        "Sgt.",
        "Admiral",
        "Adm.",
        "Commander",
        "Mayor",
        "Governor",
        "Gov.",
        "Senator",
        "Sen.",
        "Representative",
        "Rep.",
        "Judge",
        "Justice",
        "Commissioner",
        "Chairman",
        "Chairwoman",
        "Chair",
        "CEO",
        "CFO",
        "Founder",
        "Professor",
        "Prof.",
        "Dr.",
        "Dr",
        "Mr.",
        "Mrs.",
        "Ms.",
        "Mr",
        "Mrs",
        "Ms",
        "Sir",
        "Lord",
        "Lady",
        "King",
        "Queen",
        "Prince",
        "Princess",
        "Sheikh",
        "Pope",
        "Bishop",
        "Father",
        "Rabbi",
        "Imam",
        "Coach",
        "Striker",
        "Goalkeeper",
        "Midfielder",
        "Defender",
        "Manager",
        "Analyst",
        "Economist",
        "Epidemiologist",
        "Lawyer",
        "Attorney",
        "Prosecutor",
        "Detective",
        "Inspector",
        "Officer",
        "Superintendent",
        "Chancellor",
        "Premier",
        "Deputy",
        "Vice",
        "Assistant",
        "Acting",
        "Former",
        "Leader",
        "Opposition",
        "Lawmaker",
        "Legislator",
        "Councillor",
        "Councilman",
        "Councilwoman",
        "Engineer",
        "Researcher",
        "Scientist",
        "Doctor",
        "Nurse",
        "Editor",
        "Reporter",
        "Correspondent",
        "Executive",
        "Official",
        "Foreign",
        "Defense",
        "Defence",
        "Interior",
        "Finance",
        "Health",
        "Justice",
        "Trade",
        "Senior",
        "Strategic",
        "Communications",
        "Security",
        "National",
        "Minister",
    ]
}
ORG_WORDS = {
    w.lower()
    for w in [
        "Ministry",
        "Service",
        "Services",
        "Agency",
        "Council",
        "Department",
        "Office",
        "House",
        "Government",
        "Army",
        "Police",
        "Company",
        "Committee",
        "Union",
        "Group",
        "Corporation",
        "Corp",
        "Corp.",
        "Inc",
        "Inc.",
        "Ltd",
        "Ltd.",
        "Authority",
        "Commission",
        "Bank",
        "Court",
        "Party",
        "Forces",
        "Trust",
        "Institute",
        "Bureau",
        "Directorate",
        "Energy",
        "Foods",
        "Steel",
        "Rail",
        "Railways",
        "Airlines",
        "Airways",
        "Hospital",
        "University",
        "Foundation",
        "Association",
        "Federation",
        "Organisation",
        "Organization",
        "Assembly",
        "Parliament",
        "Congress",
        "Senate",
        "Cabinet",
        "Staff",
        "Command",
        "Navy",
        "Fund",
        "Board",
        "Coalition",
        "Movement",
        "Front",
        "Brigade",
        "Brigades",
        "Militia",
        "Church",
        "School",
        "Department",
        "Administration",
        "Guard",
        "Guards",
        "Secretariat",
        "Centre",
        "Center",
        "Institute",
        "Museum",
        "Exchange",
        "Partners",
        "Holdings",
        "Motors",
        "Systems",
        "Industries",
        "Labs",
        "Pharma",
        "Mining",
        "Oil",
        "Gas",
        "Power",
        "Water",
        "Utilities",
        "Airport",
        "Port",
        "Council",
        "Cartel",
        "Commission",
        "Embassy",
        "Consulate",
        "Regime",
        "Junta",
        "Alliance",
        "Network",
        "Coalition",
        "Taskforce",
        "Unit",
        "Division",
        "Office’s",
        "Office's",
        "Shipping",
        "Logistics",
        "Lines",
        "Telecom",
        "Chemicals",
        "Insurance",
        "Capital",
    ]
}
OUTLET_WORDS = {
    w.lower()
    for w in [
        "News",
        "Times",
        "Post",
        "Daily",
        "Herald",
        "Chronicle",
        "Tribune",
        "Journal",
        "Gazette",
        "Courier",
        "Ledger",
        "Wire",
        "Radio",
        "TV",
        "Television",
        "Press",
        "Broadcasting",
        "Broadcaster",
        "Observer",
        "Guardian",
        "Telegraph",
        "Mail",
        "Express",
        "Standard",
        "Star",
        "Sun",
        "Magazine",
        "Newspaper",
        "Dispatch",
        "Bulletin",
        "Review",
        "Monitor",
        "Reuters",
        "AP",
        "AFP",
        "BBC",
        "CNN",
        "VOA",
        "NPR",
        "Yonhap",
        "Xinhua",
        "Kyodo",
        "Bloomberg",
        "Tass",
        "Haber",
        "Newswire",
        "Report",
        "Inquirer",
        "Examiner",
        "Register",
        "Record",
        "Sentinel",
        "Mirror",
        "Today",
        "Weekly",
        "Independent",
    ]
}
_OUTLET_SUFFIXES = ("wire", "news", "press", "post", "times")
_OUTLET_HEADS = {"newspaper", "broadcaster", "daily", "outlet", "channel", "paper", "network"}
DOCUMENT_NOUNS = {
    "report",
    "statement",
    "broadcast",
    "commentary",
    "study",
    "survey",
    "release",
    "post",
    "interview",
    "filing",
    "letter",
    "assessment",
    "briefing",
    "document",
    "analysis",
    "dispatch",
    "article",
    "editorial",
}
PERSON_HEADS = {
    w
    for w in [
        "governor",
        "mayor",
        "minister",
        "president",
        "director",
        "chief",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "ambassador",
        "coordinator",
        "coach",
        "senator",
        "lawmaker",
        "chairman",
        "chairwoman",
        "chair",
        "executive",
        "judge",
        "prosecutor",
        "officer",
        "commander",
        "general",
        "colonel",
        "premier",
        "chancellor",
        "secretary",
        "lawyer",
        "engineer",
        "doctor",
        "economist",
        "manager",
        "leader",
        "captain",
        "founder",
        "owner",
        "analyst",
        "researcher",
        "scientist",
        "professor",
        "inspector",
        "detective",
        "superintendent",
        "farmer",
        "witness",
        "resident",
        "man",
        "woman",
    ]
}
ORG_HEADS = {
    w
    for w in [
        "company",
        "firm",
        "agency",
        "ministry",
        "service",
        "authority",
        "council",
        "union",
        "operator",
        "bank",
        "trust",
        "department",
        "office",
        "government",
        "army",
        "police",
        "group",
        "party",
        "committee",
        "commission",
        "administration",
        "regime",
        "court",
        "board",
        "institute",
        "bureau",
        "directorate",
        "organisation",
        "organization",
        "hospital",
        "university",
        "foundation",
        "association",
        "federation",
        "military",
        "navy",
        "embassy",
        "utility",
        "airline",
        "insurer",
        "manufacturer",
        "retailer",
        "developer",
        "club",
        "team",
        "coalition",
        "movement",
        "alliance",
        "prosecutor's",
        "carrier",
    ]
}
GROUP_HEADS = {
    w
    for w in [
        "officials",
        "diplomats",
        "residents",
        "sources",
        "analysts",
        "witnesses",
        "experts",
        "officers",
        "lawmakers",
        "investigators",
        "activists",
        "critics",
        "researchers",
        "scientists",
        "doctors",
        "workers",
        "protesters",
        "people",
        "villagers",
        "survivors",
        "authorities",
        "police",
        "prosecutors",
        "militants",
        "fighters",
    ]
}
_NOT_NAMES = {
    w.lower()
    for w in [
        "The",
        "A",
        "An",
        "But",
        "And",
        "In",
        "On",
        "At",
        "It",
        "He",
        "She",
        "They",
        "We",
        "I",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Here",
        "However",
        "Meanwhile",
        "Still",
        "Yet",
        "So",
        "Then",
        "Also",
        "After",
        "Before",
        "When",
        "While",
        "Although",
        "If",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan.",
        "Feb.",
        "Aug.",
        "Sept.",
        "Oct.",
        "Nov.",
        "Dec.",
    ]
}
_CONNECTORS = {"of", "the", "for", "de", "del", "da", "al", "bin", "van", "von", "and", "on"}

_ABBREVIATIONS = {
    w.lower()
    for w in [
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Prof",
        "Gen",
        "Col",
        "Maj",
        "Capt",
        "Lt",
        "Sgt",
        "Adm",
        "Gov",
        "Sen",
        "Rep",
        "St",
        "Mt",
        "Jr",
        "Sr",
        "No",
        "vs",
        "etc",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Inc",
        "Corp",
        "Ltd",
        "Co",
        "U.S",
        "U.K",
        "U.N",
        "E.U",
        "a.m",
        "p.m",
        "e.g",
        "i.e",
        "approx",
        "est",
        "Ft",
    ]
}

# --- sentences and quotes -----------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?]+[”\"’')\]]*\s+(?=[“\"‘(A-Z0-9])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in ``text[start:end]``. Newlines end
    sentences; a full stop after a known abbreviation or an initial does not."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for line in re.finditer(r"[^\n]+", text[start:end]):
        line_start, line_end = start + line.start(), start + line.end()
        pos = line_start
        for match in _SENTENCE_END.finditer(text, line_start, line_end):
            stop = match.start()
            if text[stop] == ".":
                word = _WORD_BEFORE.search(text, pos, stop + 1)
                token = word.group(1).rstrip(".") if word else ""
                if token.lower() in _ABBREVIATIONS or (len(token) == 1 and token.isupper()):
                    continue
            cut = match.end()
            while cut > pos and text[cut - 1].isspace():
                cut -= 1
            spans.append((pos, cut))
            pos = match.end()
        if pos < line_end:
            spans.append((pos, line_end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of double quotations (marks included) in ``text[start:end]``, one
    paragraph at a time: a quote left open runs to the end of its paragraph."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for i in range(start, end):
        ch = text[i]
        if ch == "\n":
            if opened is not None:
                spans.append((opened, i))
                opened = None
        elif ch == "“":
            if opened is None:
                opened = i
        elif ch == "”":
            if opened is not None:
                spans.append((opened, i + 1))
                opened = None
        elif ch == '"':
            if opened is None:
                opened = i
            else:
                spans.append((opened, i + 1))
                opened = None
    if opened is not None:
        spans.append((opened, end))
    return spans


def _mask(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> str:
    """``text[start:end]`` with quoted words blanked out (marks kept), so the
    reporting frame is read without the words inside quotes."""
    chars = list(text[start:end])
    for a, b in quotes:
        lo, hi = max(a + 1, start), min(b - 1, end)
        for i in range(lo, hi):
            if chars[i - start] != "\n":
                chars[i - start] = " "
    return "".join(chars)


# --- names --------------------------------------------------------------------


@dataclass
class Mention:
    name: str
    kind: str  # person | organisation | outlet | unknown | group
    ref: str | None = None  # "pronoun" | "description" | "surname": needs resolving
    want: str | None = None  # the kind a pronoun or description refers to


def _is_cap(token: str) -> bool:
    t = token.lstrip("“\"'‘(")
    return bool(t) and (t[0].isupper() or (t[0].isdigit() and len(t) > 1 and t[-1].isalpha()))


def _proper_runs(phrase: str) -> list[tuple[int, int]]:
    """Token index ranges of capitalised runs (names), allowing lower-case
    connectors ("Port of Calder Authority") and possessives inside."""
    tokens = phrase.split()
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if _is_cap(tokens[i]):
            j = i + 1
            while j < len(tokens) and not tokens[j - 1].endswith((",", ";", ":")):
                if _is_cap(tokens[j]):
                    j += 1
                elif (
                    tokens[j].lower() in _CONNECTORS
                    and j + 1 < len(tokens)
                    and _is_cap(tokens[j + 1])
                    and tokens[j] != "and"
                ):
                    j += 2
                else:
                    break
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _strip_possessive(tokens: list[str]) -> list[str]:
    for i, tok in enumerate(tokens[:-1]):
        if re.search(r"['’]s$", tok) and len(tokens) - i - 1 >= 2:
            return tokens[i + 1 :]
    return tokens


def _strip_titles(tokens: list[str]) -> list[str]:
    if any(t.lower().strip(",") in ORG_WORDS for t in tokens):
        return tokens
    last_title = -1
    for i, tok in enumerate(tokens):
        if tok.lower() in TITLES or tok.lower().rstrip(".") + "." in TITLES:
            last_title = i
    rest = tokens[last_title + 1 :]
    # "Ambassador to Calderia Akiva Ron": the complement ends two words before.
    while rest and rest[0].lower() in _CONNECTORS:
        rest = rest[1:]
        if len(rest) > 2:
            rest = rest[-2:]
    return rest or tokens


def classify_name(name: str, head: str = "") -> str:
    """person | organisation | outlet | unknown, from the words of a name."""
    tokens = [t.strip("(),.").lower() for t in name.split()]
    if head in _OUTLET_HEADS:
        return "outlet"
    if not tokens:
        return "unknown"
    outlet_like = any(t in OUTLET_WORDS for t in tokens) or any(
        t.endswith(_OUTLET_SUFFIXES) and len(t) > 6 for t in tokens
    )
    if outlet_like and not any(
        t in {"ministry", "service", "office", "police", "department"} for t in tokens
    ):
        return "outlet"
    if any(t in ORG_WORDS for t in tokens) or head in ORG_HEADS:
        return "organisation"
    if tokens[-1] in GROUP_HEADS:
        return "organisation" if tokens[-1] in {"police", "authorities"} else "unknown"
    words = name.split()
    if len(words) == 1 and words[0].isupper() and len(words[0]) >= 2:
        return "organisation"
    if all(_is_cap(w) for w in words) and 1 <= len(words) <= 4:
        return "person"
    return "unknown"


def _clean(phrase: str) -> str:
    phrase = _PAREN.sub("", phrase)
    phrase = phrase.strip(" ,.;:“”\"'‘’-—")
    phrase = _AUX_TAIL.sub("", " " + phrase).strip()
    phrase = _CLAUSE_CUT.sub("", phrase).strip(" ,")
    return " ".join(phrase.split())


def mention_of(phrase: str) -> Mention | None:
    """What a subject or object phrase names."""
    phrase = _clean(phrase)
    if not phrase:
        return None
    low = phrase.lower()
    if low in PRONOUNS:
        return Mention(name=phrase, kind="unknown", ref="pronoun", want=PRONOUNS[low])
    words = phrase.split()
    if len(words) > 12:
        words = words[-6:]
    # "a statement from the ministry", "spokesman for the army"
    for prep in (" from ", " by ", " for ", " of ", " with "):
        if prep in f" {' '.join(words)} ":
            head, _, rest = " ".join(words).partition(prep.strip() + " ")
            head_word = head.split()[-1].lower() if head.split() else ""
            if (
                (head_word in DOCUMENT_NOUNS or head_word in PERSON_HEADS | GROUP_HEADS)
                and not _is_cap(head.split()[-1])
                and rest
            ):
                inner = mention_of(rest)
                if inner is not None:
                    return inner
    runs = _proper_runs(" ".join(words))
    last = words[-1].lower().strip(",")
    if runs and runs[-1][1] == len(words):
        a, b = runs[-1]
        tokens = words[a:b]
        if tokens and tokens[0].lower() in _NOT_NAMES and len(tokens) > 1:
            tokens = tokens[1:]
        if len(tokens) == 1 and tokens[0].lower() in _NOT_NAMES:
            return None
        head = words[a - 1].lower() if a > 0 else ""
        tokens = _strip_possessive(tokens)
        kind = classify_name(" ".join(tokens), head)
        if kind == "person":
            tokens = _strip_titles(tokens)
            if len(tokens) == 1:
                return Mention(name=tokens[0], kind="person", ref="surname", want="person")
        elif kind == "unknown" and len(tokens) == 1 and a == 0:
            # A lone capitalised word: a surname ("Fischer said") or a generic.
            return Mention(name=tokens[0], kind="person", ref="surname", want="person")
        name = " ".join(tokens)
        return Mention(name=name, kind=kind)
    # Ends with a common noun: a document, a description or a group.
    if last in DOCUMENT_NOUNS:
        body = words[:-1]
        body_runs = _proper_runs(" ".join(body))
        if body_runs:
            a, b = body_runs[-1]
            name = " ".join(_strip_possessive(body[a:b]))
            return Mention(name=name, kind=classify_name(name) if name else "unknown")
        return Mention(name=phrase, kind="unknown", ref="description", want="any")
    determiner = _ONLY_DETERMINER.match(phrase)
    has_proper = any(_is_cap(w) for w in words[1:]) or (
        _is_cap(words[0]) and words[0].lower() not in _NOT_NAMES
    )
    name = _ONLY_DETERMINER.sub("", phrase)
    # "Seoul's spy agency": a description with a possessor.
    possessed = re.match(r"^(\S+['’]s)\s+(.*)$", name)
    if determiner and determiner.group(0).lower().startswith("the") and not has_proper:
        want = (
            "person"
            if last in PERSON_HEADS
            else "organisation"
            if last in ORG_HEADS
            else "outlet"
            if last in _OUTLET_HEADS
            else None
        )
        if want:
            return Mention(name=name, kind=want, ref="description", want=want)
    if possessed and last in ORG_HEADS | PERSON_HEADS:
        want = "person" if last in PERSON_HEADS else "organisation"
        return Mention(name=name, kind=want, ref="description", want=want)
    if last in GROUP_HEADS:
        kind = "organisation" if last in {"police", "authorities"} else "unknown"
        return Mention(name=name, kind=kind)
    kind = "organisation" if last in ORG_HEADS else "person" if last in PERSON_HEADS else "unknown"
    if len(name.split()) > 6:
        return None
    return Mention(name=name, kind=kind)


# --- frames -------------------------------------------------------------------


@dataclass
class Frame:
    """One attribution cue in a sentence: ``who`` said it (a subject of a
    reporting verb, the object of "according to"), optional ``inner`` voices
    ("citing", "quoted … as saying") and ``relay`` (an outlet told)."""

    role: str  # "say" | "according"
    who: Mention
    cue_start: int
    cue_end: int
    inner: list[Mention] = field(default_factory=list)
    relay: Mention | None = None


def _right_phrase(masked: str, pos: int, limit: int = 90) -> str:
    chunk = masked[pos : pos + limit]
    stop = _RIGHT_STOP.search(chunk)
    return chunk[: stop.start()] if stop else chunk


def _left_subject(masked: str, lo: int, verb_start: int) -> tuple[str, int, list[str]]:
    """The subject before a verb, skipping one appositive between commas
    ("Kirby, the coordinator, said"). Returns (phrase, start, citing)."""
    left = masked[lo:verb_start]
    citing: list[str] = []
    segments = left.split(",")
    subject = segments[-1]
    offset = lo + len(left) - len(subject)
    if not subject.strip() and len(segments) >= 3:
        appositive = segments[-2].strip()
        first = appositive.split()[0].lower() if appositive else ""
        if (
            first in {"the", "a", "an", "who", "which", "citing", "quoting", "its", "his", "her"}
            or (appositive[:1].islower())
            or appositive[:1].isdigit()
        ):
            if first in {"citing", "quoting"}:
                citing.append(appositive.split(None, 1)[1] if " " in appositive else "")
            subject = segments[-3]
            offset = lo + len(",".join(segments[:-3])) + (1 if len(segments) > 3 else 0)
    stops = list(_LEFT_STOP.finditer(subject))
    if stops:
        stop = stops[-1]
        offset += stop.end()
        subject = subject[stop.end() :]
    return subject, offset, citing


def _frames(masked: str, base: int) -> list[Frame]:
    """Attribution cues in one (masked) sentence, in reading order."""
    frames: list[Frame] = []
    previous_end = 0
    verbs = list(_VERB_RE.finditer(masked))
    for match in verbs:
        verb = match.group(1)
        subject, subject_start, citing = _left_subject(masked, previous_end, match.start())
        who = mention_of(subject) if subject.strip() else None
        inverted = False
        if who is None:
            before = masked[previous_end : match.start()].rstrip()
            if not before or before[-1] in ',”"':
                right = _right_phrase(masked, match.end())
                who = mention_of(right)
                inverted = who is not None
        if who is None:
            continue
        frame = Frame(
            role="say",
            who=who,
            cue_start=base + (match.start() if inverted else subject_start),
            cue_end=base
            + match.end()
            + (len(_right_phrase(masked, match.end())) if inverted else 0),
        )
        for phrase in citing:
            inner = mention_of(phrase)
            if inner is not None:
                frame.inner.append(inner)
        if verb in _TELL and not inverted:
            obj = mention_of(_right_phrase(masked, match.end()))
            if obj is not None and obj.kind == "outlet":
                frame.relay = obj
        frames.append(frame)
        previous_end = match.end()
    for match in _CITING_RE.finditer(masked):
        phrase = _right_phrase(masked, match.end())
        inner = mention_of(phrase)
        if inner is None:
            continue
        owner = next((f for f in frames if f.cue_start - base <= match.start()), None)
        owners = [f for f in frames if f.cue_start - base <= match.start()]
        owner = owners[-1] if owners else (frames[0] if frames else None)
        if owner is not None and not any(m.name == inner.name for m in owner.inner):
            owner.inner.append(inner)
    for match in _QUOTED_AS_RE.finditer(masked):
        inner = mention_of(match.group("who"))
        owners = [f for f in frames if f.cue_start - base <= match.start()]
        if inner is not None and owners:
            owners[-1].inner.append(inner)
    for match in _ACCORDING_RE.finditer(masked):
        phrase = _right_phrase(masked, match.end())
        who = mention_of(phrase)
        # "according to the harbour master, Tomas Greer": the name after the role.
        after = masked[match.end() + len(phrase) :]
        named = re.match(r",\s+([A-Z][^,.;]{1,60}?)\s*(?:[.;]|$|,)", after)
        if who is not None and (who.ref == "description" or who.name[:1].islower()) and named:
            name = mention_of(named.group(1))
            if name is not None and name.ref in (None, "surname") and name.kind == "person":
                who = name
                phrase = phrase + after[: named.end(1)]
        if who is not None:
            frames.append(
                Frame(
                    role="according",
                    who=who,
                    cue_start=base + match.start(),
                    cue_end=base + match.end() + len(phrase),
                )
            )
    frames.sort(key=lambda f: f.cue_start)
    return frames


def _chain(frames: list[Frame], start: int, end: int) -> tuple[list[Mention], Frame | None]:
    """Voices from outermost to the origin for a passage at [start, end)."""
    outside = [f for f in frames if f.cue_end <= start or f.cue_start >= end]
    frames = outside or frames
    according = [f for f in frames if f.role == "according"]
    says = [f for f in frames if f.role == "say"]
    before = [f for f in says if f.cue_start < start]
    chosen = before or says[:1]
    voices: list[Mention] = [f.who for f in according]
    for f in chosen:
        if f.relay is not None:
            voices.append(f.relay)
        voices.append(f.who)
        voices.extend(f.inner)
    cue = (chosen[-1] if chosen else according[-1]) if (chosen or according) else None
    return voices, cue


# --- resolution ---------------------------------------------------------------


def _fits(kind: str, want: str | None) -> bool:
    if want in (None, "any"):
        return kind in {"person", "organisation", "outlet"}
    if want == "group":
        return kind in {"organisation", "unknown", "outlet"}
    if want == "organisation":
        return kind in {"organisation", "outlet"}
    return kind == want


def _candidates(text: str, sentences: list[tuple[int, int]], before: int) -> list[Mention]:
    """Names mentioned before ``before``, nearest sentence first; within a
    sentence, the attributed speakers first, then names in reading order."""
    found: list[Mention] = []
    for a, b in reversed(sentences):
        if a >= before:
            continue
        b = min(b, before)
        masked = _mask(text, a, b, quote_spans(text, a, b))
        speakers = [f.who for f in _frames(masked, a) if f.who.ref is None]
        found.extend(speakers)
        tokens = masked.split()
        for i, j in _proper_runs(masked):
            run = tokens[i:j]
            if i == 0 and len(run) == 1:
                continue
            while run and run[0].lower() in _NOT_NAMES:
                run = run[1:]
            if not run:
                continue
            run = [t.strip(',.;:”“"()') for t in run]
            head = tokens[i - 1].lower() if i > 0 else ""
            kind = classify_name(" ".join(run), head)
            if kind == "person":
                run = _strip_titles(run)
            name = " ".join(_strip_possessive(run)) if kind != "person" else " ".join(run)
            found.append(Mention(name=name, kind=kind))
        if len(found) > 30:
            break
    return found


def _resolve(
    mention: Mention, text: str, sentences: list[tuple[int, int]], before: int
) -> tuple[Mention, bool]:
    """A pronoun, description or surname replaced by the name it stands for;
    the flag says whether something was resolved."""
    if mention.ref is None:
        return mention, False
    candidates = _candidates(text, sentences, before)
    if mention.ref == "surname":
        surname = mention.name
        for cand in candidates:
            parts = cand.name.split()
            if cand.kind == "person" and len(parts) >= 2 and parts[-1] == surname:
                return Mention(name=" ".join(parts[-3:]), kind="person"), True
        kind = classify_name(surname)
        return Mention(name=surname, kind="person" if kind == "person" else kind), False
    for cand in candidates:
        if len(cand.name.split()) == 1 and cand.kind == "person":
            continue
        if _fits(cand.kind, mention.want):
            return cand, True
    if mention.ref == "pronoun":
        return Mention(name=mention.name, kind="unknown"), False
    return Mention(name=mention.name, kind=mention.kind), False


# --- the suggester ------------------------------------------------------------


def _sentence_index(sentences: list[tuple[int, int]], pos: int) -> int:
    for i, (a, b) in enumerate(sentences):
        if a <= pos < b or pos < a:
            return i
    return len(sentences) - 1


def _frames_for(text: str, a: int, b: int, quotes: list[tuple[int, int]]) -> list[Frame]:
    return _frames(_mask(text, a, b, quotes), a)


def suggest_speaker(text: str, start: int, end: int) -> Suggestion:
    """Who the passage ``text[start:end]`` is attributed to (see the module
    docstring). Never raises on odd input: returns an empty suggestion."""
    if not text or start < 0 or end <= start or end > len(text):
        return NOTHING
    lo = max(0, start - WINDOW_BEFORE)
    lo = text.find("\n", lo, start) + 1 if lo else 0
    hi = min(len(text), end + WINDOW_AFTER)
    nl = text.rfind("\n", end, hi)
    hi = nl if nl != -1 else hi
    sentences = split_sentences(text, lo, hi)
    if not sentences:
        return NOTHING
    quotes = quote_spans(text, lo, hi)
    inside = [q for q in quotes if q[0] <= start and end <= q[1]]
    first = _sentence_index(sentences, start)
    last = _sentence_index(sentences, max(start, end - 1))
    for q in inside:
        first = min(first, _sentence_index(sentences, q[0]))
        last = max(last, _sentence_index(sentences, q[1] - 1))
    a, b = sentences[first][0], sentences[last][1]
    frames = _frames_for(text, a, b, quotes)
    voices, cue = _chain(frames, start, end)
    confidence = 0.9
    # Attributions inside the quote, before the passage ("According to the
    # lawmaker, the agency noted that …") are inner voices.
    for q in inside:
        inner_frames = [
            f
            for f in _frames_for(text, q[0] + 1, start, [x for x in quotes if x != q])
            if f.cue_end <= start
        ]
        if inner_frames:
            inner_voices, inner_cue = _chain(inner_frames, start, end)
            voices = voices + inner_voices
            cue = cue or inner_cue
    if not voices and inside:
        # A quote with no frame of its own: the next sentence, then the previous.
        neighbours = [i for i in (last + 1, first - 1) if 0 <= i < len(sentences)]
        for i in neighbours:
            na, nb = sentences[i]
            if i < first and text[na:nb].strip().endswith(("”", '"')) and i != first - 1:
                continue
            frames = _frames_for(text, na, nb, quotes)
            says = [f for f in frames if f.role == "say"]
            if says:
                voices, cue = _chain(frames, nb, nb)
                if i < first:
                    voices, cue = _chain(frames, nb, nb)
                confidence = 0.7
                break
    if not voices or cue is None:
        return NOTHING
    resolved: list[Mention] = []
    any_resolved = False
    for voice in voices:
        voice, did = _resolve(voice, text, sentences, cue.cue_start)
        any_resolved = any_resolved or did
        resolved.append(voice)
    origin = resolved[-1]
    if origin.ref == "pronoun" or not origin.name:
        return NOTHING
    if any_resolved:
        confidence -= 0.1
    if origin.kind == "unknown":
        confidence -= 0.15
    via = tuple(dict.fromkeys(v.name for v in resolved[:-1] if v.name != origin.name))
    return Suggestion(
        speaker=origin.name,
        kind=origin.kind if origin.kind != "group" else "unknown",
        via=via,
        cue=text[cue.cue_start : cue.cue_end].strip(),
        confidence=round(max(confidence, 0.1), 2),
        cue_start=cue.cue_start,
        cue_end=cue.cue_end,
    )
