import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from claims.models import Claim, Evidence
from claims.selectors import claim_list
from sources.models import Source

pytestmark = pytest.mark.django_db


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_seed_demo_loads_a_contested_claim_through_the_real_pipeline():
    _seed()
    assert Source.objects.count() == 10  # fixtures/demo/articles/index.json
    assert all(s.status == "parsed" and s.text for s in Source.objects.all())
    contested = claim_list(contested=True)
    assert contested.count() >= 2
    for evidence in Evidence.objects.select_related("excerpt__source"):
        excerpt = evidence.excerpt
        assert excerpt.source.text[excerpt.start : excerpt.end] == excerpt.exact


def test_seed_demo_twice_changes_nothing():
    _seed()
    counts = (Source.objects.count(), Claim.objects.count(), Evidence.objects.count())
    second = _seed()
    assert (Source.objects.count(), Claim.objects.count(), Evidence.objects.count()) == counts
    assert "0 new" in second


def test_demo_users_get_their_roles_and_printed_passwords(settings):
    settings.DEBUG = True
    output = _seed("--users")
    analyst = User.objects.get(username="analyst")
    assert analyst.groups.filter(name="analyst").exists()
    assert User.objects.get(username="editor").groups.filter(name="editor").exists()
    assert not User.objects.get(username="viewer").groups.exists()
    assert "analyst  password: analyst-demo" in output
    assert analyst.check_password("analyst-demo")


def test_demo_users_are_refused_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        _seed("--users")
    assert not User.objects.filter(username="analyst").exists()
