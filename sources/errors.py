"""The edge between the pure text core and the application.

The core (:mod:`sources.text`) and the fetcher raise their own ``TextError``
subclasses and know nothing of the project; services wrap their calls in
:func:`application_errors`, so that views, the API and commands see the one
``ApplicationError`` (same message, code, status and extra).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from claims_tracker.common.errors import ApplicationError
from sources.text.errors import TextError


def application_error(exc: TextError) -> ApplicationError:
    """The application error saying what ``exc`` says."""
    return ApplicationError(exc.message, code=exc.code, status=exc.status, extra=dict(exc.extra))


@contextmanager
def application_errors() -> Iterator[None]:
    """Re-raise the core's errors as ``ApplicationError`` (also a decorator)."""
    try:
        yield
    except TextError as exc:
        raise application_error(exc) from exc
