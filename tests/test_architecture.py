"""The layers are checked by a test, not by memory.

The import-linter contracts in ``pyproject.toml`` say: ``sources`` never
imports ``claims``; the base package ``claims_tracker.common`` imports no app;
the pure text core (``sources.text``, and the fetcher) imports no Django and
nothing of the project. Each contract is also shown to fail on a copy of the
code with the arrow it forbids added, so a contract that checks nothing would
be caught too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("claims_tracker", "sources", "claims")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the contracts of ``cwd/pyproject.toml`` on the packages under ``cwd``."""
    script = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    # The copy's packages must win over the project's own: cwd first on the path.
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("sources/services.py", "from claims import models", "sources never imports claims"),
        ("sources/tasks.py", "import claims.services", "sources never imports claims"),
        (
            "claims_tracker/common/roles.py",
            "from sources.models import Source",
            "the base package (claims_tracker.common) imports no app",
        ),
        (
            "claims_tracker/common/views.py",
            "import claims.selectors",
            "the base package (claims_tracker.common) imports no app",
        ),
        ("sources/text/anchoring.py", "import django.conf", "the pure text core"),
        (
            "sources/text/extraction/rules.py",
            "from claims_tracker.common.errors import ApplicationError",
            "the pure text core",
        ),
        # Indirectly: the core reaching Django through the app's models.
        ("sources/text/canonical.py", "from sources import models", "the pure text core"),
    ],
)
def test_a_forbidden_arrow_breaks_its_contract(tmp_path, module, bad_import, contract):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text() + textwrap.dedent(f"\n\n{bad_import}  # noqa\n"))

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert len(broken) == 1, result.stdout
    assert broken[0].startswith(contract)


def test_the_pure_core_imports_and_runs_without_django():
    """A fresh interpreter imports extraction, anchoring, canonical URLs, diffs
    and the fetcher, uses them, and never loads Django."""
    script = textwrap.dedent(
        """
        import sys
        from sources.text import anchoring, canonical, diff, extraction
        from sources import fetching

        result = extraction.extract(
            "<html><body><article><h1>Quay</h1><p>The northern quay reopened on "
            "Monday after repairs, the harbour office said.</p></article></body></html>",
            content_type="text/html",
        )
        quote = anchoring.locate_quote(result.text, "northern quay reopened")
        assert result.text[quote.start:quote.end] == "northern quay reopened"
        assert canonical.canonicalize_url("HTTPS://Example.COM/a?utm_source=x") == "https://example.com/a"
        assert "<ins>" in diff.render_diff("one", "one two")
        assert fetching.is_public_address("93.184.216.34")
        loaded = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
        assert not loaded, loaded
        print("ok")
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok"


SERVICE_WORDS = re.compile(
    r"postgres|redis|database_url|celery|worker|chromium|playwright|browser", re.IGNORECASE
)


def test_service_dependent_skips_go_through_the_markers():
    """A test that needs PostgreSQL, Redis, a worker or a browser says so with
    the ``services`` / ``browser`` marker, so that REQUIRE_SERVICES=1 and
    REQUIRE_BROWSER=1 turn its skip into a failure; a test skipping on the
    environment by itself would slip through. (Skips for other reasons, say
    a partial run, are fine.)"""
    own_skips = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if (
            path.name == "conftest.py"
            or "support" in path.parts
            or path.name == Path(__file__).name
        ):
            continue
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, start=1):
            if "IS_POSTGRES" in line:
                own_skips.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
            elif "skipif(" in line or "pytest.skip(" in line:
                near = " ".join(lines[number - 1 : number + 2])
                if SERVICE_WORDS.search(near):
                    own_skips.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert own_skips == []
