"""The reader, the claim pages and the htmx endpoints behind them."""

from django.urls import path

from . import views

urlpatterns = [
    path("sources/<int:pk>/", views.source_detail_page, name="source-detail"),
    path("claims/", views.claim_list_page, name="claim-list"),
    path("claims/<int:pk>/", views.claim_detail_page, name="claim-detail"),
    # htmx fragments and actions
    path("ui/reader/<int:pk>/article/", views.source_article_fragment, name="ui-reader-article"),
    path("ui/reader/<int:pk>/raw/", views.source_raw_fragment, name="ui-reader-raw"),
    path("ui/reader/<int:pk>/panel/", views.link_panel, name="ui-reader-panel"),
    path("ui/reader/<int:pk>/link/", views.link_passage, name="ui-reader-link"),
    path("ui/claims/search/", views.claim_search_fragment, name="ui-claim-search"),
    path("ui/claims/similar/", views.claim_similar_fragment, name="ui-claim-similar"),
    path("ui/claims/<int:pk>/find/", views.find_more_fragment, name="ui-claim-find"),
    path("ui/claims/<int:pk>/link/", views.find_more_link, name="ui-claim-link"),
    path("ui/evidence/<int:pk>/edit/", views.evidence_edit, name="ui-evidence-edit"),
    path("ui/evidence/<int:pk>/unlink/", views.evidence_unlink, name="ui-evidence-unlink"),
]
