"""Copied text between stored sources: kept true on ingest and after a re-parse."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from sources import copies
from sources.copies import source_related, sources_copies_update
from sources.models import SharedText, Source
from sources.rule_services import rule_create
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

WIRE = (
    "Inspectors found cracks in three of the five pillars that carry the Marston rail bridge, "
    "and the regional council closed the crossing to freight trains on Tuesday night while "
    "engineers decide whether the structure can be saved at a reasonable cost. The bridge was "
    "built in 1911 and last strengthened in 1987, the rail company Eastline said in a statement.\n"
    "Repairs had been planned for next summer but were brought forward after a routine survey "
    "flagged movement in the northern abutment during the spring floods, and the company has "
    "asked two contractors to price a temporary steel support for the damaged pillars."
)
NEWSLETTER = "This report was updated at noon with a statement from the rail company."


def _ingest(body: str, outlet: str, day: int) -> Source:
    return SourceFactory(
        raw=f"Bridge closed to freight\n\n{body}\n",
        outlet_domain=outlet,
        published_at=dt.datetime(2026, 3, day, 8, tzinfo=dt.UTC),
    )


def _shared(source: Source, other: Source) -> list[str]:
    """The passages of ``source`` that it shares with ``other``, as text."""
    source.refresh_from_db()
    row = SharedText.objects.get(Q(earlier=source, later=other) | Q(earlier=other, later=source))
    spans = row.earlier_spans if row.earlier_id == source.pk else row.later_spans
    return [source.text[a:b] for a, b in spans]


def test_a_copy_is_linked_to_its_original_with_spans_over_the_shared_words():
    original = _ingest(WIRE, "first.example", 1)
    copy = _ingest(f"Freight has stopped.\n{WIRE.replace('closed', 'shut')}", "second.example", 2)

    row = SharedText.objects.get()
    assert (row.earlier_id, row.later_id) == (original.pk, copy.pk)
    assert _shared(copy, original)[0].startswith("Inspectors found cracks")
    assert "Freight has stopped" not in " ".join(_shared(copy, original))


def test_recomputing_is_idempotent():
    original = _ingest(WIRE, "first.example", 1)
    _ingest(WIRE.replace("closed", "shut"), "second.example", 2)
    before = list(SharedText.objects.values_list("earlier_id", "later_id", "earlier_spans"))

    sources_copies_update(source_ids=Source.objects.values_list("pk", flat=True))
    sources_copies_update(source_ids=[original.pk])

    after = list(SharedText.objects.values_list("earlier_id", "later_id", "earlier_spans"))
    assert after == before
    assert len(after) == 1


def test_the_closest_candidates_are_verified_first(monkeypatch):
    original = _ingest(WIRE, "first.example", 1)
    first_paragraph = WIRE.split("\n")[0]
    partial = _ingest(f"{first_paragraph}\nThe rest is about a different bridge.", "b.example", 2)
    full = _ingest(WIRE.replace("closed", "shut"), "c.example", 3)
    assert {r.source.pk for r in source_related(source_id=original.pk)} == {partial.pk, full.pk}

    monkeypatch.setattr(copies, "MAX_CANDIDATES", 1)
    sources_copies_update(source_ids=[original.pk])

    assert [r.source.pk for r in source_related(source_id=original.pk)] == [full.pk]


def test_a_batch_of_mutual_copies_keeps_every_pair():
    sources = [_ingest(WIRE + f" Report {i}.", f"o{i}.example", i + 1) for i in range(6)]
    SharedText.objects.all().delete()

    sources_copies_update(source_ids=[s.pk for s in sources])

    assert SharedText.objects.count() == 15


def test_after_a_rule_change_the_shared_spans_point_into_the_new_text(
    django_capture_on_commit_callbacks,
):
    original = _ingest(f"{NEWSLETTER}\n{WIRE}", "first.example", 1)
    copy = _ingest(f"{NEWSLETTER}\n{NEWSLETTER}\n{WIRE}", "second.example", 2)
    spans_before = SharedText.objects.get().later_spans

    with django_capture_on_commit_callbacks(execute=True):
        rule_create(
            user=None, name="newsletter", kind="drop_lines", pattern="^This report was updated"
        )

    copy.refresh_from_db()
    assert NEWSLETTER not in copy.text
    row = SharedText.objects.get()
    assert row.later_spans != spans_before
    first, _ = row.later_spans[0]
    assert copy.text[first:].startswith("Inspectors found cracks")
    assert (row.earlier_id, row.later_id) == (original.pk, copy.pk)
