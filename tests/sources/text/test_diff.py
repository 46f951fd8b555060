"""The before/after diff of the rule preview: a pure function over strings."""

from __future__ import annotations

from sources.text.diff import MAX_CONTEXT_CHARS, diff_summary, render_diff


def test_equal_texts_render_nothing():
    assert render_diff("Same text.\nAgain.", "Same text.\nAgain.") == ""


def test_a_removed_line_is_marked_deleted():
    html = render_diff("Keep this.\nAdvertisement\nAnd this.", "Keep this.\nAnd this.")

    assert '<div class="line del"><del>Advertisement</del></div>' in html
    assert "<ins>" not in html


def test_an_added_line_is_marked_inserted():
    html = render_diff("One.\nTwo.", "One.\nBetween.\nTwo.")

    assert '<div class="line ins"><ins>Between.</ins></div>' in html
    assert "<del>" not in html


def test_a_changed_word_is_marked_inside_its_line():
    html = render_diff(
        "The minister said the budget rose by ten percent.",
        "The minister said the budget rose by twelve percent.",
    )

    assert "<del>ten</del><ins>twelve</ins>" in html
    assert "The minister said the budget rose by " in html


def test_a_removed_line_next_to_an_edited_one_pairs_the_edit():
    before = "Intro.\nBuy now!\nSecond paragraph with some words.\nEnd."
    after = "Intro.\nSecond paragraph with many words.\nEnd."

    html = render_diff(before, after)

    assert "<del>Buy now!</del>" in html
    assert "<del>some</del><ins>many</ins>" in html


def test_article_text_is_escaped():
    html = render_diff("Safe.", "Safe.\n<script>alert('x')</script> & <b>bold</b>")

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_removed_markup_is_escaped_too():
    html = render_diff("<img src=x onerror=alert(1)>\nText.", "Text.")

    assert "<img" not in html
    assert "<del>&lt;img src=x onerror=alert(1)&gt;</del>" in html


def test_only_changed_regions_are_shown_with_a_little_context():
    lines = [f"Paragraph {n}." for n in range(1, 41)]
    changed = list(lines)
    changed[19] = "Paragraph twenty, rewritten."

    html = render_diff("\n".join(lines), "\n".join(changed))

    assert "Paragraph 19." in html  # context before
    assert "Paragraph 21." in html  # context after
    assert "Paragraph 2." not in html
    assert "Paragraph 40." not in html
    assert html.count('class="hunk"') == 1


def test_long_unchanged_context_is_shortened():
    long_paragraph = "word " * 200
    html = render_diff(long_paragraph + "\nOld ending.", long_paragraph + "\nNew ending.")

    assert 'class="elided"' in html
    assert len(html) < len(long_paragraph)
    assert html.count("word") <= MAX_CONTEXT_CHARS // 5 + 1


def test_separate_changes_make_separate_hunks():
    lines = [f"Paragraph {n}." for n in range(1, 31)]
    changed = list(lines)
    changed[2] = "Changed early."
    changed[25] = "Changed late."

    html = render_diff("\n".join(lines), "\n".join(changed))

    assert html.count('class="hunk"') == 2


def test_summary_counts_removed_added_and_changed_lines():
    summary = diff_summary("a\nb\nc words here\nd", "a\nc words there\nd\ne")

    assert summary.lines_removed == 1
    assert summary.lines_added == 1
    assert summary.lines_changed == 1
    assert summary.changed


def test_a_removed_paragraph_does_not_show_its_blank_separator():
    html = render_diff("One.\n\nAdvert.\n\nTwo.", "One.\n\nTwo.")

    assert html.count("<del>") == 1
    assert "<del>Advert.</del>" in html


def test_a_change_in_blank_lines_alone_is_still_reported():
    html = render_diff("One.\n\nTwo.", "One.\nTwo.")

    assert "only blank lines" in html


def test_word_diff_marks_the_changed_words_and_keeps_the_rest_whole():
    from sources.text.diff import word_diff

    old = "The operator said fares would rise by 12 percent in April, " * 3
    new = old.replace("12 percent", "15 percent", 1)
    html_ = word_diff(old, new)
    assert html_.count("<del>12</del><ins>15</ins>") == 1
    assert "…" not in html_  # nothing left out, however long
    assert html_.replace("<del>12</del><ins>15</ins>", "15") == new


def test_word_diff_escapes_both_sides():
    from sources.text.diff import word_diff

    html_ = word_diff("a <b>bold</b> claim", "a <i>bold</i> claim")
    assert "<b>" not in html_
    assert "<i>" not in html_
    assert html_.startswith("a &lt;<del>b</del><ins>i</ins>&gt;bold")
