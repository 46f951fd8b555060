"""Settings for ``bench.api``: the app's settings plus a baseline route."""

from claims_tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.baseline_urls"
# The benchmark measures speed, not the rate limit.
API_TOKEN_RATE = "100000000/minute"  # noqa: S105 - a rate, not a secret
# Plain HTTP on 127.0.0.1: production's HTTPS redirect does not apply.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Pages render without ``collectstatic``: the clients never fetch static files.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
