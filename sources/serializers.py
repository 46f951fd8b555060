from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims_tracker.common.api import MAX_ID

from .models import ContentType, ExtractionRule, Outlet, ReparseJob, Source


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain"]


class SourceSerializer(serializers.ModelSerializer):
    outlet = OutletSerializer(read_only=True, allow_null=True)
    authors = serializers.ListField(child=serializers.CharField(), read_only=True)
    evidence_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "outlet",
            "title",
            "authors",
            "published_at",
            "language",
            "content_type",
            "text",
            "content_sha256",
            "status",
            "parse_error",
            "rules_fingerprint",
            "ingested_at",
            "updated_at",
            "evidence_count",
            "site_name",
            "metadata_provenance",
            "original_filename",
        ]
        read_only_fields = fields


class SourceIngestResponseSerializer(SourceSerializer):
    duplicate = serializers.BooleanField()

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "duplicate"]
        read_only_fields = fields


class SourceCreateSerializer(serializers.Serializer):
    """Exactly one of ``url``, ``raw`` or ``file``."""

    url = serializers.URLField(required=False, max_length=2000)
    raw = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)
    file = serializers.FileField(required=False)
    content_type = serializers.ChoiceField(choices=ContentType.choices, required=False)
    outlet = serializers.CharField(required=False, max_length=253, help_text="Outlet domain.")
    title = serializers.CharField(required=False, max_length=2000)
    published_at = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict) -> dict:
        given = [name for name in ("url", "raw", "file") if name in attrs]
        if len(given) != 1:
            raise serializers.ValidationError(
                {
                    "detail": "Give exactly one of url, raw or file"
                    + (f" (got {', '.join(given)})." if given else ".")
                }
            )
        return attrs


class ExtractionRuleSerializer(serializers.ModelSerializer):
    outlet = serializers.CharField(
        source="outlet.domain",
        allow_null=True,
        required=False,
        default=None,
        help_text="Outlet domain, or null for a rule that applies to every source.",
    )
    field = serializers.ChoiceField(
        choices=[
            ("", "—"),
            ("title", "title"),
            ("author", "author"),
            ("published_at", "published_at"),
        ],
        required=False,
        allow_blank=True,
    )
    reparse_job = serializers.SerializerMethodField()

    class Meta:
        model = ExtractionRule
        fields = [
            "id",
            "name",
            "outlet",
            "kind",
            "pattern",
            "replacement",
            "field",
            "enabled",
            "position",
            "updated_at",
            "created_at",
            "reparse_job",
        ]
        read_only_fields = ["id", "updated_at", "created_at", "reparse_job"]
        extra_kwargs = {"position": {"required": False}, "replacement": {"required": False}}

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_reparse_job(self, obj: ExtractionRule) -> int | None:
        job = self.context.get("reparse_job")
        return job.pk if job else None

    def to_service_data(self) -> dict:
        data = dict(self.validated_data)
        if "outlet" in data:
            outlet = data.pop("outlet")
            data["outlet"] = outlet.get("domain") if isinstance(outlet, dict) else outlet
        return data


class RulePreviewRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="The rule being edited, if any."
    )
    name = serializers.CharField(required=False, allow_blank=True)
    outlet = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    kind = serializers.ChoiceField(choices=ExtractionRule._meta.get_field("kind").choices)
    pattern = serializers.CharField(trim_whitespace=False)
    replacement = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    field = serializers.CharField(required=False, allow_blank=True)
    enabled = serializers.BooleanField(required=False, default=True)
    position = serializers.IntegerField(required=False, min_value=-(2**31), max_value=2**31 - 1)
    sources = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=100,
        help_text="Source ids to preview (default: a sample of the affected sources).",
    )


class RuleDeletedSerializer(serializers.Serializer):
    reparse_job = serializers.IntegerField(allow_null=True)


class RulePreviewItemSerializer(serializers.Serializer):
    source_id = serializers.IntegerField()
    title = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()
    changed = serializers.BooleanField()
    error = serializers.CharField()


class RulePreviewResponseSerializer(serializers.Serializer):
    results = RulePreviewItemSerializer(many=True)


class ReparseJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReparseJob
        fields = [
            "id",
            "status",
            "total",
            "processed",
            "changed",
            "relocated",
            "orphaned",
            "failed",
            "started_at",
            "finished_at",
            "created_at",
            "reason",
            "superseded_by",
            "handed_over",
            "error",
            "retried_by",
        ]
        read_only_fields = fields


class RelatedSourceBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    outlet = OutletSerializer(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class RelatedSourceSerializer(serializers.Serializer):
    """Another source sharing passages with this one (``sources.copies``)."""

    source = RelatedSourceBriefSerializer()
    shared_chars = serializers.IntegerField(help_text="Characters of this source's text shared.")
    shared_fraction = serializers.FloatField(help_text="shared_chars / this source's length.")
    relation = serializers.ChoiceField(
        choices=["copies", "copied_by"],
        help_text="`copies`: this source repeats the other, earlier one; `copied_by`: the reverse.",
    )
    spans = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="[start, end] of each shared passage in this source's text.",
    )


class AttributionSuggestRequestSerializer(serializers.Serializer):
    source = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    exact = serializers.CharField(trim_whitespace=False, max_length=20000)
    start = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2**31 - 1
    )


class AttributionSuggestionSerializer(serializers.Serializer):
    speaker = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    via = serializers.ListField(child=serializers.CharField())
    cue = serializers.CharField(allow_null=True, help_text="The words that attribute the passage.")
    confidence = serializers.FloatField()
    cue_start = serializers.IntegerField(allow_null=True)
    cue_end = serializers.IntegerField(allow_null=True)
