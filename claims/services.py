"""Writes of claims, evidence and reviews.

Concurrency: a claim carries ``version``; edits and verdicts that name the
version they saw lock the row (``select_for_update``) and are refused with a
409 when someone else changed it first, so nothing is silently overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from claims_tracker.common.changes import ChangeSubject, changes_record
from claims_tracker.common.errors import ApplicationError
from sources.models import Source
from sources.services import excerpt_confirm, excerpt_get_or_create

from .actor_services import actor_resolve
from .figures import claims_figures_refresh
from .models import Claim, Evidence, EvidenceTombstone, Review, Stance, Tag, Verdict
from .selectors import evidence_needs_check

MAX_CLAIM_LENGTH = 2000


def _clean_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ApplicationError("A claim needs text.", code="required")
    if len(text) > MAX_CLAIM_LENGTH:
        raise ApplicationError(f"A claim is at most {MAX_CLAIM_LENGTH} characters.")
    return text


def _tags(names: Iterable[str]) -> list[Tag]:
    clean = sorted({" ".join(n.split()).lower()[:60] for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    missing = [Tag(name=n) for n in clean if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    return [existing[n] for n in clean]


def _conflict(claim: Claim, message: str) -> ApplicationError:
    """A 409 carrying the claim's state as it is now."""
    return ApplicationError(
        message,
        code="conflict",
        status=409,
        extra={
            "current_version": claim.version,
            "verdict": claim.verdict,
            "evidence_revision": claim.evidence_revision,
        },
    )


def _stale_version(claim: Claim, seen: int) -> ApplicationError:
    return _conflict(
        claim,
        f"Someone else changed this claim (you saw version {seen}, it is now version "
        f"{claim.version}). Reload it, check the changes, and try again.",
    )


def _stale_evidence(claim: Claim, seen: int) -> ApplicationError:
    return _conflict(
        claim,
        f"The claim's evidence changed while you reviewed it (you saw evidence revision "
        f"{seen}, it is now {claim.evidence_revision}). Reload it, check the evidence, "
        "and try again.",
    )


@transaction.atomic
def claim_create(*, text: str, tags: Iterable[str] = (), user: AbstractBaseUser | None) -> Claim:
    claim = Claim.objects.create(text=_clean_text(text), created_by=_real(user))
    if tags:
        claim.tags.set(_tags(tags))
    return claim


@transaction.atomic
def claim_update(
    *,
    claim_id: int,
    user: AbstractBaseUser | None,
    version: int,
    text: str | None = None,
    tags: Iterable[str] | None = None,
) -> Claim:
    """Edit text or tags of the version the writer saw (a stale one is a 409)."""
    claim = _lock_claim(claim_id)
    _check_live(claim)
    if version != claim.version:
        raise _stale_version(claim, version)
    if text is not None:
        claim.text = _clean_text(text)
    if tags is not None:
        claim.tags.set(_tags(tags))
    claim.version += 1
    claim._change_reason = "edited"
    claim.save()
    _record_claim_pairs(claim.pk)
    return claim


def _lock_claim(claim_id: int) -> Claim:
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None:
        raise ApplicationError("No such claim.", code="not_found", status=404)
    return claim


def _check_live(claim: Claim) -> None:
    """A merged claim is read-only: its work goes on in the claim it joined."""
    if claim.merged_into_id is not None:
        raise ApplicationError(
            f"Claim {claim.pk} was merged into claim {claim.merged_into_id}; "
            "work on that one instead.",
            code="merged",
            extra={"merged_into": claim.merged_into_id},
        )


