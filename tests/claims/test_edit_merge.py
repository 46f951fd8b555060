"""Two edits of one claim made from the same version, combined."""

from __future__ import annotations

import pytest

from claims.edit_merge import merge_edit, merge_tags, merge_text

BASE = "The ferry operator will raise fares by ten percent in spring"


def test_edits_in_different_places_both_apply():
    theirs = "The ferry operator will raise fares by twelve percent in spring"
    mine = "The island ferry operator will raise fares by ten percent in spring"
    assert (
        merge_text(BASE, theirs, mine)
        == "The island ferry operator will raise fares by twelve percent in spring"
    )


def test_edits_of_the_same_words_conflict():
    theirs = BASE.replace("ten", "twelve")
    mine = BASE.replace("ten", "fifteen")
    assert merge_text(BASE, theirs, mine) is None


def test_insertions_at_the_same_place_conflict():
    theirs = BASE + " 2027"
    mine = BASE + " next year"
    assert merge_text(BASE, theirs, mine) is None


def test_the_same_edit_on_both_sides_is_no_conflict():
    edited = BASE.replace("spring", "April")
    assert merge_text(BASE, edited, edited) == edited


@pytest.mark.parametrize(
    ("theirs", "mine", "expected"),
    [(BASE, "Mine only", "Mine only"), ("Theirs only", BASE, "Theirs only")],
)
def test_one_sided_edit_wins(theirs, mine, expected):
    assert merge_text(BASE, theirs, mine) == expected


def test_tags_keep_their_changes_and_mine():
    assert merge_tags(
        ["fares", "ferries"], ["fares", "ferries", "islands"], ["ferries", "spring"]
    ) == [
        "ferries",
        "islands",
        "spring",
    ]


def test_merge_edit_keeps_my_text_when_it_conflicts():
    merged = merge_edit(
        base_text=BASE,
        base_tags=["fares"],
        their_text=BASE.replace("ten", "twelve"),
        their_tags=["fares", "islands"],
        my_text=BASE.replace("ten", "fifteen"),
        my_tags=["fares"],
    )
    assert merged.text_conflict
    assert merged.text == BASE.replace("ten", "fifteen")
    assert merged.tags == ["fares", "islands"]
