"""DRF parsers that check every text of a request body (see ``text_hygiene``)."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .text_hygiene import check_text, nesting_depth

#: No request of this API nests deeper than a few levels; far deeper JSON is
#: an attack on recursive code (Python's own decoder included).
MAX_JSON_DEPTH = 32


class _Checked:
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        check_text(getattr(parsed, "data", parsed))  # multipart: DataAndFiles
        return parsed


class JSONParser(_Checked, parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            parsed = parsers.JSONParser.parse(self, stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
        if nesting_depth(parsed) > MAX_JSON_DEPTH:
            raise ParseError(
                f"JSON parse error - the body nests more than {MAX_JSON_DEPTH} levels deep."
            )
        check_text(parsed)
        return parsed


class FormParser(_Checked, parsers.FormParser):
    pass


class MultiPartParser(_Checked, parsers.MultiPartParser):
    pass