def _real(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


@transaction.atomic
def claim_review(
    *,
    claim_id: int,
    verdict: str,
    rationale: str,
    version: int,
    user: AbstractBaseUser,
    evidence_revision: int | None = None,
) -> Claim:
    """Record an editor's verdict. The row lock makes two editors reviewing the
    same version at once take turns: the first wins, the second gets a 409.

    ``evidence_revision`` is the claim's evidence revision the editor saw: if
    evidence was linked, unlinked, re-stanced, changed or orphaned since, the
    verdict is a 409 too. The verdict records the revision it was given on
    (the current one when the writer does not say), and the claim stays out of
    the review queue until the revision moves on."""
    if verdict not in Verdict.values:
        raise ApplicationError(f"verdict must be one of {', '.join(Verdict.values)}.")
    rationale = (rationale or "").strip()
    if verdict != Verdict.UNREVIEWED and not rationale:
        raise ApplicationError("Say why: a verdict needs a rationale.", code="required")
    claim = _lock_claim(claim_id)
    _check_live(claim)
    if version != claim.version:
        raise _stale_version(claim, version)
    if evidence_revision is not None and evidence_revision != claim.evidence_revision:
        raise _stale_evidence(claim, evidence_revision)
    now = timezone.now()
    claim.reviewed_revision = claim.evidence_revision
    claim.verdict = verdict
    claim.verdict_rationale = rationale
    claim.reviewed_by = user
    claim.reviewed_at = now
    claim.version += 1
    claim._change_reason = f"verdict: {verdict}"
    claim.save()
    _record_claim_pairs(claim.pk)
    Review.objects.create(
        claim=claim,
        verdict=verdict,
        rationale=rationale,
        reviewer=user,
        evidence_revision=claim.evidence_revision,
    )
    return claim


def _record_claim_pairs(claim_id: int) -> None:
    """Every pair shows its claim's text and verdict: the change feed sends
    them all again. The caller holds the claim's row lock, and linking a pair
    updates that row, so no pair linked meanwhile is missed."""
    ids = Evidence.objects.filter(claim_id=claim_id).values_list("pk", flat=True)
    changes_record(subject=ChangeSubject.EVIDENCE, ids=ids)


def _touch_claims(claims: int | QuerySet, *, revision: bool = True, figures: bool = True) -> None:
    """Evidence changed: the claims' counts or quotes changed (sync clients
    see it) and, with ``revision``, their evidence revision moves on, which
    puts a reviewed claim back in the review queue. With ``figures`` (the
    evidence itself was linked, unlinked, re-stanced, re-attributed or
    moved) their stored figures are recounted under their row locks
    (``claims.figures``). ``claims`` is an id or a subquery of ids."""
    now = timezone.now()
    lookup = {"pk__in": claims} if not isinstance(claims, int) else {"pk": claims}
    changes: dict[str, object] = {"evidence_changed_at": now, "updated_at": now}
    if revision:
        changes["evidence_revision"] = F("evidence_revision") + 1
    Claim.objects.filter(**lookup).update(**changes)
    if figures:
        ids = (
            [claims] if isinstance(claims, int) else list(claims.values_list("claim_id", flat=True))
        )
        claims_figures_refresh(claim_ids=ids)


def _touch_claim(claim_id: int, *, revision: bool = True) -> None:
    _touch_claims(claim_id, revision=revision)


def claims_excerpts_need_check(*, excerpt_ids: Iterable[int]) -> None:
    """A re-parse changed, orphaned or restored these quotes: every claim that
    uses one is back in the review queue (one query, in the re-parse's
    transaction)."""
    _touch_claims(
        Evidence.objects.filter(excerpt_id__in=list(excerpt_ids)).values("claim_id"),
        figures=False,  # the quotes' words changed, not the evidence's figures
    )


@transaction.atomic
def evidence_link(
    *,
    claim_id: int,
    source_id: int,
    stance: str,
    exact: str,
    start: int | None = None,
    attributed_to: str = "",
    note: str = "",
    via: Sequence[str] = (),
    user: AbstractBaseUser | None,
) -> Evidence:
    """Link a quoted passage of a source to a claim with a stance.

    The quote must occur in the source's text (``start`` picks among several
    occurrences); the same passage links to a claim once.
    """
    if stance not in Stance.values:
        raise ApplicationError(f"stance must be one of {', '.join(Stance.values)}.")
    target = Claim.objects.only("id", "merged_into_id").filter(pk=claim_id).first()
    if target is None:
        raise ApplicationError(f"Claim {claim_id} does not exist.", code="not_found")
    _check_live(target)
    source = Source.objects.only("id", "status").filter(pk=source_id).first()
    if source is None:
        raise ApplicationError(f"Source {source_id} does not exist.", code="not_found")
    excerpt = excerpt_get_or_create(source=source, exact=exact, start=start)
    existing = Evidence.objects.filter(claim_id=claim_id, excerpt=excerpt).first()
    if existing is not None:
        raise ApplicationError(
            f"This passage is already linked to the claim (evidence {existing.pk}); "
            "change its stance instead.",
            code="duplicate",
            extra={"evidence": existing.pk},
        )
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                claim_id=claim_id,
                excerpt=excerpt,
                stance=stance,
                attributed_to=" ".join(attributed_to.split())[:200],
                speaker=actor_resolve(name=attributed_to),
                via=clean_via(via),
                note=note.strip(),
                created_by=_real(user),
            )
    except IntegrityError as exc:
        raise ApplicationError(
            "This passage was just linked to the claim by someone else.", code="duplicate"
        ) from exc
    _touch_claim(claim_id)
    changes_record(subject=ChangeSubject.EVIDENCE, ids=[evidence.pk])
    return evidence


