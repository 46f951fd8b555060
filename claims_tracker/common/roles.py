"""Roles: viewer (any signed-in user), analyst and editor (groups).

An editor may do everything an analyst may. Superusers count as editors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.permissions import SAFE_METHODS, BasePermission

ANALYST = "analyst"
EDITOR = "editor"
ROLE_GROUPS = (ANALYST, EDITOR)


def _group_names(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_group_names = cached
    return cached


def is_editor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or EDITOR in _group_names(user)))


def is_analyst(user: AbstractBaseUser | AnonymousUser) -> bool:
    return is_editor(user) or ANALYST in _group_names(user)


def role_of(user: AbstractBaseUser | AnonymousUser) -> str:
    if is_editor(user):
        return EDITOR
    if is_analyst(user):
        return ANALYST
    return "viewer" if user.is_authenticated else "anonymous"


class ReadOrAnalyst(BasePermission):
    """Signed-in users read; analysts and editors write."""

    message = "Only analysts and editors may change this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or is_analyst(request.user)


class ReadOrEditor(BasePermission):
    """Signed-in users read; only editors write."""

    message = "Only editors may change this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or is_editor(request.user)


class EditorOnly(BasePermission):
    message = "Only editors may do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and is_editor(request.user))


def _refuse_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "403.html", {"message": message}, status=403)


def page_requires(
    check: Callable[[AbstractBaseUser | AnonymousUser], bool],
    message: str,
    *,
    refuse: Callable[[HttpRequest, str], HttpResponse] = _refuse_page,
):
    """A page decorator: users who fail ``check`` get ``refuse(request,
    message)``, by default the 403 page saying ``message`` (an htmx fragment
    passes its own, a 403 fragment). Signing in is already enforced by the
    middleware."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                return refuse(request, message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
