from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sources.serializers import OutletSerializer

from .models import Claim, Evidence, Stance, Verdict


class StanceCountsSerializer(serializers.Serializer):
    asserts = serializers.IntegerField()
    disputes = serializers.IntegerField()
    mentions = serializers.IntegerField()


class ClaimSerializer(serializers.ModelSerializer):
    tags = serializers.SerializerMethodField()
    contested = serializers.SerializerMethodField()
    stance_counts = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id", "text", "tags", "verdict", "verdict_rationale", "reviewed_by", "reviewed_at",
            "contested", "stance_counts", "created_by", "created_at", "updated_at", "version",
            "evidence_changed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, obj: Claim) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @extend_schema_field(serializers.BooleanField())
    def get_contested(self, obj: Claim) -> bool:
        counts = self.get_stance_counts(obj)
        return counts["asserts"] > 0 and counts["disputes"] > 0

    @extend_schema_field(StanceCountsSerializer)
    def get_stance_counts(self, obj: Claim) -> dict[str, int]:
        if hasattr(obj, "asserts_count"):
            return {
                "asserts": obj.asserts_count,
                "disputes": obj.disputes_count,
                "mentions": obj.mentions_count,
            }
        counts = {s: 0 for s in Stance.values}
        for stance in obj.evidence.values_list("stance", flat=True):
            counts[stance] += 1
        return counts


class ClaimWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=50)
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text="The version you edited; a stale one gets 409 and changes nothing.",
    )


class ClaimCreatedSerializer(ClaimSerializer):
    similar = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "similar"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_similar(self, obj: Claim) -> list[dict]:
        return self.context.get("similar", [])


class ReviewRequestSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    rationale = serializers.CharField(allow_blank=True, required=False, default="", max_length=10000)
    version = serializers.IntegerField(min_value=1)


class ClaimBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claim
        fields = ["id", "text", "verdict"]
        read_only_fields = fields


class EvidenceSourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    outlet = OutletSerializer(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class QuoteSerializer(serializers.Serializer):
    exact = serializers.CharField()
    prefix = serializers.CharField(allow_blank=True)
    suffix = serializers.CharField(allow_blank=True)
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class EvidenceSerializer(serializers.ModelSerializer):
    claim = ClaimBriefSerializer(read_only=True)
    source = serializers.SerializerMethodField()
    quote = serializers.SerializerMethodField()
    anchor_state = serializers.CharField(source="excerpt.anchor_state", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    excerpt = serializers.IntegerField(source="excerpt_id", read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id", "claim", "source", "stance", "quote", "anchor_state", "attributed_to", "note",
            "created_by", "created_at", "updated_at", "excerpt",
        ]
        read_only_fields = fields

    @extend_schema_field(EvidenceSourceSerializer)
    def get_source(self, obj: Evidence) -> dict:
        source = obj.excerpt.source
        outlet = source.outlet
        return {
            "id": source.pk,
            "url": source.url,
            "title": source.title,
            "outlet": {"id": outlet.pk, "name": outlet.name, "domain": outlet.domain} if outlet else None,
            "published_at": serializers.DateTimeField().to_representation(source.published_at)
            if source.published_at
            else None,
        }

    @extend_schema_field(QuoteSerializer)
    def get_quote(self, obj: Evidence) -> dict:
        e = obj.excerpt
        return {"exact": e.exact, "prefix": e.prefix, "suffix": e.suffix, "start": e.start, "end": e.end}


class EvidenceCreateSerializer(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1)
    source = serializers.IntegerField(min_value=1)
    stance = serializers.ChoiceField(choices=Stance.choices)
    exact = serializers.CharField(trim_whitespace=False, max_length=20000)
    start = serializers.IntegerField(required=False, min_value=0, allow_null=True)
    attributed_to = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)


class EvidenceUpdateSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)
    attributed_to = serializers.CharField(required=False, allow_blank=True, max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class TombstoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="evidence_id")
    claim = serializers.IntegerField(source="claim_id")
    source = serializers.IntegerField(source="source_id")
    deleted_at = serializers.DateTimeField()
