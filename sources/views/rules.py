"""The /rules/ pages: extraction rules for editors, a preview of a rule's
effect before saving it, the progress of the re-parse jobs rule changes
start, and the excerpts those re-parses orphaned.

Everyone signed in may look (read-only); only editors change anything, and
every change goes through ``sources.rule_services``. Fragments for htmx
(rule list, preview, job progress, orphans) are the same templates the full
page includes, so the page works without JavaScript too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.roles import is_editor, page_requires

from .. import reparse, rule_services, selectors
from ..models import ExtractionRule, Outlet, ReparseJob, ReparseStatus
from ..rules_forms import RuleForm
from ..text.diff import DiffSummary, diff_summary, render_diff

RECENT_JOBS = 10
ORPHANS_SHOWN = 50
FAILED_JOBS_SHOWN_FOR = dt.timedelta(days=7)
PREVIEW_SOURCES = 8
# How many "superseded by" links the progress fragment follows to the job
# that actually carries on the work.
SUPERSEDED_HOPS = 5
ACTIVE = (ReparseStatus.QUEUED, ReparseStatus.RUNNING)

View = Callable[..., HttpResponse]


editor_required = page_requires(is_editor, "Only editors may change extraction rules.")


# --- reading ---------------------------------------------------------------------


@dataclass(frozen=True)
class RuleGroup:
    outlet: Outlet | None
    rules: list[ExtractionRule]

    @property
    def label(self) -> str:
        return self.outlet.domain if self.outlet else "All sources (global rules)"


def _rule_groups() -> list[RuleGroup]:
    """Global rules first, then each outlet's, each in pipeline order."""
    grouped: dict[int | None, list[ExtractionRule]] = {}
    for rule in selectors.rule_list():
        grouped.setdefault(rule.outlet_id, []).append(rule)
    groups = [RuleGroup(None, grouped.pop(None, []))]
    outlet_groups = [RuleGroup(rules[0].outlet, rules) for rules in grouped.values()]
    groups.extend(sorted(outlet_groups, key=lambda g: g.outlet.domain if g.outlet else ""))
    return groups


def _orphans_context() -> dict[str, Any]:
    # The reader link needs the source's id and title only; its raw input and
    # text can be megabytes.
    orphans = selectors.excerpt_orphans().defer("source__raw", "source__text")
    shown = list(orphans[: ORPHANS_SHOWN + 1])
    return {
        "orphans": shown[:ORPHANS_SHOWN],
        "orphans_more": len(shown) > ORPHANS_SHOWN,
    }


def _job_focus(job_id: int | None) -> list[ReparseJob]:
    """The job the user just started (if any), every job still running, and
    the latest failed jobs nobody retried yet (with their reason)."""
    jobs = list(selectors.reparse_job_focus(failed_within=FAILED_JOBS_SHOWN_FOR))
    if job_id is not None and all(job.pk != job_id for job in jobs):
        focused = selectors.reparse_job_detail(job_id=job_id)
        if focused is not None:
            jobs.insert(0, focused)
    return jobs


def _int_param(value: str | None) -> int | None:
    """A positive id from the query string, or None (ids past 2**63 cannot exist)."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 < number < 2**63 else None


def _page_context(request: HttpRequest, *, job_id: int | None = None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "groups": _rule_groups(),
        "focus_jobs": _job_focus(job_id),
        "recent_jobs": selectors.reparse_job_recent(limit=RECENT_JOBS),
        **_orphans_context(),
    }
    if is_editor(request.user):
        context["form"] = RuleForm()
        context["outlets"] = selectors.outlet_list()
    return context


@require_GET
def rules_page(request: HttpRequest) -> HttpResponse:
    context = _page_context(request, job_id=_int_param(request.GET.get("job")))
    return render(request, "rules/page.html", context)


@require_GET
def reparse_job_fragment(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job's progress; polled every second while it is queued or running.
    A superseded job hands over to the job that took over its sources."""
    job = selectors.reparse_job_detail(job_id=job_id)
    if job is None:
        raise Http404("No such re-parse job.")
    superseded: list[ReparseJob] = []
    # Only a job that has ended hands the page over: one that still owes some
    # sources (the successor did not cover them) is shown itself.
    while job.superseded_by_id and job.status not in ACTIVE and len(superseded) < SUPERSEDED_HOPS:
        successor = selectors.reparse_job_detail(job_id=job.superseded_by_id)
        if successor is None:
            break
        superseded.append(job)
        job = successor
    response = render(request, "rules/_job.html", {"job": job, "superseded": superseded})
    if job.status not in ACTIVE and request.htmx:
        # The last poll: let the orphan list refresh itself.
        response["HX-Trigger"] = "reparse-finished"
    return response


