"""Reads of the base package's own rows (API tokens)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .models import ApiToken


def api_token_list(*, user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first; nobody sees another's."""
    return ApiToken.objects.filter(user=user).select_related("user")
