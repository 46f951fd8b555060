"""Quotes never lie, end to end: re-parses that change a quote's words flag it
``changed`` (the selection kept), people confirm it, and reviewed claims whose
evidence changed are back in the review queue."""

from __future__ import annotations

import datetime as dt

import pytest

from claims import services
from claims.models import Claim, Evidence, Review, Verdict
from claims.selectors import review_queue
from claims_tracker.common.errors import ApplicationError
from sources.models import Excerpt, Source
from sources.rule_services import rule_update
from sources.services import source_ingest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ARTICLE = """Council delays the harbour vote

The mayor said the dredging contract was a fair deal for the town, and the vote was set for May.

Advertisement

Councillor Ilse Varga said the contract was signed without a tender. "This is a different assessment from the one we were given," she said.

The harbour master, Kofi Haddad, said 12 berths would close during the works.
"""
QUOTE = "the dredging contract was a fair deal for the town"


@pytest.fixture
def editor():
    return UserFactory(role="editor")


def _source() -> Source:
    return source_ingest(
        raw=ARTICLE, content_type="text/plain", outlet_domain="harbourpost.example"
    ).source


def _reviewed_claim(source: Source, editor, exact: str = QUOTE) -> tuple[Claim, Evidence]:
    claim = services.claim_create(text="The dredging contract was fair", user=None)
    evidence = services.evidence_link(
        claim_id=claim.pk, source_id=source.pk, stance="asserts", exact=exact, user=None
    )
    services.evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="disputes",
        exact="the contract was signed without a tender",
        user=None,
    )
    claim.refresh_from_db()
    services.claim_review(
        claim_id=claim.pk,
        verdict="mixed",
        rationale="Both sides quoted.",
        version=claim.version,
        evidence_revision=claim.evidence_revision,
        user=editor,
    )
    assert not review_queue().filter(pk=claim.pk).exists()
    return claim, evidence


def test_a_negation_inserted_by_a_rule_marks_the_quote_changed_and_keeps_the_selection(
    make_rule, editor
):
    source = _source()
    claim, evidence = _reviewed_claim(source, editor)

    make_rule(
        name="negate",
        kind="replace",
        pattern=r"contract was a fair",
        replacement="contract was not a fair",
    )

    excerpt = Excerpt.objects.get(pk=evidence.excerpt_id)
    text = Source.objects.get(pk=source.pk).text
    assert excerpt.anchor_state == "changed"
    assert excerpt.selected == QUOTE
    assert excerpt.exact == "the dredging contract was not a fair deal for the town"
    assert text[excerpt.start : excerpt.end] == excerpt.exact
    assert 0 < excerpt.anchor_score < 1
    # The reviewed claim is back in the queue.
    assert review_queue().filter(pk=claim.pk).exists()


def test_a_changed_number_is_changed_not_relocated(make_rule, editor):
    source = _source()
    claim, _ = _reviewed_claim(source, editor)
    evidence = services.evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="mentions",
        exact="12 berths would close during the works",
        user=None,
    )

    make_rule(name="typo", kind="replace", pattern=r"\b12 berths", replacement="13 berths")

    excerpt = Excerpt.objects.get(pk=evidence.excerpt_id)
    assert (excerpt.anchor_state, excerpt.exact) == (
        "changed",
        "13 berths would close during the works",
    )


def test_repeated_reparses_start_from_the_selection(
    make_rule, editor, django_capture_on_commit_callbacks
):
    source = _source()
    _, evidence = _reviewed_claim(source, editor)
    change = make_rule(
        name="negate", kind="replace", pattern="was a fair", replacement="was not a fair"
    )
    assert Excerpt.objects.get(pk=evidence.excerpt_id).anchor_state == "changed"
    with django_capture_on_commit_callbacks(execute=True):
        rule_update(rule_id=change.rule.pk, user=None, replacement="was no longer a fair")
    assert Excerpt.objects.get(pk=evidence.excerpt_id).exact == (
        "the dredging contract was no longer a fair deal for the town"
    )

    # The rule is switched off: the analyst's words are back, at their place.
    with django_capture_on_commit_callbacks(execute=True):
        rule_update(rule_id=change.rule.pk, user=None, enabled=False)

    excerpt = Excerpt.objects.get(pk=evidence.excerpt_id)
    assert excerpt.anchor_state in ("anchored", "relocated")
    assert excerpt.exact == excerpt.selected == QUOTE


def test_a_dropped_paragraph_orphans_the_quote_and_requeues_the_claim(make_rule, editor):
    source = _source()
    claim, evidence = _reviewed_claim(
        source, editor, exact='"This is a different assessment from the one we were given,"'
    )
    revision = Claim.objects.get(pk=claim.pk).evidence_revision

    make_rule(name="drop Varga", kind="drop_lines", pattern="^Councillor Ilse Varga")

    excerpt = Excerpt.objects.get(pk=evidence.excerpt_id)
    assert excerpt.anchor_state == "orphaned"
    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.evidence_revision > revision
    assert review_queue().filter(pk=claim.pk).exists()


