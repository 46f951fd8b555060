from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims_tracker.common.api import MAX_ID
from sources.models import ANCHOR_STATES_TO_CHECK, AnchorStateChoices
from sources.serializers import OutletSerializer

from .actor_selectors import actor_other_names
from .evidence_rows import evidence_row
from .figures import stored_stance_voices
from .models import Actor, ActorKind, Claim, Evidence, Stance, Verdict
from .voices import as_counts


def _datetime(value: dt.datetime | None, tz: dt.tzinfo | None = None) -> str | None:
    """What DRF's ``DateTimeField`` writes (ISO 8601 in the current time zone,
    ``Z`` for UTC), at a fraction of its cost: lists format thousands, so they
    look the time zone up once and pass it as ``tz``."""
    if value is None:
        return None
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


#: ISO 8601 as the API writes it, for other modules (the change feed).
iso_datetime = _datetime


class StanceCountsSerializer(serializers.Serializer):
    asserts = serializers.IntegerField()
    disputes = serializers.IntegerField()
    mentions = serializers.IntegerField()


class ClaimListSerializer(serializers.ListSerializer):
    """A page of claims: their independent voices as stored on each claim
    (``claims.figures``), no query, not counted claim by claim."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.context["voices"] = {c.pk: stored_stance_voices(c) for c in items}
        return [self.child.to_representation(item) for item in items]


class ClaimSerializer(serializers.ModelSerializer):
    tags = serializers.SerializerMethodField()
    independent_voices = serializers.SerializerMethodField()
    contested = serializers.SerializerMethodField()
    stance_counts = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    reviewed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "tags",
            "verdict",
            "verdict_rationale",
            "reviewed_by",
            "reviewed_at",
            "contested",
            "stance_counts",
            "independent_voices",
            "created_by",
            "created_at",
            "updated_at",
            "version",
            "evidence_changed_at",
            "merged_into",
            "merged_at",
            "evidence_revision",
            "reviewed_revision",
            "quotes_to_check",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "merged_into": {
                "help_text": "Set when this claim was merged into another (that claim's id): "
                "it has left every list, and its evidence is there."
            }
        }
        list_serializer_class = ClaimListSerializer

    @extend_schema_field(StanceCountsSerializer)
    def get_independent_voices(self, obj: Claim) -> dict[str, int]:
        """Distinct origins per stance (speaker actor, else the source's copy group)."""
        voices = self.context.get("voices", {}).get(obj.pk)
        if voices is None:
            voices = stored_stance_voices(obj)
        return as_counts(voices)

    quotes_to_check = serializers.SerializerMethodField(
        help_text="Evidence whose quote is `changed` or `orphaned`: waiting for a person."
    )

    @extend_schema_field(serializers.IntegerField())
    def get_quotes_to_check(self, obj: Claim) -> int:
        if hasattr(obj, "quotes_to_check"):
            return obj.quotes_to_check
        return obj.evidence.filter(excerpt__anchor_state__in=ANCHOR_STATES_TO_CHECK).count()

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
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The version you edited; a stale one gets 409 and changes nothing.",
    )


class ClaimMergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The claim that takes this one's evidence."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="This claim's version you saw; a stale one gets 409 and changes nothing.",
    )
    into_version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The target's version you saw; a stale one gets 409 and changes nothing.",
    )


class ClaimSplitSerializer(serializers.Serializer):
    evidence = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=10_000,
        help_text="Ids of this claim's evidence that move to the new claim.",
    )
    text = serializers.CharField(max_length=2000, help_text="The new claim's text.")
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60),
        required=False,
        max_length=50,
        help_text="The new claim's tags (default: this claim's).",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="This claim's version you saw; a stale one gets 409 and changes nothing.",
    )


class SimilarClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False)
    score = serializers.FloatField(help_text="Similarity, 0-100.")


class SimilarClaimsSerializer(serializers.Serializer):
    results = SimilarClaimSerializer(many=True)


class ClaimCreatedSerializer(ClaimSerializer):
    similar = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "similar"]
        read_only_fields = fields

    @extend_schema_field(SimilarClaimSerializer(many=True))
    def get_similar(self, obj: Claim) -> list[dict]:
        return self.context.get("similar", [])


class ReviewRequestSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    rationale = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=10000
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The claim's version you reviewed; a stale one gets 409 and changes nothing.",
    )
    evidence_revision = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="The claim's `evidence_revision` you reviewed: if evidence was linked, "
        "unlinked, re-stanced, changed or orphaned since, 409 and nothing changes.",
    )


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


class SpeakerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class QuoteSerializer(serializers.Serializer):
    selected = serializers.CharField(
        help_text="The words as the analyst selected them; no re-parse changes them."
    )
    exact = serializers.CharField()
    prefix = serializers.CharField(allow_blank=True)
    suffix = serializers.CharField(allow_blank=True)
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class EvidenceSerializer(serializers.ModelSerializer):
    """A claim/source pair. The declared fields describe the shape (and the
    OpenAPI schema); ``to_representation`` builds it directly from the joined
    row, because field-by-field serialization dominated the cost of a list
    page (see ``bench/api.py``); lists read only ``evidence_rows.LOOKUPS``."""

    claim = ClaimBriefSerializer(read_only=True)
    source = EvidenceSourceSerializer(read_only=True)
    stance = serializers.ChoiceField(choices=Stance.choices, read_only=True)
    quote = QuoteSerializer(read_only=True)
    anchor_state = serializers.ChoiceField(choices=AnchorStateChoices.choices, read_only=True)
    created_by = serializers.CharField(read_only=True, allow_null=True, help_text="Username.")
    excerpt = serializers.IntegerField(read_only=True, help_text="The id of the quoted excerpt.")
    speaker = SpeakerSerializer(
        read_only=True, allow_null=True, help_text="The actor `attributed_to` names."
    )
    via = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Who passed the words on, outermost first.",
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "claim",
            "source",
            "stance",
            "quote",
            "anchor_state",
            "attributed_to",
            "speaker",
            "via",
            "note",
            "created_by",
            "created_at",
            "updated_at",
            "excerpt",
        ]
        read_only_fields = fields

    def to_representation(self, obj: Evidence) -> dict:
        return evidence_from_row(evidence_row(obj))


def evidence_from_row(row: tuple, tz: dt.tzinfo | None = None) -> dict:
    """A pair's representation, built from its ``EVIDENCE_ROW`` tuple: a list
    page skips model instances altogether (the lean path measured by
    ``bench/api.py``); a single pair goes through ``evidence_row``."""
    (
        pk,
        claim_id,
        claim_text,
        verdict,
        source_id,
        url,
        title,
        published_at,
        outlet_id,
        outlet_name,
        outlet_domain,
        stance,
        exact,
        prefix,
        suffix,
        start,
        end,
        anchor_state,
        attributed_to,
        note,
        created_by,
        created_at,
        updated_at,
        excerpt_id,
        selected,
        speaker_id,
        speaker_name,
        speaker_kind,
        via,
    ) = row
    return {
        "id": pk,
        "claim": {"id": claim_id, "text": claim_text, "verdict": verdict},
        "source": {
            "id": source_id,
            "url": url,
            "title": title,
            "outlet": (
                {"id": outlet_id, "name": outlet_name, "domain": outlet_domain}
                if outlet_id is not None
                else None
            ),
            "published_at": _datetime(published_at, tz),
        },
        "stance": stance,
        "quote": {
            "selected": selected,
            "exact": exact,
            "prefix": prefix,
            "suffix": suffix,
            "start": start,
            "end": end,
        },
        "anchor_state": anchor_state,
        "attributed_to": attributed_to,
        "speaker": (
            {"id": speaker_id, "name": speaker_name, "kind": speaker_kind} if speaker_id else None
        ),
        "via": list(via or []),
        "note": note,
        "created_by": created_by,
        "created_at": _datetime(created_at, tz),
        "updated_at": _datetime(updated_at, tz),
        "excerpt": excerpt_id,
    }


class EvidenceCreateSerializer(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    source = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    stance = serializers.ChoiceField(choices=Stance.choices)
    exact = serializers.CharField(trim_whitespace=False, max_length=20000)
    start = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        allow_null=True,
        help_text="Where the quote starts in the source's text; required when it occurs twice.",
    )
    attributed_to = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    via = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True),
        required=False,
        default=list,
        max_length=10,
        help_text="Who passed the words on, outermost first.",
    )


class EvidenceUpdateSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(
        required=False,
        help_text="`true` accepts the new words of a `changed` quote: it becomes `relocated` "
        "(recorded in history). 409 when the quote is not `changed`.",
    )
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)
    attributed_to = serializers.CharField(required=False, allow_blank=True, max_length=200)
    via = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True),
        required=False,
        max_length=10,
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class TombstoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="evidence_id", help_text="The id the deleted pair had.")
    claim = serializers.IntegerField(source="claim_id")
    source = serializers.IntegerField(source="source_id")
    deleted_at = serializers.DateTimeField()


class ActorSerializer(serializers.ModelSerializer):
    aliases = serializers.SerializerMethodField()
    evidence_count = serializers.IntegerField(read_only=True, default=0)
    merged_into = serializers.IntegerField(source="merged_into_id", read_only=True, allow_null=True)

    class Meta:
        model = Actor
        fields = [
            "id",
            "name",
            "kind",
            "aliases",
            "evidence_count",
            "merged_into",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_aliases(self, obj: Actor) -> list[str]:
        return actor_other_names(obj)


class ActorWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ActorKind.choices, required=False)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=100
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The version you edited (optional on PATCH): a stale one is a 409.",
    )


class MergeRequestSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class FeedEntrySerializer(serializers.Serializer):
    """One change: ``upsert`` carries the pair as it is now; ``delete`` says when
    it was unlinked."""

    op = serializers.ChoiceField(choices=["upsert", "delete"])
    id = serializers.IntegerField()
    evidence = EvidenceSerializer(required=False, help_text="With `upsert`.")
    deleted_at = serializers.DateTimeField(required=False, help_text="With `delete`.")


class FeedPageSerializer(serializers.Serializer):
    results = FeedEntrySerializer(many=True)
    cursor = serializers.CharField(help_text="Send it back as `since` for what comes next.")
    has_more = serializers.BooleanField(help_text="More changes are ready: ask again now.")
