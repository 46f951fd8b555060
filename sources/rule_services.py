"""Writes of extraction rules. Every change that alters what extraction
produces for some sources creates a re-parse job for them (after commit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from claims_tracker.common.errors import ApplicationError
from sources.text.errors import TextError
from sources.text.extraction import RuleSpec, RuleTimeout, extract, validate_rule

from .errors import application_errors
from .models import ExtractionRule, Outlet, ReparseJob, Source
from .reparse import reparse_job_create
from .selectors import (
    fingerprint_for,
    outlet_by_domain,
    rule_specs,
    rules_effective,
    source_raw_text,
)
from .services import outlet_get_or_create

EDITABLE_FIELDS = (
    "name",
    "outlet",
    "kind",
    "pattern",
    "replacement",
    "field",
    "enabled",
    "position",
)
PREVIEW_DEFAULT_SOURCES = 5


@dataclass(frozen=True)
class RuleChange:
    rule: ExtractionRule | None
    reparse_job: ReparseJob | None


def _scope_fingerprint(outlet_id: int | None) -> str:
    """What extraction would be for the scope a rule lives in: the global rules
    alone, or the outlet's effective rules."""
    return fingerprint_for(rule_specs(rules_effective(outlet_id=outlet_id)))


def _resolve_outlet(value: Any) -> Outlet | None:
    if value in (None, ""):
        return None
    if isinstance(value, Outlet):
        return value
    return outlet_get_or_create(domain=str(value))


def _validate(rule: ExtractionRule) -> None:
    if not rule.name.strip():
        raise ApplicationError("A rule needs a name.")
    with application_errors():
        validate_rule(
            RuleSpec(
                kind=rule.kind, pattern=rule.pattern, replacement=rule.replacement, field=rule.field
            )
        )


def _reparse_if_changed(
    *, before: dict[int | None, str], user: AbstractBaseUser | None, reason: str
) -> ReparseJob | None:
    """One job per scope whose fingerprint moved; a global change covers all."""
    moved = [o for o, fp in before.items() if _scope_fingerprint(o) != fp]
    if not moved:
        return None
    outlet_id = None if None in moved or len(moved) > 1 else moved[0]
    return reparse_job_create(outlet_id=outlet_id, reason=reason, user=user)


@transaction.atomic
def rule_create(*, user: AbstractBaseUser | None, **data: Any) -> RuleChange:
    outlet = _resolve_outlet(data.pop("outlet", None))
    rule = ExtractionRule(outlet=outlet, updated_by=user, **data)
    if "position" not in data:
        last = (
            ExtractionRule.objects.order_by("-position").values_list("position", flat=True).first()
        )
        rule.position = (last or 0) + 10
    _validate(rule)
    before = {rule.outlet_id: _scope_fingerprint(rule.outlet_id)}
    rule.save()
    job = _reparse_if_changed(before=before, user=user, reason=f"Rule “{rule.name}” created")
    return RuleChange(rule, job)


@transaction.atomic
def rule_update(
    *,
    rule_id: int,
    user: AbstractBaseUser | None,
    seen_updated_at: dt.datetime | None = None,
    **data: Any,
) -> RuleChange:
    """Change a rule. Locks it, so two editors' changes apply one after the
    other; with ``seen_updated_at`` (the rule as the editor saw it) a change
    made by someone else in between is refused with a 409, not overwritten."""
    rule = ExtractionRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise ApplicationError("No such rule.", code="not_found", status=404)
    if seen_updated_at is not None and seen_updated_at != rule.updated_at:
        raise ApplicationError(
            f"Someone else changed this rule at {rule.updated_at:%Y-%m-%d %H:%M:%S} UTC, after "
            "you opened it. Reload it, check their change, and try again.",
            code="conflict",
            status=409,
            extra={"updated_at": rule.updated_at.isoformat()},
        )
    before = {rule.outlet_id: _scope_fingerprint(rule.outlet_id)}
    if "outlet" in data:
        rule.outlet = _resolve_outlet(data.pop("outlet"))
        before.setdefault(rule.outlet_id, _scope_fingerprint(rule.outlet_id))
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise ApplicationError(f"“{name}” cannot be changed.")
        setattr(rule, name, value)
    rule.updated_by = user
    _validate(rule)
    rule.save()
    job = _reparse_if_changed(before=before, user=user, reason=f"Rule “{rule.name}” changed")
    return RuleChange(rule, job)


