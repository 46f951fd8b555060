"""The reader (``claims.views.reader``): a source's text with its evidence highlighted, and linking a selected passage to a claim."""

from __future__ import annotations

import lxml.html
import pytest
from django.urls import reverse

from claims.models import Claim, Evidence
from claims.services import evidence_link
from sources.models import Excerpt
from tests.claims.views.pages import (
    SCRIPT_ARTICLE,
    article_of,
    link_evidence,
    make_claim,
    make_source,
    tree_of,
)
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


# Session, user, role groups, the page's selectors: the same however many
# pieces of evidence the page shows.
READER_MAX_QUERIES = 6  # +1 the sources sharing text with this one


def test_reader_escapes_html_in_the_text(analyst_web):
    source = make_source(SCRIPT_ARTICLE)
    assert "<script>" in source.text
    response = analyst_web.get(reverse("claims:reader", args=[source.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<script>alert("x")' not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert article_of(response).text_content() == source.text


def test_reader_shows_the_source_metadata(analyst_web):
    source = make_source(url="https://harbourdaily.example/quay")
    tree = tree_of(analyst_web.get(reverse("claims:reader", args=[source.pk])))
    meta = tree.xpath("//*[@data-testid='source-meta']")[0].text_content()
    assert "Mara Lindqvist" in meta
    assert "3 Mar 2026" in meta
    assert "harbourdaily.example" in meta
    assert tree.xpath("//h1")[0].text_content() == source.title


def test_article_text_content_equals_the_source_text(analyst_web, analyst):
    source = make_source()
    link_evidence(make_claim(), source, "the port authority said", user=analyst)
    response = analyst_web.get(reverse("claims:reader", args=[source.pk]))
    assert article_of(response).text_content() == source.text


def test_highlights_wrap_exactly_the_quote_with_evidence_and_stance(analyst_web, analyst):
    source = make_source()
    first = link_evidence(make_claim(), source, "reopened on Monday", "asserts", user=analyst)
    second = link_evidence(
        make_claim("The repairs were delayed"),
        source,
        "denied that the repairs had been delayed",
        "disputes",
        user=analyst,
    )
    article = article_of(analyst_web.get(reverse("claims:reader", args=[source.pk])))
    for evidence in (first, second):
        marks = article.xpath(f".//*[@data-evidence='{evidence.pk}']")
        assert len(marks) == 1
        assert marks[0].text_content() == evidence.excerpt.exact
        assert marks[0].get("data-stance") == evidence.stance


def test_hovering_a_highlight_names_its_claim(analyst_web, analyst):
    source = make_source()
    evidence = link_evidence(
        make_claim("Quay open again"), source, "reopened on Monday", user=analyst
    )
    article = article_of(analyst_web.get(reverse("claims:reader", args=[source.pk])))
    mark = article.xpath(f".//*[@data-evidence='{evidence.pk}']")[0]
    assert "Quay open again" in mark.get("title")


def test_overlapping_evidence_renders(analyst_web, analyst):
    source = make_source()
    outer = link_evidence(
        make_claim("a"), source, "Kelso grain terminal reopened on Monday", user=analyst
    )
    inner = link_evidence(make_claim("b"), source, "reopened on Monday", "mentions", user=analyst)
    crossing = link_evidence(
        make_claim("c"), source, "on Monday after a week", "disputes", user=analyst
    )
    response = analyst_web.get(reverse("claims:reader", args=[source.pk]))
    assert response.status_code == 200
    article = article_of(response)
    assert article.text_content() == source.text
    for evidence in (outer, inner, crossing):
        parts = article.xpath(f".//*[@data-evidence='{evidence.pk}']")
        assert "".join(p.text_content() for p in parts) == evidence.excerpt.exact
    assert len(article.xpath(f".//*[@data-evidence='{outer.pk}']")) == 1
    assert len(article.xpath(f".//*[@data-evidence='{inner.pk}']")) == 1


def test_cue_sentences_are_marked_quietly(analyst_web):
    source = make_source()
    article = article_of(analyst_web.get(reverse("claims:reader", args=[source.pk])))
    cues = [c.text_content() for c in article.xpath(".//span[@class='cue']")]
    denial = source.text[source.text.index("The operator") :].strip()
    assert denial in cues
    assert all("said" in c or "told" in c or "according to" in c or "denied" in c for c in cues)


def test_orphaned_excerpt_is_listed_aside_not_highlighted(analyst_web, analyst):
    source = make_source()
    evidence = link_evidence(
        make_claim("Cranes replaced"), source, "replaced two damaged cranes", user=analyst
    )
    Excerpt.objects.filter(pk=evidence.excerpt_id).update(anchor_state="orphaned")
    response = analyst_web.get(reverse("claims:reader", args=[source.pk]))
    tree = tree_of(response)
    assert not article_of(response).xpath(f".//*[@data-evidence='{evidence.pk}']")
    orphans = tree.xpath("//*[@data-testid='orphans']")[0]
    assert "replaced two damaged cranes" in orphans.text_content()
    assert "could not be found in the new text" in response.content.decode().lower()
    assert orphans.xpath(f".//button[@data-relink='{evidence.pk}']")


def test_raw_toggle_shows_the_raw_input_escaped(analyst_web):
    raw = (
        "<html><head><title>T</title></head><body><article><h1>Head</h1>"
        "<p>Para one is long enough to be kept by the extractor, said Anna Berg on Monday.</p>"
        "<p>Second <b>bold</b> para.</p></article></body></html>"
    )
    source = SourceFactory(raw=raw, content_type="text/html", outlet_domain=None)
    page = analyst_web.get(reverse("claims:reader", args=[source.pk])).content.decode()
    assert reverse("claims:reader-raw", args=[source.pk]) in page
    response = analyst_web.get(reverse("claims:reader-raw", args=[source.pk]))
    body = response.content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in body
    assert "<b>" not in body
    assert lxml.html.fromstring(f"<pre>{body}</pre>").text_content() == raw


def test_missing_source_is_404(analyst_web):
    assert analyst_web.get(reverse("claims:reader", args=[999999])).status_code == 404


def test_viewer_sees_no_link_panel(viewer_web):
    source = make_source()
    response = viewer_web.get(reverse("claims:reader", args=[source.pk]))
    assert b'id="link-panel"' not in response.content
    assert article_of(response).get("data-panel-url") is None


def test_viewer_cannot_link(viewer_web):
    source = make_source()
    claim = make_claim()
    exact = "reopened on Monday"
    response = viewer_web.post(
        reverse("claims:reader-link", args=[source.pk]),
        {
            "exact": exact,
            "start": source.text.index(exact),
            "stance": "asserts",
            "mode": "existing",
            "claim": claim.pk,
        },
    )
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_analyst_links_a_passage_and_gets_the_new_highlight(analyst_web):
    source = make_source()
    claim = make_claim()
    exact = "reopened on Monday"
    response = analyst_web.post(
        reverse("claims:reader-link", args=[source.pk]),
        {
            "exact": exact,
            "start": source.text.index(exact),
            "stance": "asserts",
            "mode": "existing",
            "claim": claim.pk,
            "attributed_to": "the port authority",
        },
    )
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert (evidence.claim, evidence.stance, evidence.attributed_to) == (
        claim,
        "asserts",
        "the port authority",
    )
    article = tree_of(response).get_element_by_id("article")
    assert article.get("hx-swap-oob") == "true"
    assert article.xpath(f".//*[@data-evidence='{evidence.pk}']")[0].text_content() == exact


def test_analyst_links_a_passage_to_a_new_claim(analyst_web, analyst):
    source = make_source()
    exact = "denied that the repairs had been delayed"
    response = analyst_web.post(
        reverse("claims:reader-link", args=[source.pk]),
        {
            "exact": exact,
            "start": source.text.index(exact),
            "stance": "disputes",
            "mode": "new",
            "new_claim": "Repairs were delayed by a contractor dispute",
            "attributed_to": "the operator",
        },
    )
    assert response.status_code == 200
    claim = Claim.objects.get()
    assert claim.text == "Repairs were delayed by a contractor dispute"
    assert claim.created_by == analyst
    assert claim.evidence.get().stance == "disputes"


def test_quote_not_found_is_shown_clearly_in_the_panel(analyst_web):
    source = make_source()
    claim = make_claim()
    response = analyst_web.post(
        reverse("claims:reader-link", args=[source.pk]),
        {
            "exact": "words the article never says",
            "stance": "asserts",
            "mode": "existing",
            "claim": claim.pk,
        },
    )
    assert response.status_code == 400
    assert response["X-Show-Error"] == "1"
    errors = tree_of(response).xpath("//*[@role='alert']")[0].text_content()
    assert "The quote does not occur in the source text." in errors
    assert not Evidence.objects.exists()


def test_a_failed_link_leaves_no_new_claim_behind(analyst_web):
    source = make_source()
    response = analyst_web.post(
        reverse("claims:reader-link", args=[source.pk]),
        {
            "exact": "words the article never says",
            "stance": "asserts",
            "mode": "new",
            "new_claim": "Something new",
        },
    )
    assert response.status_code == 400
    assert not Claim.objects.exists()


def test_missing_stance_is_explained(analyst_web):
    source = make_source()
    claim = make_claim()
    response = analyst_web.post(
        reverse("claims:reader-link", args=[source.pk]),
        {"exact": "reopened on Monday", "mode": "existing", "claim": claim.pk},
    )
    assert response.status_code == 400
    assert "Choose a stance" in response.content.decode()


def test_linking_the_same_passage_twice_says_so(analyst_web, analyst):
    source = make_source()
    claim = make_claim()
    link_evidence(claim, source, "reopened on Monday", user=analyst)
    response = analyst_web.post(
        reverse("claims:reader-link", args=[source.pk]),
        {
            "exact": "reopened on Monday",
            "start": source.text.index("reopened on Monday"),
            "stance": "mentions",
            "mode": "existing",
            "claim": claim.pk,
        },
    )
    assert response.status_code == 400
    assert "already linked" in response.content.decode()


def test_selecting_again_moves_an_orphaned_link(analyst_web, analyst):
    source = make_source()
    claim = make_claim("Cranes replaced")
    old = link_evidence(
        claim, source, "replaced two damaged cranes", "asserts", user=analyst, attributed_to="Greer"
    )
    Excerpt.objects.filter(pk=old.excerpt_id).update(anchor_state="orphaned")
    exact = "two damaged cranes"
    start = source.text.index(exact)
    panel = analyst_web.get(
        reverse("claims:reader-panel", args=[source.pk]),
        {"start": start, "end": start + len(exact), "relink": old.pk},
    )
    tree = tree_of(panel)
    assert tree.xpath("//input[@name='replaces']")[0].get("value") == str(old.pk)
    assert tree.xpath("//input[@name='claim']")[0].get("value") == str(claim.pk)
    response = analyst_web.post(
        reverse("claims:reader-link", args=[source.pk]),
        {
            "exact": exact,
            "start": start,
            "stance": "asserts",
            "mode": "existing",
            "claim": claim.pk,
            "replaces": old.pk,
            "attributed_to": "Greer",
        },
    )
    assert response.status_code == 200
    assert list(claim.evidence.values_list("excerpt__exact", flat=True)) == [exact]


def test_panel_offers_the_passage_and_speaker_suggestions(analyst_web):
    source = make_source()
    exact = "We are back to full capacity"
    start = source.text.index(exact)
    response = analyst_web.get(
        reverse("claims:reader-panel", args=[source.pk]),
        {"start": start - 1, "end": start + len(exact) + 1},
    )
    tree = tree_of(response)
    assert tree.xpath("//input[@name='exact']")[0].get("value") == '"' + exact + ","
    assert tree.xpath("//input[@name='start']")[0].get("value") == str(start - 1)
    chips = [b.get("data-speaker") for b in tree.xpath("//button[@data-speaker]")]
    suggested = tree.xpath("//input[@name='attributed_to']")[0].get("value")
    assert suggested
    assert chips[0] == suggested
    assert tree.xpath("//*[@data-cue]")  # the words the suggestion was read from


def test_panel_trims_spaces_around_the_selection(analyst_web):
    source = make_source()
    start = source.text.index("reopened on Monday")
    response = analyst_web.get(
        reverse("claims:reader-panel", args=[source.pk]), {"start": start - 1, "end": start + 19}
    )
    tree = tree_of(response)
    assert tree.xpath("//input[@name='exact']")[0].get("value") == "reopened on Monday"


def test_panel_refuses_a_selection_outside_the_text(analyst_web):
    source = make_source()
    response = analyst_web.get(
        reverse("claims:reader-panel", args=[source.pk]), {"start": 5, "end": 10**6}
    )
    assert response.status_code == 400
    assert "not inside" in response.content.decode()


def test_claim_search_finds_claims_as_you_type(analyst_web):
    make_claim("The northern quay reopened after repairs")
    make_claim("Grain prices rose in March")
    response = analyst_web.get(reverse("claims:search"), {"q": "quay"})
    picks = [
        b.get("data-claim-text") for b in tree_of(response).xpath("//button[@data-pick-claim]")
    ]
    assert picks == ["The northern quay reopened after repairs"]


def test_similar_claims_are_offered_before_creating_one(analyst_web):
    existing = make_claim("The northern quay reopened after repairs")
    response = analyst_web.get(
        reverse("claims:similar"), {"new_claim": "northern quay reopened after the repairs"}
    )
    buttons = tree_of(response).xpath("//button[@data-pick-claim]")
    assert [b.get("data-pick-claim") for b in buttons] == [str(existing.pk)]
    assert "use this one instead" in buttons[0].text_content()


@pytest.mark.parametrize("count", [1, 20])
def test_reader_query_count_is_flat(analyst_web, analyst, django_assert_max_num_queries, count):
    source = make_source()
    words = source.text.split()
    for i in range(count):
        claim = make_claim(f"Claim number {i}")
        word = words[i]
        start = source.text.index(word)
        evidence_link(
            claim_id=claim.pk,
            source_id=source.pk,
            stance="asserts",
            exact=source.text[start : start + 25],
            start=start,
            user=analyst,
        )
    with django_assert_max_num_queries(READER_MAX_QUERIES):
        response = analyst_web.get(reverse("claims:reader", args=[source.pk]))
    assert len(article_of(response).xpath(".//mark[@data-evidence]")) >= count


def test_reader_says_where_each_metadata_field_came_from(analyst_web):
    source = make_source(url="https://harbourdaily.example/quay")
    tree = tree_of(analyst_web.get(reverse("claims:reader", args=[source.pk])))
    published = tree.xpath("//*[@data-testid='provenance-published_at']")[0]
    assert published.get("data-source") == source.metadata_provenance["published_at"]["source"]
    assert published.get("data-source") == "dateline"
    assert "confidence" in published.text_content()
    authors = tree.xpath("//*[@data-testid='provenance-authors']")[0]
    assert authors.get("data-source") == "byline"
