"""Editors' extraction rules: each kind, their order, validation, the runaway-regex guard."""

from __future__ import annotations

import time

import pytest

from sources.text.errors import RuleError
from sources.text.extraction import (
    EXTRACTOR_VERSION,
    METADATA_FIELDS,
    RuleKind,
    RuleSpec,
    extract,
    rules_fingerprint,
    validate_rule,
)
from sources.text.extraction import rules as rules_module

DUMP = """Harbour pilots vote to join the strike

By Jane Okafor
Published 12 March 2024

Harbour pilots voted on Tuesday to join the dockworkers' strike, the union said.

Correction: an earlier version of this story misspelled the union's name.

The port said it would keep one tug crew on duty for emergencies.

Filed by the Harbour Daily shipping desk. Reporter line: Tomas Reyes, Staff Photographer.
"""


def text(rules: list[RuleSpec]) -> str:
    return extract(DUMP, content_type="text/plain", rules=rules).text


def test_rule_kind_values_are_the_contract_names():
    assert {kind.value for kind in RuleKind} == {
        "drop_lines",
        "cut_before",
        "cut_after",
        "replace",
        "strip_selector",
        "metadata",
    }
    assert METADATA_FIELDS == ("title", "author", "published_at")


def test_drop_lines_removes_matching_lines():
    result = text([RuleSpec(kind="drop_lines", pattern=r"^Correction:")])
    assert "Correction" not in result
    assert "tug crew" in result


def test_cut_before_drops_everything_before_the_first_match():
    result = text([RuleSpec(kind="cut_before", pattern=r"The port said")])
    assert result.startswith("The port said")


def test_cut_after_drops_everything_from_the_first_match_on():
    result = text([RuleSpec(kind="cut_after", pattern=r"^Correction:")])
    assert result.endswith("the union said.")


def test_replace_substitutes_with_group_references():
    result = text([RuleSpec(kind="replace", pattern=r"Harbour (pilots)", replacement=r"Port \1")])
    assert result.startswith("Port pilots voted")


def test_rule_without_a_match_changes_nothing():
    assert text([RuleSpec(kind="cut_before", pattern=r"no such words")]) == text([])


def test_text_rules_apply_in_order():
    first_replace = [
        RuleSpec(kind="replace", pattern="Correction", replacement="Note"),
        RuleSpec(kind="drop_lines", pattern="^Note:"),
    ]
    first_drop = list(reversed(first_replace))
    assert "Correction" not in text(first_replace)
    assert "Note:" not in text(first_replace)
    assert "Note: an earlier version" in text(first_drop)


def test_text_rules_apply_after_cleaning():
    # the byline is already out of the text, so a rule cannot see it
    result = text([RuleSpec(kind="cut_before", pattern=r"By Jane")])
    assert result == text([])


def test_metadata_rule_sets_the_author_from_the_raw_text():
    rule = RuleSpec(kind="metadata", pattern=r"Reporter line: (?P<name>[\w ]+),", field="author")
    assert extract(DUMP, content_type="text/plain", rules=[rule]).authors == ["Tomas Reyes"]


def test_metadata_rule_sets_the_title():
    rule = RuleSpec(kind="metadata", pattern=r"Filed by the (?P<t>[\w ]+?)\.", field="title")
    result = extract(DUMP, content_type="text/plain", rules=[rule])
    assert result.title == "Harbour Daily shipping desk"


def test_metadata_rule_sets_the_publication_date():
    raw = "Council news\n\nThe council met on Monday and approved the plan.\n\nFiled 2023-11-02.\n"
    rule = RuleSpec(kind="metadata", pattern=r"Filed (?P<d>[\d-]+)", field="published_at")
    published = extract(raw, content_type="text/plain", rules=[rule]).published_at
    assert published is not None
    assert published.isoformat() == "2023-11-02T00:00:00+00:00"


