"""The provenance graph: a pure SVG builder, legible at 50 evidence rows."""

from __future__ import annotations

import re
from itertools import pairwise

import lxml.etree

from claims.provenance_graph import ROW, GraphEvidence, provenance_svg

SVG = "{http://www.w3.org/2000/svg}"


def item(
    n: int,
    *,
    origin: str = "actor:1",
    label: str = "State Security Bureau",
    via=(),
    stance="asserts",
    source=None,
):
    return GraphEvidence(
        evidence_id=n,
        stance=stance,
        origin_key=origin,
        origin_label=label,
        origin_kind="organisation",
        via=tuple(via),
        source_id=source if source is not None else n,
        source_label=f"Outlet {n} · {n % 28 + 1} May",
        href=f"/sources/{n}/#ev-{n}",
    )


def rects(tree, column: str) -> list[tuple[float, float, float, float]]:
    out = []
    for g in tree.iter(f"{SVG}g"):
        if g.get("class") == f"node {column}":
            r = g.find(f"{SVG}rect")
            out.append(
                (
                    float(r.get("x")),
                    float(r.get("y")),
                    float(r.get("width")),
                    float(r.get("height")),
                )
            )
    return out


def test_no_evidence_draws_nothing():
    assert provenance_svg([]) == ""


def test_one_origin_fanning_out_to_many_outlets_is_one_node_with_a_path_each():
    items = [item(n, via=["Eastwire"]) for n in range(1, 6)]

    tree = lxml.etree.fromstring(provenance_svg(items, copies=[(1, 2)]))

    assert len(rects(tree, "origin")) == 1
    assert len(rects(tree, "relay")) == 1
    assert len(rects(tree, "source")) == 5
    flows = [p for p in tree.iter(f"{SVG}path") if p.get("class", "").startswith("flow")]
    assert sorted(int(p.get("data-evidence")) for p in flows) == [1, 2, 3, 4, 5]
    copy = [p for p in tree.iter(f"{SVG}path") if p.get("class") == "copy"]
    assert len(copy) == 1
    assert copy[0].get("stroke-dasharray")
    assert "WHO SAID IT (1)" in provenance_svg(items)


def test_paths_go_from_the_origin_through_the_innermost_relay_first():
    svg = provenance_svg([item(1, via=["Kelso Times", "Eastwire"])])

    assert "asserts: State Security Bureau → Eastwire → Kelso Times → Outlet 1" in svg


def test_fifty_rows_stay_legible_no_overlap_fixed_text_size():
    items = [
        item(
            n,
            origin=f"actor:{n % 7}",
            label=f"Speaker number {n % 7}",
            via=[f"Relay {n % 3}"],
            stance=("asserts", "disputes", "mentions")[n % 3],
        )
        for n in range(50)
    ]

    svg = provenance_svg(items, copies=[(n, n + 1) for n in range(0, 48, 4)])
    tree = lxml.etree.fromstring(svg)

    height = float(tree.get("height"))
    assert height >= 50 * ROW  # the picture grows; the text does not shrink
    assert set(re.findall(r'font-size="(\d+)"', svg)) <= {"12"}
    for column in ("origin", "relay", "source"):
        boxes = sorted(rects(tree, column), key=lambda r: r[1])
        for (_, y1, _, h1), (_, y2, _, _) in pairwise(boxes):
            assert y1 + h1 <= y2  # no two nodes of a column overlap
    assert len(rects(tree, "source")) == 50


def test_labels_are_escaped():
    svg = provenance_svg([item(1, label="<script>alert(1)</script>", via=['"><b>'])])

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    lxml.etree.fromstring(svg)  # well-formed
