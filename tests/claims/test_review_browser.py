"""An editor reviews a contested claim in a real browser (Chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims import services
from claims.models import Claim, Verdict
from tests.factories import SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _contested_claim() -> Claim:
    claim = services.claim_create(text="The ferry will run all winter", user=None)
    sides = (
        ("asserts", "the ferry will run all winter", "Captain Ines Roy", "coastnews.example"),
        (
            "disputes",
            "the ferry will stop in December",
            "Union steward Ali Park",
            "harbour.example",
        ),
    )
    for stance, exact, speaker, outlet in sides:
        source = SourceFactory(
            raw=f"Islanders were told that {exact}, said {speaker}. More later.",
            outlet_domain=outlet,
        )
        services.evidence_link(
            claim_id=claim.pk,
            source_id=source.pk,
            stance=stance,
            exact=exact,
            attributed_to=speaker,
            user=None,
        )
    claim.refresh_from_db()
    return claim


def test_editor_records_a_verdict_from_the_queue(page, login, editor):
    claim = _contested_claim()
    login(editor)

    page.goto("/review/")
    card = page.locator(f"#review-card-{claim.pk}")
    expect(card).to_be_visible()
    asserts = card.get_by_test_id("side-asserts")
    disputes = card.get_by_test_id("side-disputes")
    expect(asserts).to_contain_text("the ferry will run all winter")
    expect(asserts).to_contain_text("Captain Ines Roy")
    expect(disputes).to_contain_text("the ferry will stop in December")
    expect(disputes).to_contain_text("Union steward Ali Park")
    # Side by side: the two columns share a row.
    a_box, d_box = asserts.bounding_box(), disputes.bounding_box()
    assert abs(a_box["y"] - d_box["y"]) < 5
    assert d_box["x"] > a_box["x"] + a_box["width"] - 1

    card.get_by_test_id("verdict-select").select_option("refuted")
    card.get_by_test_id("verdict-rationale").fill("The operator's own timetable ends in December.")
    card.get_by_test_id("verdict-submit").click()

    recorded = page.get_by_test_id("verdict-recorded")
    expect(recorded).to_contain_text("Refuted")
    expect(page.get_by_test_id("side-asserts")).to_have_count(0)
    expect(page.get_by_test_id("review-queue-count")).to_have_text("0")
    claim.refresh_from_db()
    assert claim.verdict == Verdict.REFUTED

    page.reload()
    expect(page.locator(f"#review-card-{claim.pk}")).to_have_count(0)
    expect(page.get_by_test_id("review-empty")).to_be_visible()

    page.goto(f"/claims/{claim.pk}/")
    expect(page.get_by_test_id("verdict-card")).to_contain_text("Refuted")
    expect(page.get_by_test_id("verdict-card")).to_contain_text(
        "The operator's own timetable ends in December."
    )


def test_a_stale_verdict_shows_the_new_state(page, login, editor):
    claim = _contested_claim()
    login(editor)
    page.goto("/review/")
    card = page.locator(f"#review-card-{claim.pk}")
    expect(card).to_be_visible()

    # Meanwhile another editor gives a verdict.
    services.claim_review(
        claim_id=claim.pk,
        verdict="supported",
        rationale="The captain's word.",
        version=claim.version,
        user=editor,
    )
    card.get_by_test_id("verdict-select").select_option("refuted")
    card.get_by_test_id("verdict-rationale").fill("My own reading.")
    card.get_by_test_id("verdict-submit").click()

    conflict = card.get_by_test_id("verdict-conflict")
    expect(conflict).to_contain_text("Someone else changed this claim")
    expect(card.get_by_test_id("current-verdict")).to_have_text("Supported")
    expect(card.get_by_test_id("current-rationale")).to_contain_text("The captain's word.")
    expect(card.locator("input[name=version]")).to_have_value(str(claim.version + 1))
    expect(card.get_by_test_id("verdict-rationale")).to_have_value("My own reading.")

    # Submitting again, now on the current version, works.
    card.get_by_test_id("verdict-submit").click()
    expect(page.get_by_test_id("verdict-recorded")).to_contain_text("Refuted")
    claim.refresh_from_db()
    assert claim.verdict == Verdict.REFUTED


def test_editor_sets_a_verdict_on_the_claim_page(page, login, editor):
    claim = _contested_claim()
    login(editor)

    page.goto(f"/claims/{claim.pk}/")
    box = page.get_by_test_id("verdict-box")
    box.get_by_test_id("verdict-select").select_option("mixed")
    box.get_by_test_id("verdict-rationale").fill("Both sides have a point.")
    box.get_by_test_id("verdict-submit").click()

    expect(page.get_by_test_id("verdict")).to_have_text("Mixed")
    claim.refresh_from_db()
    assert claim.verdict == Verdict.MIXED
