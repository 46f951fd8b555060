"""The app's URLs plus ``/baseline/evidence/``: a plain Django view returning
the same 100 pairs as ``GET /api/evidence/?page_size=100`` with the same joins,
through ``values()`` and ``JsonResponse``: what the list costs without DRF."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from claims.evidence_rows import LOOKUPS
from claims.models import Evidence


@login_not_required  # no authentication at all: the floor
def baseline_evidence(request: HttpRequest) -> JsonResponse:
    rows = list(Evidence.objects.order_by("-created_at", "-id").values(*LOOKUPS)[:100])
    return JsonResponse({"results": rows})


urlpatterns = [
    path("baseline/evidence/", baseline_evidence),
    path("", include("claims_tracker.urls")),
]
