"""Reads of claims and evidence. Every list is built here with its joins and
aggregates, so the number of queries does not grow with the page size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, User
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from rapidfuzz import fuzz, process

from sources import selectors as source_selectors
from sources.models import ANCHOR_STATES_TO_CHECK, Source, SourceStatus

from .models import Claim, Evidence, EvidenceTombstone, Review, Stance, Tag, Verdict
from .passages import MAX_PASSAGES, MAX_SOURCES, Passage, significant_words, source_passages


def _with_counts(qs: QuerySet[Claim]) -> QuerySet[Claim]:
    return qs.annotate(
        asserts_count=Count("evidence", filter=Q(evidence__stance=Stance.ASSERTS), distinct=True),
        disputes_count=Count("evidence", filter=Q(evidence__stance=Stance.DISPUTES), distinct=True),
        mentions_count=Count("evidence", filter=Q(evidence__stance=Stance.MENTIONS), distinct=True),
        quotes_to_check=Count(
            "evidence",
            filter=Q(evidence__excerpt__anchor_state__in=ANCHOR_STATES_TO_CHECK),
            distinct=True,
        ),
    ).annotate(
        evidence_total=F("asserts_count") + F("disputes_count") + F("mentions_count"),
        is_contested=ExpressionWrapper(
            Q(asserts_count__gt=0) & Q(disputes_count__gt=0), output_field=BooleanField()
        ),
    )


def _has_stance(stance: str) -> Exists:
    return Exists(Evidence.objects.filter(claim=OuterRef("pk"), stance=stance))


def contested_condition() -> Q:
    return Q(_has_stance(Stance.ASSERTS)) & Q(_has_stance(Stance.DISPUTES))


# Filters shared by the pages (through ``claim_list``) and the API's
# FilterSets, so a filter means the same thing everywhere.


def claims_with_words(qs: QuerySet[Claim], q: str) -> QuerySet[Claim]:
    for word in q.split():
        qs = qs.filter(text__icontains=word)
    return qs


def claims_contested(qs: QuerySet[Claim], contested: bool) -> QuerySet[Claim]:
    return qs.filter(contested_condition()) if contested else qs.exclude(contested_condition())


def claims_tagged(qs: QuerySet[Claim], tag: str) -> QuerySet[Claim]:
    return qs.filter(tags__name=tag.strip().lower())


def evidence_changed_since(qs: QuerySet[Evidence], since: dt.datetime) -> QuerySet[Evidence]:
    # A re-anchored excerpt changes the pair's quote: syncing clients see it.
    return qs.filter(Q(updated_at__gte=since) | Q(excerpt__updated_at__gte=since))


def evidence_of_contested_claims(qs: QuerySet[Evidence], contested: bool) -> QuerySet[Evidence]:
    contested_claims = Claim.objects.filter(contested_condition()).values("pk")
    return (
        qs.filter(claim__in=contested_claims)
        if contested
        else qs.exclude(claim__in=contested_claims)
    )


def evidence_to_check(qs: QuerySet[Evidence], to_check: bool = True) -> QuerySet[Evidence]:
    """Pairs whose quote waits for a person (``changed`` or ``orphaned``)."""
    condition = Q(excerpt__anchor_state__in=ANCHOR_STATES_TO_CHECK)
    return qs.filter(condition) if to_check else qs.exclude(condition)


def quotes_to_check(*, state: str = "") -> QuerySet[Evidence]:
    """The "Quotes to check" list: pairs whose quote is ``changed`` or
    ``orphaned`` (or only ``state``), latest re-anchoring first, with what
    the page shows joined in (the sources' raw bytes and text left out)."""
    states = [state] if state in ANCHOR_STATES_TO_CHECK else list(ANCHOR_STATES_TO_CHECK)
    return (
        Evidence.objects.filter(excerpt__anchor_state__in=states)
        .select_related("claim", "excerpt", "excerpt__source", "excerpt__source__outlet")
        .defer("excerpt__source__raw", "excerpt__source__text", "excerpt__source__overrides")
        .order_by("-excerpt__updated_at", "-id")
    )


def quotes_to_check_count() -> int:
    return Evidence.objects.filter(excerpt__anchor_state__in=ANCHOR_STATES_TO_CHECK).count()


def claim_list(
    *,
    q: str = "",
    verdict: str = "",
    contested: bool | None = None,
    tag: str = "",
    updated_since: dt.datetime | None = None,
) -> QuerySet[Claim]:
    qs = Claim.objects.select_related("reviewed_by", "created_by").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name"))
    )
    if q:
        qs = claims_with_words(qs, q)
    if verdict:
        qs = qs.filter(verdict=verdict)
    if contested is not None:
        qs = claims_contested(qs, contested)
    if tag:
        qs = claims_tagged(qs, tag)
    if updated_since:
        qs = qs.filter(updated_at__gte=updated_since)
    return _with_counts(qs).order_by("-updated_at", "-id")


