"""Provenance over the API: actors, speaker and via on evidence, speaker
suggestion, copied text between sources, independent voices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Actor
from claims.services import claim_create, evidence_link
from sources.services import source_ingest

pytestmark = pytest.mark.django_db

WIRE = (
    "Inspectors found cracks in three of the five pillars that carry the Marston rail bridge, "
    "and the regional council closed the crossing to freight trains on Tuesday night while "
    "engineers decide whether the structure can be saved at a reasonable cost."
)


def ingest(text: str, domain: str, day: int):
    return source_ingest(
        raw=text,
        content_type="text/plain",
        outlet_domain=domain,
        published_at=dt.datetime(2026, 3, day, 9, tzinfo=dt.UTC),
    ).source


def link(claim, source, exact, *, stance="asserts", attributed_to="", via=(), user=None):
    return evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance=stance,
        exact=exact,
        attributed_to=attributed_to,
        via=via,
        user=user,
    )


@pytest.fixture
def claim(analyst):
    return claim_create(text="The Marston bridge pillars are cracked", user=analyst)


def test_attributed_to_resolves_to_one_actor_whatever_the_case_and_spacing(
    analyst, analyst_client, claim
):
    a = ingest("The Rail Safety Board said the pillars are cracked.", "a.example", 1)
    b = ingest("Officials said the pillars are cracked, the board added.", "b.example", 2)
    first = link(
        claim, a, "the pillars are cracked", attributed_to="Rail Safety Board", user=analyst
    )
    second = link(
        claim, b, "the pillars are cracked", attributed_to="  rail   SAFETY board ", user=analyst
    )

    assert first.speaker_id == second.speaker_id
    assert Actor.objects.count() == 1
    body = analyst_client.get(f"/api/evidence/{first.pk}/").json()
    assert body["speaker"] == {
        "id": first.speaker_id,
        "name": "Rail Safety Board",
        "kind": "organisation",
    }
    listed = analyst_client.get(f"/api/evidence/?claim={claim.pk}").json()["results"]
    assert {e["speaker"]["id"] for e in listed} == {first.speaker_id}


def test_via_is_stored_outermost_first_and_editable(analyst_client, claim):
    source = ingest(
        "The Evening Wire, citing a lawmaker, said the pillars are cracked.", "w.example", 1
    )

    created = analyst_client.post(
        "/api/evidence/",
        {
            "claim": claim.pk,
            "source": source.pk,
            "stance": "asserts",
            "exact": "the pillars are cracked",
            "attributed_to": "Security Service",
            "via": ["Evening Wire", "a lawmaker"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["via"] == ["Evening Wire", "a lawmaker"]
    assert created.json()["speaker"]["name"] == "Security Service"

    changed = analyst_client.patch(
        f"/api/evidence/{created.json()['id']}/",
        {"via": ["Evening Wire"], "attributed_to": "National Security Service"},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["via"] == ["Evening Wire"]
    assert changed.json()["speaker"]["name"] == "National Security Service"


def test_via_that_is_not_a_list_is_refused(analyst_client, claim):
    source = ingest("The board said the pillars are cracked.", "w.example", 1)

    response = analyst_client.post(
        "/api/evidence/",
        {
            "claim": claim.pk,
            "source": source.pk,
            "stance": "asserts",
            "exact": "the pillars are cracked",
            "via": "Evening Wire",
        },
        format="json",
    )

    assert response.status_code == 400
    assert not claim.evidence.exists()


def test_actors_list_filters_by_name_or_alias_and_counts_evidence(analyst, analyst_client, claim):
    source = ingest("The Rail Safety Board said the pillars are cracked.", "a.example", 1)
    link(claim, source, "the pillars are cracked", attributed_to="RSB", user=analyst)
    board = Actor.objects.get()
    analyst_client.patch(
        f"/api/actors/{board.pk}/", {"aliases": ["Rail Safety Board"]}, format="json"
    )

    found = analyst_client.get("/api/actors/?q=safety").json()["results"]

    assert [(a["id"], a["evidence_count"], a["aliases"]) for a in found] == [
        (board.pk, 1, ["Rail Safety Board"])
    ]
    assert analyst_client.get("/api/actors/?q=nobody").json()["results"] == []


def test_only_analysts_create_actors_and_a_taken_name_is_refused(analyst_client, viewer_client):
    assert (
        viewer_client.post("/api/actors/", {"name": "Kelso Times"}, format="json").status_code
        == 403
    )
    created = analyst_client.post(
        "/api/actors/",
        {"name": "Kelso Times", "kind": "outlet", "aliases": ["The Kelso Times"]},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["aliases"] == ["The Kelso Times"]

    clash = analyst_client.post("/api/actors/", {"name": "the kelso  times"}, format="json")

    assert clash.status_code == 400
    assert Actor.objects.count() == 1


def test_merge_moves_names_and_evidence_and_keeps_the_merged_actor(analyst, analyst_client, claim):
    a = ingest("The NIS said the pillars are cracked.", "a.example", 1)
    b = ingest("The spy agency said the pillars are cracked.", "b.example", 2)
    first = link(claim, a, "the pillars are cracked", attributed_to="NIS", user=analyst)
    second = link(
        claim,
        b,
        "the pillars are cracked",
        attributed_to="National Intelligence Service",
        user=analyst,
    )
    nis, full = first.speaker, second.speaker

    response = analyst_client.post(f"/api/actors/{nis.pk}/merge/", {"into": full.pk}, format="json")

    assert response.status_code == 200
    assert response.json()["aliases"] == ["NIS"]
    assert response.json()["evidence_count"] == 2
    first.refresh_from_db()
    assert first.speaker_id == full.pk
    merged = analyst_client.get(f"/api/actors/{nis.pk}/").json()
    assert merged["merged_into"] == full.pk
    assert nis.pk not in {x["id"] for x in analyst_client.get("/api/actors/").json()["results"]}
    assert "merged into" in (nis.history.first().history_change_reason or "")
    # The old name now resolves to the surviving actor.
    c = ingest("NIS said again the pillars are cracked.", "c.example", 3)
    assert (
        link(claim, c, "the pillars are cracked", attributed_to="nis", user=analyst).speaker_id
        == full.pk
    )
    assert claim_voices(analyst_client, claim)["asserts"] == 1


def test_merge_into_itself_or_a_missing_actor_is_refused(analyst_client):
    actor = Actor.objects.create(name="Someone")

    assert (
        analyst_client.post(
            f"/api/actors/{actor.pk}/merge/", {"into": actor.pk}, format="json"
        ).status_code
        == 400
    )
    assert (
        analyst_client.post(
            f"/api/actors/{actor.pk}/merge/", {"into": 99999}, format="json"
        ).status_code
        == 400
    )


def test_suggest_reads_the_attribution_around_the_passage(viewer_client):
    source = ingest(
        "The Evening Wire, citing the Security Service, said the cargo was seized in May.",
        "w.example",
        1,
    )

    response = viewer_client.post(
        "/api/attributions/suggest/",
        {"source": source.pk, "exact": "the cargo was seized in May"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["speaker"] == "Security Service"
    assert body["via"] == ["Evening Wire"]
    assert body["kind"] == "organisation"
    assert body["cue"].startswith("The Evening Wire")
    assert 0 < body["confidence"] <= 1


def test_suggest_refuses_a_passage_that_is_not_in_the_source(viewer_client, api_client):
    source = ingest("The board said the pillars are cracked.", "w.example", 1)
    payload = {"source": source.pk, "exact": "nowhere in the text"}

    assert (
        viewer_client.post("/api/attributions/suggest/", payload, format="json").status_code == 400
    )
    assert api_client.post("/api/attributions/suggest/", payload, format="json").status_code in (
        401,
        403,
    )


def test_related_lists_the_original_and_the_copy(viewer_client):
    original = ingest(f"{WIRE}\nPassenger trains run at reduced speed.", "first.example", 1)
    copy = ingest(
        "Freight has stopped.\n"
        + WIRE.replace("closed", "shut").replace("a reasonable", "an acceptable"),
        "second.example",
        2,
    )
    independent = ingest(
        "The council met on Wednesday and asked the rail company for a timetable of the repairs.",
        "third.example",
        3,
    )

    of_copy = viewer_client.get(f"/api/sources/{copy.pk}/related/").json()
    of_original = viewer_client.get(f"/api/sources/{original.pk}/related/").json()

    assert [(r["source"]["id"], r["relation"]) for r in of_copy] == [(original.pk, "copies")]
    assert [(r["source"]["id"], r["relation"]) for r in of_original] == [(copy.pk, "copied_by")]
    assert of_copy[0]["shared_chars"] > 200
    assert 0.5 < of_copy[0]["shared_fraction"] <= 1
    assert of_copy[0]["source"]["outlet"]["domain"] == "first.example"
    assert viewer_client.get(f"/api/sources/{independent.pk}/related/").json() == []


def claim_voices(client, claim) -> dict:
    return client.get(f"/api/claims/{claim.pk}/").json()["independent_voices"]


def test_independent_voices_count_origins_not_outlets(analyst, analyst_client, claim):
    said = "the pillars are cracked"
    for day, domain in enumerate(["a.example", "b.example", "c.example"], start=1):
        source = ingest(f"Citing the NIS, {domain} said {said}.", domain, day)
        link(claim, source, said, attributed_to="NIS", via=[domain], user=analyst)
    # Two outlets running the same wire copy, no speaker: one voice.
    wire_one = ingest(f"{WIRE}\nMore later.", "wire1.example", 4)
    wire_two = ingest(f"Update.\n{WIRE}", "wire2.example", 5)
    link(claim, wire_one, "Inspectors found cracks in three of the five pillars", user=analyst)
    link(claim, wire_two, "Inspectors found cracks in three of the five pillars", user=analyst)
    # A genuinely independent denial and a mention.
    other = ingest("The rail company said the pillars are sound.", "d.example", 6)
    link(
        claim,
        other,
        "the pillars are sound",
        stance="disputes",
        attributed_to="Eastline",
        user=analyst,
    )

    assert claim_voices(analyst_client, claim) == {"asserts": 2, "disputes": 1, "mentions": 0}
    listed = analyst_client.get("/api/claims/").json()["results"]
    assert listed[0]["independent_voices"] == {"asserts": 2, "disputes": 1, "mentions": 0}
    assert listed[0]["stance_counts"]["asserts"] == 5


def _contested(analyst, text: str, voices: int, extra_same_voice: int):
    claim = claim_create(text=text, user=analyst)
    n = 0
    for i in range(voices):
        n += 1
        source = ingest(
            f"Speaker {i} of {text} said the pillars are cracked {n}.",
            f"v{n}.{claim.pk}.example",
            1,
        )
        link(
            claim,
            source,
            f"the pillars are cracked {n}",
            attributed_to=f"Voice {i} {claim.pk}",
            user=analyst,
        )
    for _ in range(extra_same_voice):
        n += 1
        source = ingest(
            f"Again of {text} it was said the pillars are cracked {n}.",
            f"v{n}.{claim.pk}.example",
            1,
        )
        link(
            claim,
            source,
            f"the pillars are cracked {n}",
            attributed_to=f"Voice 0 {claim.pk}",
            user=analyst,
        )
    denial = ingest(
        f"Of {text} the company denied the pillars are cracked.", f"d.{claim.pk}.example", 2
    )
    link(
        claim,
        denial,
        "denied the pillars are cracked",
        stance="disputes",
        attributed_to="Eastline",
        user=analyst,
    )
    return claim


def test_review_queue_is_sorted_by_independent_voices(analyst, editor_client):
    echo = _contested(analyst, "echo", voices=1, extra_same_voice=5)  # 7 evidence, 2 voices
    chorus = _contested(analyst, "chorus", voices=3, extra_same_voice=0)  # 4 evidence, 4 voices

    results = editor_client.get("/api/review-queue/").json()["results"]

    assert [c["id"] for c in results] == [chorus.pk, echo.pk]
    assert results[0]["independent_voices"]["asserts"] == 3
    assert results[1]["independent_voices"]["asserts"] == 1


def test_claim_list_and_review_queue_query_counts_do_not_grow_with_voices(analyst, editor_client):
    _contested(analyst, "one", voices=1, extra_same_voice=0)
    editor_client.get("/api/review-queue/")  # warm: the session and the user
    with CaptureQueriesContext(connection) as few:
        assert editor_client.get("/api/review-queue/").status_code == 200
    with CaptureQueriesContext(connection) as few_claims:
        assert editor_client.get("/api/claims/").status_code == 200
    for name in ("two", "three", "four"):
        _contested(analyst, name, voices=3, extra_same_voice=2)
    with CaptureQueriesContext(connection) as many:
        assert len(editor_client.get("/api/review-queue/").json()["results"]) == 4
    with CaptureQueriesContext(connection) as many_claims:
        assert editor_client.get("/api/claims/").status_code == 200

    assert len(many) == len(few)
    assert len(many_claims) == len(few_claims)


def test_actor_list_query_count_is_flat(analyst_client):
    Actor.objects.create(name="One")
    analyst_client.get("/api/actors/")  # warm: the session and the user
    with CaptureQueriesContext(connection) as few:
        analyst_client.get("/api/actors/")
    for i in range(20):
        analyst_client.post(
            "/api/actors/", {"name": f"Actor {i}", "aliases": [f"A{i}"]}, format="json"
        )
    with CaptureQueriesContext(connection) as many:
        assert len(analyst_client.get("/api/actors/").json()["results"]) == 21

    assert len(many) == len(few)
