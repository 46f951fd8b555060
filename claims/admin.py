"""Admin for claims, evidence and reviews.

Access: only ``is_staff`` users reach ``/admin/`` (Django's default); the
viewer, analyst and editor roles are groups and do not get staff status, so
they are sent to the admin's login page. See ``sources/admin.py``.

Claims, evidence and reviews are read-only here, with their full history
(django-simple-history): verdicts go through the review page (row lock,
version check, a ``Review`` row), evidence through link/unlink (tombstones
for syncing clients), edits through the claim page (versioning). Tags may be
renamed or merged by hand.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from sources.admin import ReadOnlyAdminMixin

from .models import Claim, Evidence, EvidenceTombstone, Review, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ("stance", "quote", "attributed_to", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .select_related("excerpt", "created_by")
            .defer("excerpt__source__raw")
        )

    @admin.display(description="Quote")
    def quote(self, obj: Evidence) -> str:
        return obj.excerpt.exact[:160]


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    fields = ("verdict", "rationale", "reviewer", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "id",
        "short_text",
        "verdict",
        "reviewed_by",
        "reviewed_at",
        "version",
        "created_by",
        "updated_at",
    )
    list_display_links = ("id", "short_text")
    list_filter = ("verdict", "tags", "reviewed_at", "created_at")
    search_fields = ("text", "verdict_rationale")
    list_select_related = ("reviewed_by", "created_by")
    date_hierarchy = "created_at"
    inlines = (EvidenceInline, ReviewInline)
    history_list_display = ("verdict", "version")

    @admin.display(description="Claim", ordering="text")
    def short_text(self, obj: Claim) -> str:
        return obj.text[:100]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "id",
        "claim_id",
        "stance",
        "quote",
        "attributed_to",
        "source_title",
        "created_by",
        "updated_at",
    )
    list_filter = ("stance", "excerpt__anchor_state", "created_at")
    search_fields = ("attributed_to", "note", "excerpt__exact", "claim__text")
    raw_id_fields = ("claim", "excerpt")
    history_list_display = ("stance", "attributed_to")

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .select_related("excerpt", "excerpt__source", "created_by")
            .defer("excerpt__source__raw", "excerpt__source__text")
        )

    @admin.display(description="Quote")
    def quote(self, obj: Evidence) -> str:
        return obj.excerpt.exact[:80]

    @admin.display(description="Source")
    def source_title(self, obj: Evidence) -> str:
        source = obj.excerpt.source
        return (source.title or source.url or f"Source {source.pk}")[:60]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "claim_id", "verdict", "reviewer", "created_at")
    list_filter = ("verdict", "created_at")
    search_fields = ("rationale", "claim__text", "reviewer__username")
    list_select_related = ("reviewer",)
    raw_id_fields = ("claim",)
    date_hierarchy = "created_at"


@admin.register(EvidenceTombstone)
class EvidenceTombstoneAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("evidence_id", "claim_id", "source_id", "deleted_at", "deleted_by")
    list_filter = ("deleted_at",)
    search_fields = ("evidence_id", "claim_id", "source_id")
    list_select_related = ("deleted_by",)
    date_hierarchy = "deleted_at"
