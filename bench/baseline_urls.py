"""The app's URLs plus ``/baseline/evidence/``: a plain Django view returning
the same 100 pairs as ``GET /api/evidence/?page_size=100`` with the same joins,
through ``values()`` and ``JsonResponse``: what the list costs without DRF."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from claims.models import Evidence

_COLUMNS = (
    "id",
    "claim_id",
    "claim__text",
    "claim__verdict",
    "excerpt__source_id",
    "excerpt__source__url",
    "excerpt__source__title",
    "excerpt__source__published_at",
    "excerpt__source__outlet__domain",
    "stance",
    "excerpt__exact",
    "excerpt__prefix",
    "excerpt__suffix",
    "excerpt__start",
    "excerpt__end",
    "excerpt__anchor_state",
    "attributed_to",
    "note",
    "created_by__username",
    "created_at",
    "updated_at",
)


@login_not_required  # no authentication at all: the floor
def baseline_evidence(request: HttpRequest) -> JsonResponse:
    rows = list(Evidence.objects.order_by("-created_at", "-id").values(*_COLUMNS)[:100])
    return JsonResponse({"results": rows})


urlpatterns = [
    path("baseline/evidence/", baseline_evidence),
    path("", include("claims_tracker.urls")),
]
