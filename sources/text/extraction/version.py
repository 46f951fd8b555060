"""The version of the extraction pipeline's output.

Bump it whenever a change alters what ``extract`` produces for the same input:
it is part of every rules fingerprint, so stored sources become stale and are
re-parsed.
"""

EXTRACTOR_VERSION = "1.0.0"
