"""The reader in Chromium: select a passage with the mouse, link it, see it."""

from __future__ import annotations

import pytest

from claims.models import Claim
from tests.factories import SourceFactory
from tests.support.browser import SELECT_JS

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


@pytest.mark.browser
def test_analyst_links_a_selection_to_a_new_claim_without_reload(
    transactional_db, page, login, analyst
):
    source = SourceFactory(raw=ARTICLE, outlet_domain="harbourdaily.example")
    exact = "denied that the repairs had been delayed by a dispute with contractors"
    start = source.text.index(exact)
    login(analyst)
    page.goto(f"/sources/{source.pk}/")
    assert page.locator("#article").text_content() == source.text
    page.evaluate("() => { window.__notReloaded = true; }")

    page.evaluate(SELECT_JS, [start, start + len(exact)])
    panel = page.locator("#link-panel")
    panel.locator("[data-testid=picked-quote]").wait_for()
    assert panel.locator("input[name=exact]").input_value() == exact
    assert panel.locator("input[name=start]").input_value() == str(start)

    panel.locator("input[name=mode][value=new]").check()
    panel.locator("textarea[name=new_claim]").fill(
        "The repairs were delayed by a dispute with contractors"
    )
    panel.locator("input[name=stance][value=disputes]").check()
    panel.locator("input[name=attributed_to]").fill("The terminal operator")
    panel.get_by_role("button", name="Link passage").click()

    panel.locator("[data-testid=link-done]").wait_for()
    claim = Claim.objects.get()
    evidence = claim.evidence.get()
    mark = page.locator(f'#article [data-evidence="{evidence.pk}"]')
    assert mark.get_attribute("data-stance") == "disputes"
    assert mark.text_content() == exact
    assert page.evaluate("() => window.__notReloaded") is True
    assert page.locator("#article").text_content() == source.text

    page.goto(f"/claims/{claim.pk}/")
    disputes = page.locator('[data-stance-column="disputes"]')
    assert exact in disputes.locator(".exact").first.text_content()
    assert "The terminal operator" in disputes.text_content()


@pytest.mark.browser
def test_quote_error_is_shown_in_the_panel(transactional_db, page, login, analyst):
    source = SourceFactory(raw=ARTICLE, outlet_domain=None)
    exact = "reopened on Monday"
    start = source.text.index(exact)
    login(analyst)
    page.goto(f"/sources/{source.pk}/")
    page.evaluate(SELECT_JS, [start, start + len(exact)])
    panel = page.locator("#link-panel")
    panel.locator("[data-testid=picked-quote]").wait_for()
    # No claim picked and no stance: the panel explains instead of failing silently.
    panel.get_by_role("button", name="Link passage").click()
    alert = panel.get_by_role("alert")
    alert.wait_for()
    assert "stance" in alert.text_content()
