"""A JSON renderer that writes the same bytes as DRF's, faster (orjson).

DRF's ``JSONRenderer`` runs the standard library's encoder with a Python
``default`` hook; on a page of 100 pairs that is a measurable share of the
request (``bench/api.py``). orjson writes the same compact UTF-8 JSON for
plain data (dicts, lists, tuples, strings, ints, booleans, None). Anything
else (dates, decimals, lazy strings, a non-string key, an int beyond 64 bits,
a lone surrogate) and any indented rendering (the browsable API,
``Accept: application/json; indent=4``) goes to DRF's own renderer, so the
output never differs.

Floats are the one native type whose text may differ (``1e+16`` vs
``1e16``); use this renderer where the data holds none (the evidence API).
"""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer

# Everything orjson would write in its own way goes through ``default``,
# which refuses it: DRF's encoder decides those.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _refuse(obj: Any) -> Any:
    raise TypeError(type(obj).__name__)


class FastJSONRenderer(JSONRenderer):
    """``JSONRenderer`` with orjson for plain data (see the module docstring)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is None:
            try:
                body = orjson.dumps(data, default=_refuse, option=_OPTIONS)
            except (TypeError, orjson.JSONEncodeError):
                pass
            else:
                # Like DRF: U+2028 and U+2029 escaped, so the JSON is also JavaScript.
                if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
                    body = body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(
                        b"\xe2\x80\xa9", b"\\u2029"
                    )
                return body
        return super().render(data, accepted_media_type, renderer_context)