@require_POST
@editor_required
def reparse_job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    """The "retry failed sources" button of an ended job."""
    job = get_object_or_404(ReparseJob, pk=job_id)
    retry = reparse.reparse_job_retry_failed(job_id=job.pk, user=request.user)
    if retry is None:
        messages.info(request, f"Job {job.pk} has no failed sources left to retry.")
        return redirect(reverse("sources:rules") + "#jobs")
    messages.success(request, f"Retrying the failed sources of job {job.pk} (job {retry.pk}).")
    return redirect(reverse("sources:rules") + f"?job={retry.pk}#jobs")


@require_GET
def orphans_fragment(request: HttpRequest) -> HttpResponse:
    return render(request, "rules/_orphans.html", _orphans_context())


# --- changing ----------------------------------------------------------------------


def _announce(request: HttpRequest, change: rule_services.RuleChange, done: str) -> None:
    if change.reparse_job is not None:
        messages.success(
            request, f"{done} Re-parsing the affected sources (job {change.reparse_job.pk})."
        )
    else:
        messages.success(
            request, f"{done} What extraction produces does not change; nothing to re-parse."
        )


def _back_to_list(change: rule_services.RuleChange) -> HttpResponse:
    url = reverse("sources:rules")
    if change.reparse_job is not None:
        url += f"?job={change.reparse_job.pk}#jobs"
    return redirect(url)


def _rule_or_404(rule_id: int) -> ExtractionRule:
    return get_object_or_404(selectors.rule_list(), pk=rule_id)


def _form_page(
    request: HttpRequest, form: RuleForm, *, rule: ExtractionRule | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "rule": rule, "outlets": selectors.outlet_list()}
    return render(request, "rules/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@editor_required
def rule_create_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, RuleForm(), rule=None)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            change = rule_services.rule_create(user=request.user, **form.rule_data())
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            _announce(request, change, f"Rule “{change.rule.name}” created.")
            return _back_to_list(change)
    return _form_page(request, form, rule=None, status=400)


