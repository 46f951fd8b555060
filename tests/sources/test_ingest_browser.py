import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTED = """Skip to main content
Menu  News  Sport  Weather

Night trains return to the coast line

By Petra Holm
Published 4 June 2026

Night trains will run again on the coast line from July, the rail operator said on Monday.

Advertisement

The service was suspended two years ago when the sleeper carriages failed a safety inspection, according to the regulator.

Share this article  Facebook  Twitter  Email
"""


def test_an_analyst_pastes_an_article_and_reads_it_in_the_reader(page, login, analyst):
    login(analyst)
    page.goto("/sources/new/")
    page.fill("textarea[name=raw]", PASTED)
    page.click("button:has-text('Ingest')")

    page.wait_for_selector("[data-testid=ingest-results]")
    assert "created" in page.locator("[data-testid=ingest-results]").inner_text()
    page.click("[data-testid=ingested-link]")

    page.wait_for_url("**/sources/*/")
    body = page.locator(".article-text").inner_text()
    assert "Night trains will run again on the coast line from July" in body
    assert "sleeper carriages failed a safety inspection" in body
    for junk in ("Skip to main content", "Advertisement", "Share this article", "By Petra Holm"):
        assert junk not in body
    assert "Night trains return to the coast line" in page.locator("h1").inner_text()
