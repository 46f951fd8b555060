"""The dashboard (``/``): counts, and what needs the user's attention."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..dashboard import dashboard_context


def dashboard_page(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard.html", dashboard_context(user=request.user))