@transaction.atomic
def rule_delete(*, rule_id: int, user: AbstractBaseUser | None) -> RuleChange:
    rule = ExtractionRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise ApplicationError("No such rule.", code="not_found", status=404)
    before = {rule.outlet_id: _scope_fingerprint(rule.outlet_id)}
    name = rule.name
    rule._change_reason = "deleted"
    rule.delete()
    job = _reparse_if_changed(before=before, user=user, reason=f"Rule “{name}” deleted")
    return RuleChange(None, job)


@transaction.atomic
def rules_reorder(*, rule_ids: list[int], user: AbstractBaseUser | None) -> RuleChange:
    """Put these rules in this order (positions 10, 20, ...)."""
    rules = {r.pk: r for r in ExtractionRule.objects.select_for_update().filter(pk__in=rule_ids)}
    if len(rules) != len(set(rule_ids)):
        raise ApplicationError("Some of these rules do not exist.", code="not_found", status=404)
    outlets = {r.outlet_id for r in rules.values()}
    before = {o: _scope_fingerprint(o) for o in outlets}
    for index, rule_id in enumerate(rule_ids):
        rule = rules[rule_id]
        rule.position = (index + 1) * 10
        rule.updated_by = user
        rule.save(update_fields=["position", "updated_by", "updated_at"])
    job = _reparse_if_changed(before=before, user=user, reason="Rules reordered")
    return RuleChange(None, job)


@dataclass(frozen=True)
class PreviewItem:
    source_id: int
    title: str
    before: str
    after: str
    changed: bool
    error: str = ""


def rule_preview(
    *,
    data: dict[str, Any],
    rule_id: int | None = None,
    source_ids: list[int] | None = None,
    limit: int = PREVIEW_DEFAULT_SOURCES,
) -> list[PreviewItem]:
    """Each affected source's text before and after the rule (as given in
    ``data``, replacing rule ``rule_id`` when editing), without saving."""
    outlet = data.get("outlet")
    outlet_obj = None
    if outlet:
        outlet_obj = outlet_by_domain(domain=str(outlet))
        if outlet_obj is None:
            return []
    candidate = ExtractionRule(
        pk=rule_id,
        name=data.get("name") or "preview",
        outlet=outlet_obj,
        kind=data.get("kind", ""),
        pattern=data.get("pattern", ""),
        replacement=data.get("replacement", "") or "",
        field=data.get("field", "") or "",
        enabled=data.get("enabled", True),
        position=data.get("position", 10**6) if data.get("position") is not None else 10**6,
    )
    _validate(candidate)
    sources = Source.objects.select_related("outlet").order_by("-ingested_at")
    if outlet_obj is not None:
        sources = sources.filter(outlet=outlet_obj)
    if source_ids:
        sources = sources.filter(pk__in=source_ids)
    sources = list(sources[: max(1, min(limit, 50))])
    others = list(
        ExtractionRule.objects.filter(enabled=True).exclude(pk=rule_id).order_by("position", "id")
    )
    items = []
    for source in sources:
        rules = [r for r in others if r.outlet_id in (None, source.outlet_id)]
        if candidate.enabled:
            rules.append(candidate)
            rules.sort(key=lambda r: (r.position, r.pk or 10**12))
        try:
            decoded = source_raw_text(source)
            after = extract(
                decoded,
                content_type=source.content_type,
                url=source.url,
                rules=rule_specs(rules),
                reference_time=source.ingested_at,
            )
            after_text, error = after.text, ""
        except TextError as exc:
            after_text, error = "", exc.message
        except RuleTimeout as exc:
            after_text, error = "", str(exc)
        items.append(
            PreviewItem(
                source_id=source.pk,
                title=source.title,
                before=source.text,
                after=after_text,
                changed=after_text != source.text,
                error=error,
            )
        )
    return items
