"""The analyst's claim pages in Chromium: new claim with the similar-claims
warning, editing with a conflict, merging, splitting, the claim list's bulk
actions, and the reader's keys."""

from __future__ import annotations

import csv
import io

import pytest

from claims.models import Claim, Evidence
from claims.services import claim_create, claim_update, evidence_link
from sources.services import source_ingest
from tests.support.browser import SELECT_JS

pytestmark = [pytest.mark.browser]

ARTICLE = "\n".join(
    [
        "Ferry timetable cut as fares rise",
        "",
        "The ferry operator said fares will rise by ten percent in spring.",
        "The transport minister said fares will not rise this year.",
        "Commuters told reporters that the timetable was cut twice since January.",
        "",
    ]
)


@pytest.fixture
def source():
    return source_ingest(
        raw=ARTICLE, content_type="text/plain", outlet_domain="ferrynews.example"
    ).source


def _link(claim, source, exact, stance, user):
    return evidence_link(
        claim_id=claim.pk, source_id=source.pk, stance=stance, exact=exact, user=user
    )


def test_new_claim_warns_of_similar_claims_as_you_type(transactional_db, page, login, analyst):
    existing = claim_create(text="Ferry fares will rise by ten percent in spring", user=analyst)
    claim_create(text="The bridge will close for repairs in May", user=analyst)
    login(analyst)
    page.goto("/claims/")
    page.get_by_test_id("new-claim").click()
    page.wait_for_url("**/claims/new/")

    page.locator("#claim-text").press_sequentially("Ferry fares rise ten percent in spring")
    warning = page.get_by_test_id("similar-warning")
    warning.wait_for()
    linked = warning.locator("[data-similar-claim]")
    assert linked.count() == 1
    assert linked.first.get_attribute("data-similar-claim") == str(existing.pk)

    page.locator("#claim-tags").fill("Ferries, fares")
    page.get_by_role("button", name="Create claim").click()
    page.wait_for_url(lambda url: "/claims/new/" not in url)
    claim = Claim.objects.latest("id")
    assert claim.text == "Ferry fares rise ten percent in spring"
    assert sorted(claim.tags.values_list("name", flat=True)) == ["fares", "ferries"]
    assert page.get_by_test_id("claim-text").text_content() == claim.text


def test_edit_conflict_offers_both_edits_combined(transactional_db, page, login, analyst, editor):
    claim = claim_create(
        text="The ferry operator will raise fares by ten percent in spring",
        tags=["ferries"],
        user=analyst,
    )
    login(analyst)
    page.goto(f"/claims/{claim.pk}/")
    page.get_by_test_id("edit-claim").click()
    page.wait_for_url(f"**/claims/{claim.pk}/edit/")
    # Someone else saves first: a different word, and a tag.
    claim_update(
        claim_id=claim.pk,
        text="The ferry operator will raise fares by twelve percent in spring",
        tags=["ferries", "islands"],
        version=claim.version,
        user=editor,
    )

    page.locator("#claim-text").fill(
        "The island ferry operator will raise fares by ten percent in spring"
    )
    page.locator("#claim-tags").fill("ferries, fares")
    page.get_by_role("button", name="Save").click()

    conflict = page.get_by_test_id("edit-conflict")
    conflict.wait_for()
    assert "combined" in conflict.text_content()
    assert page.locator("#claim-text").input_value() == (
        "The island ferry operator will raise fares by twelve percent in spring"
    )
    assert page.locator("#claim-tags").input_value() == "fares, ferries, islands"
    claim.refresh_from_db()
    assert claim.text.startswith("The ferry operator")  # nothing saved yet

    page.get_by_role("button", name="Save the combined edit").click()
    page.wait_for_url(f"**/claims/{claim.pk}/")
    claim.refresh_from_db()
    assert claim.text == "The island ferry operator will raise fares by twelve percent in spring"
    assert sorted(claim.tags.values_list("name", flat=True)) == ["fares", "ferries", "islands"]


