"""One claim/source pair as a flat row, declared once.

``EVIDENCE_ROW`` names every column a reader of pairs needs, with the ORM
lookup that fetches it. The API's representation is built from such a row
(:func:`claims.serializers.evidence_from_row`): a list page fetches the rows
with ``values_list`` and skips model instances; a single pair's row is read
off its instance (:func:`evidence_row`); exports write a subset of the
columns (:data:`claims.exports.COLUMNS`) under these names.
"""

from __future__ import annotations

from typing import Any

from .models import Evidence

#: column name -> lookup, in the order ``evidence_from_row`` unpacks them.
EVIDENCE_ROW: dict[str, str] = {
    "id": "id",
    "claim_id": "claim_id",
    "claim_text": "claim__text",
    "claim_verdict": "claim__verdict",
    "source_id": "excerpt__source_id",
    "source_url": "excerpt__source__url",
    "source_title": "excerpt__source__title",
    "published_at": "excerpt__source__published_at",
    "outlet_id": "excerpt__source__outlet_id",
    "outlet_name": "excerpt__source__outlet__name",
    "outlet_domain": "excerpt__source__outlet__domain",
    "stance": "stance",
    "exact": "excerpt__exact",
    "prefix": "excerpt__prefix",
    "suffix": "excerpt__suffix",
    "start": "excerpt__start",
    "end": "excerpt__end",
    "anchor_state": "excerpt__anchor_state",
    "attributed_to": "attributed_to",
    "note": "note",
    "created_by": "created_by__username",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "excerpt_id": "excerpt_id",
    "selected": "excerpt__selected",
    "speaker_id": "speaker_id",
    "speaker_name": "speaker__name",
    "speaker_kind": "speaker__kind",
    "via": "via",
}
#: The lookups, for ``values_list(*LOOKUPS)`` and ``only(*LOOKUPS)``.
LOOKUPS: tuple[str, ...] = tuple(EVIDENCE_ROW.values())
_PATHS = tuple(tuple(lookup.split("__")) for lookup in LOOKUPS)


def evidence_row(evidence: Evidence) -> tuple[Any, ...]:
    """The row of one pair, read off the instance (and what it has loaded)."""
    return tuple(_follow(evidence, path) for path in _PATHS)


def _follow(obj: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        if obj is None:  # a pair without an outlet or without an author
            return None
        obj = getattr(obj, name)
    return obj
