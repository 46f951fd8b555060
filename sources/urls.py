"""The sources app's pages: ``sources:*``. (A source's own page, the reader,
shows evidence and so lives in ``claims.urls``: sources know nothing of claims.)"""

from django.urls import path

from .views import ingest, rules

app_name = "sources"
urlpatterns = [
    path("sources/", ingest.source_list_page, name="list"),
    path("sources/new/", ingest.source_new_page, name="new"),
    path("sources/batches/<int:pk>/", ingest.ingest_batch_page, name="batch"),
    # Extraction rules, their preview and the re-parse progress (htmx fragments too).
    path("rules/", rules.rules_page, name="rules"),
    path("rules/new/", rules.rule_create_page, name="rule-create"),
    path("rules/preview/", rules.rule_preview_fragment, name="rule-preview"),
    path("rules/orphans/", rules.orphans_fragment, name="rule-orphans"),
    path("rules/jobs/<int:job_id>/", rules.reparse_job_fragment, name="rule-job"),
    path("rules/<int:rule_id>/edit/", rules.rule_edit_page, name="rule-edit"),
    path("rules/<int:rule_id>/delete/", rules.rule_delete_page, name="rule-delete"),
    path("rules/<int:rule_id>/toggle/", rules.rule_toggle, name="rule-toggle"),
    path("rules/<int:rule_id>/move/", rules.rule_move, name="rule-move"),
]