@transaction.atomic
def passage_link(
    *,
    source_id: int,
    stance: str,
    exact: str,
    start: int | None = None,
    claim_id: int | None = None,
    new_claim: str = "",
    attributed_to: str = "",
    via: Sequence[str] = (),
    note: str = "",
    replaces: int | None = None,
    user: AbstractBaseUser | None,
) -> Evidence:
    """The reader's "link this passage": link the words an analyst selected
    in a source to claim ``claim_id``, or to a new claim with the text
    ``new_claim`` when no claim is named.

    ``replaces`` names a pair of the same source whose quote is changed or
    no longer stands in the text ("select again"): the new link takes over
    and the old pair is unlinked. One transaction: a link that fails leaves no new claim behind.
    """
    if claim_id is None:
        claim_id = claim_create(text=new_claim, user=user).pk
    evidence = evidence_link(
        claim_id=claim_id,
        source_id=source_id,
        stance=stance,
        exact=exact,
        start=start,
        attributed_to=attributed_to,
        via=via,
        note=note,
        user=user,
    )
    if replaces:
        old = (
            Evidence.objects.select_related("excerpt__source")
            .filter(pk=replaces, excerpt__source_id=source_id)
            .first()
        )
        if old is not None and evidence_needs_check(old, old.excerpt.source.text):
            evidence_unlink(evidence_id=old.pk, user=user)
    return evidence


EVIDENCE_EDITABLE = ("stance", "attributed_to", "note", "via")


def clean_via(via: Sequence[str] | None) -> list[str]:
    """Who passed the words on, outermost first: names, trimmed, no blanks."""
    if via is None:
        return []
    if isinstance(via, str) or not all(isinstance(v, str) for v in via):
        raise ApplicationError("via must be a list of names.")
    names = [" ".join(v.split())[:200] for v in via]
    return [n for n in names if n][:10]


@transaction.atomic
def evidence_update(
    *, evidence_id: int, user: AbstractBaseUser | None, **changes: object
) -> Evidence:
    evidence = Evidence.objects.select_for_update().filter(pk=evidence_id).first()
    if evidence is None:
        raise ApplicationError("No such evidence.", code="not_found", status=404)
    restanced = "stance" in changes and changes["stance"] != evidence.stance
    for name, value in changes.items():
        if name not in EVIDENCE_EDITABLE:
            raise ApplicationError(f"“{name}” cannot be changed; unlink and link again instead.")
        if name == "stance" and value not in Stance.values:
            raise ApplicationError(f"stance must be one of {', '.join(Stance.values)}.")
        if name == "via":
            evidence.via = clean_via(value)
            continue
        setattr(evidence, name, " ".join(value.split())[:200] if name == "attributed_to" else value)
    # Alias matching on every save: the speaker follows ``attributed_to``.
    evidence.speaker = actor_resolve(name=evidence.attributed_to)
    evidence._history_user = _real(user)
    evidence.save()
    # A new stance is new evidence for the verdict; a note or speaker is not.
    _touch_claim(evidence.claim_id, revision=restanced)
    changes_record(subject=ChangeSubject.EVIDENCE, ids=[evidence.pk])
    return evidence


@transaction.atomic
def evidence_confirm(*, evidence_id: int, user: AbstractBaseUser | None) -> Evidence:
    """A person accepts the new words of a ``changed`` quote (→ ``relocated``).

    The excerpt may serve several claims: each is back in the review queue.
    Recorded in the excerpt's and the evidence's history."""
    evidence = Evidence.objects.filter(pk=evidence_id).first()
    if evidence is None:
        raise ApplicationError("No such evidence.", code="not_found", status=404)
    excerpt_confirm(excerpt_id=evidence.excerpt_id, user=_real(user))
    evidence = Evidence.objects.select_for_update().get(pk=evidence_id)
    evidence._history_user = _real(user)
    evidence._change_reason = "confirmed the quote's new words"
    evidence.save()
    _touch_claims(
        Evidence.objects.filter(excerpt_id=evidence.excerpt_id).values("claim_id"), figures=False
    )
    return evidence


