"""The Celery app. Tasks live in each app's ``tasks.py``; settings come from
Django settings under the ``CELERY_`` namespace."""

from __future__ import annotations

import os

from celery import Celery, bootsteps
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

app = Celery("claims_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "ingest", "reparse")]
app.autodiscover_tasks()


class ResumeOnConnect(bootsteps.StartStopStep):
    """Each time a worker's consumer (re)connects to the broker, ask for the
    pending re-parse work to be enqueued again: a broker restarted without
    persistence has lost its messages, and a job must not wait forever for
    chunks nobody will deliver. Duplicates are skipped by the chunk task."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, c) -> None:
        c.app.send_task("sources.reparse_resume", queue="reparse")


app.steps["consumer"].add(ResumeOnConnect)
