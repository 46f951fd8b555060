"""Near-duplicate claims: found by the database (pg_trgm) on PostgreSQL, by
rapidfuzz on SQLite; merged claims never offered."""

from __future__ import annotations

import pytest
from django.db import connection

from claims import selectors
from claims.services import claim_create, claim_merge

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(analyst):
    return {
        "fares": claim_create(text="Ferry fares will rise by ten percent in spring", user=analyst),
        "bridge": claim_create(text="The old bridge will close for repairs in May", user=analyst),
        "budget": claim_create(text="The council budget has a hole of two million", user=analyst),
    }


def test_similar_finds_the_near_duplicate_and_not_the_others(claims):
    found = selectors.claim_similar(text="Ferry fares rise ten percent this spring")
    assert [c.pk for c, _ in found] == [claims["fares"].pk]
    assert 0 < found[0][1] <= 100


def test_search_as_you_type_finds_a_claim_from_a_few_words(claims):
    found = selectors.claim_search(q="bridge closes")
    assert claims["bridge"].pk in [c.pk for c in found]


def test_similar_never_offers_a_merged_claim(claims, analyst):
    twin = claim_create(text="Ferry fares will rise by ten percent this spring", user=analyst)
    claim_merge(claim_id=twin.pk, into_id=claims["fares"].pk, user=analyst)
    found = selectors.claim_similar(text="Ferry fares will rise by ten percent this spring")
    assert [c.pk for c, _ in found] == [claims["fares"].pk]


@pytest.mark.services
def test_postgresql_filters_in_the_database_through_the_trigram_index(claims):
    """The near-duplicate search is one limited query with pg_trgm's
    operator, which the GIN trigram index answers: claims never come to Python."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        selectors.claim_similar(text="Ferry fares rise ten percent this spring")
    searches = [q["sql"] for q in queries if 'FROM "claims_claim"' in q["sql"]]
    assert len(searches) == 1
    assert '"claims_claim"."text" %' in searches[0]
    assert "LIMIT 5" in searches[0]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM claims_claim WHERE text %% %s", ["Ferry fares"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claim_text_trgm" in plan
