"""Reads of claims and evidence. Every list is built here with its joins and
aggregates, so the number of queries does not grow with the page size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Lower, RowNumber, Trim
from rapidfuzz import fuzz, process

from sources import selectors as source_selectors
from sources.models import ANCHOR_STATES_TO_CHECK, Source, SourceStatus

from .models import Claim, Evidence, EvidenceTombstone, Review, Stance, Tag, Verdict
from .passages import MAX_PASSAGES, MAX_SOURCES, Passage, significant_words, source_passages


def _evidence_count(**where) -> Coalesce:
    """Evidence rows of the claim (``where`` narrows them), as a correlated
    subquery over the (claim, stance) index: computed for the rows a page
    shows, never grouped over the whole evidence table."""
    rows = (
        Evidence.objects.filter(claim=OuterRef("pk"), **where)
        .order_by()
        .values("claim")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _with_counts(qs: QuerySet[Claim]) -> QuerySet[Claim]:
    """The counts a claim's row shows. Per stance, in all, and contested are
    stored on the claim (``claims.figures``); only the quotes to check (which
    a re-parse changes) are counted, for the rows a page shows."""
    return qs.annotate(
        quotes_to_check=_evidence_count(excerpt__anchor_state__in=ANCHOR_STATES_TO_CHECK),
    )


def contested_condition() -> Q:
    """Asserted and disputed: the stored figure, kept by ``claims.figures``."""
    return Q(is_contested=True)


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


def evidence_with_changed_at(qs: QuerySet[Evidence]) -> QuerySet[Evidence]:
    """``changed_at``: when the pair last looked different. It shows its
    quote (re-anchored by a re-parse), its claim's text and verdict and its
    source's title and date, so it changes with any of those rows."""
    return qs.annotate(
        changed_at=Greatest(
            "updated_at", "excerpt__updated_at", "claim__updated_at", "excerpt__source__updated_at"
        )
    )


def evidence_changed_since(qs: QuerySet[Evidence], since: dt.datetime) -> QuerySet[Evidence]:
    return evidence_with_changed_at(qs).filter(changed_at__gte=since)


def evidence_of_contested_claims(qs: QuerySet[Evidence], contested: bool) -> QuerySet[Evidence]:
    contested_claims = Claim.objects.filter(contested_condition()).values("pk")
    return (
        qs.filter(claim__in=contested_claims)
        if contested
        else qs.exclude(claim__in=contested_claims)
    )


def claims_live(qs: QuerySet[Claim]) -> QuerySet[Claim]:
    """Claims not merged into another: what every list shows."""
    return qs.filter(merged_into__isnull=True)


def _claims() -> QuerySet[Claim]:
    return Claim.objects.select_related("reviewed_by", "created_by").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name"))
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
    qs = claims_live(_claims())
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


def claim_any() -> QuerySet[Claim]:
    """Every claim, merged ones included (their old links keep answering)."""
    return _with_counts(_claims())


def claim_detail(*, claim_id: int) -> Claim:
    return claim_any().get(pk=claim_id)


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


def review_queue_by_voices() -> QuerySet[Claim]:
    """The review queue, most independent voices first (the sum over stances,
    stored on the claim), then most evidence: five outlets repeating one
    agency rank below three independent voices. Sorted in the database
    (the ``claim_live_voices`` index), a page at a time."""
    return review_queue().order_by("-voices_total", "-evidence_total", "-updated_at", "-id")


def evidence_list() -> QuerySet[Evidence]:
    """Every pair with what a list shows joined in; the API's FilterSet
    narrows it (with ``evidence_changed_since`` and friends)."""
    return (
        Evidence.objects.select_related(
            "claim",
            "excerpt",
            "excerpt__source",
            "excerpt__source__outlet",
            "created_by",
            "speaker",
        )
        .defer("excerpt__source__raw", "excerpt__source__text")
        .order_by("-created_at", "-id")
    )


def evidence_rows() -> QuerySet[Evidence]:
    """Every pair, for ``values_list(*evidence_rows.LOOKUPS)``: the lookups
    name the joins, so nothing is selected or deferred here (cheaper to build
    than ``evidence_list``, for the same SQL)."""
    return Evidence.objects.all()


