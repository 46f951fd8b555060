"""The project's own pages: the health check and the user's profile (API tokens)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .errors import ApplicationError
from .selectors import api_token_list
from .tokens import api_token_create, api_token_revoke


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness of the database and the broker: 200 when both answer, 503 if not."""
    body: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except Exception as exc:
        body["database"] = f"error: {exc.__class__.__name__}"
        healthy = False
    if settings.CELERY_TASK_ALWAYS_EAGER:
        body["broker"] = "eager"
    else:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            body["broker"] = "ok"
        except Exception as exc:
            body["broker"] = f"error: {exc.__class__.__name__}"
            healthy = False
    return JsonResponse(body, status=200 if healthy else 503)


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The user's API tokens: create (the key is shown once; optionally
    read-only, optionally expiring) and revoke; each shows when it was last used."""
    new_key = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                api_token_revoke(user=request.user, token_id=int(request.POST["revoke"]))
                messages.success(request, "Token revoked.")
                return redirect("accounts:profile")
            days = request.POST.get("expires_in_days", "")
            _, new_key = api_token_create(
                user=request.user,
                name=request.POST.get("name", ""),
                expires_at=timezone.now() + dt.timedelta(days=int(days)) if days else None,
                read_only=request.POST.get("scope") == "read",
            )
        except (ApplicationError, ValueError, OverflowError) as exc:
            messages.error(request, str(exc))
    tokens = api_token_list(user=request.user)
    return render(request, "profile.html", {"tokens": tokens, "new_key": new_key})
