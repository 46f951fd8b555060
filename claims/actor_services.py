"""Writes of actors: who says things, under which names.

A name belongs to one actor (``ActorAlias.key`` is unique, folded for case
and whitespace), so resolving ``attributed_to`` is one indexed lookup, and
two analysts typing "NIS" and "nis" get the same actor. A merge moves the
names and the evidence to the surviving actor and keeps the merged row
(``merged_into``), recorded in the actors' history.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims_tracker.common.changes import ChangeSubject, changes_record
from claims_tracker.common.errors import ApplicationError
from sources.text.speakers import classify_name

from .figures import claims_figures_refresh
from .models import Actor, ActorAlias, ActorKind, Claim, Evidence

MAX_NAME = 200


def actor_key(name: str) -> str:
    """The folded form two spellings of one name share."""
    return " ".join((name or "").split()).casefold()[:MAX_NAME]


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError("An actor needs a name.", code="required")
    if len(name) > MAX_NAME:
        raise ApplicationError(f"A name is at most {MAX_NAME} characters.")
    return name


def _real(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def _live(actor: Actor) -> Actor:
    """Follow merges to the actor that stands now."""
    seen = set()
    while actor.merged_into_id is not None and actor.pk not in seen:
        seen.add(actor.pk)
        actor = Actor.objects.get(pk=actor.merged_into_id)
    return actor


def actor_find(*, name: str) -> Actor | None:
    """The actor standing now that goes by ``name`` (name or alias, case and
    spacing ignored); ``None`` when nobody does. Never creates one."""
    key = actor_key(name)
    if not key:
        return None
    alias = ActorAlias.objects.select_related("actor").filter(key=key).first()
    return _live(alias.actor) if alias is not None else None


def actor_resolve(*, name: str, kind: str | None = None) -> Actor | None:
    """The actor with this name or alias, created when new (its kind guessed
    from the name unless given). Empty names resolve to nobody. Two requests
    creating the same new name at once end with one actor: the loser of the
    unique key reads the winner's."""
    key = actor_key(name)
    if not key:
        return None
    found = actor_find(name=name)
    if found is not None:
        return found
    clean = " ".join(name.split())[:MAX_NAME]
    if kind not in ActorKind.values:
        kind = classify_name(clean)
        kind = kind if kind in ActorKind.values else ActorKind.UNKNOWN
    try:
        with transaction.atomic():
            actor = Actor.objects.create(name=clean, kind=kind)
            ActorAlias.objects.create(actor=actor, name=clean, key=key)
    except IntegrityError:
        alias = ActorAlias.objects.select_related("actor").get(key=key)
        return _live(alias.actor)
    return actor


def _set_names(actor: Actor, names: Iterable[str]) -> None:
    """Give ``actor`` these names (its own name included); a name another
    actor already has is refused."""
    wanted = {actor_key(n): " ".join(n.split()) for n in names if actor_key(n)}
    taken = (
        ActorAlias.objects.filter(key__in=list(wanted))
        .exclude(actor=actor)
        .select_related("actor")
        .first()
    )
    if taken is not None:
        raise ApplicationError(
            f"“{taken.name}” is already a name of {taken.actor.name} (actor {taken.actor_id}); "
            "merge the two actors instead.",
            code="duplicate",
            extra={"actor": taken.actor_id},
        )
    ActorAlias.objects.filter(actor=actor).exclude(key__in=list(wanted)).delete()
    existing = set(ActorAlias.objects.filter(actor=actor).values_list("key", flat=True))
    ActorAlias.objects.bulk_create(
        [ActorAlias(actor=actor, name=n, key=k) for k, n in wanted.items() if k not in existing]
    )


def _check_kind(kind: str) -> str:
    if kind not in ActorKind.values:
        raise ApplicationError(f"kind must be one of {', '.join(ActorKind.values)}.")
    return kind


@transaction.atomic
def actor_create(
    *,
    name: str,
    kind: str = ActorKind.UNKNOWN,
    aliases: Iterable[str] = (),
    user: AbstractBaseUser | None = None,
) -> Actor:
    name = _clean_name(name)
    actor = Actor(name=name, kind=_check_kind(kind))
    actor._history_user = _real(user)
    actor.save()
    _set_names(actor, [name, *aliases])
    return actor


