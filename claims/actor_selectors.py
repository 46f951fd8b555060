"""Reads of actors: the list with evidence counts, one actor's evidence
across claims. Aliases are prefetched, so a page costs the same number of
queries for 1 actor as for 100."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Actor, ActorAlias, Evidence


def actor_list(*, q: str = "", include_merged: bool = False) -> QuerySet[Actor]:
    qs = Actor.objects.annotate(evidence_count=Count("evidence", distinct=True)).prefetch_related(
        Prefetch("aliases", queryset=ActorAlias.objects.only("id", "actor_id", "name"))
    )
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    for word in q.split():
        qs = qs.filter(Q(name__icontains=word) | Q(aliases__name__icontains=word))
    if q:
        qs = qs.distinct()
    return qs.order_by("-evidence_count", "name", "id")


def actor_detail(*, actor_id: int) -> Actor | None:
    return actor_list(include_merged=True).filter(pk=actor_id).first()


def actor_evidence(*, actor_id: int, limit: int = 500) -> list[Evidence]:
    """The actor's evidence across claims, oldest publication first."""
    return list(
        Evidence.objects.filter(speaker_id=actor_id)
        .select_related("claim", "excerpt", "excerpt__source", "excerpt__source__outlet")
        .defer("excerpt__source__raw", "excerpt__source__text")
        .order_by("claim_id", "excerpt__source__published_at", "id")[:limit]
    )


def actor_other_names(actor: Actor) -> list[str]:
    """The aliases, without the actor's own name (from the prefetch)."""
    own = " ".join(actor.name.split()).casefold()
    return [a.name for a in actor.aliases.all() if " ".join(a.name.split()).casefold() != own]
