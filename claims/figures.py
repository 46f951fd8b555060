"""A claim's stored figures: evidence per stance, in all, independent voices
and whether it is contested (``Claim.asserts_count`` … ``Claim.is_contested``),
and per stance its quotes, sources, voices, outlets and speakers
(``Claim.stance_figures``: what the claim page and the review cards show).

Lists, the dashboard and the review queue read and sort on these columns
instead of counting a million evidence rows per request. They are derived
data, so they are never adjusted by hand: ``claims_figures_refresh`` recounts
them from the evidence as it stands, which makes it idempotent (run it twice,
late, or after anything else changed: the figures come out right).

Correct under concurrent edits: every writer that changes a claim's evidence
(``claims.services`` link, unlink, re-stance, merge, split; actor merges; copy
detection, which changes the voices) calls it inside its own transaction.
It first takes the claims' row locks (``SELECT … FOR NO KEY UPDATE``, in id
order), and only then counts, in a new statement: under READ COMMITTED it sees
everything committed by writers that held the lock before, plus the caller's
own changes. The last writer to commit therefore counts last, and counts all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from sources.copies import copy_groups

from .models import FIGURE_FIELDS, STANCE_FIGURES, Claim, Evidence, Stance
from .voices import StanceVoices, VoiceRow, count_voices, empty_voices

# Claims recounted per batch by ``claims_figures_refresh_all`` (the backfill).
BATCH = 1000


def _stance_figures(rows: list[tuple], groups: dict[int, int]) -> dict[str, dict[str, int]]:
    """Per stance of one claim: quotes, distinct sources, independent voices
    (``claims.voices``), distinct outlets (a source without outlet counts
    alone) and distinct speakers (``attributed_to``, trimmed, any case)."""
    figures = {}
    for stance in Stance.values:
        mine = [r for r in rows if r[0] == stance]
        counted = count_voices(
            (VoiceRow(0, stance, speaker, source) for _, speaker, source, _, _ in mine), groups
        )
        voices = counted.get(0, empty_voices())[stance]
        figures[stance] = {
            "quotes": len(mine),
            "sources": voices.sources,
            "voices": voices.voices,
            "outlets": len({("o", o) if o is not None else ("s", s) for _, _, s, o, _ in mine}),
            "speakers": len({a.strip().lower() for *_, a in mine if a != ""}),
        }
    return figures


def claim_figures_count(*, claim_ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """A fresh recount of the figures of these claims, from their evidence
    (two queries: their evidence rows, lean, and the copies among their
    sources)."""
    ids = list(claim_ids)
    rows: dict[int, list[tuple]] = {pk: [] for pk in ids}
    for claim_id, *row in (
        Evidence.objects.filter(claim_id__in=ids)
        .order_by()
        .values_list(
            "claim_id",
            "stance",
            "speaker_id",
            "excerpt__source_id",
            "excerpt__source__outlet_id",
            "attributed_to",
        )
    ):
        rows[claim_id].append(tuple(row))
    groups = copy_groups(source_ids=sorted({r[2] for mine in rows.values() for r in mine}))
    figures: dict[int, dict[str, object]] = {}
    for claim_id in ids:
        per_stance = _stance_figures(rows[claim_id], groups)
        asserts = per_stance[Stance.ASSERTS]["quotes"]
        disputes = per_stance[Stance.DISPUTES]["quotes"]
        mentions = per_stance[Stance.MENTIONS]["quotes"]
        figures[claim_id] = {
            "asserts_count": asserts,
            "disputes_count": disputes,
            "mentions_count": mentions,
            "evidence_total": asserts + disputes + mentions,
            "voices_total": sum(v["voices"] for v in per_stance.values()),
            "is_contested": asserts > 0 and disputes > 0,
            "stance_figures": per_stance,
        }
    return figures


def claims_figures_refresh(*, claim_ids: Iterable[int]) -> int:
    """Recount the stored figures of these claims under their row locks, in
    the caller's transaction (or one of its own); returns how many claims
    changed. Claims that no longer exist are skipped."""
    ids = sorted({int(pk) for pk in claim_ids})
    if not ids:
        return 0
    with transaction.atomic():
        locked = list(
            # NO KEY UPDATE: writers queue on it, yet a concurrent insert of
            # evidence (whose foreign key takes KEY SHARE on the claim) does
            # not block it, which would deadlock two linkers of one claim.
            Claim.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", *FIGURE_FIELDS)
        )
        if not locked:
            return 0
        # A new statement, after the locks: it sees every committed change.
        fresh = claim_figures_count(claim_ids=[row[0] for row in locked])
        changed = [
            Claim(pk=row[0], **fresh[row[0]])
            for row in locked
            if tuple(fresh[row[0]][name] for name in FIGURE_FIELDS) != row[1:]
        ]
        if changed:
            Claim.objects.bulk_update(changed, FIGURE_FIELDS)
    return len(changed)


def claims_figures_refresh_all(*, batch: int = BATCH) -> int:
    """Recount every claim's figures (the backfill, and after a bulk load that
    bypassed the services), ``batch`` claims per transaction; returns how many
    changed."""
    changed = 0
    last = 0
    while True:
        ids = list(
            Claim.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return changed
        changed += claims_figures_refresh(claim_ids=ids)
        last = ids[-1]


def stored_voices(claim: Claim) -> dict[str, dict[str, int]]:
    """Per stance, the stored quotes, sources, independent voices, outlets
    and speakers of a claim (``Claim.stance_figures``), zeros where none."""
    stored = claim.stance_figures or {}
    return {
        stance: {name: int(stored.get(stance, {}).get(name, 0)) for name in STANCE_FIGURES}
        for stance in Stance.values
    }


def stored_stance_voices(claim: Claim) -> dict[str, StanceVoices]:
    """``stored_voices`` in the shape ``claims.voices`` counts them in."""
    return {
        stance: StanceVoices(evidence=v["quotes"], sources=v["sources"], voices=v["voices"])
        for stance, v in stored_voices(claim).items()
    }


def claims_figures_stale(*, claim_ids: Sequence[int] | None = None) -> list[int]:
    """Claims whose stored figures differ from a fresh recount (all claims
    when ``claim_ids`` is None): what the tests and the check command use."""
    qs = Claim.objects.order_by("pk")
    if claim_ids is not None:
        qs = qs.filter(pk__in=list(claim_ids))
    stored = {row[0]: row[1:] for row in qs.values_list("pk", *FIGURE_FIELDS)}
    fresh = claim_figures_count(claim_ids=list(stored))
    return [
        pk
        for pk, values in stored.items()
        if tuple(fresh[pk][name] for name in FIGURE_FIELDS) != values
    ]