def test_merge_shows_both_claims_then_merges(transactional_db, page, login, analyst, source):
    kept = claim_create(text="Ferry fares will rise by ten percent in spring", user=analyst)
    duplicate = claim_create(text="Ferry fares will rise ten percent this spring", user=analyst)
    _link(kept, source, "fares will rise by ten percent in spring", "asserts", analyst)
    _link(duplicate, source, "fares will not rise this year", "disputes", analyst)
    _link(duplicate, source, "The ferry operator said", "mentions", analyst)
    _link(kept, source, "The ferry operator said", "mentions", analyst)
    login(analyst)
    page.goto(f"/claims/{duplicate.pk}/")
    page.get_by_test_id("merge-claim").click()

    page.locator(f'[data-merge-into="{kept.pk}"]').click()
    sides = page.get_by_test_id("merge-sides")
    sides.wait_for()
    assert (
        "Ferry fares will rise ten percent this spring"
        in sides.locator("[data-merge-side=duplicate]").text_content()
    )
    assert "fares will not rise this year" in sides.text_content()
    assert (
        "Ferry fares will rise by ten percent in spring"
        in sides.locator("[data-merge-side=kept]").text_content()
    )
    result = page.get_by_test_id("merge-result")
    assert result.locator("[data-combined=asserts]").text_content().startswith("1 ")
    assert result.locator("[data-combined=disputes]").text_content().startswith("1 ")
    assert result.locator("[data-combined=mentions]").text_content().startswith("1 ")
    assert "1 passage quoted by both" in result.text_content()

    page.get_by_test_id("confirm-merge").click()
    page.wait_for_url(f"**/claims/{kept.pk}/")
    assert page.locator('[data-stance-column="disputes"]').locator(".exact").count() == 1
    history = page.get_by_test_id("history").text_content()
    assert f"merged claim {duplicate.pk} in" in history

    page.goto(f"/claims/{duplicate.pk}/")
    banner = page.get_by_test_id("merged-banner")
    assert banner.locator(f'[data-merged-into="{kept.pk}"]').count() == 1
    page.goto("/claims/")
    assert page.locator(f'[data-claim="{duplicate.pk}"]').count() == 0


def test_split_moves_ticked_evidence_to_a_new_claim(transactional_db, page, login, analyst, source):
    claim = claim_create(text="Ferry fares will rise and the timetable was cut", user=analyst)
    fares = _link(claim, source, "fares will rise by ten percent in spring", "asserts", analyst)
    cut = _link(claim, source, "the timetable was cut twice", "asserts", analyst)
    login(analyst)
    page.goto(f"/claims/{claim.pk}/")

    page.locator(f'[data-evidence-item="{cut.pk}"] [data-split-pick]').check()
    split = page.get_by_test_id("split")
    split.locator("input[name=text]").fill("The ferry timetable was cut twice")
    split.get_by_test_id("split-submit").click()
    page.wait_for_url(lambda url: f"/claims/{claim.pk}/" not in url)

    new = Claim.objects.get(text="The ferry timetable was cut twice")
    assert page.url.endswith(f"/claims/{new.pk}/")
    assert list(Evidence.objects.filter(claim=new).values_list("pk", flat=True)) == [cut.pk]
    assert list(Evidence.objects.filter(claim=claim).values_list("pk", flat=True)) == [fares.pk]
    assert (
        "the timetable was cut twice"
        in page.locator('[data-stance-column="asserts"]').text_content()
    )


def test_claim_list_bulk_tag_merge_and_export(transactional_db, page, login, analyst, source):
    first = claim_create(text="Ferry fares will rise in spring", user=analyst)
    second = claim_create(text="Ferry fares rise this spring", user=analyst)
    other = claim_create(text="The bridge will close in May", user=analyst)
    _link(first, source, "fares will rise by ten percent in spring", "asserts", analyst)
    _link(second, source, "fares will not rise this year", "disputes", analyst)
    login(analyst)
    page.goto("/claims/")

    for claim in (first, second):
        page.locator(f'[data-claim="{claim.pk}"] [data-bulk-pick]').check()
    bar = page.get_by_test_id("bulk-bar")
    assert bar.locator("[data-bulk-count]").text_content() == "2 selected"

    with page.expect_download() as download_info:
        bar.get_by_test_id("bulk-export").click()
    exported = download_info.value.path().read_text()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert sorted(r["exact"] for r in rows) == [
        "fares will not rise this year",
        "fares will rise by ten percent in spring",
    ]

    bar.locator("input[name=tag]").fill("Fares")
    bar.get_by_test_id("bulk-tag").click()
    page.wait_for_load_state()
    page.locator(".msg-success").wait_for()
    assert list(first.tags.values_list("name", flat=True)) == ["fares"]
    assert list(second.tags.values_list("name", flat=True)) == ["fares"]
    assert not other.tags.exists()

    for claim in (first, second):
        page.locator(f'[data-claim="{claim.pk}"] [data-bulk-pick]').check()
    bar.locator("[data-bulk-into]").select_option(str(first.pk))
    page.once("dialog", lambda dialog: dialog.accept())
    bar.get_by_test_id("bulk-merge").click()
    page.wait_for_url(f"**/claims/{first.pk}/")
    second.refresh_from_db()
    assert second.merged_into_id == first.pk
    assert Evidence.objects.filter(claim=first).count() == 2


