"""DRF parsers that check every text of a request body (see ``text_hygiene``)."""

from __future__ import annotations

from rest_framework import parsers

from .text_hygiene import check_text


class _Checked:
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        check_text(getattr(parsed, "data", parsed))  # multipart: DataAndFiles
        return parsed


class JSONParser(_Checked, parsers.JSONParser):
    pass


class FormParser(_Checked, parsers.FormParser):
    pass


class MultiPartParser(_Checked, parsers.MultiPartParser):
    pass
