"""Pages that stay small and cheap as the tables grow: stance columns paged
with "more", bounded review cards, lists without COUNT(*), search snippets."""

from __future__ import annotations

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Evidence
from claims.selectors import COLUMN_PAGE
from claims.services import claim_create, evidence_link
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

SENTENCE = "Officials said the ferry to Kelso island will run twice a day, source {n} reported."


@pytest.fixture
def big_claim(analyst):
    """A claim with more asserting quotes than a column shows, and a few
    disputing ones."""
    claim = claim_create(text="The Kelso ferry will run twice a day", user=analyst)
    for n in range(COLUMN_PAGE + 5):
        source = source_ingest(raw=SENTENCE.format(n=n), content_type="text/plain").source
        evidence_link(
            claim_id=claim.pk,
            source_id=source.pk,
            stance="asserts" if n < COLUMN_PAGE + 3 else "disputes",
            exact=f"source {n} reported",
            user=analyst,
        )
    return claim


def _tree(response):
    return lxml.html.fromstring(response.content.decode())


def test_claim_page_shows_a_page_per_column_and_a_more_button(client, analyst, big_claim):
    client.force_login(analyst)
    tree = _tree(client.get(f"/claims/{big_claim.pk}/"))
    asserts = tree.xpath('//*[@data-stance-column="asserts"]')[0]
    assert len(asserts.xpath(".//*[@data-evidence-item]")) == COLUMN_PAGE
    assert asserts.xpath(".//*[@data-count]")[0].text == str(COLUMN_PAGE + 3)
    more = asserts.xpath(".//button[@data-more]")[0]
    disputes = tree.xpath('//*[@data-stance-column="disputes"]')[0]
    assert len(disputes.xpath(".//*[@data-evidence-item]")) == 2
    assert not disputes.xpath(".//button[@data-more]")

    rest = _tree(client.get(more.get("hx-get")))
    shown = {int(e) for e in asserts.xpath(".//@data-evidence-item")}
    following = {int(e) for e in rest.xpath("//@data-evidence-item")}
    assert len(following) == 3
    assert not shown & following
    assert shown | following == set(
        Evidence.objects.filter(claim=big_claim, stance="asserts").values_list("pk", flat=True)
    )
    assert not rest.xpath("//button[@data-more]")


def test_column_fragment_refuses_an_unknown_stance(client, analyst, big_claim):
    client.force_login(analyst)
    assert client.get(f"/ui/claims/{big_claim.pk}/column/agrees/").status_code == 400


def test_review_card_is_bounded_and_says_how_many_more(client, editor, big_claim):
    client.force_login(editor)
    tree = _tree(client.get("/review/"))
    card = tree.xpath(f'//*[@data-claim="{big_claim.pk}"]')[0]
    side = card.xpath('.//*[@data-testid="side-asserts"]')[0]
    quotes = side.xpath(".//*[@data-evidence-id]")
    assert 0 < len(quotes) <= 12
    assert (
        str(COLUMN_PAGE + 3) in side.xpath('.//*[@data-testid="voices-asserts"]')[0].text_content()
    )
    hidden = side.xpath('.//*[@data-testid="hidden-asserts"]')[0].text_content()
    assert f"{COLUMN_PAGE + 3 - 12} more" in hidden


@pytest.mark.parametrize("url", ["/sources/", "/claims/"])
def test_lists_do_not_count_the_whole_table(client, analyst, big_claim, url):
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    whole_table_counts = [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"].upper() and "LIMIT" not in q["sql"].upper()
    ]
    assert not whole_table_counts


def test_source_list_pages_without_count(client, analyst, big_claim):
    for n in range(2):  # 27 sources: a full page and two more
        source_ingest(raw=f"An extra report number {n}.", content_type="text/plain")
    client.force_login(analyst)
    first = _tree(client.get("/sources/"))
    assert len(first.xpath('//*[@data-testid="source-table"]/tbody/tr')) == 25
    assert first.xpath('//nav[@class="pagination"]//a[contains(@href, "page=2")]')
    second = _tree(client.get("/sources/?page=2"))
    assert len(second.xpath('//*[@data-testid="source-table"]/tbody/tr')) == 2
    assert not second.xpath('//nav[@class="pagination"]//a[contains(@href, "page=3")]')
    assert client.get("/sources/?page=junk").status_code == 200


def test_search_shows_a_highlighted_snippet_and_escapes_the_text(client, analyst):
    source_ingest(
        raw=(
            "Harbour works delayed again\n\n"
            "The harbour master said on Tuesday that the Kelso breakwater needs repair "
            "before the winter storms, and that the <b>old</b> pier stays closed until then.\n"
        ),
        content_type="text/plain",
    )
    client.force_login(analyst)
    body = client.get("/sources/", {"q": "breakwater"}).content.decode()
    snippet = lxml.html.fromstring(body).xpath('//*[@data-testid="snippet"]')[0]
    assert [m.text.lower() for m in snippet.xpath(".//mark")] == ["breakwater"]
    assert [child.tag for child in snippet] == ["mark"]  # no tag of the article's own


def test_snippet_html_escapes_everything_but_the_hit_markers():
    from sources.selectors import SNIPPET_START, SNIPPET_STOP
    from sources.views.ingest import snippet_html

    html = snippet_html(f"a <script>x</script> & {SNIPPET_START}hit{SNIPPET_STOP} here")
    assert html == "a &lt;script&gt;x&lt;/script&gt; &amp; <mark>hit</mark> here"