def evidence_for_claim(*, claim_id: int) -> list[Evidence]:
    return list(
        Evidence.objects.filter(claim_id=claim_id)
        .select_related(
            "excerpt", "excerpt__source", "excerpt__source__outlet", "created_by", "speaker"
        )
        .defer("excerpt__source__raw")
        .order_by("excerpt__source__published_at", "created_at")
    )


COLUMN_PAGE = 20  # quotes per stance column before "more"
TIMELINE_POINTS = 240  # at most this many dots on a claim's timeline


def _claim_evidence(claim_id: int) -> QuerySet[Evidence]:
    return (
        Evidence.objects.filter(claim_id=claim_id)
        .select_related(
            "excerpt", "excerpt__source", "excerpt__source__outlet", "created_by", "speaker"
        )
        .defer("excerpt__source__raw", "excerpt__source__text")
    )


def evidence_column(
    *, claim_id: int, stance: str, offset: int = 0, limit: int = COLUMN_PAGE
) -> tuple[list[Evidence], bool]:
    """One stance column of the claim page (oldest linked first), a page at a
    time: the page's rows, and whether more follow."""
    rows = list(
        _claim_evidence(claim_id).filter(stance=stance).order_by("id")[offset : offset + limit + 1]
    )
    return rows[:limit], len(rows) > limit


def first_per_stance(*, claim_ids: Sequence[int], per_stance: int) -> QuerySet[Evidence]:
    """The first ``per_stance`` evidence rows (oldest linked first) of each
    claim and stance, with what a quote shows joined in. The ranking runs over
    the (claim, stance, id) index alone; only the chosen rows are joined, so a
    claim with thousands of quotes costs what a small one does."""
    chosen = (
        Evidence.objects.filter(claim_id__in=list(claim_ids))
        .annotate(
            place=Window(RowNumber(), partition_by=[F("claim_id"), F("stance")], order_by="id")
        )
        .filter(place__lte=per_stance)
        .values_list("id", flat=True)
    )
    return (
        Evidence.objects.filter(pk__in=list(chosen))
        .select_related(
            "excerpt", "excerpt__source", "excerpt__source__outlet", "created_by", "speaker"
        )
        .defer("excerpt__source__raw", "excerpt__source__text", "excerpt__source__overrides")
        .order_by("claim_id", "stance", "id")
    )


def evidence_columns(*, claim_id: int) -> dict[str, tuple[list[Evidence], bool]]:
    """The first page of every stance column: per stance, its rows (oldest
    linked first) and whether more follow."""
    columns: dict[str, list[Evidence]] = {stance: [] for stance in Stance.values}
    for item in first_per_stance(claim_ids=[claim_id], per_stance=COLUMN_PAGE + 1):
        columns[item.stance].append(item)
    return {
        stance: (items[:COLUMN_PAGE], len(items) > COLUMN_PAGE) for stance, items in columns.items()
    }