def claim_detail(*, claim_id: int) -> Claim:
    return claim_list().get(pk=claim_id)


def review_queue_condition() -> Q:
    """Contested claims never reviewed; and every reviewed claim whose
    evidence revision moved on since its verdict (evidence linked, unlinked,
    re-stanced, or a quote changed or orphaned by a re-parse)."""
    unreviewed = Q(verdict=Verdict.UNREVIEWED) | Q(reviewed_at__isnull=True)
    evidence_moved = Q(reviewed_revision__isnull=False) & Q(
        evidence_revision__gt=F("reviewed_revision")
    )
    return (contested_condition() & unreviewed) | evidence_moved


def review_queue() -> QuerySet[Claim]:
    """The claims waiting for a verdict (``review_queue_condition``), most
    evidence first."""
    return (
        claim_list()
        .filter(review_queue_condition())
        .order_by("-evidence_total", "-updated_at", "-id")
    )


def evidence_list() -> QuerySet[Evidence]:
    """Every pair with what a list shows joined in; the API's FilterSet
    narrows it (with ``evidence_changed_since`` and friends)."""
    return (
        Evidence.objects.select_related(
            "claim", "excerpt", "excerpt__source", "excerpt__source__outlet", "created_by"
        )
        .defer("excerpt__source__raw", "excerpt__source__text")
        .order_by("-created_at", "-id")
    )


def evidence_for_claim(*, claim_id: int) -> list[Evidence]:
    return list(
        Evidence.objects.filter(claim_id=claim_id)
        .select_related("excerpt", "excerpt__source", "excerpt__source__outlet", "created_by")
        .defer("excerpt__source__raw")
        .order_by("excerpt__source__published_at", "created_at")
    )


def evidence_for_source(*, source_id: int) -> list[Evidence]:
    return list(
        Evidence.objects.filter(excerpt__source_id=source_id)
        .select_related("claim", "excerpt")
        .order_by("excerpt__start", "id")
    )


def evidence_is_anchored(evidence: Evidence, text: str) -> bool:
    """The pair's quote points at its span of the source's text (``changed``
    ones too)."""
    excerpt = evidence.excerpt
    return excerpt.anchor_state != "orphaned" and text[excerpt.start : excerpt.end] == excerpt.exact


def evidence_needs_check(evidence: Evidence, text: str) -> bool:
    """The quote does not show the analyst's words: changed, or not found."""
    return evidence.excerpt.anchor_state == "changed" or not evidence_is_anchored(evidence, text)


def evidence_deleted_since(*, since: dt.datetime) -> QuerySet[EvidenceTombstone]:
    return EvidenceTombstone.objects.filter(deleted_at__gte=since).order_by(
        "deleted_at", "evidence_id"
    )


def claim_similar(
    *, text: str, limit: int = 5, threshold: float = 70.0, exclude_id: int | None = None
) -> list[tuple[Claim, float]]:
    """Existing claims that read like ``text`` (rapidfuzz token-set ratio),
    best first: shown before a near-duplicate claim is created."""
    text = text.strip()
    if not text:
        return []
    choices = dict(Claim.objects.exclude(pk=exclude_id).values_list("pk", "text"))
    matches = process.extract(
        text,
        choices,
        scorer=fuzz.token_set_ratio,
        processor=str.lower,
        limit=limit,
        score_cutoff=threshold,
    )
    by_id = Claim.objects.in_bulk([m[2] for m in matches])
    return [(by_id[m[2]], float(m[1])) for m in matches if m[2] in by_id]


def claim_search(*, q: str, limit: int = 10) -> list[Claim]:
    """Claims for the reader's search-as-you-type: substring matches first,
    then fuzzy ones."""
    q = q.strip()
    if not q:
        return list(claim_list()[:limit])
    direct = list(claim_list(q=q)[:limit])
    if len(direct) >= limit:
        return direct
    seen = {c.pk for c in direct}
    fuzzy = [c for c, _ in claim_similar(text=q, limit=limit, threshold=55) if c.pk not in seen]
    return (direct + fuzzy)[:limit]


def claim_reviews(*, claim_id: int) -> list[Review]:
    return list(Review.objects.filter(claim_id=claim_id).select_related("reviewer"))


USER_FIELDS = {"reviewed_by", "created_by"}


