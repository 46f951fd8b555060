"""Evidence edits from the claim page and the reader (``claims.views.evidence``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Evidence
from sources.models import Excerpt
from tests.claims.views.pages import (
    link_evidence,
    make_claim,
    make_source,
    tree_of,
)

pytestmark = pytest.mark.django_db


def test_unlinking_an_orphan_from_the_reader_removes_it(analyst_web, analyst):
    source = make_source()
    evidence = link_evidence(
        make_claim("Cranes replaced"), source, "replaced two damaged cranes", user=analyst
    )
    Excerpt.objects.filter(pk=evidence.excerpt_id).update(anchor_state="orphaned")
    response = analyst_web.post(
        reverse("claims:evidence-unlink", args=[evidence.pk]),
        {"from": "reader", "source": source.pk},
    )
    assert response.status_code == 200
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert (
        "replaced two damaged cranes"
        not in tree_of(response).get_element_by_id("reader-evidence").text_content()
    )


def test_analyst_changes_the_stance(analyst_web, analyst):
    claim = make_claim()
    evidence = link_evidence(claim, make_source(), "reopened on Monday", user=analyst)
    response = analyst_web.post(
        reverse("claims:evidence-edit", args=[evidence.pk]),
        {"stance": "mentions", "claim": claim.pk},
    )
    assert response.status_code == 200
    evidence.refresh_from_db()
    assert evidence.stance == "mentions"
    column = tree_of(response).xpath("//*[@data-stance-column='mentions']")[0]
    assert column.xpath(f".//*[@data-evidence-item='{evidence.pk}']")


def test_analyst_unlinks_from_the_claim_page(analyst_web, analyst):
    claim = make_claim()
    evidence = link_evidence(claim, make_source(), "reopened on Monday", user=analyst)
    response = analyst_web.post(
        reverse("claims:evidence-unlink", args=[evidence.pk]), {"claim": claim.pk}
    )
    assert response.status_code == 200
    assert not Evidence.objects.exists()
    assert not tree_of(response).xpath("//*[@data-evidence-item]")


def test_viewer_cannot_change_evidence(viewer_web, analyst):
    evidence = link_evidence(make_claim(), make_source(), "reopened on Monday", user=analyst)
    assert (
        viewer_web.post(
            reverse("claims:evidence-edit", args=[evidence.pk]), {"stance": "mentions"}
        ).status_code
        == 403
    )
    assert viewer_web.post(reverse("claims:evidence-unlink", args=[evidence.pk])).status_code == 403
    evidence.refresh_from_db()
    assert evidence.stance == "asserts"


def test_viewer_sees_no_evidence_controls(viewer_web, analyst):
    claim = make_claim()
    link_evidence(claim, make_source(), "reopened on Monday", user=analyst)
    tree = tree_of(viewer_web.get(reverse("claims:detail", args=[claim.pk])))
    assert not tree.xpath("//form[@class='ev-edit']")