def test_metadata_rule_sees_bylines_in_html_pages():
    page = (
        "<html><head><title>Pilots strike</title></head><body><article>"
        "<p class='credit'>Words: Maria Chen</p>"
        + "<p>Harbour pilots voted on Tuesday to join the strike, the union said today.</p>" * 6
        + "</article></body></html>"
    )
    rule = RuleSpec(kind="metadata", pattern=r"Words: (?P<a>\w+ \w+)", field="author")
    assert extract(page, rules=[rule]).authors == ["Maria Chen"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (RuleSpec(kind="delete", pattern="x"), "Unknown rule kind"),
        (RuleSpec(kind="drop_lines", pattern="(unclosed"), "not a valid regular expression"),
        (RuleSpec(kind="drop_lines", pattern=""), "empty"),
        (RuleSpec(kind="metadata", pattern=r"By (\w+)", field="author"), "one named group"),
        (
            RuleSpec(kind="metadata", pattern=r"(?P<a>\w+) (?P<b>\w+)", field="author"),
            "one named group",
        ),
        (RuleSpec(kind="metadata", pattern=r"(?P<a>\w+)", field="subtitle"), "metadata rule"),
        (RuleSpec(kind="replace", pattern=r"(a)", replacement=r"\2"), "group 2"),
        (RuleSpec(kind="strip_selector", pattern="div[["), "does not parse"),
        (RuleSpec(kind="strip_selector", pattern="   "), "empty"),
    ],
)
def test_invalid_rules_are_rejected_with_a_clear_message(spec, message):
    with pytest.raises(RuleError) as caught:
        validate_rule(spec)
    assert caught.value.status == 400
    assert message in caught.value.message


def test_valid_rules_pass_validation():
    for spec in (
        RuleSpec(kind="drop_lines", pattern=r"^Advertisement$"),
        RuleSpec(kind="replace", pattern=r"(\d+) pc", replacement=r"\1 per cent"),
        RuleSpec(kind="metadata", pattern=r"By (?P<name>.+)", field="author"),
        RuleSpec(kind="strip_selector", pattern="aside.related, div.ad-slot"),
    ):
        validate_rule(spec)


def test_catastrophic_backtracking_regex_is_rejected_at_validation():
    with pytest.raises(RuleError) as caught:
        validate_rule(RuleSpec(kind="drop_lines", pattern=r"(a|aa)+$"))
    assert "catastrophic" in caught.value.message


def test_runaway_regex_over_its_budget_fails_the_text_instead_of_being_skipped(monkeypatch):
    monkeypatch.setattr(rules_module, "APPLY_TIMEOUT", 0.05)
    text_ = "a" * 5000 + "!\nThe ferry sailed on time."
    runaway = RuleSpec(kind="replace", pattern=r"(a|aa)+$", replacement="")
    after = RuleSpec(kind="replace", pattern="ferry", replacement="boat")
    started = time.perf_counter()
    with pytest.raises(rules_module.RuleTimeout) as caught:
        rules_module.apply_text_rules(text_, [runaway, after])
    assert time.perf_counter() - started < 5
    assert "(a|aa)+$" in str(caught.value)


def test_a_drop_lines_budget_covers_the_whole_text_not_each_line(monkeypatch):
    # Each line alone is fast; the rule over all of them is not: skipping
    # lines one by one under load would make the text depend on the load.
    monkeypatch.setattr(rules_module, "APPLY_TIMEOUT", 0.05)
    lines = "\n".join("a" * 18 + "!" for _ in range(3000))
    slow = RuleSpec(kind="drop_lines", pattern=r"^(a|aa)+$")
    with pytest.raises(rules_module.RuleTimeout):
        rules_module.apply_text_rules(lines, [slow])


def test_invalid_rule_reaching_the_pipeline_is_skipped():
    broken = RuleSpec(kind="drop_lines", pattern="(unclosed")
    assert text([broken]) == text([])


def test_fingerprint_is_a_sha256_hex():
    fingerprint = rules_fingerprint([])
    assert len(fingerprint) == 64
    int(fingerprint, 16)


def test_fingerprint_changes_when_a_rule_changes():
    a = RuleSpec(kind="drop_lines", pattern="^Advertisement$")
    b = RuleSpec(kind="drop_lines", pattern="^Sponsored$")
    assert rules_fingerprint([a]) != rules_fingerprint([b])
    assert rules_fingerprint([a]) != rules_fingerprint([])


def test_fingerprint_changes_when_the_order_changes():
    a = RuleSpec(kind="replace", pattern="x", replacement="y")
    b = RuleSpec(kind="replace", pattern="y", replacement="z")
    assert rules_fingerprint([a, b]) != rules_fingerprint([b, a])


def test_fingerprint_ignores_fields_a_rule_kind_does_not_use():
    plain = RuleSpec(kind="drop_lines", pattern="^Ad$")
    noisy = RuleSpec(kind="drop_lines", pattern="^Ad$", replacement="ignored", field="title")
    assert rules_fingerprint([plain]) == rules_fingerprint([noisy])


def test_fingerprint_depends_on_the_extractor_version(monkeypatch):
    before = rules_fingerprint([])
    monkeypatch.setattr(rules_module, "EXTRACTOR_VERSION", EXTRACTOR_VERSION + ".test")
    assert rules_fingerprint([]) != before
