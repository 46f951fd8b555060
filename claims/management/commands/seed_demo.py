"""manage.py seed_demo [--users]: load the demo story (idempotent).

Articles in fixtures/demo/articles/ go through the real ingest pipeline; the
claims and evidence in fixtures/demo/claims.json are linked through the real
services. ``--users`` also creates the demo users (development only).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims_tracker.common.errors import ApplicationError
from sources import services

from ...actor_services import actor_create, actor_key
from ...models import ActorAlias, Claim
from ...services import claim_create, evidence_link

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_USERS = (("analyst", "analyst"), ("editor", "editor"), ("viewer", None))


def _day(value: str | None) -> dt.datetime | None:
    """A publication day from index.json, at noon UTC (so it reads the same day everywhere)."""
    return dt.datetime.fromisoformat(value).replace(hour=12, tzinfo=dt.UTC) if value else None


class Command(BaseCommand):
    help = "Load the demo articles, claims and evidence (idempotent); --users adds demo users."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--users", action="store_true", help="Create the demo users (DEBUG only)."
        )

    def handle(self, *args, **options) -> None:
        if options["users"]:
            self._users()
        sources = self._articles()
        self._actors()
        self._claims(sources)

    def _users(self) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo users are for development only (DEBUG is off).")
        lines = []
        for username, group in DEMO_USERS:
            password = os.environ.get("DEMO_PASSWORD") or f"{username}-demo"
            user, created = User.objects.get_or_create(username=username)
            if created or not user.has_usable_password():
                user.set_password(password)
                user.save()
            elif not user.check_password(password):
                lines.append(f"  {username:<8} (existing user: password unchanged)")
                continue
            if group:
                user.groups.add(Group.objects.get(name=group))
            lines.append(f"  {username:<8} password: {password}")
        self.stdout.write("Demo users (development only):\n" + "\n".join(lines))

    def _articles(self) -> dict[str, int]:
        index = json.loads((DEMO_DIR / "articles" / "index.json").read_text())
        by_file: dict[str, int] = {}
        created = 0
        for entry in index["articles"]:
            path = DEMO_DIR / "articles" / entry["file"]
            content_type = services.content_type_for_filename(path.name) or "text/plain"
            result = services.source_ingest(
                raw=path.read_bytes(),
                content_type=content_type,
                url=entry.get("url"),
                outlet_domain=entry.get("outlet"),
                filename=path.name,
                published_at=_day(entry.get("published_at")),
            )
            outlet = result.source.outlet
            if outlet and entry.get("outlet_name") and outlet.name != entry["outlet_name"]:
                outlet.name = entry["outlet_name"]
                outlet.save(update_fields=["name"])
            created += result.created
            by_file[entry["file"]] = result.source.pk
        self.stdout.write(f"Demo articles: {created} new, {len(by_file) - created} already there.")
        return by_file

    def _actors(self) -> None:
        """Actors known by several names (so variants resolve to one voice)."""
        path = DEMO_DIR / "actors.json"
        if not path.exists():
            return
        for spec in json.loads(path.read_text()):
            if ActorAlias.objects.filter(key=actor_key(spec["name"])).exists():
                continue
            actor_create(
                name=spec["name"], kind=spec.get("kind", "unknown"), aliases=spec.get("aliases", [])
            )

    def _claims(self, sources: dict[str, int]) -> None:
        path = DEMO_DIR / "claims.json"
        if not path.exists():
            return
        linked = 0
        for spec in json.loads(path.read_text()):
            with transaction.atomic():
                claim = Claim.objects.filter(text=spec["text"]).first() or claim_create(
                    text=spec["text"], tags=spec.get("tags", []), user=None
                )
                for item in spec.get("evidence", []):
                    try:
                        with transaction.atomic():
                            evidence_link(
                                claim_id=claim.pk,
                                source_id=sources[item["file"]],
                                stance=item["stance"],
                                exact=item["exact"],
                                attributed_to=item.get("attributed_to", ""),
                                via=item.get("via", []),
                                user=None,
                            )
                        linked += 1
                    except ApplicationError as exc:
                        if exc.code != "duplicate":
                            self.stderr.write(
                                f"Demo evidence skipped ({item['file']}): {exc.message}"
                            )
        self.stdout.write(f"Demo claims loaded; {linked} new evidence links.")
