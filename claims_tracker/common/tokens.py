"""API tokens: services and the DRF authentication class."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS

from .errors import ApplicationError
from .models import ApiToken


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


#: The longest a token may live when it is given an expiry.
MAX_TOKEN_DAYS = 3650


def api_token_create(
    *,
    user: User,
    name: str,
    expires_at: dt.datetime | None = None,
    read_only: bool = False,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the key (shown once).

    Only a signed-in person creates tokens (the profile page, or the API with
    a session): the API view refuses requests authenticated by a token, so a
    leaked token cannot mint more."""
    name = name.strip()
    if not name:
        raise ApplicationError("Give the token a name, so you can tell it apart later.")
    now = timezone.now()
    if expires_at is not None:
        if expires_at <= now:
            raise ApplicationError("expires_at must be in the future.", code="invalid")
        if expires_at > now + dt.timedelta(days=MAX_TOKEN_DAYS):
            raise ApplicationError(
                f"expires_at can be at most {MAX_TOKEN_DAYS} days ahead.", code="invalid"
            )
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        key_digest=_digest(key),
        prefix=key[:8],
        expires_at=expires_at,
        read_only=read_only,
    )
    return token, key


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise ApplicationError("No such token.", code="not_found", status=404)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` against hashed, revocable named tokens.

    An expired token is a 401; a read-only token on any method but GET, HEAD
    and OPTIONS is a 403 (checked here, once, so no view can forget it)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and result[1].read_only and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(
                "This token is read-only: it may not change anything. Use a token "
                "without the read-only scope for writes."
            )
        return result

    def authenticate_credentials(self, key: str):
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_digest=_digest(key), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        now = timezone.now()
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed(
                f"This token expired at {token.expires_at.isoformat()}; create a new one "
                "on your profile page."
            )
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
