"""Every REST endpoint under /api/, one router."""

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from claims.api import ClaimViewSet, EvidenceViewSet, ReviewQueueView
from claims_tracker.common import schema_extensions  # noqa: F401 - registers the token scheme
from claims_tracker.common.api import api_not_found
from claims_tracker.common.api_tokens import ApiTokenViewSet
from sources.api import ExtractionRuleViewSet, ReparseJobViewSet, SourceViewSet

router = DefaultRouter()
router.register("sources", SourceViewSet, basename="source")
router.register("claims", ClaimViewSet, basename="claim")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("rules", ExtractionRuleViewSet, basename="rule")
router.register("reparse-jobs", ReparseJobViewSet, basename="reparsejob")
router.register("tokens", ApiTokenViewSet, basename="apitoken")

urlpatterns = [
    path("review-queue/", ReviewQueueView.as_view(), name="review-queue"),
    *router.urls,
    # Ends in a slash, so that APPEND_SLASH still redirects `/api/claims` first.
    re_path(r"^.*/$", api_not_found, name="api-not-found"),
]
