"""The evidence list's lean path (issue 15, item 6): orjson rendering that
writes DRF's bytes, a filter backend that skips the empty FilterSet, keyset
cursors read off the row's own columns, and a query count that stays flat."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest
from django.utils import timezone
from django.utils.functional import lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from claims.evidence_rows import LOOKUPS
from claims.models import Claim, Evidence
from claims_tracker.common.filtering import FilterBackend
from claims_tracker.common.renderers import FastJSONRenderer
from claims_tracker.common.tokens import api_token_create
from sources.models import Excerpt, Outlet, Source

# --- the renderer writes what DRF's JSONRenderer writes -----------------------------

plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _both(data, media_type="application/json", context=None):
    return (
        FastJSONRenderer().render(data, media_type, context),
        JSONRenderer().render(data, media_type, context),
    )


@settings(max_examples=300, deadline=None)
@given(plain)
def test_fast_renderer_writes_drfs_bytes_for_plain_data(data):
    fast, drf = _both(data)
    assert fast == drf


@pytest.mark.parametrize(
    "data",
    [
        # escapes: quotes, backslash, every control character, DEL, non-ASCII, emoji
        {"s": '"\\' + "".join(chr(c) for c in range(32)) + "\x7f é ü 中文 😀"},
        # U+2028 / U+2029 are escaped so the JSON is also JavaScript
        {"s": "line\u2028separator\u2029paragraph"},
        ReturnDict({"results": ReturnList([{"id": 1}], serializer=None)}, serializer=None),
        {"t": (1, "two", None)},
        {"big": 2**63 - 1, "bigger": 2**70, "negative": -(2**63)},  # beyond 64 bits: DRF's path
        {1: "an int key"},  # a non-string key: DRF's path
        {"when": dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)},
        {"when": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))},
        {"day": dt.date(2026, 1, 2), "d": decimal.Decimal("1.50"), "u": uuid.UUID(int=1)},
        {"lazy": lazy(lambda: "translated", str)()},
        [],
        {},
        "",
    ],
)
def test_fast_renderer_matches_drf_on_edge_cases(data):
    fast, drf = _both(data)
    assert fast == drf


def test_fast_renderer_indents_like_drf_and_renders_none_as_nothing():
    data = {"a": [1, {"b": None}]}
    fast, drf = _both(data, "application/json; indent=4")
    assert fast == drf
    assert b"\n    " in fast
    fast, drf = _both(data, "application/json", {"indent": 2})
    assert fast == drf
    assert FastJSONRenderer().render(None) == b""


def test_fast_renderer_refuses_lone_surrogates_like_drf():
    with pytest.raises(UnicodeEncodeError):
        JSONRenderer().render({"s": "\ud800"})
    with pytest.raises(UnicodeEncodeError):
        FastJSONRenderer().render({"s": "\ud800"})


# --- a world of pairs ----------------------------------------------------------------

TEXT = "The minister said that taxes will rise. The opposition said that taxes will not rise."


@pytest.fixture
def pairs(db, analyst):
    """15 pairs; five share one created_at, so cursors must break ties by id."""
    outlet = Outlet.objects.create(name="O", domain="o.example")
    sources = Source.objects.bulk_create(
        [
            Source(
                outlet=outlet if i % 2 else None,
                raw=TEXT.encode(),
                content_type="text/plain",
                content_sha256=f"{i:064x}",
                text=TEXT,
                title=f"Source {i}",
            )
            for i in range(15)
        ]
    )
    claim = Claim.objects.create(text="Taxes will rise", created_by=analyst)
    excerpts = Excerpt.objects.bulk_create(
        [
            Excerpt(source=s, exact="taxes will rise", prefix="", suffix="", start=23, end=38)
            for s in sources
        ]
    )
    base = timezone.now() - dt.timedelta(hours=1)
    evidence = Evidence.objects.bulk_create(
        [
            Evidence(
                claim=claim,
                excerpt=e,
                stance="asserts",
                created_by=analyst if i % 3 else None,
                note=f"n{i}",
            )
            for i, e in enumerate(excerpts)
        ]
    )
    for i, pair in enumerate(evidence):
        when = base if i < 5 else base + dt.timedelta(minutes=i)
        Evidence.objects.filter(pk=pair.pk).update(created_at=when)
    return [pair.pk for pair in evidence]


def _walk(client, url):
    """Every id, following `next` to the end, then `previous` back to the start."""
    forward, pages = [], []
    page = client.get(url).json()
    pages.append(page)
    forward += [r["id"] for r in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        pages.append(page)
        forward += [r["id"] for r in page["results"]]
    backward = []
    while page["previous"]:
        page = client.get(page["previous"]).json()
        backward = [r["id"] for r in page["results"]] + backward
    return forward, backward, pages


def test_keyset_pages_walk_every_pair_once_both_ways(viewer_client, pairs):
    forward, backward, pages = _walk(viewer_client, "/api/evidence/?page_size=4")
    expected = list(Evidence.objects.order_by("-created_at", "-id").values_list("pk", flat=True))
    assert forward == expected
    last_page_ids = [r["id"] for r in pages[-1]["results"]]
    assert backward == expected[: len(expected) - len(last_page_ids)]


def test_sync_pages_walk_every_pair_once(viewer_client, pairs):
    since = "2000-01-01T00:00:00Z"
    forward, _, _ = _walk(viewer_client, f"/api/evidence/?updated_since={since}&page_size=4")
    assert sorted(forward) == sorted(pairs)
    assert len(forward) == len(set(forward))


def test_row_keyset_reads_the_ordering_off_the_rows_columns():
    from claims.api import EvidenceViewSet

    row = (*(f"col{i}" for i in range(len(LOOKUPS))), "changed")
    newest = EvidenceViewSet._row_keyset(("-created_at", "-id"))
    assert newest.key(row) == (row[LOOKUPS.index("created_at")], row[LOOKUPS.index("id")])
    synced = EvidenceViewSet._row_keyset(("changed_at", "id"))
    assert synced.key(row) == ("changed", row[LOOKUPS.index("id")])


def test_page_query_selects_each_column_once(viewer_client, pairs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert viewer_client.get("/api/evidence/?page_size=3").status_code == 200
    (page,) = [q["sql"] for q in queries if "claims_evidence" in q["sql"]]
    select = page.split(" FROM ", 1)[0]
    assert select.count('"claims_evidence"."created_at"') == 1
    assert select.count('"claims_evidence"."id"') == 1


# --- the filter backend skips only an empty FilterSet --------------------------------


def _view():
    from claims.api import EvidenceViewSet

    return EvidenceViewSet()


def test_filter_backend_returns_the_queryset_untouched_without_filter_parameters(db):
    request = APIRequestFactory().get("/api/evidence/?page_size=3&cursor=x&format=json")
    request.query_params = request.GET
    queryset = Evidence.objects.all()
    assert FilterBackend().filter_queryset(request, queryset, _view()) is queryset


@pytest.mark.parametrize("query", ["stance=asserts", "claim=1", "to_check=true", "stance="])
def test_filter_backend_filters_with_any_filter_parameter(db, query):
    request = APIRequestFactory().get(f"/api/evidence/?{query}")
    request.query_params = request.GET
    queryset = Evidence.objects.all()
    assert FilterBackend().filter_queryset(request, queryset, _view()) is not queryset


@pytest.mark.parametrize(
    "query", ["stance=bogus", "claim=abc", "updated_since=yesterday", "anchor_state=x"]
)
def test_bad_filters_are_still_400(viewer_client, pairs, query):
    response = viewer_client.get(f"/api/evidence/?{query}")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"] == "invalid"


def test_filtered_and_unfiltered_pages_agree(viewer_client, pairs):
    everything = viewer_client.get("/api/evidence/?page_size=100").json()["results"]
    asserts = viewer_client.get("/api/evidence/?page_size=100&stance=asserts").json()["results"]
    assert everything == asserts  # every pair asserts: the filter keeps them all
    assert len(everything) == len(pairs)


# --- queries: one for the token, one for the page ------------------------------------


def test_token_list_is_two_queries_whatever_the_page_size(editor, pairs, django_assert_num_queries):
    _, key = api_token_create(user=editor, name="lean")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get("/api/evidence/?page_size=1")  # stamps last_used_at (once a minute)
    for size in (1, 15):
        with django_assert_num_queries(2):  # the token (with its user), the page
            response = client.get(f"/api/evidence/?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
