"""The one error type users can cause.

Services raise ``ApplicationError`` with a sentence a person understands; the
API and the views turn it into a 4xx response at the edge. Code that is pure
(extraction, anchoring, fetching) raises it too, so callers need one ``except``.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A problem with the user's input or request, never a bug.

    ``status`` is the HTTP status the edge should answer with (400 unless a
    more specific one fits: 404 not found, 409 conflict, 413 too large).
    ``code`` is a short machine-readable identifier; ``extra`` carries details
    (for example the existing row on a conflict).
    """

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

    def as_dict(self) -> dict[str, Any]:
        return {"detail": self.message, "code": self.code, **self.extra}
