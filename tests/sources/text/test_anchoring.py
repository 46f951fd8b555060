"""Quote anchoring: locating evidence quotes and re-anchoring them after a re-parse."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.text.anchoring import (
    CONTEXT_CHARS,
    Anchor,
    AnchorState,
    Quote,
    locate_quote,
    quote_at,
    reanchor,
    reanchor_all,
)
from sources.text.errors import AnchoringError

FILLER = [
    "the", "a", "of", "and", "to", "in", "is", "was", "for", "on", "that", "with", "as", "by",
    "at", "from", "it", "this", "be", "are", "has", "had", "city", "council", "report", "said",
    "year", "people", "new", "more", "about", "after", "over", "its", "their", "which"
]  # fmt: skip
# Quote words never occur in filler text, so a removed quote cannot reappear.
QUOTE_WORDS = [
    "zebra", "quantum", "violin", "harbour", "glacier", "saffron", "nimbus", "orchid", "falcon",
    "tundra", "lantern", "cobalt", "meadow", "quartz", "willow", "ember"
]  # fmt: skip
# Edits outside a quote use lower-case letters, so they cannot recreate a
# quote written with capitals.
EDIT_ALPHABET = "abcdefghijklmnopqrstuvwxyz .,;\n"

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_consistent(anchor: Anchor, new_text: str) -> None:
    """The contract's invariant: a live anchor's span is its exact text."""
    if anchor.state is AnchorState.ORPHANED:
        return
    q = anchor.quote
    assert new_text[q.start : q.end] == q.exact
    assert q.prefix == new_text[max(0, q.start - CONTEXT_CHARS) : q.start]
    assert q.suffix == new_text[q.end : q.end + CONTEXT_CHARS]


filler_sentence = st.lists(st.sampled_from(FILLER), min_size=3, max_size=12).map(
    lambda words: " ".join(words).capitalize() + "."
)
filler_text = st.lists(filler_sentence, min_size=1, max_size=6).map(" ".join)
capital_quote = st.lists(st.sampled_from(QUOTE_WORDS), min_size=3, max_size=8).map(
    lambda words: " ".join(w.capitalize() for w in words)
)
plain_quote = st.lists(st.sampled_from(QUOTE_WORDS), min_size=4, max_size=10).map(" ".join)


def edit_outside(data: st.DataObject, text: str, start: int, end: int) -> tuple[str, int, int]:
    """Apply random insertions/deletions/replacements before or after text[start:end].

    Returns the new text and the span's new offsets, tracked edit by edit.
    """
    for _ in range(data.draw(st.integers(0, 6), label="edits")):
        before = data.draw(st.booleans(), label="before")
        lo, hi = (0, start) if before else (end, len(text))
        a = data.draw(st.integers(lo, hi), label="at")
        b = data.draw(st.integers(a, min(hi, a + 25)), label="to")
        kind = data.draw(
            st.sampled_from(["text", "whitespace", "paragraph", "delete"]), label="kind"
        )
        if kind == "text":
            repl = data.draw(st.text(EDIT_ALPHABET, max_size=30), label="replacement")
        elif kind == "whitespace":
            repl = data.draw(st.sampled_from([" ", "\n", "\n\n", "  ", "\t"]), label="ws")
        elif kind == "paragraph":
            repl = "\n\n" + data.draw(filler_text, label="paragraph").lower() + "\n\n"
        else:
            repl = ""
        text = text[:a] + repl + text[b:]
        if before:
            delta = len(repl) - (b - a)
            start, end = start + delta, end + delta
    return text, start, end


# --- quote_at / locate_quote ---------------------------------------------------


def test_quote_at_takes_context_on_both_sides():
    text = "x" * 40 + "QUOTE" + "y" * 40
    q = quote_at(text, 40, 45)
    assert q == Quote(exact="QUOTE", prefix="x" * 32, suffix="y" * 32, start=40, end=45)


def test_quote_at_clips_context_at_text_edges():
    q = quote_at("abc QUOTE def", 4, 9)
    assert (q.prefix, q.suffix) == ("abc ", " def")


def test_quote_at_rejects_span_outside_text():
    with pytest.raises(AnchoringError) as exc:
        quote_at("short", 2, 10)
    assert exc.value.code == "quote_out_of_range"


def test_locate_quote_finds_single_occurrence():
    text = "The mayor said the bridge is safe. Engineers disagree."
    q = locate_quote(text, "the bridge is safe")
    assert text[q.start : q.end] == "the bridge is safe"
    assert q.start == text.index("the bridge")


def test_locate_quote_not_found_says_so():
    with pytest.raises(AnchoringError) as exc:
        locate_quote("The mayor spoke.", "the governor spoke")
    assert exc.value.code == "quote_not_found"
    assert "does not occur" in exc.value.message


def test_locate_quote_ambiguous_without_start_lists_occurrences():
    text = "Taxes will rise. Nobody believes it. Taxes will rise."
    with pytest.raises(AnchoringError) as exc:
        locate_quote(text, "Taxes will rise")
    assert exc.value.code == "quote_ambiguous"
    assert "2 times" in exc.value.message
    assert "start" in exc.value.message
    assert exc.value.extra["occurrences"] == [0, 37]


def test_locate_quote_start_picks_the_occurrence():
    text = "Taxes will rise. Nobody believes it. Taxes will rise."
    q = locate_quote(text, "Taxes will rise", start=37)
    assert (q.start, q.end) == (37, 52)
    assert q.prefix.endswith("believes it. ")


def test_locate_quote_start_mismatch():
    with pytest.raises(AnchoringError) as exc:
        locate_quote("Taxes will rise.", "Taxes will rise", start=3)
    assert exc.value.code == "quote_start_mismatch"


@pytest.mark.parametrize("exact", ["", "   ", "\n\t"])
def test_locate_quote_rejects_empty_quote(exact):
    with pytest.raises(AnchoringError):
        locate_quote("Some text.", exact)


def test_locate_quote_tolerates_collapsed_whitespace_from_browser_selection():
    text = "First paragraph ends here.\n\nSecond paragraph starts."
    q = locate_quote(text, "ends here. Second paragraph")
    assert q.exact == "ends here.\n\nSecond paragraph"
    assert text[q.start : q.end] == q.exact


def test_locate_quote_whitespace_fallback_honours_start():
    text = "A b.\n\nC d. A b.\n\nC d."
    q = locate_quote(text, "A b. C d.", start=11)
    assert (q.start, q.exact) == (11, "A b.\n\nC d.")


# --- reanchor: deterministic cases -------------------------------------------------

ARTICLE = (
    "City Hall, Monday. The council met for three hours.\n\n"
    'The mayor said "the new bridge will open in spring" during the meeting. '
    "Critics pointed to delays.\n\n"
    "Share this article\n\n"
    "The budget was approved without changes."
)
BRIDGE = '"the new bridge will open in spring"'


def bridge_quote(text: str = ARTICLE) -> Quote:
    start = text.index(BRIDGE)
    return quote_at(text, start, start + len(BRIDGE))


def test_unchanged_text_is_anchored():
    anchor = reanchor(bridge_quote(), ARTICLE)
    assert anchor.state is AnchorState.ANCHORED
    assert anchor.quote == bridge_quote()


def test_text_shifted_by_dropped_junk_line_is_relocated():
    new_text = "Advertisement\n" + ARTICLE.replace("Share this article\n\n", "")
    anchor = reanchor(bridge_quote(), new_text)
    assert anchor.state is AnchorState.RELOCATED
    assert anchor.quote.exact == BRIDGE
    assert anchor.quote.start == new_text.index(BRIDGE)
    assert_consistent(anchor, new_text)


def test_typo_fix_inside_quote_is_changed_not_relocated():
    old = ARTICLE.replace("new bridge", "new bridgee")
    quote = quote_at(old, old.index('"the new'), old.index('spring"') + 7)
    anchor = reanchor(quote, ARTICLE)
    # Even a one-letter fix is a difference in wording: a person decides.
    assert anchor.state is AnchorState.CHANGED
    assert anchor.quote.exact == BRIDGE
    assert 0 < anchor.score < 1
    assert_consistent(anchor, ARTICLE)


def test_typographic_quote_marks_are_the_same_words_and_relocate():
    new_text = ARTICLE.replace('"the', "\u201cthe").replace('spring"', "spring\u201d")
    anchor = reanchor(bridge_quote(), new_text)
    assert anchor.state is AnchorState.RELOCATED
    assert anchor.quote.exact == "\u201cthe new bridge will open in spring\u201d"
    assert_consistent(anchor, new_text)


def test_long_quote_with_edits_inside_is_changed_at_the_edited_span():
    rng = random.Random(3)
    text = " ".join(rng.choice(FILLER) for _ in range(3000))
    quote = quote_at(text, 5000, 7000)
    new_text = text[:5500] + "INSERTED WORDS" + text[5510:6500] + text[6520:]

    anchor = reanchor(quote, new_text)

    assert anchor.state is AnchorState.CHANGED
    assert (anchor.quote.start, anchor.quote.end) == (5000, 7000 - 10 + 14 - 20)


def test_removed_quote_is_orphaned():
    new_text = ARTICLE.replace(BRIDGE, "")
    anchor = reanchor(bridge_quote(), new_text)
    assert anchor.state is AnchorState.ORPHANED
    assert anchor.quote == bridge_quote()


def test_quote_replaced_by_other_words_in_same_place_is_orphaned():
    new_text = ARTICLE.replace(BRIDGE, '"we have no comment at this time"')
    assert reanchor(bridge_quote(), new_text).state is AnchorState.ORPHANED


def test_removed_quote_is_not_moved_to_similar_sentence_elsewhere():
    old = "Intro. The minister said taxes would rise next year. Other news follows here."
    new = (
        "Intro. Other news follows here. In an unrelated interview a critic claimed "
        "the minister said taxes would fall next year, which nobody confirmed."
    )
    start = old.index("The minister")
    quote = quote_at(old, start, old.index(" Other"))
    assert reanchor(quote, new).state is AnchorState.ORPHANED


def test_duplicate_quote_resolved_by_context_not_by_distance():
    old = (
        "Opening remarks by the chair of the board. Taxes will rise next year. "
        "Later the treasurer answered questions. Taxes will rise next year. End of minutes."
    )
    second = old.rindex("Taxes will rise")
    quote = quote_at(old, second, second + len("Taxes will rise next year."))
    # A long paragraph inserted at the top pushes both occurrences; the first one
    # now sits nearer the old offset of the second.
    new = "x" * (second - old.index("Taxes")) + old
    anchor = reanchor(quote, new)
    assert anchor.state is AnchorState.RELOCATED
    assert anchor.quote.start == new.rindex("Taxes will rise")


def test_duplicate_at_old_offset_with_wrong_context_is_not_anchored():
    old = "Alpha said: Taxes will rise soon. Then beta said: Taxes will rise soon. Fin."
    first, second = old.index("Taxes"), old.rindex("Taxes")
    quote = quote_at(old, second, second + len("Taxes will rise soon."))
    # Padding moves the first occurrence exactly onto the second one's old offset.
    new = old[:first] + "-" * (second - first) + old[first:]
    assert new.index("Taxes") == second

    anchor = reanchor(quote, new)

    assert anchor.state is AnchorState.RELOCATED
    assert anchor.quote.start == new.rindex("Taxes")


def test_short_quote_does_not_move_without_context():
    old = "The vote passed. Yes indeed, it did. The end."
    quote = quote_at(old, old.index("Yes indeed"), old.index("Yes indeed") + 10)
    new = "Completely different article. Yes indeed, someone else wrote this."
    assert reanchor(quote, new).state is AnchorState.ORPHANED


def test_paragraph_breaks_collapsed_inside_quote_relocate():
    old = "Intro line.\n\nHe said the plan\n\nwas finished on time.\n\nOutro line."
    quote = quote_at(old, old.index("He said"), old.index(" on time") + 8)
    new = "Intro line. He said the plan was finished on time. Outro line."
    anchor = reanchor(quote, new)
    assert anchor.state is AnchorState.RELOCATED
    assert anchor.quote.exact == "He said the plan was finished on time"


def test_whitespace_only_quote_is_orphaned():
    quote = Quote(exact="   ", prefix="", suffix="", start=0, end=3)
    assert reanchor(quote, "   text").state is AnchorState.ORPHANED


def test_reanchor_all_matches_reanchor_one_by_one():
    quotes = [bridge_quote(), quote_at(ARTICLE, 0, 10), quote_at(ARTICLE, 60, 90)]
    new_text = "Advertisement\n" + ARTICLE.replace("three hours", "four hours")
    assert reanchor_all(quotes, new_text) == [reanchor(q, new_text) for q in quotes]


def test_reanchor_into_empty_text_orphans():
    assert reanchor(bridge_quote(), "").state is AnchorState.ORPHANED


# --- reanchor: properties -------------------------------------------------------------


@SETTINGS
@given(data=st.data(), before=filler_text, after=filler_text, exact=capital_quote)
def test_edits_outside_quote_keep_it_at_the_right_place(data, before, after, exact):
    text = f"{before} {exact} {after}"
    start = len(before) + 1
    quote = quote_at(text, start, start + len(exact))
    new_text, new_start, _ = edit_outside(data, text, start, start + len(exact))
    new_end = new_start + len(exact)
    one_side_intact = (
        new_text[max(0, new_start - len(quote.prefix)) : new_start] == quote.prefix
        or new_text[new_end : new_end + len(quote.suffix)] == quote.suffix
    )

    anchor = reanchor(quote, new_text)

    assert_consistent(anchor, new_text)
    if one_side_intact:
        assert anchor.state is not AnchorState.ORPHANED
    if anchor.state is not AnchorState.ORPHANED:
        # Never elsewhere, never other words.
        assert anchor.state in (AnchorState.ANCHORED, AnchorState.RELOCATED)
        assert anchor.quote.start == new_start
        assert anchor.quote.exact == exact


LEFT = ("according to the first report, ", "but in the second statement it ")
RIGHT = (" as the committee noted early on", " which the spokesperson denied later")


@SETTINGS
@given(
    data=st.data(),
    parts=st.tuples(filler_text, filler_text, filler_text),
    exact=capital_quote,
    which=st.sampled_from([0, 1]),
)
def test_duplicates_are_resolved_by_context(data, parts, exact, which):
    a, b, c = parts
    occurrences = []
    text = a + " "
    for i, rest in enumerate((b, c)):
        text += LEFT[i]
        occurrences.append(len(text))
        text += exact + RIGHT[i] + " " + rest + " "
    start = occurrences[which]
    quote = quote_at(text, start, start + len(exact))
    # Edit only the filler, keeping each occurrence's own context phrases.
    regions = [(0, len(a))] + [
        (occ + len(exact) + len(RIGHT[i]), [*occurrences, len(text)][i + 1] - len(LEFT[1]))
        for i, occ in enumerate(occurrences)
    ]
    new_text, expected = text, start
    for lo, hi in reversed(regions):
        if hi <= lo:
            continue
        a_ = data.draw(st.integers(lo, hi))
        b_ = data.draw(st.integers(a_, hi))
        repl = data.draw(st.text(EDIT_ALPHABET, max_size=40))
        new_text = new_text[:a_] + repl + new_text[b_:]
        if b_ <= start:
            expected += len(repl) - (b_ - a_)

    anchor = reanchor(quote, new_text)

    assert anchor.quote.start == expected
    assert anchor.quote.exact == exact
    assert_consistent(anchor, new_text)


@SETTINGS
@given(data=st.data(), before=filler_text, after=filler_text, exact=plain_quote)
def test_quote_whose_words_were_removed_is_orphaned(data, before, after, exact):
    text = f"{before} {exact} {after}"
    start = len(before) + 1
    quote = quote_at(text, start, start + len(exact))
    # Remove the quote, possibly with some of its surroundings, then edit elsewhere.
    cut_from = data.draw(st.integers(max(0, start - 10), start))
    cut_to = data.draw(st.integers(start + len(exact), min(len(text), start + len(exact) + 10)))
    new_text = text[:cut_from] + text[cut_to:]
    new_text, _, _ = edit_outside(data, new_text, cut_from, cut_from)

    anchor = reanchor(quote, new_text)

    assert anchor.state is AnchorState.ORPHANED
    assert anchor.quote == quote


@SETTINGS
@given(
    data=st.data(),
    before=filler_text,
    after=filler_text,
    exact=plain_quote.filter(lambda q: len(q) >= 30),
)
def test_any_edit_inside_quote_is_changed_never_relocated(data, before, after, exact):
    text = f"{before} {exact} {after}"
    start = len(before) + 1
    quote = quote_at(text, start, start + len(exact))
    kind = data.draw(st.sampled_from(["substitute", "insert", "delete"]))
    if kind == "substitute":
        i = data.draw(st.integers(0, len(exact) - 1))
        char = data.draw(st.sampled_from("XYZ'\u2019\u201c-").filter(lambda c: c != exact[i]))
        edited = exact[:i] + char + exact[i + 1 :]
    elif kind == "insert":
        i = data.draw(st.integers(1, len(exact) - 1))
        edited = exact[:i] + data.draw(st.sampled_from("XYZ,-")) + exact[i:]
    else:
        i = data.draw(st.integers(0, len(exact) - 1))
        edited = exact[:i] + exact[i + 1 :]
    new_text = f"{before} {edited} {after}"

    anchor = reanchor(quote, new_text)

    # One character is enough: the closest match is shown, for a person to check.
    assert anchor.state is AnchorState.CHANGED
    assert (anchor.quote.start, anchor.quote.exact) == (start, edited)
    assert_consistent(anchor, new_text)


@SETTINGS
@given(
    text=st.text("ab c\n.", min_size=1, max_size=200),
    data=st.data(),
    new_text=st.text("ab c\n.", max_size=200),
)
def test_live_anchor_always_points_at_its_exact_text(text, data, new_text):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = quote_at(text, start, end)
    assert_consistent(reanchor(quote, new_text), new_text)
    assert_consistent(reanchor(quote, text), text)


def test_anchor_into_the_original_text_is_never_orphaned():
    rng = random.Random(7)
    text = " ".join(rng.choice(FILLER) for _ in range(400))
    for _ in range(200):
        start = rng.randrange(len(text) - 40)
        quote = quote_at(text, start, start + rng.randint(20, 40))
        anchor = reanchor(quote, text)
        assert anchor.state is AnchorState.ANCHORED


# --- measurement: benign rule changes -----------------------------------------------

JUNK_LINES = [
    "Advertisement",
    "Share this article",
    "Read more: our coverage of the election",
    "Subscribe to our newsletter",
    "Photo: Getty Images",
]
BOILERPLATE = "The council has not responded to a request for comment by the time of publication."


def make_document(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(15, 40)):
        roll = rng.random()
        if roll < 0.25:
            lines.append(rng.choice(JUNK_LINES))
        elif roll < 0.32:
            lines.append(BOILERPLATE)
        else:
            sentences = [
                " ".join(rng.choice(FILLER + QUOTE_WORDS) for _ in range(rng.randint(6, 20)))
                + rng.choice([".", ".", "!", "?"])
                for _ in range(rng.randint(1, 4))
            ]
            if rng.random() < 0.3:
                sentences.insert(rng.randrange(len(sentences) + 1), f"[{rng.randint(1, 9)}]")
            lines.append(" ".join(sentences))
        lines.append("")
    return "\n".join(lines)


def benign_rule_change(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Drop junk lines and footnote markers, normalise "--" dashes: the edits
    such a rule change makes, as (start, end, replacement) on the old text."""
    import re

    edits = []
    for pattern, repl in (
        (r"(?m)^(?:" + "|".join(re.escape(j) for j in JUNK_LINES) + r")\n", ""),
        (r" \[\d\]", ""),
    ):
        edits += [(m.start(), m.end(), repl) for m in re.finditer(pattern, text)]
    edits.sort()
    new_parts, pos = [], 0
    for a, b, repl in edits:
        new_parts += [text[pos:a], repl]
        pos = b
    new_parts.append(text[pos:])
    return "".join(new_parts), edits


def test_benign_rule_changes_relocate_over_99_percent_and_never_wrongly():
    rng = random.Random(20240601)
    total = correct = wrong = 0
    for _ in range(40):
        text = make_document(rng)
        new_text, edits = benign_rule_change(text)
        quotes, expected = [], []
        while len(quotes) < 25:
            start = rng.randrange(len(text) - 30)
            end = min(len(text), start + rng.randint(15, 160))
            # Quotes are selections of content: skip ones an edit would touch.
            if any(a < end and start < b for a, b, _ in edits) or not text[start:end].strip():
                continue
            quotes.append(quote_at(text, start, end))
            shift = sum(len(r) - (b - a) for a, b, r in edits if b <= start)
            expected.append(start + shift)
        for quote, want, anchor in zip(
            quotes, expected, reanchor_all(quotes, new_text), strict=True
        ):
            total += 1
            assert_consistent(anchor, new_text)
            if anchor.state is AnchorState.ORPHANED:
                continue
            if anchor.quote.start == want and anchor.quote.exact == quote.exact:
                correct += 1
            else:
                wrong += 1
    assert wrong == 0
    assert correct / total >= 0.99