@require_http_methods(["GET", "POST"])
@editor_required
def rule_edit_page(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = _rule_or_404(rule_id)
    if request.method == "GET":
        return _form_page(request, RuleForm.for_rule(rule), rule=rule)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            change = rule_services.rule_update(
                rule_id=rule.pk,
                user=request.user,
                seen_updated_at=form.cleaned_data.get("seen_updated_at"),
                **form.rule_data(),
            )
        except ApplicationError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from None
            form.add_service_error(exc)
        else:
            _announce(request, change, f"Rule “{change.rule.name}” saved.")
            return _back_to_list(change)
    return _form_page(request, form, rule=rule, status=400)


@require_http_methods(["GET", "POST"])
@editor_required
def rule_delete_page(request: HttpRequest, rule_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    rule = _rule_or_404(rule_id)
    if request.method == "GET":
        return render(request, "rules/confirm_delete.html", {"rule": rule})
    try:
        change = rule_services.rule_delete(rule_id=rule.pk, user=request.user)
    except ApplicationError as exc:
        raise Http404(exc.message) from None
    _announce(request, change, f"Rule “{rule.name}” deleted.")
    return _back_to_list(change)


def _list_changed(
    request: HttpRequest,
    change: rule_services.RuleChange,
    done: str,
    *,
    error: str = "",
) -> HttpResponse:
    """After a toggle or a move: htmx gets the rule list again plus the job's
    progress (out of band); a plain form post goes back to the page."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            _announce(request, change, done)
        return _back_to_list(change)
    job_id = change.reparse_job.pk if change.reparse_job else None
    context = {"groups": _rule_groups(), "focus_jobs": _job_focus(job_id), "list_error": error}
    return render(request, "rules/_list_changed.html", context)


def _refused(exc: ApplicationError) -> str:
    """The message of a refused change; a rule deleted meanwhile is a 404."""
    if exc.status == 404:
        raise Http404(exc.message)
    return exc.message


@require_POST
@editor_required
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Sets ``enabled`` to the value posted (not a flip), so a double click
    or two editors clicking at once end in the state they asked for."""
    rule = _rule_or_404(rule_id)
    enabled = request.POST.get("enabled") == "1"
    state = "enabled" if enabled else "disabled"
    try:
        change = rule_services.rule_update(rule_id=rule.pk, user=request.user, enabled=enabled)
    except ApplicationError as exc:
        error = _refused(exc)
        return _list_changed(request, rule_services.RuleChange(rule, None), "", error=error)
    return _list_changed(request, change, f"Rule “{rule.name}” {state}.")


def _moved_order(rule_id: int, direction: str) -> list[int] | None:
    """All rule ids in pipeline order with ``rule_id`` swapped with its
    neighbour in its own group (same outlet); None when it cannot move.

    Global and outlet rules share one sequence of positions, so the whole
    order is renumbered: the other rules keep their relative order."""
    rows = list(selectors.rule_list().values_list("pk", "outlet_id"))
    index = next((i for i, (pk, _) in enumerate(rows) if pk == rule_id), None)
    if index is None:
        return None
    outlet_id = rows[index][1]
    step = -1 if direction == "up" else 1
    other = index + step
    while 0 <= other < len(rows) and rows[other][1] != outlet_id:
        other += step
    if not 0 <= other < len(rows):
        return None
    ids = [pk for pk, _ in rows]
    ids[index], ids[other] = ids[other], ids[index]
    return ids


@require_POST
@editor_required
def rule_move(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = _rule_or_404(rule_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse("direction must be “up” or “down”.", status=400)
    order = _moved_order(rule.pk, direction)
    unchanged = rule_services.RuleChange(rule, None)
    if order is None:  # already first or last of its group
        return _list_changed(request, unchanged, f"Rule “{rule.name}” stays where it is.")
    try:
        change = rule_services.rules_reorder(rule_ids=order, user=request.user)
    except ApplicationError as exc:
        # Another rule was deleted meanwhile: show the list as it is now.
        return _list_changed(request, unchanged, "", error=exc.message)
    return _list_changed(request, change, f"Rule “{rule.name}” moved {direction}.")


# --- preview -----------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    item: rule_services.PreviewItem
    diff: str
    summary: DiffSummary


@require_POST
@editor_required
def rule_preview_fragment(request: HttpRequest) -> HttpResponse:
    """The rule as typed in the form, applied to a few recent sources (of its
    outlet, if it has one), before/after as a diff. Saves nothing."""
    form = RuleForm(request.POST)
    context: dict[str, Any] = {"form": form}
    rule_id = _int_param(request.POST.get("rule_id"))
    if form.is_valid():
        data = form.rule_data()
        if rule_id is not None:
            rule = _rule_or_404(rule_id)
            data["position"] = rule.position  # so it runs where it will run
        try:
            items = rule_services.rule_preview(data=data, rule_id=rule_id, limit=PREVIEW_SOURCES)
        except ApplicationError as exc:
            context["error"] = exc.message
        else:
            rows = [
                PreviewRow(
                    item,
                    # render_diff escapes every piece of text it is given.
                    mark_safe(render_diff(item.before, item.after)),  # noqa: S308
                    diff_summary(item.before, item.after),
                )
                for item in items
            ]
            context["changed_rows"] = [row for row in rows if row.item.changed or row.item.error]
            context["unchanged_rows"] = [
                row for row in rows if not (row.item.changed or row.item.error)
            ]
            context["sampled"] = len(rows)
    # Always 200: htmx swaps only successful responses, and the errors are the
    # content here.
    return render(request, "rules/_preview.html", context)
