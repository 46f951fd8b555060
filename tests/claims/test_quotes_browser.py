"""Quotes to check, in Chromium: a rule changes a quote's words, the analyst
sees the word diff, confirms one quote and selects another again in the reader."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims import services
from claims.models import Evidence
from sources.models import Excerpt
from sources.rule_services import rule_create
from sources.services import source_ingest
from tests.claims.test_reader_browser import SELECT_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "\n".join(
    [
        "Ferry fares rise on the island route",
        "",
        "The operator said fares would rise by 12 percent in April, citing fuel costs.",
        "",
        "Advertisement",
        "",
        "Councillor Ana Reyes said the increase was not justified by the accounts.",
        "",
    ]
)


def _changed_world():
    source = source_ingest(
        raw=ARTICLE, content_type="text/plain", outlet_domain="islandpost.example"
    ).source
    claim = services.claim_create(text="Ferry fares rise in April", user=None)
    rise = services.evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="fares would rise by 12 percent in April",
        user=None,
    )
    justified = services.evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="disputes",
        exact="the increase was not justified by the accounts",
        user=None,
    )
    # A re-parse under new rules changes the words of both quotes.
    rule_create(
        user=None, name="pct", kind="replace", pattern=r"12 percent", replacement="15 percent"
    )
    rule_create(
        user=None,
        name="neg",
        kind="replace",
        pattern=r"was not justified",
        replacement="was justified",
    )
    return source, claim, rise, justified


def test_analyst_checks_changed_quotes_confirms_one_and_reselects_another(page, login, analyst):
    source, claim, rise, justified = _changed_world()
    assert Excerpt.objects.get(pk=rise.excerpt_id).anchor_state == "changed"
    login(analyst)

    page.goto("/")
    expect(page.get_by_test_id("dashboard-quotes-to-check")).to_contain_text("2")
    page.get_by_test_id("dashboard-quotes-to-check").click()
    page.wait_for_url("**/quotes/")

    item = page.locator(f'[data-quote="{rise.pk}"]')
    expect(item.get_by_test_id("selected")).to_contain_text("rise by 12 percent")
    expect(item.get_by_test_id("now")).to_contain_text("rise by 15 percent")
    expect(item.locator(".word-diff del")).to_have_text("12")
    expect(item.locator(".word-diff ins")).to_have_text("15")

    item.get_by_test_id("confirm").click()
    expect(page.locator('[data-testid="quote-done"]')).to_contain_text("Confirmed")
    excerpt = Excerpt.objects.get(pk=rise.excerpt_id)
    assert (excerpt.anchor_state, excerpt.selected) == (
        "relocated",
        "fares would rise by 15 percent in April",
    )

    # The other one: select the passage again in the reader.
    page.locator(f'[data-quote="{justified.pk}"]').get_by_test_id("select-again").click()
    page.wait_for_url(f"**/sources/{source.pk}/?relink={justified.pk}*")
    mark = page.locator(f'#article mark[data-evidence="{justified.pk}"]')
    expect(mark).to_have_attribute("data-anchor", "changed")
    expect(page.locator(f'[data-orphan="{justified.pk}"]')).to_have_class(
        "orphan changed relinking"
    )

    text = source.__class__.objects.get(pk=source.pk).text
    exact = "Councillor Ana Reyes said the increase was justified"
    start = text.index(exact)
    page.evaluate(SELECT_JS, [start, start + len(exact)])
    panel = page.locator("#link-panel")
    panel.locator("[data-testid=picked-quote]").wait_for()
    expect(panel).to_contain_text("replaces")
    panel.get_by_role("button", name="Link passage").click()
    panel.locator("[data-testid=link-done]").wait_for()

    assert not Evidence.objects.filter(pk=justified.pk).exists()
    new = Evidence.objects.get(claim=claim, stance="disputes")
    assert new.excerpt.selected == exact
    assert new.excerpt.anchor_state == "anchored"
    expect(page.locator(f'#article mark[data-evidence="{new.pk}"]')).not_to_have_attribute(
        "data-anchor", "changed"
    )
