import datetime as dt

from lxml import etree

from claims.timeline import STANCE_COLOURS, TimelinePoint, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"


def _svg(points):
    return etree.fromstring(timeline_svg(points).encode())


def _dots(tree):
    return tree.findall(f".//{SVG}circle")


def test_no_points_draw_nothing():
    assert timeline_svg([]) == ""


def test_one_dot_per_evidence():
    points = [
        TimelinePoint("asserts", dt.date(2024, 1, 1), "a"),
        TimelinePoint("disputes", dt.date(2024, 2, 1), "b"),
        TimelinePoint("disputes", dt.date(2024, 3, 1), "c"),
    ]
    assert len(_dots(_svg(points))) == 3


def test_dots_are_coloured_by_stance():
    points = [TimelinePoint(s, dt.date(2024, 1, i + 1), s) for i, s in enumerate(STANCE_COLOURS)]
    colours = {d.get("data-stance"): d.get("fill") for d in _dots(_svg(points))}
    assert colours == STANCE_COLOURS


def test_stances_are_on_separate_rows():
    day = dt.date(2024, 1, 1)
    points = [TimelinePoint(s, day, s) for s in ("asserts", "disputes", "mentions")]
    ys = [float(d.get("cy")) for d in _dots(_svg(points))]
    assert ys == sorted(ys)
    assert len(set(ys)) == 3


def test_later_dates_are_further_right():
    points = [
        TimelinePoint("asserts", dt.date(2024, 5, 1), "late"),
        TimelinePoint("asserts", dt.date(2023, 1, 1), "early"),
    ]
    late, early = _dots(_svg(points))
    assert float(late.get("cx")) > float(early.get("cx"))


def test_undated_evidence_goes_in_its_own_bucket():
    points = [
        TimelinePoint("asserts", dt.date(2024, 1, 1), "dated"),
        TimelinePoint("disputes", None, "no date"),
    ]
    tree = _svg(points)
    bucket = tree.find(f".//{SVG}g[@class='undated']")
    assert bucket is not None
    assert [d.findtext(f"{SVG}title") for d in bucket.findall(f".//{SVG}circle")] == ["no date"]
    assert "undated" in "".join(bucket.itertext())


def test_only_undated_evidence_still_draws():
    tree = _svg([TimelinePoint("mentions", None, "x")])
    assert len(_dots(tree)) == 1


def test_a_single_date_is_centred_with_one_label():
    day = dt.date(2024, 6, 15)
    tree = _svg([TimelinePoint("asserts", day, "a"), TimelinePoint("disputes", day, "b")])
    ticks = tree.findall(f".//{SVG}text[@class='tick']")
    assert [t.text for t in ticks] == ["15 Jun 2024"]
    xs = {float(d.get("cx")) for d in _dots(tree)}
    assert len(xs) == 1


def test_axis_labels_span_first_to_last_date():
    points = [
        TimelinePoint("asserts", dt.date(2024, 1, 1), "a"),
        TimelinePoint("asserts", dt.date(2024, 1, 31), "b"),
    ]
    labels = [t.text for t in _svg(points).findall(f".//{SVG}text[@class='tick']")]
    assert labels[0] == "1 Jan 2024"
    assert labels[-1] == "31 Jan 2024"


def test_each_dot_has_an_accessible_title_escaped():
    tree = _svg([TimelinePoint("asserts", dt.date(2024, 1, 1), 'Quote <b>"x"</b> & co')])
    assert _dots(tree)[0].findtext(f"{SVG}title") == 'Quote <b>"x"</b> & co'


def test_dots_link_to_their_evidence():
    tree = _svg([TimelinePoint("asserts", None, "a", href="/sources/1/#ev-2")])
    link = tree.find(f".//{SVG}a")
    assert link.get("href") == "/sources/1/#ev-2"
