"""manage.py reparse [--stale | --all | --retry-failed] [--sync]"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from sources.reparse import reparse_job_create, reparse_job_retry_failed, reparse_job_run_inline


class Command(BaseCommand):
    help = "Re-parse sources under the current extraction rules (default: only stale ones)."

    def add_arguments(self, parser) -> None:
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument(
            "--stale", action="store_true", help="Sources whose rules changed (default)."
        )
        scope.add_argument("--all", action="store_true", help="Every source.")
        scope.add_argument(
            "--retry-failed",
            action="store_true",
            help="The sources ended jobs failed on (failed chunks, failed parses), once more.",
        )
        parser.add_argument("--sync", action="store_true", help="Run here and print a summary.")

    def handle(self, *args, **options) -> None:
        if options["retry_failed"]:
            job = reparse_job_retry_failed(enqueue=not options["sync"])
            if job is None:
                self.stdout.write("No failed sources to retry.")
                return
        else:
            only_stale = not options["all"]
            reason = "manage.py reparse " + ("--all" if options["all"] else "--stale")
            job = reparse_job_create(
                only_stale=only_stale, reason=reason, enqueue=not options["sync"]
            )
        if not options["sync"]:
            self.stdout.write(
                f"Queued re-parse job {job.pk}; follow it at /api/reparse-jobs/{job.pk}/ or /rules/."
            )
            return
        progress = tqdm(unit="chunk", disable=not sys.stderr.isatty(), file=sys.stderr, leave=False)

        def on_chunk(outcome, total: int) -> None:
            progress.total = total
            progress.update(1)

        job = reparse_job_run_inline(job_id=job.pk, on_chunk=on_chunk)
        progress.close()
        for name in ("total", "changed", "relocated", "orphaned", "failed"):
            self.stdout.write(f"{name}: {getattr(job, name)}")
        if job.status == "failed":
            self.stderr.write(f"Job {job.pk} failed: {job.error}")
