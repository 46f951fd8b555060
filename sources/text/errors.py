"""The pure core's own exceptions.

Each says, in a sentence a person understands, what is wrong with the input
(an empty quote, a bad regex, a URL without a host). They carry the same
``code``/``status``/``extra`` as the application error, so the services can
translate them at the edge without losing anything
(:func:`sources.errors.application_errors`); the core itself knows nothing of
Django or of the project.
"""

from __future__ import annotations

from typing import Any


class TextError(ValueError):
    """A problem with the input of a pure function, never a bug."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        status: int = 400,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.extra = extra or {}


class AnchoringError(TextError):
    """A quote that cannot be located in a text (empty, absent, ambiguous, out of range)."""


class RuleError(TextError):
    """An extraction rule that cannot be used (unknown kind, bad regex or selector)."""


class ExtractionError(TextError):
    """An input with nothing to extract."""


class UrlError(TextError):
    """A URL that is not valid or not absolute."""


class FetchError(TextError):
    """A page that may not or could not be fetched (raised by :mod:`sources.fetching`)."""