def evidence_timeline(*, claim_id: int, total: int) -> list[Evidence]:
    """The evidence a claim's timeline draws: all of it up to
    ``TIMELINE_POINTS``, else an even sample by id (the shape of the
    distribution stays, the page stays small)."""
    # Only what the timeline and the provenance graph draw: a few hundred
    # rows, each built into six model instances, are most of the page's cost.
    qs = (
        Evidence.objects.filter(claim_id=claim_id)
        .select_related("excerpt__source__outlet", "speaker")
        .only(
            "id",
            "claim_id",
            "stance",
            "attributed_to",
            "via",
            "speaker__id",
            "speaker__name",
            "speaker__kind",
            "excerpt__id",
            "excerpt__source_id",
            "excerpt__exact",
            "excerpt__selected",
            "excerpt__anchor_state",
            "excerpt__source__id",
            "excerpt__source__published_at",
            "excerpt__source__outlet__id",
            "excerpt__source__outlet__name",
        )
        .order_by("excerpt__source__published_at", "id")
    )
    if total > TIMELINE_POINTS:
        step = -(-total // TIMELINE_POINTS)
        qs = qs.alias(slot=F("id") % step).filter(slot=0)
    return list(qs[:TIMELINE_POINTS])


def voices_by_claim(*, claim_ids: Sequence[int]) -> dict[int, dict[str, dict[str, int]]]:
    """Per claim and stance: quotes, distinct outlets (a source without outlet
    counts alone) and distinct speakers, counted in the database, in one query: how many independent voices, not
    how many quotes."""
    rows = (
        Evidence.objects.filter(claim_id__in=list(claim_ids))
        .values("claim_id", "stance")
        .annotate(
            quotes=Count("id"),
            outlets=Count("excerpt__source__outlet", distinct=True),
            unplaced=Count(
                "excerpt__source", distinct=True, filter=Q(excerpt__source__outlet__isnull=True)
            ),
            speakers=Count(
                Lower(Trim("attributed_to")), distinct=True, filter=~Q(attributed_to="")
            ),
        )
        .order_by()
    )
    result = {
        claim_id: {stance: {"quotes": 0, "outlets": 0, "speakers": 0} for stance in Stance.values}
        for claim_id in claim_ids
    }
    for row in rows:
        result[row["claim_id"]][row["stance"]] = {
            "quotes": row["quotes"],
            "outlets": row["outlets"] + row["unplaced"],
            "speakers": row["speakers"],
        }
    return result


def evidence_on_sources(*, claim_id: int, source_ids: Sequence[int]) -> list[Evidence]:
    """The claim's evidence quoting these sources (what "find more" must not
    offer again)."""
    return list(
        Evidence.objects.filter(
            claim_id=claim_id, excerpt__source_id__in=list(source_ids)
        ).select_related("excerpt")
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


# Trigram similarity (0-1) a claim must reach to be called a near-duplicate on
# PostgreSQL; ``claim_search`` widens to word similarity, which also finds a
# few typed words inside a longer claim.
TRIGRAM_DUPLICATE = 0.35
TRIGRAM_SEARCH = 0.45


def claim_similar(
    *,
    text: str,
    limit: int = 5,
    threshold: float = 70.0,
    exclude_id: int | None = None,
    words: bool = False,
) -> list[tuple[Claim, float]]:
    """Live claims that read like ``text``, best first, with a score 0-100:
    shown before a near-duplicate claim is created, and offered for merging.

    PostgreSQL: ``pg_trgm`` similarity through the GIN trigram index
    (``words``: word similarity, for a few typed words); the claims are never
    loaded into Python. Elsewhere: rapidfuzz's token-set ratio over the
    claims' texts, with ``threshold`` as the cut-off."""
    text = " ".join(text.split())
    if not text:
        return []
    if connection.vendor == "postgresql":
        return _similar_trigram(text, limit=limit, exclude_id=exclude_id, words=words)
    choices = dict(claims_live(Claim.objects.exclude(pk=exclude_id)).values_list("pk", "text"))
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


def _similar_trigram(
    text: str, *, limit: int, exclude_id: int | None, words: bool
) -> list[tuple[Claim, float]]:
    # The lookups are pg_trgm's ``%`` / ``%>`` operators, which the GIN trigram
    # index answers; their cut-off is the session's threshold, set for this
    # transaction only.
    if words:
        setting, cutoff = "pg_trgm.word_similarity_threshold", TRIGRAM_SEARCH
        match, score = Q(text__trigram_word_similar=text), TrigramWordSimilarity(text, "text")
    else:
        setting, cutoff = "pg_trgm.similarity_threshold", TRIGRAM_DUPLICATE
        match, score = Q(text__trigram_similar=text), TrigramSimilarity("text", text)
    qs = (
        claims_live(Claim.objects.exclude(pk=exclude_id) if exclude_id else Claim.objects.all())
        .filter(match)
        .annotate(similarity=score)
        .order_by("-similarity", "-id")[:limit]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [setting, str(cutoff)])
        found = list(qs)
    return [(claim, round(claim.similarity * 100, 1)) for claim in found]


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
    similar = claim_similar(text=q, limit=limit, threshold=55, words=True)
    fuzzy = [c for c, _ in similar if c.pk not in seen]
    return (direct + fuzzy)[:limit]


@dataclass
class MergePreview:
    """What merging ``duplicate`` into ``into`` would make: both claims, a
    sample of each one's evidence, and the combined counts."""

    duplicate: Claim
    into: Claim
    duplicate_evidence: list[Evidence]
    into_evidence: list[Evidence]
    shared: int  # passages both quote: kept once, with ``into``'s stance
    combined: dict[str, int]
    tags: list[str]


MERGE_PREVIEW_ITEMS = 30


def claim_merge_preview(*, claim_id: int, into_id: int) -> MergePreview:
    """Raises ``Claim.DoesNotExist`` when either claim is missing. Constant
    number of queries, whatever the claims' sizes."""
    claims = claim_any().in_bulk([claim_id, into_id])
    if claim_id not in claims or into_id not in claims:
        raise Claim.DoesNotExist
    duplicate, into = claims[claim_id], claims[into_id]

    def sample(claim: Claim) -> list[Evidence]:
        return list(
            Evidence.objects.filter(claim=claim)
            .select_related("excerpt", "excerpt__source", "excerpt__source__outlet")
            .defer("excerpt__source__raw", "excerpt__source__text")
            .order_by("stance", "id")[:MERGE_PREVIEW_ITEMS]
        )

    shared_rows = list(
        Evidence.objects.filter(
            claim=duplicate,
            excerpt__in=Evidence.objects.filter(claim=into).values("excerpt"),
        )
        .values("stance")
        .annotate(n=Count("id"))
        .order_by()
    )
    shared_by_stance = {row["stance"]: row["n"] for row in shared_rows}
    combined = {
        stance: getattr(into, f"{stance}_count")
        + getattr(duplicate, f"{stance}_count")
        - shared_by_stance.get(stance, 0)
        for stance in Stance.values
    }
    tags = sorted({t.name for t in into.tags.all()} | {t.name for t in duplicate.tags.all()})
    return MergePreview(
        duplicate=duplicate,
        into=into,
        duplicate_evidence=sample(duplicate),
        into_evidence=sample(into),
        shared=sum(shared_by_stance.values()),
        combined=combined,
        tags=tags,
    )


def claim_reviews(*, claim_id: int) -> list[Review]:
    return list(Review.objects.filter(claim_id=claim_id).select_related("reviewer"))


USER_FIELDS = {"reviewed_by", "created_by"}
# Bookkeeping that changes with every edit: not worth a line in the history.
HISTORY_QUIET_FIELDS = ["updated_at", "version", "evidence_changed_at", "reviewed_at", "merged_at"]


def claim_history(*, claim_id: int, limit: int = 50) -> list[dict]:
    """Changes to the claim and its evidence, newest first, for the history
    panel: who, when, what changed, and why (merge, split, verdict...). The
    history of claims merged into this one is part of it: it moved here."""
    merged_in = Claim.objects.filter(merged_into=claim_id).values("pk")
    entries: list[dict] = []
    claim_records = list(
        Claim.history.filter(Q(id=claim_id) | Q(id__in=merged_in))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit * 2]
    )
    by_claim: dict[int, list] = {}
    for record in claim_records:
        by_claim.setdefault(record.id, []).append(record)
    deltas = []
    for records in by_claim.values():
        for newer, older in zip(records, [*records[1:], None], strict=False):
            changes = []
            if older is not None:
                delta = newer.diff_against(older, excluded_fields=HISTORY_QUIET_FIELDS)
                changes = list(delta.changes)
            deltas.append((newer, changes))

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
                "claim_id": newer.id,
                "action": {"+": "created", "~": "changed", "-": "deleted"}[newer.history_type],
                "reason": newer.history_change_reason or "",
                "changes": [
                    f"{c.field.replace('_', ' ')}: {shown(c.field, c.old)} → {shown(c.field, c.new)}"
                    for c in changes
                ],
            }
        )
    evidence_records = (
        Evidence.history.filter(Q(claim_id=claim_id) | Q(claim_id__in=merged_in))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    for record in evidence_records:
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "kind": "evidence",
                "claim_id": record.claim_id,
                "action": {"+": "linked", "~": "changed", "-": "unlinked"}[record.history_type],
                "reason": record.history_change_reason or "",
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
    for e in evidence_on_sources(claim_id=claim.pk, source_ids=list(sources)):
        taken.setdefault(e.excerpt.source_id, set()).add((e.excerpt.start, e.excerpt.end))
    passages: list[Passage] = []
    min_score = 1 if len(words) <= 2 else 2
    for source in list(sources.values())[:MAX_SOURCES]:
        passages.extend(
            source_passages(source, words, taken.get(source.pk, set()), min_score=min_score)
        )
    passages.sort(key=lambda p: -p.score)
    return words, passages[:MAX_PASSAGES]
