"""The /rules/ pages: editors change rules (through the rule services) and
watch the re-parse; everyone else reads."""

from __future__ import annotations

import pytest
from django.db import transaction

from sources import rule_services
from sources.models import Excerpt, ExtractionRule, Outlet, ReparseJob, Source
from sources.services import excerpt_get_or_create, source_ingest

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
DROP_NOTE = {"name": "Drop editor's notes", "kind": "drop_lines", "pattern": "^Editor's note:"}


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "name": DROP_NOTE["name"],
        "outlet": "",
        "kind": DROP_NOTE["kind"],
        "pattern": DROP_NOTE["pattern"],
        "replacement": "",
        "field": "",
        "enabled": "on",
    }
    data.update(overrides)
    return data


def _rule(**fields) -> ExtractionRule:
    values = {**DROP_NOTE, **fields}
    return ExtractionRule.objects.create(**values)


@pytest.fixture
def article(db) -> Source:
    return source_ingest(raw=ARTICLE, content_type="text/plain").source


@pytest.fixture
def editor_web(client, editor):
    client.force_login(editor)
    return client


# --- creating ---------------------------------------------------------------------


def test_editor_creates_a_rule_and_is_shown_its_reparse_job(
    editor_web, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_web.post("/rules/new/", _form())

    rule = ExtractionRule.objects.get()
    job = ReparseJob.objects.get()
    assert rule.name == "Drop editor's notes"
    assert response.status_code == 302
    assert response["Location"] == f"/rules/?job={job.pk}#jobs"
    page = editor_web.get(response["Location"]).content.decode()
    assert f'data-job="{job.pk}"' in page
    assert 'data-status="done"' in page
    assert '<dd data-testid="job-changed">1</dd>' in page
    article.refresh_from_db()
    assert "Editor's note" not in article.text


def test_a_bad_regex_is_explained_next_to_the_pattern_and_nothing_is_saved(editor_web, article):
    response = editor_web.post("/rules/new/", _form(pattern="(unclosed"))

    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-testid="error-pattern"' in content
    assert "not a valid regular expression" in content
    assert not ExtractionRule.objects.exists()
    assert not ReparseJob.objects.exists()


def test_a_metadata_rule_needs_its_field(editor_web, db):
    response = editor_web.post(
        "/rules/new/", _form(kind="metadata", pattern=r"^By (?P<author>.+)$", field="")
    )

    assert response.status_code == 400
    assert b'data-testid="error-field"' in response.content
    assert not ExtractionRule.objects.exists()


def test_editing_a_rule_saves_the_new_pattern(editor_web, db):
    rule = _rule()

    response = editor_web.post(f"/rules/{rule.pk}/edit/", _form(pattern="^Note:"))

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.pattern == "^Note:"


def test_the_edit_form_shows_the_rule(editor_web, db):
    rule = _rule(pattern="^Advert <b>")

    response = editor_web.get(f"/rules/{rule.pk}/edit/")

    assert response.status_code == 200
    assert b'value="^Advert &lt;b&gt;"' in response.content


# --- toggling, moving, deleting -----------------------------------------------------


def test_toggling_a_rule_off_with_htmx_starts_a_job_and_shows_it(
    editor_web, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rule = rule_services.rule_create(user=None, **DROP_NOTE).rule
    ReparseJob.objects.all().delete()

    response = editor_web.post(
        f"/rules/{rule.pk}/toggle/", {"enabled": "0"}, HTTP_HX_REQUEST="true"
    )

    rule.refresh_from_db()
    assert rule.enabled is False
    job = ReparseJob.objects.get()
    content = response.content.decode()
    assert 'id="rules-list"' in content
    assert 'id="job-panel" data-testid="job-panel" hx-swap-oob="true"' in content
    assert f'data-job="{job.pk}"' in content
    assert 'aria-checked="false"' in content


def test_toggling_without_htmx_goes_back_to_the_page_with_the_job(editor_web, article):
    rule = rule_services.rule_create(user=None, **DROP_NOTE).rule

    response = editor_web.post(f"/rules/{rule.pk}/toggle/", {"enabled": "0"})

    job = ReparseJob.objects.order_by("-pk").first()
    assert response.status_code == 302
    assert response["Location"] == f"/rules/?job={job.pk}#jobs"


def test_toggle_sets_the_posted_state_rather_than_flipping(editor_web, db):
    rule = _rule(enabled=True)

    editor_web.post(f"/rules/{rule.pk}/toggle/", {"enabled": "1"})

    rule.refresh_from_db()
    assert rule.enabled is True


def test_a_toggle_the_service_refuses_is_explained_in_the_list(editor_web, db):
    rule = _rule(pattern="(unclosed")  # stored before validation existed

    response = editor_web.post(
        f"/rules/{rule.pk}/toggle/", {"enabled": "0"}, HTTP_HX_REQUEST="true"
    )

    assert b'data-testid="list-error"' in response.content
    assert b"not a valid regular expression" in response.content
    rule.refresh_from_db()
    assert rule.enabled is True


def test_moving_a_rule_down_swaps_it_with_the_next_one_of_its_group(editor_web, db):
    first = _rule(name="first", position=10)
    _rule(name="outlet", position=15, outlet=Outlet.objects.create(name="e", domain="e.com"))
    _rule(name="second", position=20)

    response = editor_web.post(
        f"/rules/{first.pk}/move/", {"direction": "down"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    order = list(ExtractionRule.objects.order_by("position").values_list("name", flat=True))
    assert order == ["second", "outlet", "first"]
    content = response.content.decode()
    assert content.index(">second<") < content.index(">first<")


def test_the_first_rule_cannot_move_up(editor_web, db):
    first = _rule(name="first", position=10)
    _rule(name="second", position=20)

    editor_web.post(f"/rules/{first.pk}/move/", {"direction": "up"})

    first.refresh_from_db()
    assert first.position == 10
    assert not ReparseJob.objects.exists()


def test_delete_asks_for_confirmation_first(editor_web, db):
    rule = _rule()

    response = editor_web.get(f"/rules/{rule.pk}/delete/")

    assert response.status_code == 200
    assert b'data-testid="confirm-delete"' in response.content
    assert ExtractionRule.objects.filter(pk=rule.pk).exists()


def test_confirmed_delete_removes_the_rule(editor_web, db):
    rule = _rule()

    response = editor_web.post(f"/rules/{rule.pk}/delete/")

    assert response.status_code == 302
    assert not ExtractionRule.objects.filter(pk=rule.pk).exists()


# --- preview ----------------------------------------------------------------------


def test_preview_shows_the_diff_and_saves_nothing(editor_web, article):
    response = editor_web.post("/rules/preview/", _form(), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="diff"' in content
    assert "<del>Editor&#x27;s note: this article was updated" in content
    assert not ExtractionRule.objects.exists()
    assert not ReparseJob.objects.exists()
    article.refresh_from_db()
    assert NOTE in article.text


def test_preview_of_an_edit_replaces_the_saved_rule(
    editor_web, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rule = rule_services.rule_create(user=None, **DROP_NOTE).rule
    article.refresh_from_db()
    assert NOTE not in article.text

    response = editor_web.post("/rules/preview/", {**_form(enabled=""), "rule_id": rule.pk})

    assert "<ins>Editor&#x27;s note: this article" in response.content.decode()
    rule.refresh_from_db()
    assert rule.enabled is True


def test_preview_says_no_change_for_sources_the_rule_leaves_alone(editor_web, article):
    response = editor_web.post("/rules/preview/", _form(pattern="^Nothing matches this$"))

    content = response.content.decode()
    assert 'data-testid="preview-unchanged"' in content
    assert "no change" in content
    assert 'data-testid="diff"' not in content


def test_preview_of_a_bad_regex_shows_the_error(editor_web, article):
    response = editor_web.post("/rules/preview/", _form(pattern="(unclosed"))

    assert response.status_code == 200
    assert b'data-testid="preview-error"' in response.content
    assert b"not a valid regular expression" in response.content


def test_preview_escapes_article_text(editor_web, db):
    source_ingest(
        raw=ARTICLE.replace("Critics", "<script>alert(1)</script> Critics"),
        content_type="text/plain",
    )

    response = editor_web.post(
        "/rules/preview/", _form(kind="replace", pattern="Critics", replacement="Some")
    )

    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# --- roles ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_others_see_the_rules_read_only(client, request, role):
    client.force_login(request.getfixturevalue(role))
    _rule(name="Visible rule")

    response = client.get("/rules/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Visible rule" in content
    assert 'data-testid="read-only"' in content
    assert 'data-testid="rule-form"' not in content
    assert 'data-testid="toggle"' not in content


@pytest.mark.parametrize("role", ["viewer", "analyst"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/rules/new/"),
        ("get", "/rules/new/"),
        ("post", "/rules/{pk}/edit/"),
        ("post", "/rules/{pk}/toggle/"),
        ("post", "/rules/{pk}/move/"),
        ("post", "/rules/{pk}/delete/"),
        ("post", "/rules/preview/"),
    ],
)
def test_others_cannot_change_rules(client, request, role, method, path):
    client.force_login(request.getfixturevalue(role))
    rule = _rule()

    response = getattr(client, method)(
        path.format(pk=rule.pk), _form(pattern="^x", enabled="") if method == "post" else None
    )

    assert response.status_code == 403
    rule.refresh_from_db()
    assert (rule.pattern, rule.enabled, rule.position) == (DROP_NOTE["pattern"], True, 0)
    assert ExtractionRule.objects.count() == 1


def test_anonymous_users_are_sent_to_login(client, db):
    response = client.get("/rules/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_rule_text_is_escaped_on_the_page(editor_web, db):
    _rule(name="<script>alert('name')</script>", pattern="<img src=x onerror=alert(1)>")

    content = editor_web.get("/rules/").content.decode()

    assert "<script>alert(" not in content
    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content


def test_rules_are_grouped_global_first_then_by_outlet(editor_web, db):
    outlet = Outlet.objects.create(name="Example", domain="example.com")
    _rule(name="outlet rule", outlet=outlet, position=5)
    _rule(name="global rule", position=10)

    content = editor_web.get("/rules/").content.decode()

    assert content.index("All sources (global rules)") < content.index(">global rule<")
    assert content.index(">global rule<") < content.index("example.com</h3>")
    assert content.index("example.com</h3>") < content.index(">outlet rule<")


# --- jobs -------------------------------------------------------------------------


def test_job_fragment_shows_counters_and_keeps_polling_while_running(editor_web, db):
    job = ReparseJob.objects.create(
        status="running", total=10, processed=4, changed=3, relocated=2, orphaned=1, failed=0
    )

    response = editor_web.get(f"/rules/jobs/{job.pk}/", HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert 'hx-trigger="every 1s"' in content
    assert '<dd data-testid="job-processed">4 / 10</dd>' in content
    assert '<dd data-testid="job-changed">3</dd>' in content
    assert '<dd data-testid="job-relocated">2</dd>' in content
    assert ">1</a></dd>" in content  # orphaned, linking to the list
    assert '<dd data-testid="job-failed">0</dd>' in content
    assert "pct-40" in content
    assert "HX-Trigger" not in response.headers


def test_job_fragment_stops_polling_when_done(editor_web, db):
    job = ReparseJob.objects.create(status="done", total=3, processed=3)

    response = editor_web.get(f"/rules/jobs/{job.pk}/", HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert "hx-trigger" not in content
    assert "pct-100" in content
    assert response.headers["HX-Trigger"] == "reparse-finished"


def test_a_superseded_job_hands_over_to_its_successor(editor_web, db):
    newer = ReparseJob.objects.create(status="running", total=5, processed=1)
    older = ReparseJob.objects.create(status="done", superseded_by=newer)

    content = editor_web.get(f"/rules/jobs/{older.pk}/").content.decode()

    assert f'data-job="{newer.pk}"' in content
    assert f"Job {older.pk} was taken over" in content


def test_viewers_may_watch_a_job(client, viewer):
    client.force_login(viewer)
    job = ReparseJob.objects.create(status="queued")

    assert client.get(f"/rules/jobs/{job.pk}/").status_code == 200


@pytest.mark.parametrize("job", ["abc", "-1", "99999999999999999999999"])
def test_a_nonsense_job_parameter_is_ignored(editor_web, db, job):
    assert editor_web.get(f"/rules/?job={job}").status_code == 200


def test_the_page_lists_recent_jobs(editor_web, db):
    ReparseJob.objects.create(status="done", reason="Rule “x” changed", total=2, processed=2)

    content = editor_web.get("/rules/").content.decode()

    assert 'data-testid="recent-jobs"' in content
    assert "Rule “x” changed" in content


# --- orphans ----------------------------------------------------------------------


def test_orphan_list_shows_excerpts_a_rule_orphaned(
    editor_web, article, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        excerpt = excerpt_get_or_create(source=article, exact="updated on Tuesday to correct")
    with django_capture_on_commit_callbacks(execute=True):
        rule_services.rule_create(user=None, **DROP_NOTE)
    excerpt.refresh_from_db()
    assert excerpt.anchor_state == "orphaned"

    content = editor_web.get("/rules/").content.decode()

    assert f'data-excerpt="{excerpt.pk}"' in content
    assert f'href="/sources/{article.pk}/"' in content
    assert "<strong>updated on Tuesday to correct</strong>" in content


def test_orphans_fragment_refreshes_the_list(editor_web, article):
    Excerpt.objects.create(
        source=article, exact="gone words", start=0, end=10, anchor_state="orphaned"
    )

    response = editor_web.get("/rules/orphans/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert b"gone words" in response.content


# --- queries ----------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 20])
def test_rules_page_query_count_does_not_grow_with_rules(
    editor_web, article, django_assert_max_num_queries, count
):
    outlets = [Outlet.objects.create(name=f"o{n}", domain=f"o{n}.com") for n in range(3)]
    for n in range(count):
        _rule(name=f"rule {n}", position=n, outlet=outlets[n % 4] if n % 4 < 3 else None)
        ReparseJob.objects.create(status="done" if n % 2 else "running")
        Excerpt.objects.create(
            source=article, exact=f"quote {n}", start=n, end=n + 5, anchor_state="orphaned"
        )

    with django_assert_max_num_queries(8):
        response = editor_web.get("/rules/")

    assert response.status_code == 200


def test_saving_over_someone_elses_change_is_refused(editor_web, db):
    rule = _rule()
    seen = ExtractionRule.objects.get(pk=rule.pk).updated_at.isoformat()
    rule_services.rule_update(rule_id=rule.pk, user=None, pattern="^Their change")

    response = editor_web.post(
        f"/rules/{rule.pk}/edit/", _form(pattern="^My change", seen_updated_at=seen)
    )

    assert response.status_code == 400
    assert "Someone else changed this rule" in response.content.decode()
    assert ExtractionRule.objects.get(pk=rule.pk).pattern == "^Their change"
