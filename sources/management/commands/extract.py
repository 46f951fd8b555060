"""manage.py extract PATH ... [--outlet DOMAIN] [--json]: the pipeline's
result under the current rules, without saving anything."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from sources.selectors import outlet_by_domain, rule_specs, rules_effective
from sources.services import content_type_for_filename
from sources.text.errors import TextError
from sources.text.extraction import decode_bytes, extract

from .ingest import _files


class Command(BaseCommand):
    help = (
        "Show what ingestion would extract from files (title, authors, date, text), saving nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+")
        parser.add_argument(
            "--outlet", help="Apply this outlet's rules (domain) besides the global ones."
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options) -> None:
        outlet_id = None
        if options.get("outlet"):
            outlet = outlet_by_domain(domain=options["outlet"])
            if outlet is None:
                self.stderr.write(
                    f"No outlet {options['outlet']} yet: only the global rules apply."
                )
            outlet_id = outlet.pk if outlet else None
        specs = rule_specs(rules_effective(outlet_id=outlet_id))
        failed = 0
        for path in _files(options["paths"]):
            try:
                content_type = content_type_for_filename(path.name) or "text/plain"
                result = extract(
                    decode_bytes(path.read_bytes()), content_type=content_type, rules=specs
                )
            except (TextError, OSError) as exc:
                failed += 1
                self.stderr.write(f"{path}: {getattr(exc, 'message', exc)}")
                continue
            record = {
                "input": str(path),
                "content_type": result.content_type,
                "title": result.title,
                "authors": list(result.authors),
                "published_at": result.published_at.isoformat() if result.published_at else None,
                "text": result.text,
            }
            if options["json"]:
                self.stdout.write(json.dumps(record, ensure_ascii=False))
            else:
                self.stdout.write(f"== {path} ({result.content_type})")
                self.stdout.write(f"title:     {result.title or '-'}")
                self.stdout.write(f"authors:   {', '.join(result.authors) or '-'}")
                self.stdout.write(f"published: {record['published_at'] or '-'}")
                self.stdout.write("")
                self.stdout.write(result.text)
                self.stdout.write("")
        if failed:
            raise CommandError(f"{failed} file(s) could not be extracted.")