def claim_history(*, claim_id: int, limit: int = 50) -> list[dict]:
    """Changes to the claim and its evidence, newest first, for the history
    panel: who, when, what changed."""
    entries: list[dict] = []
    claim_records = list(
        Claim.history.filter(id=claim_id)
        .select_related("history_user")
        .order_by("-history_date")[: limit + 1]
    )
    deltas = []
    for newer, older in zip(claim_records, [*claim_records[1:], None], strict=False):
        changes = []
        if older is not None:
            delta = newer.diff_against(
                older,
                excluded_fields=[
                    "updated_at",
                    "version",
                    "evidence_changed_at",
                    "reviewed_at",
                    "evidence_revision",
                    "reviewed_revision",
                ],
            )
            changes = list(delta.changes)
        deltas.append((newer, changes))
    user_ids = {
        value
        for _, changes in deltas
        for change in changes
        if change.field in USER_FIELDS
        for value in (change.old, change.new)
        if value
    }
    usernames = (
        dict(User.objects.filter(pk__in=user_ids).values_list("pk", "username")) if user_ids else {}
    )

    def shown(field: str, value: object) -> str:
        if field in USER_FIELDS:
            return usernames.get(value, "—") if value else "—"
        return "—" if value in (None, "") else str(value)

    for newer, changes in deltas:
        entries.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "kind": "claim",
                "action": {"+": "created", "~": "changed", "-": "deleted"}[newer.history_type],
                "changes": [
                    f"{c.field.replace('_', ' ')}: {shown(c.field, c.old)} → {shown(c.field, c.new)}"
                    for c in changes
                ],
            }
        )
    evidence_records = (
        Evidence.history.filter(claim_id=claim_id)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    for record in evidence_records:
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "kind": "evidence",
                "action": {"+": "linked", "~": "changed", "-": "unlinked"}[record.history_type],
                "changes": [
                    f"evidence {record.id}: {record.stance}"
                    + (f" ({record.attributed_to})" if record.attributed_to else "")
                ],
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def claims_reviewed_for_user(
    *, user: AbstractBaseUser, since: dt.datetime, limit: int = 20
) -> list[Review]:
    """Verdicts given since ``since`` on claims this user created or gave
    evidence for (the dashboard's notifications)."""
    worked_on = Claim.objects.filter(Q(created_by=user) | Q(evidence__created_by=user)).values("pk")
    return list(
        Review.objects.filter(claim__in=worked_on, created_at__gte=since)
        .exclude(reviewer=user)
        .select_related("claim", "reviewer")
        .order_by("-created_at")[:limit]
    )


def distinct_voices(evidence: Iterable[Evidence]) -> dict[str, dict[str, int]]:
    """Per stance, how many distinct outlets and distinct speakers stand behind
    it: how many independent voices, not how many quotes."""
    result: dict[str, dict[str, int]] = {}
    for stance in Stance.values:
        items = [e for e in evidence if e.stance == stance]
        outlets = {e.excerpt.source.outlet_id or f"s{e.excerpt.source_id}" for e in items}
        speakers = {
            (e.attributed_to or "").strip().lower()
            for e in items
            if (e.attributed_to or "").strip()
        }
        result[stance] = {"quotes": len(items), "outlets": len(outlets), "speakers": len(speakers)}
    return result


def claim_passages(*, claim: Claim, q: str = "") -> tuple[list[str], list[Passage]]:
    """ "Find more evidence": the words searched (``q``'s, or the claim's own
    significant words) and the best passages of any parsed source that use
    them, leaving out the passages already linked to the claim.

    All the words first (best ranked), then each word alone to widen recall:
    both the SQLite fallback and websearch_to_tsquery require every word
    given. At most 1 + MAX_SEARCH_WORDS queries; passages are then ranked by
    how many of the words they use.
    """
    words = significant_words(q or claim.text)
    searches = [" ".join(words)] + (words if len(words) > 1 else [])
    sources: dict[int, Source] = {}
    for search in searches:
        qs = source_selectors.source_list(q=search, status=SourceStatus.PARSED)
        for source in qs[:MAX_SOURCES]:
            sources.setdefault(source.pk, source)
        if len(sources) >= MAX_SOURCES:
            break
    taken: dict[int, set[tuple[int, int]]] = {}
    for e in evidence_for_claim(claim_id=claim.pk):
        taken.setdefault(e.excerpt.source_id, set()).add((e.excerpt.start, e.excerpt.end))
    passages: list[Passage] = []
    min_score = 1 if len(words) <= 2 else 2
    for source in list(sources.values())[:MAX_SOURCES]:
        passages.extend(
            source_passages(source, words, taken.get(source.pk, set()), min_score=min_score)
        )
    passages.sort(key=lambda p: -p.score)
    return words, passages[:MAX_PASSAGES]
