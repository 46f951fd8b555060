"""/api/evidence/: claim/source pairs, their filters, sync (updated_since and
tombstones), conditional GET and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from claims.models import Claim, Evidence
from claims.services import claim_create, evidence_link, evidence_unlink
from sources.models import Excerpt, Source
from tests.factories import SourceFactory

TEXT = (
    "The minister said that taxes will rise next year. The opposition leader said that "
    "taxes will not rise at all. Later the minister said that taxes will rise next year."
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(analyst):
    source = SourceFactory(raw=TEXT, outlet_domain="example.com")
    other = SourceFactory(raw="A different article about budgets and taxes.", outlet_domain=None)
    claim = claim_create(text="Taxes will rise next year", user=analyst)
    asserts = evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="The minister said",
        start=0,
        user=analyst,
    )
    disputes = evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="disputes",
        exact="taxes will not rise at all",
        attributed_to="The opposition leader",
        user=analyst,
    )
    return {
        "source": source,
        "other": other,
        "claim": claim,
        "asserts": asserts,
        "disputes": disputes,
    }


def _ids(response) -> set[int]:
    return {item["id"] for item in response.json()["results"]}


def test_evidence_detail_has_contract_fields_and_anchored_quote(viewer_client, world):
    body = viewer_client.get(f"/api/evidence/{world['disputes'].pk}/").json()
    assert {
        "id",
        "claim",
        "source",
        "stance",
        "quote",
        "anchor_state",
        "attributed_to",
        "note",
        "created_by",
        "created_at",
        "updated_at",
    } <= body.keys()
    assert body["claim"] == {
        "id": world["claim"].pk,
        "text": "Taxes will rise next year",
        "verdict": "unreviewed",
    }
    assert set(body["source"]) >= {"id", "url", "title", "outlet", "published_at"}
    assert body["source"]["outlet"]["domain"] == "example.com"
    assert body["stance"] == "disputes"
    assert body["anchor_state"] == "anchored"
    assert body["attributed_to"] == "The opposition leader"
    assert body["created_by"] == "analyst1"
    quote = body["quote"]
    assert set(quote) == {"selected", "exact", "prefix", "suffix", "start", "end"}
    assert quote["selected"] == quote["exact"]
    assert TEXT[quote["start"] : quote["end"]] == quote["exact"] == "taxes will not rise at all"


def test_list_is_a_page_with_next_and_previous(viewer_client, world):
    first = viewer_client.get("/api/evidence/?page_size=1").json()
    assert {"next", "previous", "results"} <= first.keys()
    assert len(first["results"]) == 1
    assert first["previous"] is None
    second = viewer_client.get(first["next"]).json()
    assert second["previous"] is not None
    assert second["next"] is None


def test_page_size_is_capped_at_500(viewer_client, world):
    response = viewer_client.get("/api/evidence/?page_size=100000")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stance=asserts", {"asserts"}),
        ("stance=disputes", {"disputes"}),
        ("outlet=example.com", {"asserts", "disputes"}),
        ("outlet=nowhere.org", set()),
        ("contested=true", {"asserts", "disputes"}),
        ("contested=false", set()),
    ],
)
def test_list_filters(viewer_client, world, query, expected):
    ids = _ids(viewer_client.get(f"/api/evidence/?{query}"))
    assert ids == {world[name].pk for name in expected}


def test_filter_by_claim_and_source(viewer_client, world, analyst):
    other_claim = claim_create(text="Budgets are about taxes", user=analyst)
    third = evidence_link(
        claim_id=other_claim.pk,
        source_id=world["other"].pk,
        stance="mentions",
        exact="budgets",
        user=analyst,
    )
    assert _ids(viewer_client.get(f"/api/evidence/?claim={other_claim.pk}")) == {third.pk}
    assert _ids(viewer_client.get(f"/api/evidence/?source={world['source'].pk}")) == {
        world["asserts"].pk,
        world["disputes"].pk,
    }


def _all_stamped_before(since: dt.datetime) -> None:
    past = since - dt.timedelta(hours=1)
    for model in (Evidence, Excerpt, Claim, Source):
        model.objects.update(updated_at=past)


def test_updated_since_returns_changed_pairs(viewer_client, analyst_client, analyst, world):
    elsewhere = claim_create(text="Budgets will shrink", user=analyst)
    untouched = evidence_link(
        claim_id=elsewhere.pk,
        source_id=world["other"].pk,
        stance="mentions",
        exact="budgets",
        user=analyst,
    )
    since = timezone.now()
    _all_stamped_before(since)
    response = analyst_client.patch(
        f"/api/evidence/{world['asserts'].pk}/", {"note": "said twice"}, format="json"
    )
    assert response.status_code == 200

    ids = _ids(viewer_client.get("/api/evidence/", {"updated_since": since.isoformat()}))

    # The edited pair; its claim changed too (its counts), so its sibling may
    # come along: a pair may come twice, never zero times. Other claims' not.
    assert world["asserts"].pk in ids
    assert untouched.pk not in ids


def test_updated_since_includes_pairs_whose_quote_was_reanchored(viewer_client, world):
    since = timezone.now()
    _all_stamped_before(since)
    # A re-parse re-anchors excerpts: it touches the excerpt, not the pair.
    Excerpt.objects.filter(pk=world["disputes"].excerpt_id).update(
        anchor_state="relocated", updated_at=since + dt.timedelta(seconds=1)
    )
    ids = _ids(viewer_client.get("/api/evidence/", {"updated_since": since.isoformat()}))
    assert ids == {world["disputes"].pk}


def test_updated_since_includes_pairs_whose_claim_or_source_changed(viewer_client, world):
    since = timezone.now()
    _all_stamped_before(since)
    Source.objects.filter(pk=world["source"].pk).update(
        title="Retitled by a re-parse", updated_at=since + dt.timedelta(seconds=1)
    )

    ids = _ids(viewer_client.get("/api/evidence/", {"updated_since": since.isoformat()}))

    assert ids == {world["asserts"].pk, world["disputes"].pk}


def test_deleted_lists_tombstones_since(viewer_client, analyst_client, world):
    before = timezone.now() - dt.timedelta(seconds=1)
    assert analyst_client.delete(f"/api/evidence/{world['asserts'].pk}/").status_code == 204
    body = viewer_client.get("/api/evidence/deleted/", {"since": before.isoformat()}).json()
    assert [item["id"] for item in body["results"]] == [world["asserts"].pk]
    assert set(body["results"][0]) >= {"id", "deleted_at"}
    later = timezone.now() + dt.timedelta(seconds=1)
    assert (
        viewer_client.get("/api/evidence/deleted/", {"since": later.isoformat()}).json()["results"]
        == []
    )


def test_unlink_keeps_the_excerpt(analyst_client, world):
    excerpt_id = world["asserts"].excerpt_id
    assert analyst_client.delete(f"/api/evidence/{world['asserts'].pk}/").status_code == 204
    assert Excerpt.objects.filter(pk=excerpt_id).exists()
    assert analyst_client.get(f"/api/evidence/{world['asserts'].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/evidence/deleted/", 400),
        ("/api/evidence/deleted/?since=yesterday", 400),
        ("/api/evidence/deleted/?since=0327-03-05T16:16:12.40%2B18:30", 200),
        ("/api/evidence/?updated_since=not-a-date", 400),
        ("/api/evidence/?updated_since=1528-05-22T16:51:25%2B17:16", 200),
        ("/api/evidence/?claim=abc", 400),
        ("/api/evidence/?claim=99999999999999999999", 400),
        ("/api/evidence/?stance=shouts", 400),
        ("/api/evidence/?cursor=abc", 400),
        ("/api/evidence/?cursor=eyJiIjowfQ", 400),
        ("/api/evidence/changes/?since=garbage", 400),
        ("/api/evidence/changes/?limit=0", 400),
        ("/api/evidence/changes/?limit=501", 400),
        ("/api/evidence/changes/?limit=500", 200),
        ("/api/evidence/?format=xml", 404),
        ("/api/evidence/abc/", 404),
        ("/api/evidence/99999999999999999999/", 404),
        ("/api/evidence/0.5/", 404),
    ],
)
def test_bad_input_is_a_json_4xx(viewer_client, world, url, status):
    response = viewer_client.get(url)
    assert response.status_code == status
    body = response.json()
    if status != 200:
        assert isinstance(body["detail"], str)
        assert body["detail"]
        assert body["code"]


def test_link_via_api(analyst_client, world):
    response = analyst_client.post(
        "/api/evidence/",
        {
            "claim": world["claim"].pk,
            "source": world["other"].pk,
            "stance": "mentions",
            "exact": "about budgets",
            "note": "context",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stance"] == "mentions"
    assert body["quote"]["exact"] == "about budgets"
    assert body["note"] == "context"


def test_link_with_an_ambiguous_quote_needs_start(analyst_client, world):
    payload = {
        "claim": world["claim"].pk,
        "source": world["source"].pk,
        "stance": "asserts",
        "exact": "taxes will rise next year",
    }
    response = analyst_client.post("/api/evidence/", payload, format="json")
    assert response.status_code == 400
    assert "detail" in response.json()
    start = TEXT.rindex("taxes will rise next year")
    response = analyst_client.post("/api/evidence/", {**payload, "start": start}, format="json")
    assert response.status_code == 201
    assert response.json()["quote"]["start"] == start


@pytest.mark.parametrize(
    "change",
    [
        {"claim": 999999},
        {"source": 999999},
        {"exact": "words that are nowhere"},
        {"stance": "shouts"},
        {"claim": 99999999999999999999},
    ],
)
def test_link_with_bad_input_is_400(analyst_client, world, change):
    payload = {
        "claim": world["claim"].pk,
        "source": world["other"].pk,
        "stance": "mentions",
        "exact": "about budgets",
        **change,
    }
    response = analyst_client.post("/api/evidence/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_viewer_may_not_link_or_unlink(viewer_client, world):
    payload = {
        "claim": world["claim"].pk,
        "source": world["other"].pk,
        "stance": "mentions",
        "exact": "about budgets",
    }
    assert viewer_client.post("/api/evidence/", payload, format="json").status_code == 403
    assert viewer_client.delete(f"/api/evidence/{world['asserts'].pk}/").status_code == 403


def test_anonymous_gets_401(client_for, world):
    response = client_for(None).get("/api/evidence/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_detail_answers_304_for_a_matching_etag(viewer_client, analyst_client, world):
    url = f"/api/evidence/{world['asserts'].pk}/"
    etag = viewer_client.get(url)["ETag"]
    assert viewer_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    analyst_client.patch(url, {"stance": "mentions"}, format="json")
    assert viewer_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_unlinked_pairs_show_up_only_in_deleted(viewer_client, analyst, world):
    since = timezone.now() - dt.timedelta(seconds=1)
    evidence_unlink(evidence_id=world["disputes"].pk, user=analyst)
    listed = _ids(viewer_client.get("/api/evidence/", {"updated_since": since.isoformat()}))
    deleted = {
        item["id"]
        for item in viewer_client.get(
            "/api/evidence/deleted/", {"since": since.isoformat()}
        ).json()["results"]
    }
    assert world["disputes"].pk not in listed
    assert world["disputes"].pk in deleted


def test_list_rows_match_the_detail_representation(viewer_client, world):
    """The list builds pairs from tuples (the lean path), the detail from
    models: both must say the same thing."""
    listed = {item["id"]: item for item in viewer_client.get("/api/evidence/").json()["results"]}
    for name in ("asserts", "disputes"):
        pk = world[name].pk
        assert listed[pk] == viewer_client.get(f"/api/evidence/{pk}/").json()


def test_datetimes_are_written_like_drf(world):
    from rest_framework import serializers

    from claims.serializers import _datetime

    value = world["asserts"].created_at
    assert _datetime(value) == serializers.DateTimeField().to_representation(value)
