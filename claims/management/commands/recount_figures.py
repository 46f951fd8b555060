"""``manage.py recount_figures [--check]``: recount every claim's stored
figures (``claims.figures``) from its evidence, e.g. after loading rows
with ``COPY`` or ``bulk_create``, which bypass the services that keep them.
Idempotent; ``--check`` only reports the claims whose figures are off and
exits 1 when there are any."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from claims.figures import claims_figures_refresh_all, claims_figures_stale


class Command(BaseCommand):
    help = "Recount every claim's stored evidence counts and independent voices."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only report claims whose figures are off."
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        if check:
            stale = claims_figures_stale()
            if stale:
                shown = ", ".join(map(str, stale[:20]))
                raise CommandError(f"{len(stale)} claims' figures are off: {shown}")
            self.stdout.write("Every claim's figures match a fresh recount.")
            return
        changed = claims_figures_refresh_all()
        self.stdout.write(f"Recounted; {changed} claims' figures changed.")
