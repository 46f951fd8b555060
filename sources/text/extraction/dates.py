"""Dates as articles print them, parsed without guessing beyond what is written.

A date alone becomes midnight UTC; a time without a zone is taken as UTC.
Day-first numeric dates (12/03/2024) are ambiguous and are only accepted when
one part cannot be a month.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
MONTH_NAMES = tuple(name for name in _MONTHS if len(name) > 3 or name == "may")
MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_TIME = (
    r"(?:(?:\s*(?:at|,|-|\||T))?\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\.\d+)?\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

DATE_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        # 2024-03-12, 2024/03/12, 2024-03-12T09:30:00+02:00
        rf"\b{_YEAR}[-/.](?P<nmonth>\d{{1,2}})[-/.]{_DAY}(?!\d){_TIME}",
        # March 12, 2024 / Mar. 12 2024
        rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b{_TIME}",
        # 12 March 2024 / 12th of March, 2024
        rf"\b{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}\b{_TIME}",
        # 12/03/2024 or 03/12/2024 (only when unambiguous)
        rf"\b(?P<a>\d{{1,2}})[/.](?P<b>\d{{1,2}})[/.]{_YEAR}\b{_TIME}",
    )
]


def _build(year: int, month: int, day: int, match: re.Match[str]) -> dt.datetime | None:
    hour = minute = second = 0
    tzinfo: dt.tzinfo = dt.UTC
    if match.groupdict().get("hour"):
        hour, minute = int(match["hour"]), int(match["minute"])
        second = int(match["second"] or 0)
        ampm = (match["ampm"] or "").replace(".", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        tz = (match["tz"] or "").upper()
        if tz and tz not in ("Z", "UTC", "GMT"):
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            tzinfo = dt.timezone(sign * offset)
    try:
        value = dt.datetime(year, month, day, hour, minute, second, tzinfo=tzinfo)
    except ValueError:
        return None
    return value.astimezone(dt.UTC)


def _from_match(match: re.Match[str]) -> dt.datetime | None:
    groups = match.groupdict()
    year = int(groups["year"])
    if groups.get("month"):
        month = _MONTHS[groups["month"].lower().rstrip(".")]
        return _build(year, month, int(groups["day"]), match)
    if groups.get("nmonth"):
        return _build(year, int(groups["nmonth"]), int(groups["day"]), match)
    first, second = int(groups["a"]), int(groups["b"])
    if first > 12 >= second:
        return _build(year, second, first, match)
    if second > 12 >= first:
        return _build(year, first, second, match)
    return None


def find_date(text: str) -> tuple[dt.datetime, re.Match[str]] | None:
    """The earliest date written in ``text`` and its match, or None."""
    best: tuple[dt.datetime, re.Match[str]] | None = None
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            value = _from_match(match)
            if value is not None and (best is None or match.start() < best[1].start()):
                best = (value, match)
                break
    return best


def parse_date(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    found = find_date(text)
    return found[0] if found else None


def date_only(value: str | None) -> dt.datetime | None:
    """An ISO ``YYYY-MM-DD`` (trafilatura's output) as midnight UTC."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return parse_date(value)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
