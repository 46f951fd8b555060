"""The claims app's pages: ``claims:*`` — the dashboard, the reader, the claim
pages, evidence edits, the editors' review queue, and the htmx endpoints
behind them (under ``ui/``)."""

from django.urls import path

from .views import actors, claims, dashboard, evidence, quotes, reader, review, workspace

app_name = "claims"
urlpatterns = [
    path("", dashboard.dashboard_page, name="dashboard"),
    # The reader: a source's text with its evidence.
    path("sources/<int:pk>/", reader.source_detail_page, name="reader"),
    path("ui/reader/<int:pk>/article/", reader.source_article_fragment, name="reader-article"),
    path("ui/reader/<int:pk>/raw/", reader.source_raw_fragment, name="reader-raw"),
    path("ui/reader/<int:pk>/panel/", reader.link_panel, name="reader-panel"),
    path("ui/reader/<int:pk>/link/", reader.link_passage, name="reader-link"),
    path("ui/claims/search/", reader.claim_search_fragment, name="search"),
    path("ui/claims/similar/", reader.claim_similar_fragment, name="similar"),
    # Claims.
    path("claims/", claims.claim_list_page, name="list"),
    path("claims/<int:pk>/", claims.claim_detail_page, name="detail"),
    # The analyst's work on claims themselves.
    path("claims/new/", workspace.claim_new_page, name="new"),
    path("ui/claims/new/similar/", workspace.claim_new_similar_fragment, name="new-similar"),
    path("claims/<int:pk>/edit/", workspace.claim_edit_page, name="edit"),
    path("claims/<int:pk>/merge/", workspace.claim_merge_page, name="merge"),
    path("claims/<int:pk>/split/", workspace.claim_split_page, name="split"),
    path("claims/bulk/", workspace.claim_bulk_page, name="bulk"),
    path("claims/export/", workspace.claim_export, name="export"),
    path(
        "ui/claims/<int:pk>/column/<str:stance>/",
        claims.evidence_column_fragment,
        name="column",
    ),
    path("ui/claims/<int:pk>/find/", claims.find_more_fragment, name="find-more"),
    path("ui/claims/<int:pk>/link/", claims.find_more_link, name="find-more-link"),
    # Evidence edits.
    path("ui/evidence/<int:pk>/edit/", evidence.evidence_edit, name="evidence-edit"),
    path("ui/evidence/<int:pk>/unlink/", evidence.evidence_unlink, name="evidence-unlink"),
    # Actors: who says things.
    path("actors/", actors.actor_list_page, name="actors"),
    path("actors/<int:pk>/", actors.actor_detail_page, name="actor"),
    path("actors/<int:pk>/edit/", actors.actor_edit, name="actor-edit"),
    path("actors/<int:pk>/merge/", actors.actor_merge, name="actor-merge"),
    # Quotes a re-parse changed or orphaned, for a person to check.
    path("quotes/", quotes.quotes_page, name="quotes"),
    path("ui/quotes/<int:pk>/confirm/", quotes.quote_confirm, name="quote-confirm"),
    path("ui/quotes/<int:pk>/unlink/", quotes.quote_unlink, name="quote-unlink"),
    # The editors' review queue.
    path("review/", review.review_queue_page, name="review"),
    path("review/<int:pk>/verdict/", review.review_verdict, name="review-verdict"),
]
