"""Claims, the evidence linking them to quoted spans of sources, and reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from claims_tracker.common.models import TimeStampedModel
from sources.models import Excerpt


class Verdict(models.TextChoices):
    UNREVIEWED = "unreviewed", "Unreviewed"
    SUPPORTED = "supported", "Supported"
    REFUTED = "refuted", "Refuted"
    MIXED = "mixed", "Mixed"
    UNPROVEN = "unproven", "Unproven"


class Stance(models.TextChoices):
    ASSERTS = "asserts", "Asserts"
    DISPUTES = "disputes", "Disputes"
    MENTIONS = "mentions", "Mentions"


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The stored figures of a claim (see ``Claim``), recounted by ``claims.figures``.
FIGURE_FIELDS = (
    "asserts_count",
    "disputes_count",
    "mentions_count",
    "evidence_total",
    "voices_total",
    "is_contested",
    "stance_figures",
)


STANCE_FIGURES = ("quotes", "sources", "voices", "outlets", "speakers")


def empty_stance_figures() -> dict[str, dict[str, int]]:
    """A claim without evidence: zero of each, per stance."""
    return {stance: dict.fromkeys(STANCE_FIGURES, 0) for stance in Stance.values}


class Claim(TimeStampedModel):
    """An allegation. ``version`` grows with every change: writers send the
    version they saw and a stale one is refused (optimistic locking)."""

    text = models.TextField()
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims")
    verdict = models.CharField(
        max_length=12, choices=Verdict.choices, default=Verdict.UNREVIEWED, db_index=True
    )
    verdict_rationale = models.TextField(blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # When evidence was last linked, changed or unlinked (for people and sync).
    evidence_changed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Grows by one whenever evidence is linked, unlinked, re-stanced, or its
    # quote is changed or orphaned by a re-parse (or confirmed by a person).
    # A verdict records the revision it saw; the claim is back in the review
    # queue while ``evidence_revision > reviewed_revision``. A counter, not a
    # timestamp: two changes in one clock tick still count.
    evidence_revision = models.PositiveIntegerField(default=0)
    reviewed_revision = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when this claim was merged into another as a duplicate: it leaves
    # every list, its evidence and tags live on in ``merged_into``, and its
    # detail still answers (old links keep working).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    # Stored figures (``claims.figures``): the claim's evidence per stance, in
    # all, its independent voices (``claims.voices``, summed over stances) and
    # whether it is contested (asserted and disputed). Recounted, under the
    # claim's row lock, by every service that links, unlinks, re-stances or
    # moves evidence, so lists sort and filter on them without counting a
    # million evidence rows. Derived: not in the claim's history.
    asserts_count = models.PositiveIntegerField(default=0)
    disputes_count = models.PositiveIntegerField(default=0)
    mentions_count = models.PositiveIntegerField(default=0)
    evidence_total = models.PositiveIntegerField(default=0)
    voices_total = models.PositiveIntegerField(default=0)
    is_contested = models.BooleanField(default=False)
    # Per stance: {"quotes", "sources", "voices", "outlets", "speakers"}.
    stance_figures = models.JSONField(default=empty_stance_figures, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", *FIGURE_FIELDS])

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            # The claim list: live claims, most recently changed first.
            models.Index(
                F("updated_at").desc(),
                F("id").desc(),
                name="claim_live_recent",
                condition=Q(merged_into__isnull=True),
            ),
            # The review queue: live claims, most independent voices first.
            models.Index(
                F("voices_total").desc(),
                F("evidence_total").desc(),
                F("updated_at").desc(),
                F("id").desc(),
                name="claim_live_voices",
                condition=Q(merged_into__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args, **kwargs) -> None:
        # The stored figures belong to ``claims.figures`` (written under the
        # row lock, by ``bulk_update``): saving a claim loaded earlier must
        # not write back figures that were recounted meanwhile.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in FIGURE_FIELDS
            ]
        super().save(*args, **kwargs)


class Evidence(TimeStampedModel):
    """A claim/source pair: a quoted excerpt, the stance it takes on the claim
    and who it is attributed to. One excerpt may serve several claims."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    excerpt = models.ForeignKey(Excerpt, on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(max_length=10, choices=Stance.choices, db_index=True)
    attributed_to = models.CharField(max_length=200, blank=True, default="")
    # The actor ``attributed_to`` names (resolved on every save) and who passed
    # the words on, outermost first: the origin counts, not the relay.
    speaker = models.ForeignKey(
        "Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    via = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "evidence"
        indexes = [
            # Per-claim counts by stance (lists, the claim page's columns).
            models.Index(fields=["claim", "stance", "id"], name="evidence_claim_stance"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "excerpt"], name="evidence_unique_claim_excerpt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stance}: {self.excerpt_id} → claim {self.claim_id}"


class EvidenceTombstone(models.Model):
    """Left behind when a pair is unlinked, so syncing clients learn of it."""

    evidence_id = models.BigIntegerField(unique=True)
    claim_id = models.BigIntegerField(db_index=True)
    source_id = models.BigIntegerField(db_index=True)
    deleted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["deleted_at", "evidence_id"]

    def __str__(self) -> str:
        return f"evidence {self.evidence_id} deleted {self.deleted_at:%Y-%m-%d %H:%M}"


class Review(models.Model):
    """One verdict given by an editor: the claim's verdict history."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="reviews")
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    rationale = models.TextField(blank=True, default="")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The claim's evidence revision the editor saw when giving this verdict.
    evidence_revision = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.verdict} on claim {self.claim_id}"


class ActorKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    OUTLET = "outlet", "Outlet"
    UNKNOWN = "unknown", "Unknown"


class Actor(TimeStampedModel):
    """Someone who says things: a person, an organisation, an outlet. Known by
    its name and aliases (``ActorAlias``); a merged actor points at the one it
    became and keeps its row, so history and old links stay."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=ActorKind.choices, default=ActorKind.UNKNOWN)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    # Grows with every edit and merge: writers may send the version they saw,
    # and a stale one is refused (two analysts re-aliasing at once).
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ActorAlias(models.Model):
    """A name an actor goes by. ``key`` is the name folded (case and
    whitespace), unique: one name means one actor."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "actor aliases"

    def __str__(self) -> str:
        return self.name