@transaction.atomic
def evidence_unlink(*, evidence_id: int, user: AbstractBaseUser | None) -> EvidenceTombstone:
    """Delete the pair and leave a tombstone for syncing clients. The excerpt
    stays: it belongs to the source and may serve other claims."""
    evidence = (
        Evidence.objects.select_for_update()
        .select_related("excerpt")
        .filter(pk=evidence_id)
        .first()
    )
    if evidence is None:
        raise ApplicationError("No such evidence.", code="not_found", status=404)
    tombstone = _delete_evidence(evidence, user=user)
    _touch_claim(tombstone.claim_id)
    return tombstone


def _delete_evidence(
    evidence: Evidence, *, user: AbstractBaseUser | None, reason: str = ""
) -> EvidenceTombstone:
    tombstone = EvidenceTombstone.objects.create(
        evidence_id=evidence.pk,
        claim_id=evidence.claim_id,
        source_id=evidence.excerpt.source_id,
        deleted_by=_real(user),
    )
    evidence._history_user = _real(user)
    if reason:
        evidence._change_reason = reason
    evidence.delete()
    changes_record(subject=ChangeSubject.EVIDENCE, ids=[tombstone.evidence_id])
    return tombstone


# --- merging and splitting ------------------------------------------------------------


def _move_evidence(
    evidence: list[Evidence], *, to: Claim, user: AbstractBaseUser | None, reason: str
) -> None:
    """Re-point pairs at another claim. Each moved pair is a changed pair:
    ``updated_at`` moves on (syncing clients and the change feed see it) and
    its history records the move."""
    if not evidence:
        return
    now = timezone.now()
    Evidence.objects.filter(pk__in=[e.pk for e in evidence]).update(claim=to, updated_at=now)
    changes_record(subject=ChangeSubject.EVIDENCE, ids=[e.pk for e in evidence])
    for item in evidence:
        item.claim = to
        item.updated_at = now
    Evidence.history.bulk_history_create(
        evidence, update=True, default_user=_real(user), default_change_reason=reason
    )


def _save_claim(claim: Claim, *, user: AbstractBaseUser | None, reason: str) -> None:
    claim.version += 1
    claim._change_reason = reason
    claim._history_user = _real(user)
    claim.save()


def _check_version(claim: Claim, seen: int | None) -> None:
    if seen is not None and seen != claim.version:
        raise _conflict(claim, seen)


@transaction.atomic
def claim_merge(
    *,
    claim_id: int,
    into_id: int,
    user: AbstractBaseUser | None,
    version: int | None = None,
    into_version: int | None = None,
) -> Claim:
    """Merge the duplicate ``claim_id`` into ``into_id``; returns ``into``.

    The duplicate's evidence and tags move to ``into`` (a passage both claims
    quote stays once, with ``into``'s stance: the duplicate's pair is unlinked
    with a tombstone); the duplicate keeps its row and its history, points at
    ``into`` with ``merged_into`` and leaves every list. Claims merged into the
    duplicate earlier now point at ``into`` too, so ``merged_into`` always
    names a live claim. ``version``/``into_version``, when given, must be the
    versions the user saw (else 409).

    Locks: both claim rows (``select_for_update``, lower id first, so two
    merges crossing each other queue rather than deadlock), then the
    duplicate's evidence rows. The second of two racing merges sees the first
    one's result and is refused.
    """
    if claim_id == into_id:
        raise ApplicationError("A claim cannot be merged into itself.")
    locked = {
        c.pk: c
        for c in Claim.objects.select_for_update().filter(pk__in=[claim_id, into_id]).order_by("pk")
    }
    if claim_id not in locked or into_id not in locked:
        missing = claim_id if claim_id not in locked else into_id
        raise ApplicationError(f"Claim {missing} does not exist.", code="not_found", status=404)
    duplicate, into = locked[claim_id], locked[into_id]
    _check_live(duplicate)
    _check_live(into)
    _check_version(duplicate, version)
    _check_version(into, into_version)

    moving = list(
        Evidence.objects.select_for_update()
        .select_related("excerpt")
        .filter(claim_id=duplicate.pk)
        .order_by("pk")
    )
    quoted_by_into = set(
        Evidence.objects.filter(
            claim_id=into.pk, excerpt_id__in=[e.excerpt_id for e in moving]
        ).values_list("excerpt_id", flat=True)
    )
    doubles = [e for e in moving if e.excerpt_id in quoted_by_into]
    moved = [e for e in moving if e.excerpt_id not in quoted_by_into]
    for item in doubles:
        _delete_evidence(
            item, user=user, reason=f"merged into claim {into.pk}, which quotes it already"
        )
    _move_evidence(moved, to=into, user=user, reason=f"moved from claim {duplicate.pk} (merge)")
    into.tags.add(*duplicate.tags.all())
    Claim.objects.filter(merged_into=duplicate).update(merged_into=into)

    duplicate.merged_into = into
    duplicate.merged_at = timezone.now()
    _save_claim(duplicate, user=user, reason=f"merged into claim {into.pk}")
    _save_claim(
        into,
        user=user,
        reason=f"merged claim {duplicate.pk} in ({len(moved)} evidence moved, "
        f"{len(doubles)} already here)",
    )
    _touch_claim(duplicate.pk)
    _touch_claim(into.pk)
    return into


