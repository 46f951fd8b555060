"""REST endpoints of the sources app: thin: validate, call a service, serialize."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from claims_tracker.common.api import (
    ConditionalGetMixin,
    IsoDateTimeFilter,
    SyncPaginationMixin,
    parse_iso_datetime,
)
from claims_tracker.common.api_schema import (
    CONFLICT,
    ERROR_RESPONSES,
    TOO_LARGE,
    UNSUPPORTED_MEDIA,
    WRITE_ERRORS,
)
from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.parsers import FormParser, JSONParser, MultiPartParser
from claims_tracker.common.roles import ReadOrAnalyst, ReadOrEditor

from . import copies, rule_services, selectors, services
from .attributions import attribution_suggest
from .models import ExtractionRule, ReparseJob, RuleKindChoices, Source, SourceStatus
from .serializers import (
    AttributionSuggestionSerializer,
    AttributionSuggestRequestSerializer,
    ExtractionRuleSerializer,
    RelatedSourceSerializer,
    ReparseJobSerializer,
    RuleDeletedSerializer,
    RulePreviewRequestSerializer,
    RulePreviewResponseSerializer,
    SourceCreateSerializer,
    SourceIngestResponseSerializer,
    SourceSerializer,
)


class SourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", help_text="Full-text search in title and text."
    )
    outlet = django_filters.CharFilter(field_name="outlet__domain", help_text="Outlet domain.")
    published_after = IsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="ISO 8601 date-time."
    )
    published_before = IsoDateTimeFilter(
        field_name="published_at", lookup_expr="lte", help_text="ISO 8601 date-time."
    )
    updated_since = IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Sources ingested or re-parsed since then (ISO 8601).",
    )
    status = django_filters.ChoiceFilter(choices=SourceStatus.choices)

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Source], name: str, value: str) -> QuerySet[Source]:
        return selectors.source_search(queryset, value)


@extend_schema_view(
    list=extend_schema(
        summary="List sources", responses={200: SourceSerializer(many=True), **ERROR_RESPONSES}
    ),
    retrieve=extend_schema(
        summary="One source", responses={200: SourceSerializer, **ERROR_RESPONSES}
    ),
)
class SourceViewSet(
    ConditionalGetMixin,
    SyncPaginationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [ReadOrAnalyst]
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Source]:
        return selectors.source_list()

    @extend_schema(
        summary="Ingest a source",
        description=(
            "Exactly one of `url`, `raw` or a multipart `file`. A duplicate (same canonical URL "
            "or same content) answers 200 with the existing source and `duplicate: true`."
        ),
        request={
            "application/json": SourceCreateSerializer,
            "multipart/form-data": SourceCreateSerializer,
        },
        responses={
            201: SourceIngestResponseSerializer,
            200: OpenApiResponse(
                SourceIngestResponseSerializer, description="Duplicate: the existing source."
            ),
            **WRITE_ERRORS,
            **TOO_LARGE,
            **UNSUPPORTED_MEDIA,
        },
    )
    def create(self, request: Request) -> Response:
        serializer = SourceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        common = {
            "outlet_domain": data.get("outlet"),
            "title": data.get("title"),
            "published_at": data.get("published_at"),
            "user": request.user,
        }
        if "url" in data:
            result = services.source_ingest_url(url=data["url"], **common)
        elif "file" in data:
            result = services.source_ingest_upload(
                upload=data["file"], content_type=data.get("content_type"), **common
            )
        else:
            result = services.source_ingest(
                raw=data["raw"], content_type=data.get("content_type"), **common
            )
        source = selectors.source_detail(source_id=result.source.pk)
        body = SourceSerializer(source, context={"request": request}).data
        body["duplicate"] = not result.created
        return Response(
            body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )

    @extend_schema(
        summary="Sources sharing passages with this one (copied text)",
        responses={200: RelatedSourceSerializer(many=True), **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def related(self, request: Request, pk: str | None = None) -> Response:
        source = self.get_object()
        related = copies.source_related(source_id=source.pk)
        return Response(RelatedSourceSerializer(related, many=True).data)


class RuleFilter(django_filters.FilterSet):
    outlet = django_filters.CharFilter(field_name="outlet__domain")
    kind = django_filters.ChoiceFilter(choices=RuleKindChoices.choices)
    enabled = django_filters.BooleanFilter()

    class Meta:
        model = ExtractionRule
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="List extraction rules",
        responses={200: ExtractionRuleSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(
        summary="One extraction rule", responses={200: ExtractionRuleSerializer, **ERROR_RESPONSES}
    ),
)
class ExtractionRuleViewSet(ConditionalGetMixin, viewsets.ModelViewSet):
    """Rules are read by everyone signed in and changed by editors. A change
    that alters extraction output answers with `reparse_job` (its id)."""

    permission_classes = [ReadOrEditor]
    serializer_class = ExtractionRuleSerializer
    filterset_class = RuleFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[ExtractionRule]:
        return selectors.rule_list()

    def _respond(self, change: rule_services.RuleChange, code: int) -> Response:
        context = {"request": self.request, "reparse_job": change.reparse_job}
        if change.rule is None:
            return Response(
                {"reparse_job": change.reparse_job.pk if change.reparse_job else None}, status=code
            )
        return Response(ExtractionRuleSerializer(change.rule, context=context).data, status=code)

    @extend_schema(
        summary="Create a rule", responses={201: ExtractionRuleSerializer, **WRITE_ERRORS}
    )
    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = rule_services.rule_create(user=request.user, **serializer.to_service_data())
        return self._respond(change, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a rule",
        description=(
            "Send the rule's `updated_at` as you read it to refuse overwriting a change "
            "someone made since (409)."
        ),
        responses={200: ExtractionRuleSerializer, **WRITE_ERRORS, **CONFLICT},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        rule = self.get_object()
        serializer = self.get_serializer(rule, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        # Optional optimistic lock: send back the rule's updated_at as you read
        # it, and a change someone made since is refused with 409.
        seen = request.data.get("updated_at") if hasattr(request.data, "get") else None
        change = rule_services.rule_update(
            rule_id=rule.pk,
            user=request.user,
            seen_updated_at=parse_iso_datetime(str(seen), name="updated_at") if seen else None,
            **serializer.to_service_data(),
        )
        return self._respond(change, status.HTTP_200_OK)

    def update(self, request: Request, *args, **kwargs) -> Response:  # PUT is not offered
        raise ApplicationError("Use PATCH to change a rule.", status=405, code="method_not_allowed")

    @extend_schema(
        summary="Delete a rule",
        responses={
            200: OpenApiResponse(
                RuleDeletedSerializer,
                description="Deleted; `reparse_job` is the id of the re-parse it started, or null.",
            ),
            **ERROR_RESPONSES,
        },
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        rule = self.get_object()
        change = rule_services.rule_delete(rule_id=rule.pk, user=request.user)
        return self._respond(change, status.HTTP_200_OK)

    @extend_schema(
        summary="Preview a rule without saving",
        request=RulePreviewRequestSerializer,
        responses={200: RulePreviewResponseSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def preview(self, request: Request) -> Response:
        serializer = RulePreviewRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        items = rule_services.rule_preview(
            data=data, rule_id=data.pop("id", None), source_ids=data.pop("sources", None)
        )
        return Response({"results": [item.__dict__ for item in items]})


@extend_schema_view(
    list=extend_schema(
        summary="Re-parse jobs, newest first",
        responses={200: ReparseJobSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(
        summary="One re-parse job (poll its progress)",
        responses={200: ReparseJobSerializer, **ERROR_RESPONSES},
    ),
)
class ReparseJobViewSet(
    ConditionalGetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [ReadOrEditor]
    serializer_class = ReparseJobSerializer

    def get_queryset(self) -> QuerySet[ReparseJob]:
        return ReparseJob.objects.order_by("-created_at", "-id")


class AttributionSuggestView(generics.GenericAPIView):
    """Who a passage of a source is attributed to, read from its text."""

    permission_classes = [IsAuthenticated]
    serializer_class = AttributionSuggestRequestSerializer

    @extend_schema(
        summary="Suggest the speaker of a passage",
        request=AttributionSuggestRequestSerializer,
        responses={200: AttributionSuggestionSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = AttributionSuggestRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        suggestion = attribution_suggest(
            source_id=data["source"], exact=data["exact"], start=data.get("start")
        )
        return Response(AttributionSuggestionSerializer(suggestion.as_dict()).data)
