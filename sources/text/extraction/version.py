"""The version of the extraction pipeline's output.

Bump ``PIPELINE_VERSION`` whenever a change alters what ``extract`` produces
for the same input. The text-dump block model's digest is part of it, so a
retrained model changes the version too. It is part of every rules
fingerprint: stored sources become stale and are re-parsed.
"""

from sources.text.extraction.blockmodel import shipped_model_version

PIPELINE_VERSION = "2.1.0"
EXTRACTOR_VERSION = f"{PIPELINE_VERSION}+textdump.{shipped_model_version()}"
