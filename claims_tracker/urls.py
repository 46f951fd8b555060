"""The whole URL map. Each app's pages are in its own ``urls.py`` under its
namespace (``sources:``, ``claims:``, ``accounts:``); every REST endpoint is
registered here, under ``api:``."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from claims.api import ActorViewSet, ClaimViewSet, EvidenceViewSet, ReviewQueueView
from claims_tracker.common import schema_extensions  # noqa: F401 - registers the token scheme
from claims_tracker.common.api import api_not_found
from claims_tracker.common.api_tokens import ApiTokenViewSet
from claims_tracker.common.views import healthz
from sources.api import (
    AttributionSuggestView,
    ExtractionRuleViewSet,
    ReparseJobViewSet,
    SourceViewSet,
)

router = DefaultRouter()
router.register("sources", SourceViewSet, basename="source")  # /api/sources/...
router.register("claims", ClaimViewSet, basename="claim")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("rules", ExtractionRuleViewSet, basename="rule")
router.register("reparse-jobs", ReparseJobViewSet, basename="reparsejob")
router.register("tokens", ApiTokenViewSet, basename="apitoken")
router.register("actors", ActorViewSet, basename="actor")

api_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("review-queue/", ReviewQueueView.as_view(), name="review-queue"),
    path("attributions/suggest/", AttributionSuggestView.as_view(), name="attribution-suggest"),
    *router.urls,
    # Ends in a slash, so that APPEND_SLASH still redirects `/api/claims` first.
    re_path(r"^.*/$", api_not_found, name="not-found"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("claims_tracker.common.urls")),  # login, logout, profile
    path("api/", include((api_urlpatterns, "api"))),
    path("", include("sources.urls")),  # /sources/, /sources/new/, /rules/...
    path("", include("claims.urls")),  # /, /sources/<id>/ (reader), /claims/, /review/...
]
