"""The claim list and the claim page (``claims.views.claims``), find-more included."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from claims.models import Evidence
from claims.services import claim_create, claim_review
from tests.claims.views.pages import (
    FOUND_SENTENCE,
    OTHER_ARTICLE,
    contested_claim,
    link_evidence,
    make_claim,
    make_source,
    tree_of,
)
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


CLAIM_PAGE_MAX_QUERIES = (
    # +1 history user ids, +1 voices in SQL, +1 ids of the columns' first rows,
    # +1 copies among the sources (independent voices, provenance graph)
    13
)


def test_claim_list_shows_badges_and_stance_counts(analyst_web, analyst):
    claim = contested_claim(analyst)
    tree = tree_of(analyst_web.get(reverse("claims:list")))
    row = tree.xpath(f"//tr[@data-claim='{claim.pk}']")[0]
    text = " ".join(row.text_content().split())
    for expected in ("contested", "Unreviewed", "1 asserts", "1 disputes", "0 mentions"):
        assert expected in text


def test_claim_list_contested_filter(analyst_web, analyst):
    contested = contested_claim(analyst)
    calm = make_claim("Grain prices rose in March")
    tree = tree_of(analyst_web.get(reverse("claims:list"), {"contested": "true"}))
    assert [r.get("data-claim") for r in tree.xpath("//tr[@data-claim]")] == [str(contested.pk)]
    tree = tree_of(analyst_web.get(reverse("claims:list"), {"contested": "false"}))
    assert [r.get("data-claim") for r in tree.xpath("//tr[@data-claim]")] == [str(calm.pk)]


def test_claim_list_search_verdict_and_tag_filters(analyst_web, editor):
    tagged = claim_create(text="Grain prices rose in March", tags=["economy"], user=None)
    other = make_claim("The quay reopened")
    claim_review(
        claim_id=other.pk,
        verdict="supported",
        rationale="Seen.",
        version=other.version,
        user=editor,
    )

    def ids(**params):
        tree = tree_of(analyst_web.get(reverse("claims:list"), params))
        return [int(r.get("data-claim")) for r in tree.xpath("//tr[@data-claim]")]

    assert ids(q="grain") == [tagged.pk]
    assert ids(verdict="supported") == [other.pk]
    assert ids(tag="economy") == [tagged.pk]


def test_claim_list_answers_htmx_with_rows_only(analyst_web):
    make_claim()
    response = analyst_web.get(reverse("claims:list"), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"data-claim=" in response.content


def test_claim_page_groups_evidence_by_stance(analyst_web, analyst):
    claim = contested_claim(analyst)
    tree = tree_of(analyst_web.get(reverse("claims:detail", args=[claim.pk])))
    for stance, expected in (
        ("asserts", ["a week of repairs"]),
        ("disputes", ["denied that the repairs had been delayed"]),
        ("mentions", []),
    ):
        column = tree.xpath(f"//*[@data-stance-column='{stance}']")[0]
        quotes = [q.text_content() for q in column.xpath(".//*[@class='exact']")]
        assert quotes == expected


def test_claim_page_shows_quote_in_context_with_source(analyst_web, analyst):
    source = make_source()
    claim = make_claim()
    evidence = link_evidence(
        claim, source, "reopened on Monday", user=analyst, attributed_to="Port authority"
    )
    tree = tree_of(analyst_web.get(reverse("claims:detail", args=[claim.pk])))
    item = tree.xpath(f"//*[@data-evidence-item='{evidence.pk}']")[0]
    text = item.text_content()
    context = (evidence.excerpt.prefix.strip(), evidence.excerpt.suffix.strip())
    for expected in (*context, "Port authority", "harbourdaily.example", "3 Mar 2026"):
        assert expected in text
    link = item.xpath(".//a[@class='source-link']")[0]
    assert link.get("href") == reverse("claims:reader", args=[source.pk]) + f"#ev-{evidence.pk}"


def test_claim_page_counts_sources_and_independent_voices(analyst_web, analyst):
    claim = make_claim()
    one = make_source(n=1, outlet="one.example")
    two = make_source(n=2, outlet="two.example")
    three = make_source(n=3, outlet="one.example")
    link_evidence(claim, one, "reopened on Monday", user=analyst, attributed_to="Tomas Greer")
    link_evidence(claim, two, "reopened on Monday", user=analyst, attributed_to="tomas greer")
    link_evidence(claim, three, "reopened on Monday", user=analyst, attributed_to="Port authority")
    link_evidence(claim, one, "denied that the repairs had been delayed", "disputes", user=analyst)
    tree = tree_of(analyst_web.get(reverse("claims:detail", args=[claim.pk])))
    asserts = tree.xpath("//*[@data-voices='asserts']")[0]
    assert asserts.xpath(".//*[@data-sources]")[0].text == "3"
    # "Tomas Greer" and "tomas greer" are one actor: one voice.
    assert asserts.xpath(".//*[@data-independent]")[0].text == "2"
    assert asserts.xpath(".//*[@data-outlets]")[0].text == "2"
    assert asserts.xpath(".//*[@data-speakers]")[0].text == "2"
    disputes = tree.xpath("//*[@data-voices='disputes']")[0]
    assert disputes.xpath(".//*[@data-sources]")[0].text == "1"
    assert disputes.xpath(".//*[@data-independent]")[0].text == "1"
    assert disputes.xpath(".//*[@data-outlets]")[0].text == "1"
    assert disputes.xpath(".//*[@data-speakers]")[0].text == "0"


def test_claim_page_draws_the_timeline(analyst_web, analyst):
    claim = contested_claim(analyst)
    undated = SourceFactory(
        raw="Nothing dated here. The terminal operator denied the repairs were late, "
        "a spokesman said on the radio.",
        outlet_domain=None,
    )
    link_evidence(claim, undated, "denied the repairs were late", "disputes", user=analyst)
    tree = tree_of(analyst_web.get(reverse("claims:detail", args=[claim.pk])))
    timeline = tree.xpath("//*[@data-testid='timeline']")[0]
    dots = timeline.xpath(".//circle")
    assert sorted(d.get("data-stance") for d in dots) == ["asserts", "disputes", "disputes"]
    assert timeline.xpath(".//g[@class='undated']//circle")


def test_claim_page_shows_history(analyst_web, analyst):
    claim = make_claim(user=analyst)
    link_evidence(claim, make_source(), "reopened on Monday", user=analyst)
    history = tree_of(analyst_web.get(reverse("claims:detail", args=[claim.pk]))).xpath(
        "//*[@data-testid='history']"
    )[0]
    text = " ".join(history.text_content().split())
    assert "created the claim" in text
    assert "linked evidence" in text


def test_reviewed_claim_shows_verdict_and_embeds_claimreview(analyst_web, analyst, editor):
    claim = make_claim("The quay </script><script>alert(1)</script> reopened")
    link_evidence(claim, make_source(), "reopened on Monday", user=analyst)
    claim_review(
        claim_id=claim.pk,
        verdict="supported",
        rationale="Two outlets agree.",
        version=claim.version,
        user=editor,
    )
    response = analyst_web.get(reverse("claims:detail", args=[claim.pk]))
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    tree = tree_of(response)
    scripts = tree.xpath("//script[@type='application/ld+json']")
    assert len(scripts) == 1
    data = json.loads(scripts[0].text)
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == claim.text
    verdict = " ".join(tree.xpath("//*[@data-testid='verdict-card']")[0].text_content().split())
    for expected in ("Supported", "editor1", "Two outlets agree."):
        assert expected in verdict


def test_unreviewed_claim_has_no_claimreview(analyst_web):
    claim = make_claim()
    tree = tree_of(analyst_web.get(reverse("claims:detail", args=[claim.pk])))
    assert not tree.xpath("//script[@type='application/ld+json']")


def test_editor_gets_the_verdict_form(client, editor):
    client.force_login(editor)
    claim = make_claim()
    tree = tree_of(client.get(reverse("claims:detail", args=[claim.pk])))
    assert tree.xpath("//*[@data-testid='verdict-card']//select[@name='verdict']")


def test_find_more_evidence_finds_a_passage_in_another_source(analyst_web, analyst):
    claim = make_claim("The northern quay reopened after repairs")
    link_evidence(claim, make_source(), "reopened on Monday", user=analyst)
    other = make_source(OTHER_ARTICLE, outlet="leithnews.example")
    response = analyst_web.get(reverse("claims:find-more", args=[claim.pk]))
    assert response.status_code == 200
    passages = tree_of(response).xpath("//li[contains(@class, 'passage')]")
    found = {
        (int(p.get("data-source")), p.xpath(".//input[@name='exact']")[0].get("value"))
        for p in passages
    }
    sentence = FOUND_SENTENCE
    assert (other.pk, sentence) in found
    hit_words = {b.text.lower() for b in tree_of(response).xpath("//b[@class='hit']")}
    assert {"northern", "quay", "reopened", "repairs"} <= hit_words


def test_find_more_evidence_links_a_passage_in_one_step(analyst_web, analyst):
    claim = make_claim("The northern quay reopened after repairs")
    other = make_source(OTHER_ARTICLE, outlet="leithnews.example")
    response = analyst_web.get(reverse("claims:find-more", args=[claim.pk]))
    passage = next(
        p
        for p in tree_of(response).xpath("//li[contains(@class, 'passage')]")
        if p.get("data-source") == str(other.pk)
    )
    fields = {i.get("name"): i.get("value") for i in passage.xpath(".//form//input")}
    fields["stance"] = "asserts"
    linked = analyst_web.post(reverse("claims:find-more-link", args=[claim.pk]), fields)
    assert linked.status_code == 200
    evidence = Evidence.objects.get()
    assert (evidence.claim, evidence.excerpt.source, evidence.stance) == (claim, other, "asserts")
    assert evidence.excerpt.exact == fields["exact"]
    assert evidence.attributed_to == fields["attributed_to"]
    tree = tree_of(linked)
    assert tree.xpath("//*[@data-testid='passage-linked']")
    assert tree.get_element_by_id("claim-evidence").get("hx-swap-oob") == "true"


def test_find_more_skips_passages_already_linked(analyst_web, analyst):
    claim = make_claim("The northern quay reopened after repairs")
    other = make_source(OTHER_ARTICLE, outlet="leithnews.example")
    sentence = FOUND_SENTENCE
    link_evidence(claim, other, sentence, user=analyst)
    response = analyst_web.get(reverse("claims:find-more", args=[claim.pk]))
    exacts = [i.get("value") for i in tree_of(response).xpath("//input[@name='exact']")]
    assert sentence not in exacts


def test_find_more_link_error_is_shown_next_to_the_passage(analyst_web):
    claim = make_claim()
    other = make_source(OTHER_ARTICLE)
    response = analyst_web.post(
        reverse("claims:find-more-link", args=[claim.pk]),
        {
            "source": other.pk,
            "exact": "not in the text at all",
            "stance": "asserts",
            "slot": "passage-3",
        },
    )
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#passage-3 .passage-errors"
    assert 'role="alert"' in response.content.decode()


def test_viewer_cannot_link_a_found_passage(viewer_web):
    claim = make_claim()
    other = make_source(OTHER_ARTICLE)
    response = viewer_web.post(
        reverse("claims:find-more-link", args=[claim.pk]),
        {"source": other.pk, "exact": "northern quay", "stance": "asserts"},
    )
    assert response.status_code == 403
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("count", [1, 20])
def test_claim_page_query_count_is_flat(
    analyst_web, analyst, editor, django_assert_max_num_queries, count
):
    claim = make_claim(user=analyst)
    for i in range(count):
        source = make_source(
            n=i + 1,
            outlet=f"outlet{i}.example",
            published_at=dt.datetime(2026, 1, i + 1, tzinfo=dt.UTC),
        )
        link_evidence(
            claim,
            source,
            "reopened on Monday",
            "asserts" if i % 2 else "disputes",
            user=analyst,
            attributed_to=f"Speaker {i}",
        )
    claim.refresh_from_db()
    claim_review(
        claim_id=claim.pk, verdict="mixed", rationale="Both.", version=claim.version, user=editor
    )
    with django_assert_max_num_queries(CLAIM_PAGE_MAX_QUERIES):
        response = analyst_web.get(reverse("claims:detail", args=[claim.pk]))
    assert len(tree_of(response).xpath("//*[@data-evidence-item]")) == count
