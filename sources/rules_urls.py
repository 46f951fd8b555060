"""Routes of the /rules/ pages and their htmx fragments."""

from django.urls import path

from . import rules_views as views

urlpatterns = [
    path("rules/", views.rules_page, name="rules"),
    path("rules/new/", views.rule_create_page, name="rule-create"),
    path("rules/preview/", views.rule_preview_fragment, name="rule-preview"),
    path("rules/orphans/", views.orphans_fragment, name="rule-orphans"),
    path("rules/jobs/<int:job_id>/", views.reparse_job_fragment, name="rule-job"),
    path("rules/jobs/<int:job_id>/retry/", views.reparse_job_retry, name="rule-job-retry"),
    path("rules/<int:rule_id>/edit/", views.rule_edit_page, name="rule-edit"),
    path("rules/<int:rule_id>/delete/", views.rule_delete_page, name="rule-delete"),
    path("rules/<int:rule_id>/toggle/", views.rule_toggle, name="rule-toggle"),
    path("rules/<int:rule_id>/move/", views.rule_move, name="rule-move"),
]
