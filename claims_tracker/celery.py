"""The Celery app. Tasks live in each app's ``tasks.py``; settings come from
Django settings under the ``CELERY_`` namespace."""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

app = Celery("claims_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "ingest", "reparse")]
app.autodiscover_tasks()
