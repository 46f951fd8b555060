"""Sources: outlets, ingested articles, quoted spans of their text, extraction
rules and re-parse jobs. Nothing here knows about claims."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims_tracker.common.models import TimeStampedModel


class Outlet(models.Model):
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SourceStatus(models.TextChoices):
    PARSED = "parsed", "Parsed"
    FAILED = "failed", "Failed"


class ContentType(models.TextChoices):
    HTML = "text/html", "HTML"
    TEXT = "text/plain", "Plain text"


class Source(models.Model):
    """An ingested article. ``raw`` keeps the input byte for byte, forever;
    everything else is derived from it by the extraction pipeline and can be
    recomputed (re-parse)."""

    # NULL, not "", for "no URL": the unique constraint must ignore pasted text.
    url = models.URLField(max_length=2000, null=True, blank=True, help_text="Canonical URL.")  # noqa: DJ001
    fetched_url = models.URLField(max_length=2000, blank=True, default="")
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    raw = models.BinaryField(editable=False)
    raw_charset = models.CharField(max_length=40, blank=True, default="")
    content_type = models.CharField(max_length=20, choices=ContentType.choices)
    content_sha256 = models.CharField(max_length=64, unique=True)
    original_filename = models.CharField(max_length=255, blank=True, default="")

    title = models.TextField(blank=True, default="")
    authors = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=12, blank=True, default="")
    site_name = models.CharField(max_length=200, blank=True, default="")
    # Where each metadata field came from and how far to trust it:
    # {"published_at": {"source": "json-ld", "confidence": 0.9}, ...}
    metadata_provenance = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True, default="")
    # Metadata given by the person who ingested it; wins over extraction, kept
    # across re-parses.
    overrides = models.JSONField(default=dict, blank=True)

    status = models.CharField(
        max_length=10, choices=SourceStatus.choices, default=SourceStatus.PARSED, db_index=True
    )
    parse_error = models.TextField(blank=True, default="")
    rules_fingerprint = models.CharField(max_length=64, blank=True, default="", db_index=True)

    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set once, at ingestion; also the reference time of every re-parse.
    ingested_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-ingested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=Q(url__isnull=False), name="source_unique_canonical_url"
            ),
        ]
        indexes = [models.Index(fields=["outlet", "published_at"], name="source_outlet_published")]

    def __str__(self) -> str:
        return self.title or self.url or f"Source {self.pk}"


class AnchorStateChoices(models.TextChoices):
    ANCHORED = "anchored", "Anchored"
    RELOCATED = "relocated", "Relocated"
    CHANGED = "changed", "Changed"
    ORPHANED = "orphaned", "Orphaned"


#: Excerpt states that need a person: the words or the place are gone.
ANCHOR_STATES_TO_CHECK = (AnchorStateChoices.CHANGED, AnchorStateChoices.ORPHANED)


class Excerpt(TimeStampedModel):
    """A quoted span of a source's text (``text[start:end] == exact`` unless
    orphaned). A re-parse re-anchors it; it is never deleted by one.

    ``selected*`` are the analyst's words, context and position as they were
    selected; a re-parse never writes them (every re-anchoring starts from
    them), only a person confirming new words does. ``exact`` and its context
    are where the quote points now: the same words unless ``changed``.
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="excerpts")
    exact = models.TextField()
    prefix = models.TextField(blank=True, default="")
    suffix = models.TextField(blank=True, default="")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    selected = models.TextField(default="", help_text="The words as the analyst selected them.")
    selected_prefix = models.TextField(blank=True, default="")
    selected_suffix = models.TextField(blank=True, default="")
    selected_start = models.PositiveIntegerField(default=0)
    anchor_state = models.CharField(
        max_length=10,
        choices=AnchorStateChoices.choices,
        default=AnchorStateChoices.ANCHORED,
        db_index=True,
    )
    anchor_score = models.FloatField(default=1.0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["source_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="excerpt_span_not_empty"
            ),
        ]
        # Not unique: two excerpts may be re-anchored onto the same words, and a
        # re-parse must never fail for it. Linking looks the span up with
        # ``excerpt_for_span`` (never ``get``, which would raise
        # MultipleObjectsReturned) and creates under the source's row lock.
        indexes = [models.Index(fields=["source", "start"], name="excerpt_source_start")]

    def __str__(self) -> str:
        return f"“{self.exact[:60]}”"


class RuleKindChoices(models.TextChoices):
    DROP_LINES = "drop_lines", "Drop lines matching"
    CUT_BEFORE = "cut_before", "Cut everything before"
    CUT_AFTER = "cut_after", "Cut everything from"
    REPLACE = "replace", "Replace"
    STRIP_SELECTOR = "strip_selector", "Strip HTML elements"
    METADATA = "metadata", "Metadata from regex"


