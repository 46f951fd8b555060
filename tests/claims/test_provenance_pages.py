"""Pages that show provenance: the claim page's voices and graph, the reader's
shared passages and suggestion, the actors pages, the demo story."""

from __future__ import annotations

import datetime as dt
import io

import lxml.html
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Actor, Claim
from claims.services import claim_create, evidence_link
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

WIRE = (
    "Inspectors found cracks in three of the five pillars that carry the Marston rail bridge, "
    "and the regional council closed the crossing to freight trains on Tuesday night while "
    "engineers decide whether the structure can be saved at a reasonable cost, the Rail "
    "Safety Board said."
)


@pytest.fixture
def web(client, analyst):
    client.force_login(analyst)
    return client


def ingest(text, domain, day):
    return source_ingest(
        raw=text,
        content_type="text/plain",
        outlet_domain=domain,
        published_at=dt.datetime(2026, 3, day, 9, tzinfo=dt.UTC),
    ).source


def link(claim, source, exact, stance="asserts", attributed_to="", via=()):
    return evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance=stance,
        exact=exact,
        attributed_to=attributed_to,
        via=via,
        user=None,
    )


def tree(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def test_claim_page_shows_sources_voices_and_the_graph(web):
    claim = claim_create(text="The Marston pillars are cracked", user=None)
    for day in (1, 2, 3):
        source = ingest(
            f"Report {day}. Officials said the pillars are cracked, citing the board.",
            f"o{day}.example",
            day,
        )
        link(
            claim,
            source,
            "the pillars are cracked",
            attributed_to="Rail Safety Board" if day != 2 else "rail safety board",
            via=[f"o{day}.example"],
        )

    page = tree(web.get(reverse("claims:detail", args=[claim.pk])))

    voices = page.xpath("//*[@data-voices='asserts']")[0]
    assert voices.xpath(".//*[@data-sources]")[0].text == "3"
    assert voices.xpath(".//*[@data-independent]")[0].text == "1"
    graph = page.xpath("//*[@data-testid='provenance']//svg")[0]
    assert len(graph.xpath(".//*[local-name()='path'][@data-evidence]")) == 3
    assert "WHO SAID IT (1)" in lxml.html.tostring(graph, encoding="unicode")
    speaker_links = page.xpath("//a[@data-actor]")
    assert {a.get("href") for a in speaker_links} == {
        reverse("claims:actor", args=[Actor.objects.get().pk])
    }
    assert page.xpath("//*[@data-via]")[0].text_content().strip().startswith("via o")


def test_reader_says_what_a_copy_shares_and_underlines_it(web):
    original = ingest(WIRE + "\nTrains run slowly.", "first.example", 1)
    copy = ingest("Freight has stopped.\n" + WIRE.replace("closed", "shut"), "second.example", 2)

    page = tree(web.get(reverse("claims:reader", args=[copy.pk])))

    note = page.xpath("//*[@data-related]")[0]
    assert note.get("data-related") == str(original.pk)
    assert note.get("data-relation") == "copies"
    assert "earlier" in note.text_content()
    assert int(note.xpath(".//*[@data-shared-percent]")[0].text.rstrip("%")) >= 70
    shared = "".join(s.text_content() for s in page.xpath("//*[@class='shared']"))
    assert "Inspectors found cracks in three of the five pillars" in shared
    assert "Freight has stopped" not in shared
    other = tree(web.get(reverse("claims:reader", args=[original.pk])))
    assert other.xpath("//*[@data-related]")[0].get("data-relation") == "copied_by"


def test_link_panel_prefills_speaker_and_via_and_shows_the_cue(web):
    text = "The Evening Wire, citing the Security Service, said the cargo was seized in May."
    source = ingest(text, "w.example", 1)
    start = text.index("the cargo")

    page = tree(
        web.get(
            reverse("claims:reader-panel", args=[source.pk]), {"start": start, "end": len(text) - 1}
        )
    )

    assert page.xpath("//input[@name='attributed_to']")[0].get("value") == "Security Service"
    assert page.xpath("//input[@name='via']")[0].get("value") == "Evening Wire"
    assert page.xpath("//*[@data-cue]")[0].text.startswith("The Evening Wire")


def test_linking_from_the_reader_stores_via(web):
    source = ingest(
        "The Evening Wire, citing the Security Service, said the cargo was seized.", "w.example", 1
    )
    claim = claim_create(text="Cargo seized", user=None)

    response = web.post(
        reverse("claims:reader-link", args=[source.pk]),
        {
            "exact": "the cargo was seized",
            "stance": "asserts",
            "mode": "existing",
            "claim": claim.pk,
            "attributed_to": "Security Service",
            "via": "Evening Wire; a lawmaker",
        },
    )

    assert response.status_code == 200
    evidence = claim.evidence.get()
    assert evidence.via == ["Evening Wire", "a lawmaker"]
    assert evidence.speaker.name == "Security Service"


def test_actors_pages_list_names_and_evidence_across_claims(web):
    source = ingest(
        "The Rail Safety Board said the pillars are cracked and the deck is sound.", "a.example", 1
    )
    one = claim_create(text="Pillars cracked", user=None)
    two = claim_create(text="Deck sound", user=None)
    link(one, source, "the pillars are cracked", attributed_to="Rail Safety Board")
    link(two, source, "the deck is sound", attributed_to="rail safety board")
    actor = Actor.objects.get()

    listing = tree(web.get(reverse("claims:actors")))
    row = listing.xpath(f"//tr[@data-actor='{actor.pk}']")[0]
    assert row.xpath(".//*[@data-evidence-count]")[0].text == "2"
    detail = tree(web.get(reverse("claims:actor", args=[actor.pk])))
    assert {int(s.get("data-claim")) for s in detail.xpath("//section[@data-claim]")} == {
        one.pk,
        two.pk,
    }
    assert web.get(reverse("claims:actor", args=[99999])).status_code == 404


def test_actors_page_query_count_is_flat(web):
    Actor.objects.create(name="Only one")
    web.get(reverse("claims:actors"))
    with CaptureQueriesContext(connection) as few:
        web.get(reverse("claims:actors"))
    for i in range(30):
        Actor.objects.create(name=f"Actor {i}").aliases.create(name=f"A{i}", key=f"a{i}")
    with CaptureQueriesContext(connection) as many:
        web.get(reverse("claims:actors"))
    assert len(many) == len(few)


def test_demo_story_shows_circular_reporting_and_an_independent_confirmation(web):
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())

    circular = Claim.objects.get(text__startswith="Varneth guidance boards reached")
    page = tree(web.get(reverse("claims:detail", args=[circular.pk])))
    asserts = page.xpath("//*[@data-voices='asserts']")[0]
    assert int(asserts.xpath(".//*[@data-sources]")[0].text) >= 3
    assert asserts.xpath(".//*[@data-independent]")[0].text == "1"
    graph = page.xpath("//*[@data-testid='provenance']//svg")[0]
    assert graph.xpath(".//*[local-name()='path'][@class='copy']")  # the wire copy, dashed

    independent = Claim.objects.get(
        text__startswith="The drones that struck the Kelso terminal were launched"
    )
    page = tree(web.get(reverse("claims:detail", args=[independent.pk])))
    asserts = page.xpath("//*[@data-voices='asserts']")[0]
    assert int(asserts.xpath(".//*[@data-independent]")[0].text) >= 3
