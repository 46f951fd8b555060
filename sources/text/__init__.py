"""The pure text core: plain functions over strings, no Django, no ORM.

- :mod:`sources.text.extraction` — raw HTML or text in, clean text and metadata out;
- :mod:`sources.text.anchoring` — find a quote in a text, re-anchor it after a re-parse;
- :mod:`sources.text.canonical` — canonical URLs and their domains;
- :mod:`sources.text.diff` — before/after differences of a text, as escaped HTML;
- :mod:`sources.text.speakers` — who a quoted passage is attributed to (speaker, via, cue);
- :mod:`sources.text.copying` — passages two texts share (MinHash candidates, exact alignment);
- :mod:`sources.text.errors` — the core's own exceptions (``TextError`` and kin).

The core never imports Django, the project or an app (an import-linter
contract in ``pyproject.toml`` checks it, run by ``tests/test_architecture.py``),
so it imports, tests and benchmarks on its own. Services translate its errors
into ``ApplicationError`` at the edge (:func:`sources.errors.application_errors`).
"""
