"""The reader, the claim list and the claim page (server side)."""

from __future__ import annotations

import datetime as dt
import json

import lxml.html
import pytest
from django.urls import reverse

from claims.highlighting import Highlight, highlighted_text
from claims.models import Claim, Evidence
from claims.passages import significant_words
from claims.services import claim_create, claim_review, evidence_link
from sources.models import Excerpt
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

# Hard lines (one sentence group each) as an ingested plain-text page has them.
ARTICLE = "\n".join(
    [
        "Port officials reopen the northern quay after a week of repairs",
        "",
        "By Mara Lindqvist",
        "Published 3 March 2026",
        "",
        "The northern quay of the Kelso grain terminal reopened on Monday after a week of "
        "repairs, the port authority said in a statement.",
        "Engineers replaced two damaged cranes and rebuilt a section of the loading ramp, "
        "according to the harbour master, Tomas Greer.",
        '"We are back to full capacity," Greer told reporters at the gate. Shipping agents said '
        "the backlog would take ten days to clear.",
        "The operator of the terminal denied that the repairs had been delayed by a dispute "
        "with contractors.",
        "",
    ]
)

SCRIPT_ARTICLE = "\n".join(
    [
        "Council site defaced",
        "",
        'The attacker hid a <script>alert("x")</script> snippet in a comment on the council '
        "website, investigators said on Tuesday, and the page showed it to every visitor for "
        "two days.",
        "",
        "The council denied that any personal data had been taken from the server during the "
        "attack, according to Mayor Jane Porter.",
        "",
    ]
)


def _source(raw: str = ARTICLE, *, n: int = 0, outlet: str = "harbourdaily.example", **kwargs):
    suffix = f"\nReport {n} on the terminal.\n" if n else ""
    return source_ingest(
        raw=raw + suffix, content_type="text/plain", outlet_domain=outlet, **kwargs
    ).source


def _link(claim, source, exact, stance="asserts", user=None, **kwargs) -> Evidence:
    return evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance=stance,
        exact=exact,
        start=source.text.index(exact),
        user=user,
        **kwargs,
    )


def _claim(text="The northern quay reopened after repairs", user=None) -> Claim:
    return claim_create(text=text, user=user)


def _tree(response):
    return lxml.html.fromstring(response.content.decode())


def _article(response):
    return _tree(response).get_element_by_id("article")


# --- highlighting (pure) ------------------------------------------------------------


def _marks(html: str, evidence_id: int) -> list:
    root = lxml.html.fromstring(f"<div>{html}</div>")
    return root.xpath(f"//mark[@data-evidence='{evidence_id}']")


def test_nested_highlights_each_wrap_exactly_their_quote():
    text = "alpha beta gamma delta"
    html = highlighted_text(
        text, [Highlight(0, 16, 1, "asserts", "c1"), Highlight(6, 10, 2, "disputes", "c2")]
    )
    assert lxml.html.fromstring(f"<div>{html}</div>").text_content() == text
    assert [m.text_content() for m in _marks(html, 1)] == ["alpha beta gamma"]
    assert [m.text_content() for m in _marks(html, 2)] == ["beta"]


def test_identical_spans_nest_both_marks():
    html = highlighted_text(
        "one two", [Highlight(0, 3, 1, "asserts", ""), Highlight(0, 3, 2, "mentions", "")]
    )
    assert _marks(html, 1)[0].text_content() == _marks(html, 2)[0].text_content() == "one"


def test_crossing_highlights_split_the_later_one_into_parts():
    text = "alpha beta gamma delta"
    html = highlighted_text(
        text, [Highlight(0, 10, 1, "asserts", ""), Highlight(6, 16, 2, "disputes", "")]
    )
    assert lxml.html.fromstring(f"<div>{html}</div>").text_content() == text
    assert [m.text_content() for m in _marks(html, 1)] == ["alpha beta"]
    parts = _marks(html, 2)
    assert [p.get("data-part") for p in parts] == ["1", "2"]
    assert "".join(p.text_content() for p in parts) == "beta gamma"


