"""The pure text-extraction pipeline: raw HTML or text dumps in, clean text out.

No ORM and no Django here: everything is a plain function over strings, so
services, the ``extract`` command, rule previews and the benchmark share it.
"""

from sources.text.extraction.encoding import decode_bytes
from sources.text.extraction.pipeline import ExtractionResult, extract, sniff_content_type
from sources.text.extraction.rules import (
    METADATA_FIELDS,
    RuleKind,
    RuleSpec,
    RuleTimeout,
    rules_fingerprint,
    validate_rule,
)
from sources.text.extraction.version import EXTRACTOR_VERSION

__all__ = [
    "EXTRACTOR_VERSION",
    "METADATA_FIELDS",
    "ExtractionResult",
    "RuleKind",
    "RuleSpec",
    "RuleTimeout",
    "decode_bytes",
    "extract",
    "rules_fingerprint",
    "sniff_content_type",
    "validate_rule",
]
