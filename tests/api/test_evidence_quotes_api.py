"""/api/evidence/ and quotes that need a person: ``quote.selected``, the
``anchor_state`` filter, ``confirm``, and linking a span two excerpts share."""

from __future__ import annotations

import pytest

from claims.models import Claim, Evidence
from claims.services import claim_create, evidence_link
from sources.models import Excerpt
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

TEXT = (
    "The port authority said the quay was safe. Divers found cracks in two pillars. "
    "The authority said repairs would take 12 weeks."
)


@pytest.fixture
def source():
    return source_ingest(raw=TEXT, content_type="text/plain", outlet_domain="quay.example").source


@pytest.fixture
def claim(analyst):
    return claim_create(text="The quay is safe", user=analyst)


def _as_reparse_left_it(excerpt: Excerpt, *, state: str, exact: str, start: int) -> None:
    """What a re-parse writes: a new position and state, never the selection."""
    text = excerpt.source.text
    Excerpt.objects.filter(pk=excerpt.pk).update(
        anchor_state=state,
        exact=exact,
        start=start,
        end=start + len(exact),
        prefix=text[max(0, start - 32) : start],
        suffix=text[start + len(exact) : start + len(exact) + 32],
    )


def test_linking_a_span_two_excerpts_were_reanchored_onto_is_not_a_500(
    analyst_client, source, claim, analyst
):
    # Two selections (other words, other places) that re-parses moved onto
    # the same words: linking those words again used to raise
    # MultipleObjectsReturned.
    span = "the quay was safe"
    start = TEXT.index(span)
    for other in ("Divers found cracks", "two pillars"):
        excerpt = Excerpt.objects.create(
            source=source,
            exact=other,
            start=TEXT.index(other),
            end=TEXT.index(other) + len(other),
            selected=span,
            selected_start=start,
        )
        _as_reparse_left_it(excerpt, state="relocated", exact=span, start=start)
    assert Excerpt.objects.filter(source=source, start=start, exact=span).count() == 2

    response = analyst_client.post(
        "/api/evidence/",
        {"claim": claim.pk, "source": source.pk, "stance": "asserts", "exact": span},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["quote"]["exact"] == body["quote"]["selected"] == span
    # Linked to the oldest excerpt showing these words.
    oldest = Excerpt.objects.filter(source=source, start=start).order_by("pk").first()
    assert Evidence.objects.get(pk=body["id"]).excerpt_id == oldest.pk


def test_a_changed_excerpt_on_the_span_is_not_reused_for_a_new_selection(
    analyst_client, source, claim
):
    # A changed quote points at "repairs would take 12 weeks" but its analyst
    # selected other words: a new selection of those words is a new excerpt.
    evidence = evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="Divers found cracks",
        user=None,
    )
    span = "repairs would take 12 weeks"
    _as_reparse_left_it(evidence.excerpt, state="changed", exact=span, start=TEXT.index(span))
    other = claim_create(text="Repairs take three months", user=None)

    response = analyst_client.post(
        "/api/evidence/",
        {"claim": other.pk, "source": source.pk, "stance": "asserts", "exact": span},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["excerpt"] != evidence.excerpt_id
    assert response.json()["anchor_state"] == "anchored"


def test_quotes_to_check_filter_and_confirm(analyst_client, source, claim):
    evidence = evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="repairs would take 12 weeks",
        user=None,
    )
    kept = evidence_link(
        claim_id=claim.pk, source_id=source.pk, stance="disputes", exact="Divers found", user=None
    )
    Excerpt.objects.filter(pk=kept.excerpt_id)  # stays anchored
    # A re-parse changed 12 into 13 (as the re-parse tests do for real).
    from sources.models import Source

    new_text = TEXT.replace("12 weeks", "13 weeks")
    Source.objects.filter(pk=source.pk).update(text=new_text)
    start = new_text.index("repairs would take 13 weeks")
    Excerpt.objects.filter(pk=evidence.excerpt_id).update(
        anchor_state="changed", exact="repairs would take 13 weeks", start=start, end=start + 27
    )

    listed = analyst_client.get("/api/evidence/?anchor_state=changed").json()["results"]
    assert [e["id"] for e in listed] == [evidence.pk]
    assert listed[0]["quote"]["selected"] == "repairs would take 12 weeks"
    assert listed[0]["quote"]["exact"] == "repairs would take 13 weeks"
    to_check = analyst_client.get("/api/evidence/?to_check=true").json()["results"]
    assert [e["id"] for e in to_check] == [evidence.pk]
    assert analyst_client.get("/api/evidence/?anchor_state=bogus").status_code == 400
    revision = Claim.objects.get(pk=claim.pk).evidence_revision

    confirmed = analyst_client.patch(
        f"/api/evidence/{evidence.pk}/", {"confirm": True}, format="json"
    )

    assert confirmed.status_code == 200, confirmed.content
    body = confirmed.json()
    assert body["anchor_state"] == "relocated"
    assert body["quote"]["selected"] == body["quote"]["exact"] == "repairs would take 13 weeks"
    assert Claim.objects.get(pk=claim.pk).evidence_revision == revision + 1
    again = analyst_client.patch(f"/api/evidence/{evidence.pk}/", {"confirm": True}, format="json")
    assert again.status_code == 409


def test_viewers_cannot_confirm(viewer_client, source, claim):
    evidence = evidence_link(
        claim_id=claim.pk, source_id=source.pk, stance="asserts", exact="Divers found", user=None
    )
    response = viewer_client.patch(
        f"/api/evidence/{evidence.pk}/", {"confirm": True}, format="json"
    )
    assert response.status_code == 403


def test_patch_claim_without_version_is_400_and_changes_nothing(analyst_client, claim):
    response = analyst_client.patch(
        f"/api/claims/{claim.pk}/", {"text": "Silently overwritten?"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()
    assert Claim.objects.get(pk=claim.pk).text == "The quay is safe"


def test_review_with_a_stale_evidence_revision_is_409(editor_client, source, claim):
    seen = editor_client.get(f"/api/claims/{claim.pk}/").json()
    evidence_link(
        claim_id=claim.pk, source_id=source.pk, stance="asserts", exact="Divers found", user=None
    )
    response = editor_client.post(
        f"/api/claims/{claim.pk}/review/",
        {
            "verdict": "supported",
            "rationale": "Seen.",
            "version": seen["version"],
            "evidence_revision": seen["evidence_revision"],
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["evidence_revision"] == seen["evidence_revision"] + 1
    assert Claim.objects.get(pk=claim.pk).verdict == "unreviewed"