class MetadataFieldChoices(models.TextChoices):
    TITLE = "title", "Title"
    AUTHOR = "author", "Author"
    PUBLISHED_AT = "published_at", "Publication date"


class ExtractionRule(TimeStampedModel):
    """A rule of the extraction pipeline, for one outlet or (outlet null) all."""

    name = models.CharField(max_length=200)
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(max_length=20, choices=RuleKindChoices.choices)
    pattern = models.TextField()
    replacement = models.TextField(blank=True, default="")
    field = models.CharField(
        max_length=20, blank=True, default="", choices=MetadataFieldChoices.choices
    )
    enabled = models.BooleanField(default=True)
    position = models.IntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class ReparseStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ReparseJob(models.Model):
    """A re-parse of the sources a rule change affects. Counters are updated
    atomically by the chunk tasks and read while the job runs."""

    status = models.CharField(
        max_length=10, choices=ReparseStatus.choices, default=ReparseStatus.QUEUED, db_index=True
    )
    outlet = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The outlet whose sources are re-parsed; empty for all sources.",
    )
    scope_all = models.BooleanField(default=True)
    only_stale = models.BooleanField(default=True)
    reason = models.CharField(max_length=300, blank=True, default="")
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    relocated = models.PositiveIntegerField(default=0)
    orphaned = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    handed_over = models.PositiveIntegerField(
        default=0, help_text="Sources a newer job took over before this one reached them."
    )
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    chunks_failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="", help_text="Why the job failed.")
    # An explicit list of sources (a retry of failed sources); null: the scope.
    source_ids = models.JSONField(null=True, blank=True)
    retried_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The job that retried this one's failed sources.",
    )
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A newer job that took over this one's pending sources.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Re-parse job {self.pk} ({self.status})"


class ReparseChunk(models.Model):
    """One task's share of a job. Processing a chunk and marking it done happen
    in one transaction, so a chunk redelivered after a worker died is either
    redone from scratch or skipped: its sources are counted exactly once.

    ``in_flight`` is committed before the work starts and cleared when an
    attempt ends (done, or an error the task caught): a delivery that finds it
    still set knows the previous attempt's worker died, and counts it in
    ``deaths``; at ``REPARSE_MAX_DELIVERIES`` the chunk is failed, not retried."""

    job = models.ForeignKey(ReparseJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    source_ids = models.JSONField(default=list)
    done = models.BooleanField(
        default=False, help_text="Finished: processed, handed over or failed."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(default=0)
    deaths = models.PositiveIntegerField(default=0)
    in_flight = models.BooleanField(default=False)
    handed_over = models.PositiveIntegerField(default=0)
    failed_source_ids = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["job_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="reparse_chunk_unique_index")
        ]

    def __str__(self) -> str:
        return f"job {self.job_id} chunk {self.index}"


class IngestBatch(models.Model):
    """Several URLs ingested in the background (queue ``ingest``), one item
    each, with counters for the progress bar."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outlet_domain = models.CharField(max_length=253, blank=True, default="")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Ingest batch {self.pk} ({self.done}/{self.total})"

    @property
    def finished(self) -> bool:
        return self.done >= self.total


class IngestItemStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    CREATED = "created", "Created"
    DUPLICATE = "duplicate", "Duplicate"
    ERROR = "error", "Error"


class IngestItem(models.Model):
    batch = models.ForeignKey(IngestBatch, on_delete=models.CASCADE, related_name="items")
    url = models.URLField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=IngestItemStatus.choices, default=IngestItemStatus.QUEUED
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch_id", "id"]

    def __str__(self) -> str:
        return f"{self.url} ({self.status})"


class SourceBand(models.Model):
    """One LSH band key of a source's text (``sources.text.copying``): two
    sources that share a key are candidates for shared passages."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="sourceband_unique_source_key")
        ]

    def __str__(self) -> str:
        return f"band {self.key} of source {self.source_id}"


class SharedText(models.Model):
    """Two sources that share passages (wire copy, a rewrite with small
    edits). ``earlier`` is the original: published first (then ingested
    first). Spans are ``[start, end]`` character ranges in each text."""

    earlier = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="copied_by")
    later = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="copies")
    earlier_spans = models.JSONField(default=list)
    later_spans = models.JSONField(default=list)
    earlier_shared_chars = models.PositiveIntegerField(default=0)
    later_shared_chars = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["earlier", "later"], name="sharedtext_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(earlier=models.F("later")), name="sharedtext_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"source {self.later_id} shares text with {self.earlier_id}"