@transaction.atomic
def claim_split(
    *,
    claim_id: int,
    evidence_ids: Iterable[int],
    text: str,
    tags: Iterable[str] | None = None,
    user: AbstractBaseUser | None,
    version: int | None = None,
) -> Claim:
    """Move the chosen evidence of a claim to a new claim with ``text``;
    returns the new claim. Its tags are ``tags``, or the original's when not
    given. Locks the claim row, then the evidence rows being moved."""
    claim = _lock_claim(claim_id)
    _check_live(claim)
    _check_version(claim, version)
    wanted = sorted(set(evidence_ids))
    if not wanted:
        raise ApplicationError("Choose the evidence to split off.", code="required")
    evidence = list(
        Evidence.objects.select_for_update().filter(claim_id=claim.pk, pk__in=wanted).order_by("pk")
    )
    found = {e.pk for e in evidence}
    stray = [pk for pk in wanted if pk not in found]
    if stray:
        raise ApplicationError(
            f"Evidence {', '.join(map(str, stray[:10]))} is not on claim {claim.pk}.",
            extra={"evidence": stray[:10]},
        )
    new = Claim(text=_clean_text(text), created_by=_real(user))
    new._change_reason = f"split from claim {claim.pk}"
    new._history_user = _real(user)
    new.save()
    new.tags.set(_tags(tags) if tags is not None else claim.tags.all())
    _move_evidence(evidence, to=new, user=user, reason=f"moved from claim {claim.pk} (split)")
    _save_claim(claim, user=user, reason=f"split {len(evidence)} evidence off into claim {new.pk}")
    _touch_claim(claim.pk)
    _touch_claim(new.pk)
    return new


@transaction.atomic
def claims_tag(
    *,
    claim_ids: Iterable[int],
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    user: AbstractBaseUser | None,
) -> list[Claim]:
    """Add and remove tags on several claims at once (the claim list's bulk
    action). Locks the claims' rows in id order; each changed claim gets a new
    version and a history entry."""
    ids = sorted(set(claim_ids))
    if not ids:
        raise ApplicationError("Select at least one claim.", code="required")
    to_add = _tags(add)
    to_remove = list(Tag.objects.filter(name__in=[" ".join(n.split()).lower() for n in remove]))
    if not to_add and not to_remove:
        raise ApplicationError("Name a tag to add or remove.", code="required")
    claims = list(Claim.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(claims) != len(ids):
        raise ApplicationError("Some of the selected claims no longer exist.", code="not_found")
    for claim in claims:
        _check_live(claim)
    through = Claim.tags.through
    if to_remove:
        through.objects.filter(claim_id__in=ids, tag__in=to_remove).delete()
    if to_add:
        through.objects.bulk_create(
            [through(claim_id=pk, tag_id=tag.pk) for pk in ids for tag in to_add],
            ignore_conflicts=True,
        )
    names = ", ".join(
        [f"+{t.name}" for t in to_add] + [f"-{t.name}" for t in to_remove if t not in to_add]
    )
    for claim in claims:
        _save_claim(claim, user=user, reason=f"tags {names}")
    return claims


@transaction.atomic
def claims_merge(*, claim_ids: Iterable[int], into_id: int, user: AbstractBaseUser | None) -> Claim:
    """Merge several selected claims into one of them (the claim list's bulk
    action): each of the others is merged as by ``claim_merge``, all or none."""
    others = sorted(set(claim_ids) - {into_id})
    if not others:
        raise ApplicationError("Select at least two claims to merge.", code="required")
    into = None
    for claim_id in others:
        into = claim_merge(claim_id=claim_id, into_id=into_id, user=user)
    return into
