"""What the dashboard shows a user: counts, and what needs their attention.

- everyone: how many sources, claims and contested claims; recent claims and
  sources; a stance / verdict summary drawn as server-rendered SVG bars;
- analysts (and editors): verdicts given in the last 14 days on claims they
  created or gave evidence for;
- editors: how many claims wait in the review queue.

A fixed number of queries whatever the data (no query per row).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, Sum
from django.utils import timezone

from claims_tracker.common.paging import estimated_count
from claims_tracker.common.roles import is_analyst, is_editor
from sources.models import Source

from .models import Claim, Stance, Verdict
from .selectors import (
    claims_live,
    claims_reviewed_for_user,
    quotes_to_check_count,
    review_queue_condition,
)

NOTIFICATION_DAYS = 14
RECENT_ITEMS = 6


@dataclass(frozen=True)
class BarSegment:
    """One part of a stacked bar, in percent of the bar's width."""

    key: str
    label: str
    count: int
    x: float
    width: float


def stacked_bar(parts: list[tuple[str, str, int]]) -> list[BarSegment]:
    """Turn ``(key, label, count)`` parts into segments laid side by side over
    100 units. Empty parts take no room; all-empty gives no segment."""
    total = sum(count for _, _, count in parts)
    segments: list[BarSegment] = []
    x = 0.0
    for key, label, count in parts:
        width = round(100 * count / total, 3) if total else 0.0
        segments.append(BarSegment(key=key, label=label, count=count, x=round(x, 3), width=width))
        x += width
    return segments


def _claim_figures() -> dict[str, Any]:
    """One pass over the claims (never over the evidence): per verdict, how
    many live claims and how many of them are contested or wait for review,
    and the evidence per stance summed from the claims' stored figures
    (``claims.figures``; a merged claim holds no evidence)."""
    rows = (
        claims_live(Claim.objects.all())
        .values("verdict")
        .annotate(
            n=Count("pk"),
            contested=Count("pk", filter=Q(is_contested=True)),
            queue=Count("pk", filter=review_queue_condition()),
            asserts=Sum("asserts_count"),
            disputes=Sum("disputes_count"),
            mentions=Sum("mentions_count"),
        )
        .order_by()
    )
    verdicts: dict[str, int] = {}
    stances = dict.fromkeys(Stance.values, 0)
    contested = queue = 0
    for row in rows:
        verdicts[row["verdict"]] = row["n"]
        contested += row["contested"]
        queue += row["queue"]
        for stance in Stance.values:
            stances[stance] += row[stance] or 0
    return {"verdicts": verdicts, "stances": stances, "contested": contested, "queue": queue}


def dashboard_context(*, user: AbstractBaseUser) -> dict[str, Any]:
    figures = _claim_figures()
    stance_counts, verdict_counts = figures["stances"], figures["verdicts"]
    notifications = []
    if is_analyst(user):
        since = timezone.now() - dt.timedelta(days=NOTIFICATION_DAYS)
        notifications = claims_reviewed_for_user(user=user, since=since)
    verdict_order = [
        Verdict.SUPPORTED,
        Verdict.REFUTED,
        Verdict.MIXED,
        Verdict.UNPROVEN,
        Verdict.UNREVIEWED,
    ]
    return {
        "source_count": estimated_count(Source),
        "claim_count": sum(verdict_counts.values()),
        "contested_count": figures["contested"],
        "queue_count": figures["queue"] if is_editor(user) else None,
        "quotes_to_check": quotes_to_check_count(),
        "notifications": notifications,
        "notification_days": NOTIFICATION_DAYS,
        "recent_claims": list(
            claims_live(Claim.objects.only("id", "text", "verdict", "created_at")).order_by(
                "-created_at", "-id"
            )[:RECENT_ITEMS]
        ),
        "recent_sources": list(
            Source.objects.select_related("outlet")
            .only("id", "title", "url", "ingested_at", "status", "outlet__name")
            .order_by("-ingested_at", "-id")[:RECENT_ITEMS]
        ),
        "stance_bar": stacked_bar(
            [(s.value, s.label, stance_counts.get(s.value, 0)) for s in Stance]
        ),
        "evidence_total": sum(stance_counts.values()),
        "verdict_bar": stacked_bar(
            [(v.value, v.label, verdict_counts.get(v.value, 0)) for v in verdict_order]
        ),
    }
