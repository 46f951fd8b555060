"""Refuse unsafe text in query strings and page forms, and over-large bodies,
with a 4xx that says why (see ``text_hygiene`` and ``uploads``)."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .errors import ApplicationError
from .text_hygiene import check_text

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class TextHygieneMiddleware:
    """Query strings everywhere; POSTed forms of pages. (API bodies are
    checked by the API's parsers, which parse them anyway.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path_info.startswith("/api/")
        try:
            check_text(request.GET, where="query")
            if not api and request.method == "POST" and request.content_type in _FORM_TYPES:
                check_text(request.POST, where="form")
        except ApplicationError as exc:
            return self._refuse(request, api, exc.as_dict(), exc.status)
        except RequestDataTooBig as exc:
            return self._refuse(request, api, {"detail": str(exc), "code": "too_large"}, 413)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, api: bool, body: dict, status: int) -> HttpResponse:
        if api:
            return JsonResponse(body, status=status)
        return render(request, "400.html", {"message": body["detail"]}, status=status)
