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
from collections.abc import Mapping
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


def _children(data: Any, path: str) -> list[tuple[str, Any, Any]]:
    """``(name, key, value)`` of a container's items, in order."""
    if hasattr(data, "lists"):  # QueryDict / MultiValueDict: every value of every key
        pairs = [(key, value) for key, values in data.lists() for value in values]
    elif isinstance(data, Mapping):
        pairs = list(data.items())
    elif isinstance(data, list | tuple):
        return [(f"{path}[{i}]", None, value) for i, value in enumerate(data)]
    else:
        return []
    return [(f"{path}.{key}" if path else str(key), key, value) for key, value in pairs]


def find_unsafe_text(data: Any, path: str = "") -> tuple[str, str] | None:
    """``(field, character)`` for the first unsafe string anywhere in parsed
    input (dicts, lists, QueryDicts; keys count too), or None. Iterative, so
    deeply nested input cannot exhaust the stack."""
    stack: list[tuple[str, Any]] = [(path, data)]
    while stack:
        name, value = stack.pop()
        if isinstance(value, str):
            bad = unsafe_character(value)
            if bad:
                return (name or "body", bad)
            continue
        children = _children(value, name)
        for child_name, key, _child in children:
            if isinstance(key, str) and unsafe_character(key):
                return (child_name, unsafe_character(key))
        stack.extend((child_name, child) for child_name, _key, child in reversed(children))
    return None


def nesting_depth(data: Any) -> int:
    """How deeply lists and dicts nest in parsed JSON (a scalar is 0)."""
    deepest = 0
    stack: list[tuple[int, Any]] = [(0, data)]
    while stack:
        depth, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((depth + 1, v) for v in value.values())
        elif isinstance(value, list):
            stack.extend((depth + 1, v) for v in value)
        else:
            continue
        deepest = max(deepest, depth + 1)
    return deepest


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