@transaction.atomic
def actor_update(
    *,
    actor_id: int,
    user: AbstractBaseUser | None = None,
    name: str | None = None,
    kind: str | None = None,
    aliases: Iterable[str] | None = None,
    version: int | None = None,
) -> Actor:
    """Rename, re-kind or re-alias an actor (row locked). Evidence keeps
    pointing at the actor, so a rename changes nothing else. With
    ``version`` (the one the writer saw), a stale edit is a 409."""
    actor = Actor.objects.select_for_update().filter(pk=actor_id).first()
    if actor is None:
        raise ApplicationError("No such actor.", code="not_found", status=404)
    if actor.merged_into_id is not None:
        raise ApplicationError(
            f"This actor was merged into actor {actor.merged_into_id}; edit that one.",
            code="merged",
            status=409,
        )
    if version is not None and version != actor.version:
        raise ApplicationError(
            f"Someone else changed this actor (you saw version {version}, it is now version "
            f"{actor.version}). Reload it, check the names, and try again.",
            code="conflict",
            status=409,
        )
    before_kind = actor.kind
    current = list(ActorAlias.objects.filter(actor=actor).values_list("name", flat=True))
    if name is not None:
        name = _clean_name(name)
    if kind is not None:
        actor.kind = _check_kind(kind)
    new_name = name or actor.name
    if aliases is None:
        names = [n for n in current if actor_key(n) != actor_key(actor.name)]
    else:
        names = list(aliases)
    if name is not None and aliases is None and actor_key(actor.name) != actor_key(new_name):
        names.append(actor.name)  # the old name stays an alias, so old text still resolves
    shown_changed = new_name != actor.name or actor.kind != before_kind
    actor.name = new_name
    _set_names(actor, [new_name, *names])
    actor._history_user = _real(user)
    actor._change_reason = "edited"
    actor.version += 1
    actor.save()
    if shown_changed:
        # Every pair this actor speaks in shows its name and kind: the feed
        # serves them again.
        changes_record(
            subject=ChangeSubject.EVIDENCE,
            ids=Evidence.objects.filter(speaker=actor).values_list("pk", flat=True),
        )
    return actor


@transaction.atomic
def actor_merge(*, actor_id: int, into_id: int, user: AbstractBaseUser | None = None) -> Actor:
    """Merge ``actor_id`` into ``into_id``: its names become aliases of
    ``into``, its evidence follows. Both rows are locked, in id order, so two
    merges of the same pair take turns."""
    if actor_id == into_id:
        raise ApplicationError("An actor cannot be merged into itself.")
    locked = {
        a.pk: a
        for a in Actor.objects.select_for_update().filter(pk__in=[actor_id, into_id]).order_by("pk")
    }
    actor, into = locked.get(actor_id), locked.get(into_id)
    if actor is None:
        raise ApplicationError("No such actor.", code="not_found", status=404)
    if into is None:
        raise ApplicationError(f"Actor {into_id} does not exist.", code="not_found")
    if actor.merged_into_id is not None or into.merged_into_id is not None:
        raise ApplicationError(
            "One of these actors was already merged; merge into the actor that stands now.",
            code="merged",
            status=409,
        )
    ActorAlias.objects.filter(actor=actor).update(actor=into)
    moved = list(Evidence.objects.filter(speaker=actor).values_list("pk", "claim_id"))
    Evidence.objects.filter(speaker=actor).update(speaker=into, updated_at=timezone.now())
    if moved:
        moved_claims = sorted({claim_id for _, claim_id in moved})
        Claim.objects.filter(pk__in=moved_claims).update(updated_at=timezone.now())
        # Two speakers are one voice now: the claims' voice counts change.
        claims_figures_refresh(claim_ids=moved_claims)
        # Each moved pair now shows the surviving speaker: the change feed hears of it.
        changes_record(subject=ChangeSubject.EVIDENCE, ids=[pk for pk, _ in moved])
    actor.merged_into = into
    actor.version += 1
    into.version += 1
    actor._history_user = _real(user)
    actor._change_reason = f"merged into actor {into.pk} ({into.name})"
    actor.save()
    into._history_user = _real(user)
    into._change_reason = f"absorbed actor {actor.pk} ({actor.name})"
    into.save()
    return into
