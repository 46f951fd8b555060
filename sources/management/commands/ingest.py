"""manage.py ingest [PATH ...] [--url URL ...] [--outlet DOMAIN] [--json]"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims_tracker.common.errors import ApplicationError
from claims_tracker.common.text_hygiene import check_text, repair_text
from sources import services


def _files(paths: list[str]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        else:
            yield path


class Command(BaseCommand):
    help = "Ingest article files (.html/.htm as HTML, anything else as text; directories recursively) and URLs."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="*", help="Files or directories.")
        parser.add_argument(
            "--url", action="append", default=[], help="A URL to fetch (repeatable)."
        )
        parser.add_argument("--outlet", help="Outlet domain for every input (e.g. example.com).")
        parser.add_argument("--json", action="store_true", help="One JSON object per line.")

    def handle(self, *args, **options) -> None:
        try:
            check_text({"--outlet": options.get("outlet") or "", "--url": options["url"]})
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        # A file name that is not valid UTF-8 arrives with lone surrogates
        # (surrogateescape): it is read by its path, shown and stored repaired.
        inputs: list[tuple[str, Path | None]] = [
            (repair_text(str(p)), p) for p in _files(options["paths"])
        ]
        inputs += [(url, None) for url in options["url"]]
        if not inputs:
            raise CommandError("Nothing to ingest: give file or directory paths, or --url URL.")
        as_json = options["json"]
        progress = tqdm(
            total=len(inputs),
            unit="input",
            disable=not sys.stderr.isatty(),
            file=sys.stderr,
            leave=False,
        )
        failed = 0
        for label, path in inputs:
            record = self._ingest_one(label, path, outlet=options.get("outlet"))
            failed += record["status"] == "error"
            progress.update(1)
            if as_json:
                progress.write(json.dumps(record, ensure_ascii=False), file=self.stdout._out)
            else:
                progress.write(self._line(record), file=self.stdout._out)
        progress.close()
        if failed:
            if not as_json:
                self.stderr.write(f"{failed} of {len(inputs)} inputs failed.")
            sys.exit(1)

    def _ingest_one(self, label: str, path: Path | None, *, outlet: str | None) -> dict:
        record: dict = {
            "input": label,
            "status": "error",
            "source_id": None,
            "title": None,
            "error": None,
        }
        try:
            if path is None:
                result = services.source_ingest_url(url=label, outlet_domain=outlet)
            else:
                if not path.is_file():
                    raise ApplicationError(f"No such file: {path}")
                content_type = services.content_type_for_filename(path.name) or "text/plain"
                services.ingest_check_size(path.stat().st_size)
                result = services.source_ingest(
                    raw=path.read_bytes(),
                    content_type=content_type,
                    filename=repair_text(path.name),
                    outlet_domain=outlet,
                )
        except ApplicationError as exc:
            record["error"] = exc.message
            return record
        except OSError as exc:
            record["error"] = f"Cannot read {label}: {exc.strerror or exc}"
            return record
        record.update(
            status="created" if result.created else "duplicate",
            source_id=result.source.pk,
            title=result.source.title or None,
        )
        return record

    @staticmethod
    def _line(record: dict) -> str:
        if record["status"] == "error":
            return f"error      {record['input']}: {record['error']}"
        title = record["title"] or "(no title)"
        return f"{record['status']:<10} {record['input']} → source {record['source_id']}: {title}"
