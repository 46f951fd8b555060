"""Admin for the sources app.

Who gets in: Django's admin admits only active users with ``is_staff`` (and
then only to models their permissions allow; superusers see everything). The
product's roles (viewer, analyst, editor) are groups, not staff: none of them
reaches ``/admin/`` unless an administrator also sets ``is_staff`` (the admin
sends them to its login page). Give staff status to the few people who run
the service, not to analysts or editors, who work in the app.

Why most models are read-only here: writes go through the services (ingest,
the extraction rules' re-parse jobs, quote anchoring, versioning, tombstones
for syncing clients). The admin is for inspection and history (django-simple-
history's "History" button on historical models); editing rows here would
skip those guarantees. Outlets (names) may be edited.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Excerpt,
    ExtractionRule,
    IngestBatch,
    IngestItem,
    Outlet,
    ReparseChunk,
    ReparseJob,
    Source,
)
from .text.extraction.encoding import decode_bytes

# How much of a source's raw input the change page shows.
RAW_PREVIEW_CHARS = 200_000


class ReadOnlyAdminMixin:
    """View (and history) only: no add, change, revert or delete."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ("name", "domain", "created_at")
    search_fields = ("name", "domain")
    readonly_fields = ("domain", "created_at")
    ordering = ("name",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # outlets come from ingestion (their domain is the key)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # sources keep their outlet (PROTECT)


@admin.register(Source)
class SourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "title_or_url",
        "outlet",
        "content_type",
        "status",
        "published_at",
        "ingested_at",
    )
    list_display_links = ("id", "title_or_url")
    list_filter = ("status", "content_type", "outlet", "ingested_at")

    class Media:
        css = {"all": ["css/admin.css"]}

    search_fields = ("title", "url", "content_sha256", "original_filename")
    date_hierarchy = "ingested_at"
    list_select_related = ("outlet",)
    # ``raw`` (bytes) is never shown as a field: ``raw_decoded`` shows it as
    # escaped text instead.
    exclude = ("raw",)
    readonly_fields = (
        "url",
        "fetched_url",
        "outlet",
        "content_type",
        "content_sha256",
        "raw_charset",
        "original_filename",
        "title",
        "authors",
        "published_at",
        "language",
        "site_name",
        "overrides",
        "status",
        "parse_error",
        "rules_fingerprint",
        "ingested_by",
        "ingested_at",
        "updated_at",
        "text",
        "raw_decoded",
    )
    fieldsets = (
        (None, {"fields": ("title", "url", "fetched_url", "outlet", "status", "parse_error")}),
        ("Metadata", {"fields": ("authors", "published_at", "language", "site_name", "overrides")}),
        (
            "Input",
            {
                "fields": (
                    "content_type",
                    "raw_charset",
                    "content_sha256",
                    "original_filename",
                    "ingested_by",
                    "ingested_at",
                    "updated_at",
                    "rules_fingerprint",
                )
            },
        ),
        ("Extracted text", {"fields": ("text",)}),
        ("Raw input (decoded, read-only)", {"classes": ("collapse",), "fields": ("raw_decoded",)}),
    )

    def get_queryset(self, request: HttpRequest):
        qs = super().get_queryset(request)
        # The changelist never needs the (possibly megabytes of) raw bytes or text.
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            qs = qs.defer("raw", "text")
        return qs

    @admin.display(description="Source", ordering="title")
    def title_or_url(self, obj: Source) -> str:
        return (obj.title or obj.url or f"Source {obj.pk}")[:100]

    @admin.display(description="Raw input")
    def raw_decoded(self, obj: Source) -> str:
        if obj.pk is None or obj.raw is None:
            return "—"
        raw = bytes(obj.raw)
        text = decode_bytes(raw, declared_charset=obj.raw_charset or None)
        suffix = ""
        if len(text) > RAW_PREVIEW_CHARS:
            suffix = f"\n… ({len(text) - RAW_PREVIEW_CHARS:,} more characters not shown)"
            text = text[:RAW_PREVIEW_CHARS]
        # format_html escapes the text: raw HTML is shown, never rendered.
        return format_html(
            '<pre class="raw-input">{}{}</pre><p>{} bytes</p>',
            text,
            suffix,
            f"{len(raw):,}",
        )


@admin.register(Excerpt)
class ExcerptAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "id",
        "short_exact",
        "source_id",
        "start",
        "end",
        "anchor_state",
        "anchor_score",
        "updated_at",
    )
    list_filter = ("anchor_state",)
    search_fields = ("exact",)
    raw_id_fields = ("source",)
    history_list_display = ("anchor_state", "start", "end")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("source__raw", "source__text")

    @admin.display(description="Quote")
    def short_exact(self, obj: Excerpt) -> str:
        return obj.exact[:80]


@admin.register(ExtractionRule)
class ExtractionRuleAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Rules are changed on /rules/ (or the API), which previews the change and
    starts the re-parse it calls for; here they are read, with their history."""

    list_display = (
        "name",
        "outlet",
        "kind",
        "field",
        "enabled",
        "position",
        "updated_by",
        "updated_at",
    )
    list_filter = ("kind", "enabled", "outlet")
    search_fields = ("name", "pattern")
    list_select_related = ("outlet", "updated_by")
    history_list_display = ("kind", "pattern", "enabled")


class ReparseChunkInline(admin.TabularInline):
    model = ReparseChunk
    extra = 0
    fields = ("index", "done", "finished_at", "source_count")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="Sources")
    def source_count(self, obj: ReparseChunk) -> int:
        return len(obj.source_ids or [])


@admin.register(ReparseJob)
class ReparseJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "status",
        "outlet",
        "total",
        "processed",
        "changed",
        "relocated",
        "orphaned",
        "failed",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "only_stale", "scope_all")
    search_fields = ("reason", "error")
    list_select_related = ("outlet",)
    date_hierarchy = "created_at"
    inlines = (ReparseChunkInline,)


@admin.register(ReparseChunk)
class ReparseChunkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "job", "index", "done", "finished_at")
    list_filter = ("done",)
    search_fields = ("job__id",)
    raw_id_fields = ("job",)


class IngestItemInline(admin.TabularInline):
    model = IngestItem
    fields = ("url", "status", "source", "error", "finished_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IngestBatch)
class IngestBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "created_by", "total", "done", "failed", "created_at", "finished_at")
    inlines = [IngestItemInline]
