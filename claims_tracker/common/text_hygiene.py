"""Text hygiene at the edge: one validator for every text a request carries.

PostgreSQL cannot store NUL, and a lone surrogate (``"\\ud800"``, which JSON
can spell) cannot even be encoded as UTF-8, so either one deep inside a
service ends as a 500. They are refused where input enters the system: the
API's parsers (JSON, form and multipart bodies), a middleware for query
strings and page forms, and the command line. Text that comes from files or
fetched pages is *repaired* instead (``repair_text``): a document is not the
user's typing, and one stray byte should not lose the whole article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import ApplicationError

_UNSAFE = re.compile("[\\x00\\ud800-\\udfff]")


def unsafe_character(value: str) -> str | None:
    """The first NUL or lone surrogate in ``value``, or None."""
    match = _UNSAFE.search(value)
    return match.group() if match else None


def describe(character: str) -> str:
    if character == "\x00":
        return "a NUL character (U+0000)"
    return f"a lone surrogate (U+{ord(character):04X})"


def find_unsafe_text(data: Any, path: str = "") -> tuple[str, str] | None:
    """``(field, character)`` for the first unsafe string anywhere in parsed
    input (dicts, lists, QueryDicts; keys count too), or None."""
    if isinstance(data, str):
        bad = unsafe_character(data)
        return (path or "body", bad) if bad else None
    if hasattr(data, "lists"):  # QueryDict / MultiValueDict: every value of every key
        items: Iterable[tuple[Any, Any]] = (
            (key, value) for key, values in data.lists() for value in values
        )
    elif isinstance(data, Mapping):
        items = data.items()
    elif isinstance(data, list | tuple):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(data))
        for name, value in items:
            found = find_unsafe_text(value, name)
            if found:
                return found
        return None
    else:
        return None
    for key, value in items:
        name = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and unsafe_character(key):
            return (name, unsafe_character(key))
        found = find_unsafe_text(value, name)
        if found:
            return found
    return None


def check_text(data: Any, *, where: str = "") -> None:
    """Raise a 400 ``ApplicationError`` naming the field when any text in
    ``data`` holds a NUL or a lone surrogate."""
    found = find_unsafe_text(data)
    if found is None:
        return
    field, character = found
    # The name itself may be the unsafe text (a JSON key): echo it escaped,
    # or the error could not even be encoded.
    field = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", field)
    place = f"{where} field" if where else "field"
    raise ApplicationError(
        f"The {place} “{field}” contains {describe(character)}; remove it and try again.",
        code="invalid_text",
        extra={"field": field},
    )


def repair_text(value: str) -> str:
    """Drop NULs and replace lone surrogates with U+FFFD (for documents)."""
    return _UNSAFE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)
