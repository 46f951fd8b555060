"""Copied text between sources: MinHash candidates and exact shared passages."""

from __future__ import annotations

from sources.text.copying import band_keys, coverage, shared_passages, tokenize

ORIGINAL = (
    "Inspectors found cracks in three of the five pillars that carry the Marston rail bridge, "
    "and the regional council closed the crossing to freight trains on Tuesday night while "
    "engineers decide whether the structure can be saved at a reasonable cost.\n"
    "The bridge was built in 1911 and last strengthened in 1987. Its owner, the rail company "
    "Eastline, said repairs had been planned for next summer but were brought forward after a "
    "routine survey flagged movement in the northern abutment during the spring floods.\n"
    "Passenger services continue at reduced speed."
)
REWRITE = (
    "Freight traffic across the river has stopped for now.\n"
    "Inspectors found cracks in three of the five pillars that carry the old Marston rail bridge, "
    "and the regional council shut the crossing to freight trains on Tuesday night while "
    "engineers decide whether the structure can be saved at an acceptable cost.\n"
    "Local businesses fear a long closure. A timber yard on the east bank said it would lose "
    "two thirds of its orders if the trains do not return before the winter."
)
INDEPENDENT = (
    "The regional council met on Wednesday to discuss the Marston rail bridge. Councillors asked "
    "Eastline for a timetable, and the company promised a written answer within a week. A "
    "passenger group said trains were running late every morning since the speed limit began, "
    "and asked for buses to replace the slowest services until the bridge is repaired."
)


def test_a_rewrite_with_small_edits_shares_a_passage():
    passages = shared_passages(ORIGINAL, REWRITE)

    assert len(passages) == 1
    passage = passages[0]
    assert ORIGINAL[passage.a_start : passage.a_end].startswith("Inspectors found cracks")
    assert REWRITE[passage.b_start : passage.b_end].endswith("can be saved at")
    assert passage.words >= 30


def test_independent_reports_on_the_same_story_share_nothing():
    assert shared_passages(ORIGINAL, INDEPENDENT) == []
    assert shared_passages(REWRITE, INDEPENDENT) == []


def test_quotes_of_the_same_statement_are_not_copy():
    statement = (
        "“We will not reopen the bridge until every pillar has been replaced, and that will take "
        "at least eighteen months of work by three separate contractors on the site,”"
    )
    one = f"{statement} the council’s engineer said on Monday."
    other = f"Residents were told the news at a meeting. {statement} said the engineer."

    assert shared_passages(one, other) == []


def test_an_edited_copy_shares_band_keys_and_an_independent_text_does_not():
    assert band_keys(ORIGINAL) & band_keys(REWRITE)
    assert not band_keys(ORIGINAL) & band_keys(INDEPENDENT)


def test_short_texts_have_no_keys_and_no_passages():
    assert band_keys("Too short.") == set()
    assert shared_passages("a b c", "a b c") == []


def test_coverage_counts_overlapping_spans_once():
    assert coverage([(0, 10), (5, 15), (20, 25)]) == 20
    assert coverage([]) == 0


def test_aligning_with_either_text_indexed_first_finds_the_same_passages():
    rewrite_first, original_first = tokenize(REWRITE), tokenize(ORIGINAL)
    fresh = shared_passages(tokenize(ORIGINAL), rewrite_first)
    assert "index" not in original_first.__dict__
    original_first.index  # noqa: B018 - build the index, as a text aligned before would have

    indexed = shared_passages(original_first, rewrite_first)

    assert indexed == fresh == shared_passages(ORIGINAL, REWRITE)
    assert len(indexed) == 1


def test_casefolding_that_changes_length_keeps_offsets_right():
    text = "Die Straße war gesperrt, sagte die Polizei am Montag."
    tokens = tokenize(text)

    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)][:2] == [
        "Die",
        "Straße",
    ]
    assert tokens.words[1] == "strasse"
