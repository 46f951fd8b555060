"""Speaker suggestion for a passage of a stored source (a read): locate the
quote in the source's text as linking would, then read the attribution
around it with the pure rules of ``sources.text.speakers``."""

from __future__ import annotations

from claims_tracker.common.errors import ApplicationError

from .errors import application_errors
from .models import Source
from .text.anchoring import locate_quote
from .text.speakers import Suggestion, suggest_speaker


def attribution_suggest(*, source_id: int, exact: str, start: int | None = None) -> Suggestion:
    text = Source.objects.filter(pk=source_id).values_list("text", flat=True).first()
    if text is None:
        raise ApplicationError(f"Source {source_id} does not exist.", code="not_found")
    with application_errors():
        quote = locate_quote(text, exact, start=start)
    return suggest_speaker(text, quote.start, quote.end)
