"""The claim page's provenance graph: who said it first, who passed it on.

An SVG drawn on the server (no JavaScript, no CDN). Three columns: on the
left the *origins* (the speaker actors; evidence with no speaker starts at its
own source), in the middle the *relays* named in ``via`` (outermost nearest
the outlets), on the right the *sources* that carried the words, grouped by
outlet. Each piece of evidence is one path origin → relays → source, coloured
by its stance; sources that copy each other are joined by a dashed arc. Node
heights follow how many paths pass through, so one origin fanning out to many
outlets — circular reporting — is what the eye sees first.

Pure: plain values in, markup out (every string escaped). Rows are 22 px
apart, so 50 evidence rows stay legible (the SVG grows, the text does not
shrink).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from itertools import pairwise

from .timeline import STANCE_COLOURS

ROW = 22
TOP = 40
NODE_WIDTH = 200
RELAY_WIDTH = 170
GAP = 90  # between columns: room for the curves
MAX_DEPTH = 3  # relay columns drawn; longer chains keep their outermost hops
LABEL_CHARS = 30


@dataclass(frozen=True)
class GraphEvidence:
    evidence_id: int
    stance: str
    origin_key: str  # "actor:12" or "source:7"
    origin_label: str
    origin_kind: str  # person | organisation | outlet | unknown | source
    via: tuple[str, ...]
    source_id: int
    source_label: str
    href: str = ""


@dataclass
class _Node:
    key: str
    label: str
    column: str  # "origin" | "relay" | "source"
    kind: str = ""
    depth: int = 0  # relays: 1 = the outermost hop, next to the sources
    x: float = 0.0
    width: float = NODE_WIDTH
    count: int = 0
    y: float = 0.0
    height: float = 0.0
    stances: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _layout(nodes: list[_Node], top: float) -> float:
    y = top
    for node in nodes:
        node.height = max(ROW - 4, node.count * ROW - 4)
        node.y = y
        y += node.height + 4
    return y


def provenance_svg(items: Sequence[GraphEvidence], copies: Sequence[tuple[int, int]] = ()) -> str:
    """SVG markup for the evidence; an empty string when there is none.
    ``copies`` are (earlier source id, later source id) pairs."""
    if not items:
        return ""
    origins: dict[str, _Node] = {}
    relays: dict[str, _Node] = {}
    sources: dict[int, _Node] = {}

    def hops(item: GraphEvidence) -> list[tuple[str, str, int]]:
        """(key, label, depth) of the item's relays, innermost first."""
        via = list(item.via)[:MAX_DEPTH]
        return [
            (f"{depth}:{' '.join(name.split()).casefold()}", name, depth)
            for depth, name in reversed(list(enumerate(via, start=1)))
        ]

    for item in items:
        origin = origins.setdefault(
            item.origin_key,
            _Node(item.origin_key, item.origin_label, "origin", item.origin_kind),
        )
        origin.count += 1
        origin.stances[item.stance] += 1
        for key, name, depth in hops(item):
            relay = relays.setdefault(key, _Node(key, name, "relay", depth=depth))
            relay.count += 1
            relay.stances[item.stance] += 1
        source = sources.setdefault(
            item.source_id, _Node(f"source:{item.source_id}", item.source_label, "source")
        )
        source.count += 1
        source.stances[item.stance] += 1
    # Biggest origins first; sources in the order of their first origin, so
    # paths cross as little as a simple ordering allows.
    origin_order = sorted(origins.values(), key=lambda n: (-n.count, n.label.casefold()))
    rank = {n.key: i for i, n in enumerate(origin_order)}
    first_origin: dict[int, int] = {}
    for item in items:
        first_origin[item.source_id] = min(
            first_origin.get(item.source_id, 10**9), rank[item.origin_key]
        )
    source_order = sorted(
        sources.values(), key=lambda n: (first_origin[int(n.key.split(":")[1])], n.label)
    )
    depth = max((n.depth for n in relays.values()), default=0)
    columns = {"origin": 10.0, "source": 10.0 + NODE_WIDTH + GAP + depth * (RELAY_WIDTH + GAP)}
    width = int(columns["source"] + NODE_WIDTH + 40)
    for node in origin_order:
        node.x = columns["origin"]
    for node in source_order:
        node.x = columns["source"]
    bottom = max(_layout(origin_order, TOP), _layout(source_order, TOP))
    relay_order: list[_Node] = []
    for d in range(depth, 0, -1):
        column = sorted(
            (n for n in relays.values() if n.depth == d),
            key=lambda n: (-n.count, n.label.casefold()),
        )
        for node in column:
            node.x = columns["source"] - d * (RELAY_WIDTH + GAP)
            node.width = RELAY_WIDTH
        bottom = max(bottom, _layout(column, TOP))
        relay_order.extend(column)
    height = int(bottom + 30)
    independent = len(origins)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="provenance-svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-labelledby="provenance-title">',
        f'<title id="provenance-title">Provenance of {len(items)} pieces of evidence: '
        f"{independent} origin{'s' if independent != 1 else ''}, {len(sources)} "
        f"source{'s' if len(sources) != 1 else ''}</title>",
        '<g class="headings" font-size="12" fill="#66707c" font-weight="600">'
        f'<text x="{columns["origin"]:.0f}" y="20">WHO SAID IT ({independent})</text>'
        + (
            f'<text x="{columns["source"] - depth * (RELAY_WIDTH + GAP):.0f}" y="20">'
            "PASSED ON BY</text>"
            if relays
            else ""
        )
        + f'<text x="{columns["source"]:.0f}" y="20">WHERE IT RAN ({len(sources)})</text></g>',
    ]
    # Paths: one per piece of evidence, each hop a cubic curve.
    slots: dict[str, int] = defaultdict(int)

    def anchor(node: _Node, side: str) -> tuple[float, float]:
        n = slots[node.key + side]
        slots[node.key + side] += 1
        y = node.y + min(node.height, (n + 0.5) * ROW)
        return node.x + (node.width if side == "out" else 0), y

    paths = []
    for item in items:
        chain = [origins[item.origin_key]]
        chain += [relays[key] for key, _, _ in hops(item)]
        chain.append(sources[item.source_id])
        colour = STANCE_COLOURS.get(item.stance, "#66707c")
        d = []
        for a, b in pairwise(chain):
            x1, y1 = anchor(a, "out")
            x2, y2 = anchor(b, "in")
            mid = (x1 + x2) / 2
            d.append(f"M{x1:.0f},{y1:.1f} C{mid:.0f},{y1:.1f} {mid:.0f},{y2:.1f} {x2:.0f},{y2:.1f}")
        label = (
            f"{item.stance}: {item.origin_label}"
            + "".join(f" → {v}" for v in reversed(item.via))
            + f" → {item.source_label}"
        )
        path = (
            f'<path class="flow {escape(item.stance)}" d="{" ".join(d)}" fill="none" '
            f'stroke="{colour}" stroke-opacity="0.55" stroke-width="2.5" '
            f'data-evidence="{item.evidence_id}" data-stance="{escape(item.stance)}">'
            f"<title>{escape(label)}</title></path>"
        )
        if item.href:
            path = f'<a href="{escape(item.href)}">{path}</a>'
        paths.append(path)
    parts.append('<g class="flows">' + "".join(paths) + "</g>")
    # Copied text: dashed arcs on the right of the sources column.
    arcs = []
    right = columns["source"] + NODE_WIDTH
    for earlier, later in copies:
        a, b = sources.get(earlier), sources.get(later)
        if a is None or b is None:
            continue
        ya, yb = a.y + a.height / 2, b.y + b.height / 2
        bulge = right + 16 + min(24, abs(yb - ya) / 8)
        arcs.append(
            f'<path class="copy" d="M{right},{ya:.1f} C{bulge:.0f},{ya:.1f} {bulge:.0f},{yb:.1f} '
            f'{right},{yb:.1f}" fill="none" stroke="#3b4a5a" stroke-width="1.5" '
            f'stroke-dasharray="5 4" data-copy="{earlier}-{later}">'
            f"<title>{escape(b.label)} shares text with {escape(a.label)} (earlier)</title></path>"
        )
    parts.append('<g class="copies">' + "".join(arcs) + "</g>")
    for node in [*origin_order, *relay_order, *source_order]:
        parts.append(_node(node))
    parts.append("</svg>")
    return "".join(parts)


def _node(node: _Node) -> str:
    x = node.x
    main = max(node.stances, key=lambda s: node.stances[s]) if node.stances else "mentions"
    colour = STANCE_COLOURS.get(main, "#66707c")
    fill = {"origin": "#f4f6f8", "relay": "#fff", "source": "#fff"}[node.column]
    text_y = node.y + min(node.height, ROW) / 2 + 4
    count = f" ×{node.count}" if node.column == "origin" and node.count > 1 else ""
    kind = f" ({node.kind})" if node.kind and node.kind not in ("source", "") else ""
    return (
        f'<g class="node {node.column}" data-node="{escape(node.key)}">'
        f'<rect x="{x:.0f}" y="{node.y:.1f}" width="{node.width:.0f}" '
        f'height="{node.height:.1f}" rx="4" '
        f'fill="{fill}" stroke="{colour}" stroke-width="{2 if node.column == "origin" else 1}"/>'
        f'<text x="{x + 8:.0f}" y="{text_y:.1f}" font-size="12" fill="#14202e">'
        f"{escape(_short(node.label))}{escape(count)}</text>"
        f"<title>{escape(node.label + kind)}: {node.count} piece"
        f"{'s' if node.count != 1 else ''} of evidence</title></g>"
    )
