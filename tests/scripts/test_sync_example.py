"""scripts/sync_example.py, run as a user would, against a live server."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from django.contrib.auth.models import User

from claims.evidence_rows import LOOKUPS
from claims.models import Evidence
from claims.serializers import evidence_from_row
from claims.services import claim_create, evidence_link, evidence_unlink, evidence_update
from claims_tracker.common.tokens import api_token_create
from sources.services import source_ingest
from tests.support.services import ROOT
from tests.support.sync_clients import compare, mirror_of

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = ROOT / "scripts" / "sync_example.py"
ARTICLE = (
    "Port authority delays the dredging contract\n\n"
    "The port authority delayed the dredging contract by a month, its chair said on Monday.\n"
    "Fishermen said the delay protects the spawning season, according to their association.\n"
)
PAIRS = 24


def _server_pairs() -> dict[int, dict]:
    rows = Evidence.objects.values_list(*LOOKUPS)
    return {row[0]: evidence_from_row(row) for row in rows}


@pytest.fixture
def pairs(analyst) -> list[Evidence]:
    source = source_ingest(raw=ARTICLE, content_type="text/plain").source
    made = []
    for i in range(PAIRS):
        claim = claim_create(text=f"The dredging contract was delayed, claim {i}", user=analyst)
        made.append(
            evidence_link(
                claim_id=claim.pk,
                source_id=source.pk,
                stance="asserts",
                exact="delayed the dredging contract by a month",
                user=analyst,
            )
        )
    return made


@pytest.fixture
def token() -> str:
    user = User.objects.create_user("sync-client")
    return api_token_create(user=user, name="mirror")[1]


def _run(live_server, token: str, db_path, *extra: str, **kwargs) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            str(SCRIPT),
            "--url",
            live_server.url,
            "--token",
            token,
            "--db",
            str(db_path),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _upserts(stderr: str) -> int:
    counts = re.findall(r"upserts (\d+)", stderr)
    return int(counts[-1]) if counts else 0


def test_the_script_mirrors_every_pair_and_then_the_changes(
    live_server, token, pairs, tmp_path, analyst
):
    db_path = tmp_path / "pairs.sqlite3"

    first = _run(live_server, token, db_path, "--limit", "10")
    _, stderr = first.communicate(timeout=60)

    assert first.returncode == 0, stderr
    assert "pages 3 · upserts 24 · deletes 0" in stderr  # the progress line
    assert compare(mirror_of(db_path), _server_pairs()) == {
        "missing": [],
        "ghosts": [],
        "stale": [],
    }

    evidence_update(evidence_id=pairs[0].pk, user=analyst, stance="disputes")
    evidence_unlink(evidence_id=pairs[1].pk, user=analyst)
    again = _run(live_server, token, db_path)
    _, stderr = again.communicate(timeout=60)

    assert again.returncode == 0, stderr
    assert "upserts 1 · deletes 1" in stderr
    mirror = mirror_of(db_path)
    assert compare(mirror, _server_pairs()) == {"missing": [], "ghosts": [], "stale": []}
    assert mirror[pairs[0].pk]["stance"] == "disputes"


def test_an_interrupted_sync_carries_on_where_it_stopped(live_server, token, pairs, tmp_path):
    db_path = tmp_path / "pairs.sqlite3"
    # One change per request, so Ctrl-C lands in the middle of the run.
    first = _run(live_server, token, db_path, "--limit", "1", start_new_session=True)
    deadline = time.monotonic() + 30
    while not db_path.exists() or not mirror_of(db_path):
        assert time.monotonic() < deadline, "the script mirrored nothing"
        assert first.poll() is None, first.stderr.read()
        time.sleep(0.02)
    os.killpg(first.pid, signal.SIGINT)
    _, stderr = first.communicate(timeout=30)
    mirrored_before = len(mirror_of(db_path))

    second = _run(live_server, token, db_path, "--limit", "5")
    _, stderr_again = second.communicate(timeout=60)

    assert first.returncode in (0, 130), stderr
    if first.returncode == 130:
        assert "run again to carry on" in stderr
    assert second.returncode == 0, stderr_again
    # Resumed, not restarted: the second run fetched only what was left.
    assert _upserts(stderr_again) == PAIRS - mirrored_before
    assert compare(mirror_of(db_path), _server_pairs()) == {
        "missing": [],
        "ghosts": [],
        "stale": [],
    }


def test_a_bad_token_is_refused_with_the_servers_message(live_server, tmp_path, db):
    result = _run(live_server, "not-a-token", tmp_path / "x.sqlite3")
    _, stderr = result.communicate(timeout=60)

    assert result.returncode == 1
    assert "401" in stderr or "403" in stderr