def test_reader_keys_move_between_highlights_and_link_with_a_stance(
    transactional_db, page, login, analyst, source
):
    claim = claim_create(text="Ferry fares will rise in spring", user=analyst)
    first = _link(claim, source, "fares will rise by ten percent in spring", "asserts", analyst)
    second = _link(claim, source, "the timetable was cut twice", "mentions", analyst)
    login(analyst)
    page.goto(f"/sources/{source.pk}/")

    page.keyboard.press("j")
    assert page.locator("#article mark.current").get_attribute("data-evidence") == str(first.pk)
    page.keyboard.press("j")
    assert page.locator("#article mark.current").get_attribute("data-evidence") == str(second.pk)
    page.keyboard.press("k")
    assert page.locator("#article mark.current").get_attribute("data-evidence") == str(first.pk)

    # Select a passage; the panel opens with the focus on itself, so "d"
    # chooses "disputes" and moves on to the claim search.
    exact = "fares will not rise this year"
    start = source.text.index(exact)
    page.evaluate(SELECT_JS, [start, start + len(exact)])
    panel = page.locator("#link-panel")
    panel.locator("[data-testid=picked-quote]").wait_for()
    page.keyboard.press("d")
    assert panel.locator("input[name=stance][value=disputes]").is_checked()
    assert page.evaluate("() => document.activeElement.name") == "q"
    panel.locator(f'[data-pick-claim="{claim.pk}"]').click()
    panel.get_by_role("button", name="Link passage").click()
    panel.locator("[data-testid=link-done]").wait_for()

    linked = Evidence.objects.get(claim=claim, excerpt__exact=exact)
    assert linked.stance == "disputes"

    # With no selection, "m" links the highlight j/k moved to (here: to a new
    # claim), with the stance chosen.
    page.keyboard.press("Escape")
    page.locator("#article").click(position={"x": 1, "y": 1})
    page.keyboard.press("j")
    page.keyboard.press("m")
    panel.locator("[data-testid=picked-quote]").wait_for()
    assert panel.locator("input[name=stance][value=mentions]").is_checked()
    assert panel.locator("input[name=exact]").input_value() == (
        page.locator("#article mark.current").text_content()
    )


def test_stance_column_loads_more_over_htmx(transactional_db, page, login, analyst):
    from claims.selectors import COLUMN_PAGE

    claim = claim_create(text="The Kelso ferry will run twice a day", user=analyst)
    for n in range(COLUMN_PAGE + 2):
        item = source_ingest(
            raw=f"Officials said the ferry will run twice a day, source {n} reported.",
            content_type="text/plain",
        ).source
        _link(claim, item, f"source {n} reported", "asserts", analyst)
    login(analyst)
    page.goto(f"/claims/{claim.pk}/")
    column = page.locator('[data-stance-column="asserts"]')
    assert column.locator("[data-evidence-item]").count() == COLUMN_PAGE
    page.evaluate("() => { window.__notReloaded = true; }")

    column.locator("button[data-more]").click()
    column.locator("[data-evidence-item]").nth(COLUMN_PAGE + 1).wait_for()
    assert column.locator("[data-evidence-item]").count() == COLUMN_PAGE + 2
    assert column.locator("button[data-more]").count() == 0
    assert page.evaluate("() => window.__notReloaded") is True
