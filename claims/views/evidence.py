"""Evidence edits from the claim page and the reader: change a stance or a
speaker, unlink a pair."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from claims_tracker.common.errors import ApplicationError

from .. import services
from ..forms import EvidenceEditForm, form_messages
from .base import analyst_required, claim_or_404, error_response, source_or_404
from .claims import evidence_context
from .reader import reader_context


def _evidence_section(request: HttpRequest, claim_id: int, *, oob: bool = False) -> HttpResponse:
    context = evidence_context(claim_or_404(claim_id))
    context["oob"] = oob
    return render(request, "claims/_evidence.html", context)


@require_POST
@analyst_required
def evidence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    form = EvidenceEditForm(request.POST)
    if not form.is_valid():
        return error_response(form_messages(form), status=400, retarget="#claim-evidence-errors")
    changes = {}
    if form.cleaned_data["stance"]:
        changes["stance"] = form.cleaned_data["stance"]
    if "attributed_to" in request.POST:
        changes["attributed_to"] = form.cleaned_data["attributed_to"]
    try:
        evidence = services.evidence_update(evidence_id=pk, user=request.user, **changes)
    except ApplicationError as exc:
        return error_response([exc.message], status=exc.status, retarget="#claim-evidence-errors")
    return _evidence_section(request, evidence.claim_id)


@require_POST
@analyst_required
def evidence_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        tombstone = services.evidence_unlink(evidence_id=pk, user=request.user)
    except ApplicationError as exc:
        where = (
            "#reader-evidence-errors"
            if request.POST.get("from") == "reader"
            else "#claim-evidence-errors"
        )
        return error_response([exc.message], status=exc.status, retarget=where)
    if request.POST.get("from") == "reader":
        source = source_or_404(tombstone.source_id)
        return render(request, "claims/_reader_refresh.html", reader_context(request, source))
    return _evidence_section(request, tombstone.claim_id)
