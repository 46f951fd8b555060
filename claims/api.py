"""REST endpoints for claims, evidence (claim/source pairs) and the review queue."""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from claims_tracker.common.api import (
    MAX_ID,
    ConditionalGetMixin,
    IsoDateTimeFilter,
    KeysetPagination,
    SyncPaginationMixin,
    parse_iso_datetime,
)
from claims_tracker.common.api_schema import (
    CONFLICT,
    ERROR_RESPONSES,
    WRITE_ERRORS,
    ErrorSerializer,
)
from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.renderers import FastJSONRenderer
from claims_tracker.common.roles import EditorOnly, ReadOrAnalyst
from sources.models import AnchorStateChoices

from . import actor_selectors, actor_services, exports, feed, selectors, services
from .claimreview import claim_review_jsonld
from .evidence_rows import LOOKUPS
from .models import Actor, Claim, Evidence, Stance, Verdict
from .serializers import (
    ActorSerializer,
    ActorWriteSerializer,
    ClaimCreatedSerializer,
    ClaimMergeSerializer,
    ClaimSerializer,
    ClaimSplitSerializer,
    ClaimWriteSerializer,
    EvidenceCreateSerializer,
    EvidenceSerializer,
    EvidenceUpdateSerializer,
    FeedPageSerializer,
    MergeRequestSerializer,
    ReviewRequestSerializer,
    SimilarClaimsSerializer,
    TombstoneSerializer,
    evidence_from_row,
)


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number from 1 to ``MAX_ID`` (else 400)."""

    field_class = django_filters.fields.forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", help_text="Words in the claim's text.")
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices)
    contested = django_filters.BooleanFilter(method="filter_contested")
    tag = django_filters.CharFilter(field_name="tags__name", method="filter_tag")
    updated_since = IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Claims created or changed (also: their evidence) since then (ISO 8601).",
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_q(self, qs, name, value):
        return selectors.claims_with_words(qs, value)

    def filter_contested(self, qs, name, value):
        return selectors.claims_contested(qs, value)

    def filter_tag(self, qs, name, value):
        return selectors.claims_tagged(qs, value)


@extend_schema_view(
    list=extend_schema(
        summary="List claims", responses={200: ClaimSerializer(many=True), **ERROR_RESPONSES}
    ),
    retrieve=extend_schema(
        summary="One claim", responses={200: ClaimSerializer, **ERROR_RESPONSES}
    ),
)
class ClaimViewSet(
    ConditionalGetMixin,
    SyncPaginationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [ReadOrAnalyst]
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Claim]:
        if self.action == "list":
            return selectors.claim_list()
        # A merged claim still answers by id (with ``merged_into``): old links work.
        return selectors.claim_any()

    def get_permissions(self):
        if self.action == "review":
            return [EditorOnly()]
        return super().get_permissions()

    @extend_schema(
        summary="Create a claim",
        description="The answer lists `similar` existing claims, so near-duplicates can be merged.",
        request=ClaimWriteSerializer,
        responses={201: ClaimCreatedSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = ClaimWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        similar = selectors.claim_similar(text=data["text"])
        claim = services.claim_create(
            text=data["text"], tags=data.get("tags", []), user=request.user
        )
        context = {
            "request": request,
            "similar": [
                {"id": c.pk, "text": c.text, "score": round(score, 1)} for c, score in similar
            ],
        }
        body = ClaimCreatedSerializer(
            selectors.claim_detail(claim_id=claim.pk), context=context
        ).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a claim",
        request=ClaimWriteSerializer(partial=True),
        responses={200: ClaimSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        serializer = ClaimWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "version" not in data:
            raise ValidationError(
                {"version": ["Send the version you edited (the claim's `version`)."]}
            )
        services.claim_update(
            claim_id=claim.pk,
            user=request.user,
            version=data["version"],
            text=data.get("text"),
            tags=data.get("tags"),
        )
        return Response(ClaimSerializer(selectors.claim_detail(claim_id=claim.pk)).data)

    @extend_schema(
        summary="Set the verdict (editors)",
        request=ReviewRequestSerializer,
        responses={200: ClaimSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        serializer = ReviewRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.claim_review(
            claim_id=claim.pk,
            verdict=data["verdict"],
            rationale=data["rationale"],
            version=data["version"],
            evidence_revision=data.get("evidence_revision"),
            user=request.user,
        )
        return Response(ClaimSerializer(selectors.claim_detail(claim_id=claim.pk)).data)

    @extend_schema(
        summary="schema.org ClaimReview JSON-LD",
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT, description="schema.org `ClaimReview` JSON-LD."
            ),
            **ERROR_RESPONSES,
            404: OpenApiResponse(
                ErrorSerializer, description="No such claim, or not reviewed yet."
            ),
        },
    )
    @action(detail=True, methods=["get"])
    def claimreview(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        if claim.verdict == Verdict.UNREVIEWED:
            raise ApplicationError(
                "This claim has not been reviewed yet.", code="not_found", status=404
            )
        evidence = selectors.evidence_for_claim(claim_id=claim.pk)
        url = f"{settings.SITE_URL.rstrip('/')}/claims/{claim.pk}/"
        return Response(claim_review_jsonld(claim=claim, evidence=evidence, claim_url=url))

    @extend_schema(
        summary="Merge this claim into another (a duplicate)",
        description="This claim's evidence, tags and history move to `into`; this claim "
        "leaves every list, and its detail still answers with `merged_into`. A passage both "
        "claims quote stays once, with `into`'s stance. Answers with `into`.",
        request=ClaimMergeSerializer,
        responses={200: ClaimSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        serializer = ClaimMergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        into = services.claim_merge(
            claim_id=claim.pk,
            into_id=data["into"],
            version=data.get("version"),
            into_version=data.get("into_version"),
            user=request.user,
        )
        return Response(ClaimSerializer(selectors.claim_detail(claim_id=into.pk)).data)

    @extend_schema(
        summary="Split evidence off into a new claim",
        description="The chosen evidence of this claim moves to a new claim with `text`. "
        "Answers `201` with the new claim.",
        request=ClaimSplitSerializer,
        responses={201: ClaimSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def split(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        serializer = ClaimSplitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        new = services.claim_split(
            claim_id=claim.pk,
            evidence_ids=data["evidence"],
            text=data["text"],
            tags=data.get("tags"),
            version=data.get("version"),
            user=request.user,
        )
        body = ClaimSerializer(selectors.claim_detail(claim_id=new.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Claims similar to a text",
        parameters=[OpenApiParameter("text", str, required=True)],
        responses={200: SimilarClaimsSerializer, **ERROR_RESPONSES},
    )
    @action(detail=False, methods=["get"])
    def similar(self, request: Request) -> Response:
        text = request.query_params.get("text", "")
        results = [
            {"id": c.pk, "text": c.text, "verdict": c.verdict, "score": round(score, 1)}
            for c, score in selectors.claim_similar(text=text)
        ]
        return Response({"results": results})


class EvidenceFilter(django_filters.FilterSet):
    claim = IdFilter(field_name="claim_id", help_text="Claim id.")
    source = IdFilter(field_name="excerpt__source_id", help_text="Source id.")
    stance = django_filters.ChoiceFilter(choices=Stance.choices)
    outlet = django_filters.CharFilter(field_name="excerpt__source__outlet__domain")
    updated_since = IsoDateTimeFilter(
        method="filter_updated_since",
        help_text="Pairs created or changed since then, including pairs whose quote was "
        "re-anchored by a re-parse (ISO 8601).",
    )
    contested = django_filters.BooleanFilter(method="filter_contested")
    anchor_state = django_filters.ChoiceFilter(
        field_name="excerpt__anchor_state",
        choices=AnchorStateChoices.choices,
        help_text="`changed` and `orphaned` quotes wait for a person (Quotes to check).",
    )
    to_check = django_filters.BooleanFilter(
        method="filter_to_check", help_text="`true`: quotes `changed` or `orphaned`."
    )

    class Meta:
        model = Evidence
        fields: list[str] = []

    def filter_updated_since(self, qs, name, value):
        return selectors.evidence_changed_since(qs, value)

    def filter_contested(self, qs, name, value):
        return selectors.evidence_of_contested_claims(qs, value)

    def filter_to_check(self, qs, name, value):
        return selectors.evidence_to_check(qs, value)


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes | str) else str(data)


class NDJSONRenderer(CSVRenderer):
    media_type = "application/x-ndjson"
    format = "ndjson"


_EXPORT_DESCRIPTION = (
    "`?format=csv` or `?format=ndjson` streams every matching pair (same filters, no "
    "pagination) from a server-side cursor, in constant memory. Columns: "
    + ", ".join(f"`{c}`" for c in exports.COLUMNS)
    + "."
)


@extend_schema_view(
    list=extend_schema(
        summary="List claim/source pairs",
        description=_EXPORT_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["json", "csv", "ndjson"],
                description="`csv` or `ndjson` stream every matching pair instead of a page.",
            )
        ],
        responses={
            (200, "application/json"): EvidenceSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="Every matching pair."
            ),
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR, description="One JSON object per line."
            ),
            # Errors are JSON even when an export was asked for.
            **{(code, "application/json"): response for code, response in ERROR_RESPONSES.items()},
        },
    ),
    retrieve=extend_schema(
        summary="One claim/source pair", responses={200: EvidenceSerializer, **ERROR_RESPONSES}
    ),
)
class EvidenceViewSet(
    ConditionalGetMixin,
    SyncPaginationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [ReadOrAnalyst]
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilter
    # Keyset pages, newest first (no `count`: counting 100,000s of pairs costs
    # more than a page of them); with `updated_since`, oldest change first.
    pagination_class = KeysetPagination
    sync_ordering = ("changed_at", "id")
    # JSON through orjson (the same bytes as DRF's renderer; pairs hold no floats).
    renderer_classes = [
        FastJSONRenderer,
        renderers.BrowsableAPIRenderer,
        CSVRenderer,
        NDJSONRenderer,
    ]

    def get_renderers(self):
        if getattr(self, "action", None) == "list":
            return super().get_renderers()
        # Only the list exports; everything else is JSON.
        return [FastJSONRenderer(), renderers.BrowsableAPIRenderer()]

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Evidence]:
        return selectors.evidence_list().only(*LOOKUPS)

    def handle_exception(self, exc: Exception) -> Response:
        # An export that fails (bad filter, no auth) answers in JSON, not CSV.
        if getattr(self.request, "accepted_renderer", None) is not None and isinstance(
            self.request.accepted_renderer, CSVRenderer
        ):
            self.request.accepted_renderer = FastJSONRenderer()
            self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)

    def list(self, request: Request, *args, **kwargs):
        fmt = getattr(request.accepted_renderer, "format", "json")
        if fmt in {"csv", "ndjson"}:
            qs = self.filter_queryset(self.get_queryset())
            if fmt == "csv":
                response = StreamingHttpResponse(
                    exports.csv_stream(qs), content_type="text/csv; charset=utf-8"
                )
                response["Content-Disposition"] = 'attachment; filename="evidence.csv"'
            else:
                response = StreamingHttpResponse(
                    exports.ndjson_stream(qs), content_type="application/x-ndjson; charset=utf-8"
                )
            return response
        # The lean path: tuples straight from the database, no model instances
        # (and no select_related/only: ``values_list`` names its joins); the
        # ordering's values the row lacks ride at its end, for the cursor.
        queryset = self.filter_queryset(selectors.evidence_rows())
        extra = [name for name in self.paginator.fields if name not in LOOKUPS]
        page = self.paginate_queryset(queryset.values_list(*LOOKUPS, *extra))
        tz = timezone.get_current_timezone()
        width = len(LOOKUPS)
        return self.get_paginated_response([evidence_from_row(row[:width], tz) for row in page])

    def keyset_paginator(self) -> KeysetPagination:
        return self._row_keyset(self.sync_ordering)

    @property
    def paginator(self):
        if not hasattr(self, "_paginator") and not self.sync_mode():
            self._paginator = self._row_keyset(("-created_at", "-id"))
        return super().paginator

    @staticmethod
    def _row_keyset(ordering: tuple[str, ...]) -> KeysetPagination:
        """Keyset pages over ``values_list(*LOOKUPS, *extra)`` rows: an ordering
        field that is a column of the row is read there, the others (``extra``,
        in order) from the end of the row."""
        fields = [name.lstrip("-") for name in ordering]
        extra = [name for name in fields if name not in LOOKUPS]
        width = len(LOOKUPS)
        where = [
            LOOKUPS.index(name) if name in LOOKUPS else width + extra.index(name) for name in fields
        ]
        return KeysetPagination(ordering, key=lambda row: tuple(row[i] for i in where))

    @extend_schema(
        summary="Link a quoted passage to a claim",
        request=EvidenceCreateSerializer,
        responses={201: EvidenceSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = EvidenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evidence = services.evidence_link(
            claim_id=data["claim"],
            source_id=data["source"],
            stance=data["stance"],
            exact=data["exact"],
            start=data.get("start"),
            attributed_to=data["attributed_to"],
            note=data["note"],
            via=data.get("via", []),
            user=request.user,
        )
        return Response(
            EvidenceSerializer(self.get_queryset().get(pk=evidence.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Confirm a changed quote; change stance, speaker or note",
        request=EvidenceUpdateSerializer,
        responses={200: EvidenceSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        evidence = self.get_object()
        serializer = EvidenceUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        confirm = changes.pop("confirm", None)
        if not changes and not confirm:
            raise ValidationError(
                {"detail": "Nothing to change: send confirm, stance, attributed_to or note."}
            )
        with transaction.atomic():
            if confirm:
                services.evidence_confirm(evidence_id=evidence.pk, user=request.user)
            if changes:
                services.evidence_update(evidence_id=evidence.pk, user=request.user, **changes)
        return Response(EvidenceSerializer(self.get_queryset().get(pk=evidence.pk)).data)

    @extend_schema(
        summary="Unlink the pair (the excerpt stays)", responses={204: None, **ERROR_RESPONSES}
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        evidence = self.get_object()
        services.evidence_unlink(evidence_id=evidence.pk, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Pairs deleted since a time (tombstones for syncing clients)",
        parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME, required=True)],
        responses={200: TombstoneSerializer(many=True), **ERROR_RESPONSES},
    )
    @action(detail=False, methods=["get"], filterset_class=None)
    def deleted(self, request: Request) -> Response:
        since = parse_iso_datetime(request.query_params.get("since", ""), name="since")
        paginator = KeysetPagination(("deleted_at", "evidence_id"))
        page = paginator.paginate_queryset(
            selectors.evidence_deleted_since(since=since), request, view=self
        )
        return paginator.get_paginated_response(TombstoneSerializer(page, many=True).data)

    @extend_schema(
        summary="The change feed: every create, edit, re-anchor and delete, in order",
        description=(
            "Keep `cursor` and ask again with `since=<cursor>`; without `since` the feed starts "
            "from the beginning. A change may come twice, never zero times, whatever runs at "
            "the same time: see docs/API.md."
        ),
        parameters=[
            OpenApiParameter("since", str, description="A cursor this feed handed out."),
            OpenApiParameter(
                "limit", int, description=f"At most this many results (≤ {feed.MAX_LIMIT})."
            ),
        ],
        responses={200: FeedPageSerializer, **ERROR_RESPONSES},
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def changes(self, request: Request) -> Response:
        raw_limit = request.query_params.get("limit", str(feed.DEFAULT_LIMIT))
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= feed.MAX_LIMIT:
            raise ApplicationError(
                f"limit must be a whole number from 1 to {feed.MAX_LIMIT}.", code="invalid"
            )
        page = feed.evidence_feed_page(
            since=request.query_params.get("since") or None, limit=int(raw_limit)
        )
        return Response({"results": page.results, "cursor": page.cursor, "has_more": page.has_more})


@extend_schema(
    summary="Contested claims waiting for a verdict (editors)",
    responses={200: ClaimSerializer(many=True), **ERROR_RESPONSES},
)
class ReviewQueueView(ConditionalGetMixin, generics.ListAPIView):
    permission_classes = [EditorOnly]
    serializer_class = ClaimSerializer

    def get_queryset(self) -> list[Claim]:
        if getattr(self, "swagger_fake_view", False):  # the schema only needs the model
            return Claim.objects.none()
        return selectors.review_queue_by_voices()


class ActorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", help_text="Words in a name or alias.")

    class Meta:
        model = Actor
        fields = ["q"]

    def filter_q(self, qs, name, value):
        return actor_selectors.actor_list(q=value).filter(pk__in=qs.values("pk"))


@extend_schema_view(
    list=extend_schema(
        summary="List actors", responses={200: ActorSerializer(many=True), **ERROR_RESPONSES}
    ),
    retrieve=extend_schema(
        summary="One actor", responses={200: ActorSerializer, **ERROR_RESPONSES}
    ),
)
class ActorViewSet(
    ConditionalGetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Who says things: people, organisations, outlets, with their aliases."""

    permission_classes = [ReadOrAnalyst]
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Actor]:
        if self.action == "list":
            return actor_selectors.actor_list()
        return actor_selectors.actor_list(include_merged=True)

    @extend_schema(
        summary="Create an actor",
        request=ActorWriteSerializer,
        responses={201: ActorSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = ActorWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = actor_services.actor_create(
            name=data["name"],
            kind=data.get("kind", "unknown"),
            aliases=data.get("aliases", []),
            user=request.user,
        )
        body = ActorSerializer(actor_selectors.actor_detail(actor_id=actor.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rename, re-kind or re-alias an actor",
        request=ActorWriteSerializer(partial=True),
        responses={200: ActorSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        actor = self.get_object()
        serializer = ActorWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if not set(serializer.validated_data) - {"version"}:
            raise ValidationError({"detail": "Nothing to change: send name, kind or aliases."})
        actor_services.actor_update(
            actor_id=actor.pk, user=request.user, **serializer.validated_data
        )
        return Response(ActorSerializer(actor_selectors.actor_detail(actor_id=actor.pk)).data)

    @extend_schema(
        summary="Merge this actor into another",
        request=MergeRequestSerializer,
        responses={200: ActorSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        actor = self.get_object()
        serializer = MergeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        into = actor_services.actor_merge(
            actor_id=actor.pk, into_id=serializer.validated_data["into"], user=request.user
        )
        return Response(ActorSerializer(actor_selectors.actor_detail(actor_id=into.pk)).data)
