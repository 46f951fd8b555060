"""/rules/ in a real browser: preview a rule, save it, watch the re-parse."""

from __future__ import annotations

import re

import pytest

from sources.models import ReparseJob
from sources.services import source_ingest

NOTE = (
    "Editor's note: this article was updated on Tuesday to correct the name of the "
    "ministry in the second paragraph."
)
PARAGRAPHS = [
    "The finance minister said on Monday that the national budget rose by ten percent "
    "compared with last year, the largest increase in a decade.",
    NOTE,
    "Critics in the opposition disputed the figure, saying that most of the increase was "
    "absorbed by inflation and by interest on the debt.",
]
ARTICLE = "Budget rises by ten percent\n\n" + "\n\n".join(PARAGRAPHS) + "\n"

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_editor_previews_saves_and_sees_the_reparse_finish(page, login, editor):
    from playwright.sync_api import expect

    source_ingest(raw=ARTICLE, content_type="text/plain")
    login(editor)
    page.goto("/rules/")

    form = page.get_by_test_id("rule-form")
    form.locator("#id_name").fill("Drop editor's notes")
    form.locator("#id_kind").select_option("drop_lines")
    form.locator("#id_pattern").fill("^Editor's note:")
    form.get_by_test_id("preview-button").click()

    diff = form.get_by_test_id("diff")
    expect(diff.locator("del")).to_contain_text("Editor's note: this article was updated")
    expect(form.get_by_test_id("preview")).to_contain_text("1 would change")

    form.get_by_test_id("save-button").click()
    page.wait_for_url(re.compile(r"/rules/\?job=\d+"))

    job = page.get_by_test_id("job").first
    expect(job).to_have_attribute("data-status", "done")
    expect(job.get_by_test_id("job-processed")).to_have_text("1 / 1")
    expect(job.get_by_test_id("job-changed")).to_have_text("1")
    expect(page.locator("#rules-list")).to_contain_text("Drop editor's notes")


def test_progress_bar_updates_live_until_the_job_is_done(page, login, editor):
    from playwright.sync_api import expect

    job = ReparseJob.objects.create(status="running", total=4, processed=1)
    login(editor)
    page.goto(f"/rules/?job={job.pk}")
    card = page.locator(f'[data-job="{job.pk}"]')
    expect(card.get_by_test_id("job-processed")).to_have_text("1 / 4")

    ReparseJob.objects.filter(pk=job.pk).update(processed=3, changed=2)
    expect(card.get_by_test_id("job-processed")).to_have_text("3 / 4")

    ReparseJob.objects.filter(pk=job.pk).update(status="done", processed=4, orphaned=1)
    expect(card).to_have_attribute("data-status", "done")
    expect(card.get_by_test_id("job-processed")).to_have_text("4 / 4")
    expect(card).not_to_have_attribute("hx-trigger", "every 1s")


def test_toggling_a_rule_swaps_the_list_in_place(page, login, editor):
    from playwright.sync_api import expect

    from sources.models import ExtractionRule

    rule = ExtractionRule.objects.create(name="Drop ads", kind="drop_lines", pattern="^Ad:")
    login(editor)
    page.goto("/rules/")
    toggle = page.locator(f"#rule-{rule.pk}").get_by_test_id("toggle")
    expect(toggle).to_have_text("On")

    toggle.click()

    expect(page.locator(f"#rule-{rule.pk}").get_by_test_id("toggle")).to_have_text("Off")
    assert page.url.endswith("/rules/")  # no navigation: htmx swapped the list
    rule.refresh_from_db()
    assert rule.enabled is False
