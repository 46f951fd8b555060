"""``/api/tokens/``: the signed-in user's own API tokens (list, create, revoke).

The key is returned once, by the create call; only its digest is stored.
Creating a token needs a session (a person signed in): a request
authenticated by a token gets 403, so a leaked token cannot mint more.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from .api import ConditionalGetMixin, as_utc
from .api_schema import ERROR_RESPONSES, WRITE_ERRORS
from .models import ApiToken
from .roles import role_of
from .selectors import api_token_list
from .tokens import api_token_create, api_token_revoke


class ApiTokenSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="The role the token carries: its user's.")
    active = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created_at",
            "last_used_at",
            "revoked_at",
            "expires_at",
            "read_only",
            "active",
            "role",
        ]
        read_only_fields = fields

    def get_role(self, obj: ApiToken) -> str:
        # Every token listed is the requesting user's: the view computes it once.
        return self.context.get("role") or role_of(obj.user)

    def get_active(self, obj: ApiToken) -> bool:
        return obj.revoked_at is None and not obj.is_expired()


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(help_text="The secret key. Shown once: store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=100, help_text="What the token is for, e.g. “archive sync”."
    )
    expires_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the token stops working (in the future, at most 10 years ahead); "
        "omit or null for no expiry.",
    )
    read_only = serializers.BooleanField(
        required=False, default=False, help_text="Reads only: any write with it gets 403."
    )


@extend_schema_view(
    list=extend_schema(
        summary="Your API tokens",
        responses={200: ApiTokenSerializer(many=True), **ERROR_RESPONSES},
    ),
)
class ApiTokenViewSet(
    ConditionalGetMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Tokens of the signed-in user only; another user's token is a 404."""

    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return api_token_list(user=self.request.user)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "role": role_of(self.request.user)}

    @extend_schema(
        summary="Create a token (the key is returned once; session only)",
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            raise PermissionDenied(
                "Tokens are created by a signed-in person (your profile page, or this "
                "endpoint with a session), not with another token."
            )
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, key = api_token_create(
            user=request.user,
            name=data["name"],
            expires_at=as_utc(data.get("expires_at")),
            read_only=data["read_only"],
        )
        token.key = key
        body = ApiTokenCreatedSerializer(token, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke a token",
        description="The token stops working at once; it stays listed with `revoked_at`.",
        responses={204: OpenApiResponse(description="Revoked."), **ERROR_RESPONSES},
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        token = self.get_object()
        api_token_revoke(user=request.user, token_id=token.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