def test_cue_spans_never_split_a_highlight():
    text = "He said so. Then more."
    html = highlighted_text(text, [Highlight(3, 16, 7, "asserts", "")], [(0, 11)])
    assert [m.text_content() for m in _marks(html, 7)] == ["said so. Then"]
    root = lxml.html.fromstring(f"<div>{html}</div>")
    assert "".join(s.text_content() for s in root.xpath("//span[@class='cue']")) == "He said so."


def test_highlighted_text_keeps_carriage_returns():
    html = highlighted_text("a\r\nb", [])
    assert "&#13;" in html


# --- the reader ---------------------------------------------------------------------


def test_reader_escapes_html_in_the_text(analyst_web):
    source = _source(SCRIPT_ARTICLE)
    assert "<script>" in source.text
    response = analyst_web.get(reverse("claims:reader", args=[source.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<script>alert("x")' not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert _article(response).text_content() == source.text


def test_reader_shows_the_source_metadata(analyst_web):
    source = _source(url="https://harbourdaily.example/quay")
    tree = _tree(analyst_web.get(reverse("claims:reader", args=[source.pk])))
    meta = tree.xpath("//*[@data-testid='source-meta']")[0].text_content()
    assert "Mara Lindqvist" in meta
    assert "3 Mar 2026" in meta
    assert "harbourdaily.example" in meta
    assert tree.xpath("//h1")[0].text_content() == source.title


def test_reader_says_where_each_metadata_field_came_from(analyst_web):
    source = _source(url="https://harbourdaily.example/quay")
    tree = _tree(analyst_web.get(reverse("claims:reader", args=[source.pk])))
    published = tree.xpath("//*[@data-testid='provenance-published_at']")[0]
    assert published.get("data-source") == source.metadata_provenance["published_at"]["source"]
    assert published.get("data-source") == "dateline"
    assert "confidence" in published.text_content()
    authors = tree.xpath("//*[@data-testid='provenance-authors']")[0]
    assert authors.get("data-source") == "byline"


def test_article_text_content_equals_the_source_text(analyst_web, analyst):
    source = _source()
    _link(_claim(), source, "the port authority said", user=analyst)
    response = analyst_web.get(reverse("claims:reader", args=[source.pk]))
    assert _article(response).text_content() == source.text


def test_highlights_wrap_exactly_the_quote_with_evidence_and_stance(analyst_web, analyst):
    source = _source()
    first = _link(_claim(), source, "reopened on Monday", "asserts", user=analyst)
    second = _link(
        _claim("The repairs were delayed"),
        source,
        "denied that the repairs had been delayed",
        "disputes",
        user=analyst,
    )
    article = _article(analyst_web.get(reverse("claims:reader", args=[source.pk])))
    for evidence in (first, second):
        marks = article.xpath(f".//*[@data-evidence='{evidence.pk}']")
        assert len(marks) == 1
        assert marks[0].text_content() == evidence.excerpt.exact
        assert marks[0].get("data-stance") == evidence.stance


def test_hovering_a_highlight_names_its_claim(analyst_web, analyst):
    source = _source()
    evidence = _link(_claim("Quay open again"), source, "reopened on Monday", user=analyst)
    article = _article(analyst_web.get(reverse("claims:reader", args=[source.pk])))
    mark = article.xpath(f".//*[@data-evidence='{evidence.pk}']")[0]
    assert "Quay open again" in mark.get("title")


def test_overlapping_evidence_renders(analyst_web, analyst):
    source = _source()
    outer = _link(_claim("a"), source, "Kelso grain terminal reopened on Monday", user=analyst)
    inner = _link(_claim("b"), source, "reopened on Monday", "mentions", user=analyst)
    crossing = _link(_claim("c"), source, "on Monday after a week", "disputes", user=analyst)
    response = analyst_web.get(reverse("claims:reader", args=[source.pk]))
    assert response.status_code == 200
    article = _article(response)
    assert article.text_content() == source.text
    for evidence in (outer, inner, crossing):
        parts = article.xpath(f".//*[@data-evidence='{evidence.pk}']")
        assert "".join(p.text_content() for p in parts) == evidence.excerpt.exact
    assert len(article.xpath(f".//*[@data-evidence='{outer.pk}']")) == 1
    assert len(article.xpath(f".//*[@data-evidence='{inner.pk}']")) == 1


def test_cue_sentences_are_marked_quietly(analyst_web):
    source = _source()
    article = _article(analyst_web.get(reverse("claims:reader", args=[source.pk])))
    cues = [c.text_content() for c in article.xpath(".//span[@class='cue']")]
    denial = source.text[source.text.index("The operator") :].strip()
    assert denial in cues
    assert all("said" in c or "told" in c or "according to" in c or "denied" in c for c in cues)


def test_orphaned_excerpt_is_listed_aside_not_highlighted(analyst_web, analyst):
    source = _source()
    evidence = _link(_claim("Cranes replaced"), source, "replaced two damaged cranes", user=analyst)
    Excerpt.objects.filter(pk=evidence.excerpt_id).update(anchor_state="orphaned")
    response = analyst_web.get(reverse("claims:reader", args=[source.pk]))
    tree = _tree(response)
    assert not _article(response).xpath(f".//*[@data-evidence='{evidence.pk}']")
    orphans = tree.xpath("//*[@data-testid='orphans']")[0]
    assert "replaced two damaged cranes" in orphans.text_content()
    assert "could not be found in the new text" in response.content.decode().lower()
    assert orphans.xpath(f".//button[@data-relink='{evidence.pk}']")


def test_unlinking_an_orphan_from_the_reader_removes_it(analyst_web, analyst):
    source = _source()
    evidence = _link(_claim("Cranes replaced"), source, "replaced two damaged cranes", user=analyst)
    Excerpt.objects.filter(pk=evidence.excerpt_id).update(anchor_state="orphaned")
    response = analyst_web.post(
        reverse("claims:evidence-unlink", args=[evidence.pk]),
        {"from": "reader", "source": source.pk},
    )
    assert response.status_code == 200
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert (
        "replaced two damaged cranes"
        not in _tree(response).get_element_by_id("reader-evidence").text_content()
    )


def test_raw_toggle_shows_the_raw_input_escaped(analyst_web):
    raw = (
        "<html><head><title>T</title></head><body><article><h1>Head</h1>"
        "<p>Para one is long enough to be kept by the extractor, said Anna Berg on Monday.</p>"
        "<p>Second <b>bold</b> para.</p></article></body></html>"
    )
    source = source_ingest(raw=raw, content_type="text/html").source
    page = analyst_web.get(reverse("claims:reader", args=[source.pk])).content.decode()
    assert reverse("claims:reader-raw", args=[source.pk]) in page
    response = analyst_web.get(reverse("claims:reader-raw", args=[source.pk]))
    body = response.content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in body
    assert "<b>" not in body
    assert lxml.html.fromstring(f"<pre>{body}</pre>").text_content() == raw


def test_missing_source_is_404(analyst_web):
    assert analyst_web.get(reverse("claims:reader", args=[999999])).status_code == 404


# --- linking from the reader ----------------------------------------------------------


def test_viewer_sees_no_link_panel(viewer_web):
    source = _source()
    response = viewer_web.get(reverse("claims:reader", args=[source.pk]))
    assert b'id="link-panel"' not in response.content
    assert _article(response).get("data-panel-url") is None


def test_viewer_cannot_link(viewer_web):
    source = _source()
    claim = _claim()
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
    source = _source()
    claim = _claim()
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
    article = _tree(response).get_element_by_id("article")
    assert article.get("hx-swap-oob") == "true"
    assert article.xpath(f".//*[@data-evidence='{evidence.pk}']")[0].text_content() == exact


def test_analyst_links_a_passage_to_a_new_claim(analyst_web, analyst):
    source = _source()
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
    source = _source()
    claim = _claim()
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
    errors = _tree(response).xpath("//*[@role='alert']")[0].text_content()
    assert "The quote does not occur in the source text." in errors
    assert not Evidence.objects.exists()


def test_a_failed_link_leaves_no_new_claim_behind(analyst_web):
    source = _source()
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
    source = _source()
    claim = _claim()
    response = analyst_web.post(
        reverse("claims:reader-link", args=[source.pk]),
        {"exact": "reopened on Monday", "mode": "existing", "claim": claim.pk},
    )
    assert response.status_code == 400
    assert "Choose a stance" in response.content.decode()


def test_linking_the_same_passage_twice_says_so(analyst_web, analyst):
    source = _source()
    claim = _claim()
    _link(claim, source, "reopened on Monday", user=analyst)
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
    source = _source()
    claim = _claim("Cranes replaced")
    old = _link(
        claim, source, "replaced two damaged cranes", "asserts", user=analyst, attributed_to="Greer"
    )
    Excerpt.objects.filter(pk=old.excerpt_id).update(anchor_state="orphaned")
    exact = "two damaged cranes"
    start = source.text.index(exact)
    panel = analyst_web.get(
        reverse("claims:reader-panel", args=[source.pk]),
        {"start": start, "end": start + len(exact), "relink": old.pk},
    )
    tree = _tree(panel)
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
    source = _source()
    exact = "We are back to full capacity"
    start = source.text.index(exact)
    response = analyst_web.get(
        reverse("claims:reader-panel", args=[source.pk]),
        {"start": start - 1, "end": start + len(exact) + 1},
    )
    tree = _tree(response)
    assert tree.xpath("//input[@name='exact']")[0].get("value") == '"' + exact + ","
    assert tree.xpath("//input[@name='start']")[0].get("value") == str(start - 1)
    chips = [b.get("data-speaker") for b in tree.xpath("//button[@data-speaker]")]
    assert "Greer" in chips
    assert tree.xpath("//input[@name='attributed_to']")[0].get("value") == chips[0]


def test_panel_trims_spaces_around_the_selection(analyst_web):
    source = _source()
    start = source.text.index("reopened on Monday")
    response = analyst_web.get(
        reverse("claims:reader-panel", args=[source.pk]), {"start": start - 1, "end": start + 19}
    )
    tree = _tree(response)
    assert tree.xpath("//input[@name='exact']")[0].get("value") == "reopened on Monday"


def test_panel_refuses_a_selection_outside_the_text(analyst_web):
    source = _source()
    response = analyst_web.get(
        reverse("claims:reader-panel", args=[source.pk]), {"start": 5, "end": 10**6}
    )
    assert response.status_code == 400
    assert "not inside" in response.content.decode()


def test_claim_search_finds_claims_as_you_type(analyst_web):
    _claim("The northern quay reopened after repairs")
    _claim("Grain prices rose in March")
    response = analyst_web.get(reverse("claims:search"), {"q": "quay"})
    picks = [b.get("data-claim-text") for b in _tree(response).xpath("//button[@data-pick-claim]")]
    assert picks == ["The northern quay reopened after repairs"]


def test_similar_claims_are_offered_before_creating_one(analyst_web):
    existing = _claim("The northern quay reopened after repairs")
    response = analyst_web.get(
        reverse("claims:similar"), {"new_claim": "northern quay reopened after the repairs"}
    )
    buttons = _tree(response).xpath("//button[@data-pick-claim]")
    assert [b.get("data-pick-claim") for b in buttons] == [str(existing.pk)]
    assert "use this one instead" in buttons[0].text_content()


# --- claim list -----------------------------------------------------------------------


def _contested_claim(analyst):
    source = _source()
    claim = _claim("The repairs were delayed")
    _link(claim, source, "a week of repairs", "asserts", user=analyst)
    _link(claim, source, "denied that the repairs had been delayed", "disputes", user=analyst)
    return claim


def test_claim_list_shows_badges_and_stance_counts(analyst_web, analyst):
    claim = _contested_claim(analyst)
    tree = _tree(analyst_web.get(reverse("claims:list")))
    row = tree.xpath(f"//tr[@data-claim='{claim.pk}']")[0]
    text = " ".join(row.text_content().split())
    for expected in ("contested", "Unreviewed", "1 asserts", "1 disputes", "0 mentions"):
        assert expected in text


def test_claim_list_contested_filter(analyst_web, analyst):
    contested = _contested_claim(analyst)
    calm = _claim("Grain prices rose in March")
    tree = _tree(analyst_web.get(reverse("claims:list"), {"contested": "true"}))
    assert [r.get("data-claim") for r in tree.xpath("//tr[@data-claim]")] == [str(contested.pk)]
    tree = _tree(analyst_web.get(reverse("claims:list"), {"contested": "false"}))
    assert [r.get("data-claim") for r in tree.xpath("//tr[@data-claim]")] == [str(calm.pk)]


def test_claim_list_search_verdict_and_tag_filters(analyst_web, editor):
    tagged = claim_create(text="Grain prices rose in March", tags=["economy"], user=None)
    other = _claim("The quay reopened")
    claim_review(
        claim_id=other.pk,
        verdict="supported",
        rationale="Seen.",
        version=other.version,
        user=editor,
    )

    def ids(**params):
        tree = _tree(analyst_web.get(reverse("claims:list"), params))
        return [int(r.get("data-claim")) for r in tree.xpath("//tr[@data-claim]")]

    assert ids(q="grain") == [tagged.pk]
    assert ids(verdict="supported") == [other.pk]
    assert ids(tag="economy") == [tagged.pk]


def test_claim_list_answers_htmx_with_rows_only(analyst_web):
    _claim()
    response = analyst_web.get(reverse("claims:list"), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"data-claim=" in response.content


# --- claim page -----------------------------------------------------------------------


def test_claim_page_groups_evidence_by_stance(analyst_web, analyst):
    claim = _contested_claim(analyst)
    tree = _tree(analyst_web.get(reverse("claims:detail", args=[claim.pk])))
    for stance, expected in (
        ("asserts", ["a week of repairs"]),
        ("disputes", ["denied that the repairs had been delayed"]),
        ("mentions", []),
    ):
        column = tree.xpath(f"//*[@data-stance-column='{stance}']")[0]
        quotes = [q.text_content() for q in column.xpath(".//*[@class='exact']")]
        assert quotes == expected


def test_claim_page_shows_quote_in_context_with_source(analyst_web, analyst):
    source = _source()
    claim = _claim()
    evidence = _link(
        claim, source, "reopened on Monday", user=analyst, attributed_to="Port authority"
    )
    tree = _tree(analyst_web.get(reverse("claims:detail", args=[claim.pk])))
    item = tree.xpath(f"//*[@data-evidence-item='{evidence.pk}']")[0]
    text = item.text_content()
    context = (evidence.excerpt.prefix.strip(), evidence.excerpt.suffix.strip())
    for expected in (*context, "Port authority", "harbourdaily.example", "3 Mar 2026"):
        assert expected in text
    link = item.xpath(".//a[@class='source-link']")[0]
    assert link.get("href") == reverse("claims:reader", args=[source.pk]) + f"#ev-{evidence.pk}"


def test_claim_page_counts_distinct_outlets_and_speakers(analyst_web, analyst):
    claim = _claim()
    one = _source(n=1, outlet="one.example")
    two = _source(n=2, outlet="two.example")
    three = _source(n=3, outlet="one.example")
    _link(claim, one, "reopened on Monday", user=analyst, attributed_to="Tomas Greer")
    _link(claim, two, "reopened on Monday", user=analyst, attributed_to="tomas greer")
    _link(claim, three, "reopened on Monday", user=analyst, attributed_to="Port authority")
    _link(claim, one, "denied that the repairs had been delayed", "disputes", user=analyst)
    tree = _tree(analyst_web.get(reverse("claims:detail", args=[claim.pk])))
    asserts = tree.xpath("//*[@data-voices='asserts']")[0]
    assert asserts.xpath(".//*[@data-outlets]")[0].text == "2"
    assert asserts.xpath(".//*[@data-speakers]")[0].text == "2"
    disputes = tree.xpath("//*[@data-voices='disputes']")[0]
    assert disputes.xpath(".//*[@data-outlets]")[0].text == "1"
    assert disputes.xpath(".//*[@data-speakers]")[0].text == "0"


def test_claim_page_draws_the_timeline(analyst_web, analyst):
    claim = _contested_claim(analyst)
    undated = source_ingest(
        raw="Nothing dated here. The terminal operator denied the repairs were late, "
        "a spokesman said on the radio.",
        content_type="text/plain",
    ).source
    _link(claim, undated, "denied the repairs were late", "disputes", user=analyst)
    tree = _tree(analyst_web.get(reverse("claims:detail", args=[claim.pk])))
    timeline = tree.xpath("//*[@data-testid='timeline']")[0]
    dots = timeline.xpath(".//circle")
    assert sorted(d.get("data-stance") for d in dots) == ["asserts", "disputes", "disputes"]
    assert timeline.xpath(".//g[@class='undated']//circle")


def test_analyst_changes_the_stance(analyst_web, analyst):
    claim = _claim()
    evidence = _link(claim, _source(), "reopened on Monday", user=analyst)
    response = analyst_web.post(
        reverse("claims:evidence-edit", args=[evidence.pk]),
        {"stance": "mentions", "claim": claim.pk},
    )
    assert response.status_code == 200
    evidence.refresh_from_db()
    assert evidence.stance == "mentions"
    column = _tree(response).xpath("//*[@data-stance-column='mentions']")[0]
    assert column.xpath(f".//*[@data-evidence-item='{evidence.pk}']")


def test_analyst_unlinks_from_the_claim_page(analyst_web, analyst):
    claim = _claim()
    evidence = _link(claim, _source(), "reopened on Monday", user=analyst)
    response = analyst_web.post(
        reverse("claims:evidence-unlink", args=[evidence.pk]), {"claim": claim.pk}
    )
    assert response.status_code == 200
    assert not Evidence.objects.exists()
    assert not _tree(response).xpath("//*[@data-evidence-item]")


def test_viewer_cannot_change_evidence(viewer_web, analyst):
    evidence = _link(_claim(), _source(), "reopened on Monday", user=analyst)
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
    claim = _claim()
    _link(claim, _source(), "reopened on Monday", user=analyst)
    tree = _tree(viewer_web.get(reverse("claims:detail", args=[claim.pk])))
    assert not tree.xpath("//form[@class='ev-edit']")


def test_claim_page_shows_history(analyst_web, analyst):
    claim = _claim(user=analyst)
    _link(claim, _source(), "reopened on Monday", user=analyst)
    history = _tree(analyst_web.get(reverse("claims:detail", args=[claim.pk]))).xpath(
        "//*[@data-testid='history']"
    )[0]
    text = " ".join(history.text_content().split())
    assert "created the claim" in text
    assert "linked evidence" in text


def test_reviewed_claim_shows_verdict_and_embeds_claimreview(analyst_web, analyst, editor):
    claim = _claim("The quay </script><script>alert(1)</script> reopened")
    _link(claim, _source(), "reopened on Monday", user=analyst)
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
    tree = _tree(response)
    scripts = tree.xpath("//script[@type='application/ld+json']")
    assert len(scripts) == 1
    data = json.loads(scripts[0].text)
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == claim.text
    verdict = " ".join(tree.xpath("//*[@data-testid='verdict-card']")[0].text_content().split())
    for expected in ("Supported", "editor1", "Two outlets agree."):
        assert expected in verdict


def test_unreviewed_claim_has_no_claimreview(analyst_web):
    claim = _claim()
    tree = _tree(analyst_web.get(reverse("claims:detail", args=[claim.pk])))
    assert not tree.xpath("//script[@type='application/ld+json']")


def test_editor_gets_the_verdict_form(client, editor):
    client.force_login(editor)
    claim = _claim()
    tree = _tree(client.get(reverse("claims:detail", args=[claim.pk])))
    assert tree.xpath("//*[@data-testid='verdict-card']//select[@name='verdict']")


# --- find more evidence -----------------------------------------------------------------


FOUND_SENTENCE = (
    "Separately, a spokesman for the Kelso terminal confirmed that the northern quay reopened "
    "after repairs to two cranes on Monday."
)
OTHER_ARTICLE = "\n".join(
    [
        "Harbour strike ends",
        "",
        "Dockers at Leith returned to work on Friday after a three-day strike over pay, the "
        "union said in a statement to members.",
        "",
        FOUND_SENTENCE,
        "",
    ]
)


def test_significant_words_drop_stopwords_and_keep_the_longest():
    assert significant_words("The northern quay was reopened after the repairs") == [
        "northern",
        "quay",
        "reopened",
        "repairs",
    ]


def test_find_more_evidence_finds_a_passage_in_another_source(analyst_web, analyst):
    claim = _claim("The northern quay reopened after repairs")
    _link(claim, _source(), "reopened on Monday", user=analyst)
    other = _source(OTHER_ARTICLE, outlet="leithnews.example")
    response = analyst_web.get(reverse("claims:find-more", args=[claim.pk]))
    assert response.status_code == 200
    passages = _tree(response).xpath("//li[contains(@class, 'passage')]")
    found = {
        (int(p.get("data-source")), p.xpath(".//input[@name='exact']")[0].get("value"))
        for p in passages
    }
    sentence = FOUND_SENTENCE
    assert (other.pk, sentence) in found
    hit_words = {b.text.lower() for b in _tree(response).xpath("//b[@class='hit']")}
    assert {"northern", "quay", "reopened", "repairs"} <= hit_words


def test_find_more_evidence_links_a_passage_in_one_step(analyst_web, analyst):
    claim = _claim("The northern quay reopened after repairs")
    other = _source(OTHER_ARTICLE, outlet="leithnews.example")
    response = analyst_web.get(reverse("claims:find-more", args=[claim.pk]))
    passage = next(
        p
        for p in _tree(response).xpath("//li[contains(@class, 'passage')]")
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
    tree = _tree(linked)
    assert tree.xpath("//*[@data-testid='passage-linked']")
    assert tree.get_element_by_id("claim-evidence").get("hx-swap-oob") == "true"


def test_find_more_skips_passages_already_linked(analyst_web, analyst):
    claim = _claim("The northern quay reopened after repairs")
    other = _source(OTHER_ARTICLE, outlet="leithnews.example")
    sentence = FOUND_SENTENCE
    _link(claim, other, sentence, user=analyst)
    response = analyst_web.get(reverse("claims:find-more", args=[claim.pk]))
    exacts = [i.get("value") for i in _tree(response).xpath("//input[@name='exact']")]
    assert sentence not in exacts


def test_find_more_link_error_is_shown_next_to_the_passage(analyst_web):
    claim = _claim()
    other = _source(OTHER_ARTICLE)
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
    claim = _claim()
    other = _source(OTHER_ARTICLE)
    response = viewer_web.post(
        reverse("claims:find-more-link", args=[claim.pk]),
        {"source": other.pk, "exact": "northern quay", "stance": "asserts"},
    )
    assert response.status_code == 403
    assert not Evidence.objects.exists()


# --- query counts ---------------------------------------------------------------------

# Session, user, role groups, the page's selectors: the same however many
# pieces of evidence the page shows.
READER_MAX_QUERIES = 5
CLAIM_PAGE_MAX_QUERIES = (
    12  # +1 history user ids, +1 voices in SQL, +1 ids of the columns' first rows
)


@pytest.mark.parametrize("count", [1, 20])
def test_reader_query_count_is_flat(analyst_web, analyst, django_assert_max_num_queries, count):
    source = _source()
    words = source.text.split()
    for i in range(count):
        claim = _claim(f"Claim number {i}")
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
    assert len(_article(response).xpath(".//mark[@data-evidence]")) >= count


@pytest.mark.parametrize("count", [1, 20])
def test_claim_page_query_count_is_flat(
    analyst_web, analyst, editor, django_assert_max_num_queries, count
):
    claim = _claim(user=analyst)
    for i in range(count):
        source = _source(
            n=i + 1,
            outlet=f"outlet{i}.example",
            published_at=dt.datetime(2026, 1, i + 1, tzinfo=dt.UTC),
        )
        _link(
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
    assert len(_tree(response).xpath("//*[@data-evidence-item]")) == count
