"""The actor page's edit and merge forms: analysts only, version-guarded,
bad input refused with a message and nothing changed."""

from __future__ import annotations

import lxml.html
import pytest
from django.urls import reverse

from claims import actor_services
from claims.models import Actor, Evidence
from claims.services import claim_create, evidence_link
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return actor_services.actor_create(
        name="Harbour Safety Agency", kind="organisation", aliases=["the agency"]
    )


def _form(response, marker: str) -> dict[str, str]:
    """The values a browser would send from the page's form ``marker``."""
    page = lxml.html.fromstring(response.content)
    (form,) = page.cssselect(f"form[{marker}]")
    return {k: v or "" for k, v in form.form_values()}


def _names(actor: Actor) -> set[str]:
    return set(actor.aliases.values_list("name", flat=True))


def test_an_analyst_renames_and_realiases_from_the_page(analyst_web, agency):
    values = _form(analyst_web.get(reverse("claims:actor", args=[agency.pk])), "data-actor-edit")
    values.update(name="Harbour Safety Authority", aliases="the agency\nHSA")

    response = analyst_web.post(reverse("claims:actor-edit", args=[agency.pk]), values)

    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name == "Harbour Safety Authority"
    assert _names(agency) == {"Harbour Safety Authority", "the agency", "HSA"}
    assert agency.version == 2


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(analyst_web, agency):
    values = _form(analyst_web.get(reverse("claims:actor", args=[agency.pk])), "data-actor-edit")
    actor_services.actor_update(actor_id=agency.pk, aliases=["the agency", "port regulator"])
    values.update(aliases="the agency\nHSA")

    response = analyst_web.post(reverse("claims:actor-edit", args=[agency.pk]), values)

    assert response.status_code == 409
    assert "Someone else changed this actor" in response.content.decode()
    agency.refresh_from_db()
    assert _names(agency) == {"Harbour Safety Agency", "the agency", "port regulator"}
    again = _form(response, "data-actor-edit")
    assert again["aliases"] == "the agency\nHSA"  # the analyst's words survive
    assert again["version"] == str(agency.version)  # and can be saved over the new version


def test_an_empty_name_is_refused_with_a_message(analyst_web, agency):
    values = _form(analyst_web.get(reverse("claims:actor", args=[agency.pk])), "data-actor-edit")
    values["name"] = "   "

    response = analyst_web.post(reverse("claims:actor-edit", args=[agency.pk]), values)

    assert response.status_code == 400
    assert "Give the actor a name." in response.content.decode()
    agency.refresh_from_db()
    assert (agency.name, agency.version) == ("Harbour Safety Agency", 1)


def test_merging_by_an_alias_moves_the_evidence_and_needs_the_box_ticked(analyst_web, agency):
    source = SourceFactory()
    claim = claim_create(text="The northern quay is unsafe", user=None)
    evidence = evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact=source.text.strip().splitlines()[-1],
        attributed_to="Port inspectors",
        user=None,
    )
    inspectors = Evidence.objects.get(pk=evidence.pk).speaker
    url = reverse("claims:actor-merge", args=[inspectors.pk])

    unticked = analyst_web.post(url, {"into": "the agency"})
    assert unticked.status_code == 400
    assert "Tick the box" in unticked.content.decode()
    nobody = analyst_web.post(url, {"into": "no such body", "confirm": "1"})
    assert nobody.status_code == 400
    assert "No actor goes by" in nobody.content.decode()
    assert Evidence.objects.get(pk=evidence.pk).speaker_id == inspectors.pk

    merged = analyst_web.post(url, {"into": "THE  Agency", "confirm": "1"})

    assert merged.status_code == 302
    assert merged["Location"] == reverse("claims:actor", args=[agency.pk])
    assert Evidence.objects.get(pk=evidence.pk).speaker_id == agency.pk
    assert "Port inspectors" in _names(agency)
    inspectors.refresh_from_db()
    assert inspectors.merged_into_id == agency.pk


def test_viewers_see_no_forms_and_cannot_post(viewer_web, agency):
    page = viewer_web.get(reverse("claims:actor", args=[agency.pk]))
    assert b"data-actor-edit" not in page.content

    response = viewer_web.post(
        reverse("claims:actor-edit", args=[agency.pk]),
        {"name": "Renamed", "kind": "person", "aliases": "", "version": "1"},
    )

    assert response.status_code == 403
    agency.refresh_from_db()
    assert agency.name == "Harbour Safety Agency"


def test_the_api_refuses_a_stale_version(analyst_client, agency):
    actor_services.actor_update(actor_id=agency.pk, kind="person")

    stale = analyst_client.patch(
        f"/api/actors/{agency.pk}/", {"kind": "organisation", "version": 1}, format="json"
    )
    fresh = analyst_client.patch(
        f"/api/actors/{agency.pk}/", {"kind": "organisation", "version": 2}, format="json"
    )

    assert stale.status_code == 409
    assert fresh.status_code == 200
    assert fresh.json()["version"] == 3
    assert fresh.json()["kind"] == "organisation"
