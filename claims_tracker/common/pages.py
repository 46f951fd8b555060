"""Pages that belong to no one app: the dashboard and the user's profile."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .errors import ApplicationError
from .models import ApiToken
from .tokens import api_token_create, api_token_revoke


def dashboard(request: HttpRequest) -> HttpResponse:
    from claims_tracker.common.dashboard import dashboard_context

    return render(request, "dashboard.html", dashboard_context(user=request.user))


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
                return redirect("profile")
            days = request.POST.get("expires_in_days", "")
            _, new_key = api_token_create(
                user=request.user,
                name=request.POST.get("name", ""),
                expires_at=timezone.now() + dt.timedelta(days=int(days)) if days else None,
                read_only=request.POST.get("scope") == "read",
            )
        except (ApplicationError, ValueError, OverflowError) as exc:
            messages.error(request, str(exc))
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "profile.html", {"tokens": tokens, "new_key": new_key})
