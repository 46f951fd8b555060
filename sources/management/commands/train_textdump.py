"""manage.py train_textdump PAGES [--output PATH] [--folds K]: rebuild the block
classifier of the plain-text cleaner from a directory of pages with gold bodies."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sources.text.extraction import training
from sources.text.extraction.blockmodel import MODEL_PATH
from sources.text.extraction.corpus import CorpusError, load_corpus
from sources.text.extraction.dumps import STYLES


class Command(BaseCommand):
    help = (
        "Train the text-dump block classifier on a directory of pages (html/ + ground-truth/, "
        "or html/ + ground-truth.json) and write its weights; deterministic, no network."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("pages", help="Directory of pages with their gold bodies.")
        parser.add_argument(
            "--output", default=str(MODEL_PATH), help=f"Where to write the model ({MODEL_PATH})."
        )
        parser.add_argument(
            "--folds",
            type=int,
            default=5,
            help="Held-out evaluation by k-fold over pages (0 to skip).",
        )
        parser.add_argument("--l2", type=float, default=training.L2, help="L2 penalty.")
        parser.add_argument(
            "--styles", default=",".join(STYLES), help="Dump styles to render, comma-separated."
        )

    def handle(self, *args, **options) -> None:
        styles = [s for s in options["styles"].split(",") if s]
        unknown = sorted(set(styles) - set(STYLES))
        if unknown:
            raise CommandError(f"unknown dump style(s) {', '.join(unknown)}: choose from {STYLES}")
        try:
            pages = load_corpus(options["pages"])
        except CorpusError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{len(pages)} pages, dump styles: {', '.join(styles)}")
        try:
            dumps = training.page_dumps(pages, styles)
            model = training.model_from_dumps(dumps, l2=options["l2"])
            if options["folds"] > 1:
                held_out = training.cross_validate(
                    dumps, folds=options["folds"], l2=options["l2"], progress=self.stdout.write
                )
                model["held_out"] = training.held_out_summary(held_out)
                self.stdout.write(
                    f"held-out body ({held_out.folds}-fold by page, {held_out.pages} pages): "
                    f"P {held_out.body.precision:.3f} R {held_out.body.recall:.3f} "
                    f"F1 {held_out.body.f1:.3f}"
                )
        except training.TrainingError as error:
            raise CommandError(str(error)) from error
        output = Path(options["output"])
        output.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        trained = model["trained_on"]
        self.stdout.write(
            f"wrote {output}: model {model['version']}, {trained['units']} units "
            f"({trained['body_units']} body) from {trained['dumps']} dumps"
        )