def test_confirm_accepts_the_new_words_as_relocated_in_history(make_rule, editor):
    source = _source()
    claim, evidence = _reviewed_claim(source, editor)
    make_rule(name="negate", kind="replace", pattern="was a fair", replacement="was not a fair")
    before = Claim.objects.get(pk=claim.pk).evidence_revision

    services.evidence_confirm(evidence_id=evidence.pk, user=editor)

    excerpt = Excerpt.objects.get(pk=evidence.excerpt_id)
    assert excerpt.anchor_state == "relocated"
    assert (
        excerpt.selected
        == excerpt.exact
        == "the dredging contract was not a fair deal for the town"
    )
    record = excerpt.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == editor
    assert record.history_change_reason == "confirmed the new words"
    assert Claim.objects.get(pk=claim.pk).evidence_revision == before + 1


def test_only_a_changed_quote_can_be_confirmed(editor):
    source = _source()
    _, evidence = _reviewed_claim(source, editor)
    with pytest.raises(ApplicationError) as caught:
        services.evidence_confirm(evidence_id=evidence.pk, user=editor)
    assert caught.value.status == 409
    assert Excerpt.objects.get(pk=evidence.excerpt_id).anchor_state == "anchored"


def test_a_verdict_on_an_older_evidence_revision_is_a_409(editor):
    source = _source()
    claim, _ = _reviewed_claim(source, editor)
    seen = Claim.objects.get(pk=claim.pk)
    # Evidence is added while the editor has the claim open.
    services.evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="the vote was set for May",
        user=None,
    )
    assert review_queue().filter(pk=claim.pk).exists()

    with pytest.raises(ApplicationError) as caught:
        services.claim_review(
            claim_id=claim.pk,
            verdict="supported",
            rationale="Looks fine.",
            version=seen.version,
            evidence_revision=seen.evidence_revision,
            user=editor,
        )

    assert caught.value.status == 409
    assert caught.value.extra["evidence_revision"] == seen.evidence_revision + 1
    assert Claim.objects.get(pk=claim.pk).verdict == Verdict.MIXED
    assert Review.objects.filter(claim=claim).count() == 1


def test_a_verdict_records_the_revision_it_saw_and_leaves_the_queue(editor):
    source = _source()
    claim, _ = _reviewed_claim(source, editor)
    services.evidence_link(
        claim_id=claim.pk,
        source_id=source.pk,
        stance="asserts",
        exact="the vote was set for May",
        user=None,
    )
    fresh = Claim.objects.get(pk=claim.pk)

    services.claim_review(
        claim_id=claim.pk,
        verdict="supported",
        rationale="Now three quotes.",
        version=fresh.version,
        evidence_revision=fresh.evidence_revision,
        user=editor,
    )

    assert Review.objects.filter(claim=claim).first().evidence_revision == fresh.evidence_revision
    assert not review_queue().filter(pk=claim.pk).exists()


@pytest.mark.parametrize("change", ["unlink", "restance"])
def test_unlinking_or_restancing_requeues_a_reviewed_claim(editor, change):
    source = _source()
    claim, evidence = _reviewed_claim(source, editor)
    if change == "unlink":
        services.evidence_unlink(evidence_id=evidence.pk, user=None)
    else:
        services.evidence_update(evidence_id=evidence.pk, user=None, stance="mentions")
    assert review_queue().filter(pk=claim.pk).exists()


def test_a_note_alone_does_not_requeue(editor):
    source = _source()
    claim, evidence = _reviewed_claim(source, editor)
    services.evidence_update(evidence_id=evidence.pk, user=None, note="Checked the minutes.")
    assert not review_queue().filter(pk=claim.pk).exists()


def test_reference_time_is_the_ingest_time_in_every_reparse(make_rule, monkeypatch):
    """Determinism: extraction gets the source's ingest time, never the clock."""
    import sources.reparse as reparse_module

    source = _source()
    Source.objects.filter(pk=source.pk).update(
        ingested_at=dt.datetime(2020, 5, 1, 12, tzinfo=dt.UTC)
    )
    seen: list[dt.datetime | None] = []
    real_extract = reparse_module.extract

    def spy(*args, **kwargs):
        seen.append(kwargs.get("reference_time"))
        return real_extract(*args, **kwargs)

    monkeypatch.setattr(reparse_module, "extract", spy)
    make_rule(name="drop ads", kind="drop_lines", pattern="^Advertisement$")

    assert seen == [dt.datetime(2020, 5, 1, 12, tzinfo=dt.UTC)]


def test_a_rule_over_its_time_budget_fails_the_source_visibly_and_keeps_its_text(
    make_rule, monkeypatch
):
    from sources.text.extraction import rules as rules_module

    source = _source()
    before = Source.objects.get(pk=source.pk).text
    # No time at all: any rule is over budget, as a slow one is under load.
    monkeypatch.setattr(rules_module, "APPLY_TIMEOUT", 0.0)

    make_rule(name="drop ads", kind="drop_lines", pattern="^Advertisement$")

    fresh = Source.objects.get(pk=source.pk)
    assert fresh.status == "failed"
    assert "'^Advertisement$'" in fresh.parse_error
    assert "took more than" in fresh.parse_error
    assert fresh.text == before
