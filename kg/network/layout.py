"""Where the nodes go: computed here, before the page is written, so it shows its final picture at load.

A layout left to vis-network's physics appears only after the browser has
run it, so a screenshot, a printed page or a slow machine showed an empty or
moving canvas (issue 21). So networkx computes the layout of every network
(:data:`PHYSICS_UP_TO` is 0) and physics stays off: each
connected part gets a seeded spring layout (the same page every time) of
its nodes with more than one link, scaled until its edges are long enough
for their labels, its one-link nodes (quotes) fanned out around the node
they hang on; then it is spread until no node's label covers another's or
an edge's label (:func:`spread`, boxes sized by
:func:`kg.network.vis.footprint`). The parts are packed in rows, largest
first, as wide as makes the whole largest in a laptop's window. The
unconnected nodes come last, grouped by class in rows whose cells are as
wide as their labels, so that their names do not run into each other. One
layout of the whole would fling the loners to a ring around it and crowd the rest.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass
from importlib.util import find_spec

import networkx as nx
import numpy as np

from kg.network.vis import Footprint, edge_label_height, edge_label_width, footprint

#: Up to this many nodes the browser would lay the network out; 0: every page gets a precomputed layout.
PHYSICS_UP_TO = 0
#: networkx lays out a part of more nodes with its sparse solver, which needs SciPy.
_DENSE_LAYOUT_LIMIT = 500
#: Pixels between neighbours in a precomputed layout, before the labels are made room for.
_SPACING = 60.0
#: The seed of every random choice of a layout, so that the same graph gives the same page.
_SEED = 7
#: Iterations of networkx's spring layout.
_SPRING_ITERATIONS = 80
#: How far (in the spring layout's units) siblings placed beside one neighbour are moved apart.
_JITTER = 0.04
#: How much of the median edge's need the scale of a part meets (spread stretches the edges still short).
_EDGE_SCALE = 1.0
#: Pixels kept free around each node's box, and between parts and between the unconnected nodes.
_MARGIN = 8.0
#: Rounds of pushing overlapping boxes apart (each moves every overlapping pair apart by half the overlap).
_SPREAD_ROUNDS = 300
#: Pairs of boxes looked at, over all rounds (a round looks at every pair): a part of many boxes gets fewer
#: rounds, so that a big view is still drawn in seconds (300 rounds up to 500 boxes, 18 for 2,000).
_SPREAD_WORK = 300 * 500**2
#: A part of more boxes (nodes and edge labels) is not spread: a round's pairs would take too much memory.
_SPREAD_LIMIT = 2000
#: The rows are at least this wide, in pixels.
_MIN_ROW_WIDTH = 900.0
#: Width over height of the window the page is laid out for (a laptop's, less the legend): the rows are as
#: wide as makes the whole largest in it.
_WINDOW_ASPECT = 1.4

Positions = dict[str, tuple[float, float]]
#: Left, top, width and height of a part, with its labels.
Box = tuple[float, float, float, float]


def layout(net: nx.MultiDiGraph) -> Positions:
    """Positions in pixels of every node; {} (the browser's physics) only up to PHYSICS_UP_TO nodes."""
    if len(net) <= PHYSICS_UP_TO:
        return {}
    simple = nx.Graph(net.to_undirected(as_view=True))
    parts = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    feet = {node: footprint(attrs) for node, attrs in net.nodes(data=True)}
    needs = _edge_lengths(net, feet)
    connected = [_part_layout(_induced(simple, part), feet, needs) for part in parts if len(part) > 1]
    loners = sorted((p[0] for p in parts if len(p) == 1), key=lambda n: _group_key(net.nodes[n], n))
    boxes = [_box(box, feet) for box in connected]
    return max(
        (_arrange(connected, boxes, loners, feet, width) for width in _row_widths(boxes, loners, feet)),
        key=_fill,
    )


def _row_widths(boxes: list[Box], loners: list[str], feet: dict[str, Footprint]) -> list[float]:
    """Widths of rows to try, from a square's to three times it: the one the window shows largest is kept."""
    area = sum(w * h for _, _, w, h in boxes) + sum(
        (2 * feet[n].half_width + 2 * _MARGIN) * (feet[n].above + feet[n].below + 2 * _MARGIN) for n in loners
    )
    widest = max([w for _, _, w, _ in boxes] + [_MIN_ROW_WIDTH])
    square = max(math.sqrt(area), widest)
    return sorted({round(square * (1 + step / 4), 1) for step in range(9)} | {widest})


def _arrange(
    parts: list[Positions], boxes: list[Box], loners: list[str], feet: dict[str, Footprint], width: float
) -> Positions:
    """The parts packed in rows ``width`` wide, the unconnected nodes in rows under them."""
    placed, bottom = _pack(parts, boxes, width)
    placed.update(_rows(loners, feet, width, bottom))
    return placed


def _fill(positions: Positions) -> tuple[float, float]:
    """How large the whole is drawn in a window of :data:`_WINDOW_ASPECT`: larger is better, then narrower."""
    xs, ys = [p[0] for p in positions.values()], [p[1] for p in positions.values()]
    width, height = max(xs) - min(xs) + 2 * _SPACING, max(ys) - min(ys) + 2 * _SPACING
    return min(_WINDOW_ASPECT / width, 1 / height), -width


def largest_part_centre(net: nx.MultiDiGraph, positions: Positions) -> tuple[float, float] | None:
    """The middle of the biggest connected part: where the page opens when the whole is too small to read."""
    if not positions:
        return None
    simple = nx.Graph(net.to_undirected(as_view=True))
    biggest = min((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    xs, ys = [positions[n][0] for n in biggest], [positions[n][1] for n in biggest]
    return round((min(xs) + max(xs)) / 2, 1), round((min(ys) + max(ys)) / 2, 1)


def _group_key(attrs: dict, node: str) -> tuple[str, str, str]:
    """Unconnected nodes grouped by class, then by name."""
    return (str(attrs.get("core") or attrs.get("class", "")), str(attrs.get("label", "")).casefold(), node)


@dataclass(frozen=True)
class Edge:
    """The edges between two nodes, as the layout sees them: how long they must be, and their labels' box."""

    source: str
    target: str
    length: float
    label_width: float
    label_height: float


def _edge_lengths(net: nx.MultiDiGraph, feet: dict[str, Footprint]) -> dict[tuple[str, str], Edge]:
    """Each pair of linked nodes: its ends' symbols and its longest label fit between them.

    The labels of edges between the same two nodes are drawn at one place: their box is as high as all.
    """
    widths: dict[tuple[str, str], list[float]] = {}
    for source, target, attrs in net.edges(data=True):
        widths.setdefault((min(source, target), max(source, target)), []).append(edge_label_width(attrs))
    edges = {}
    for (source, target), labels in sorted(widths.items()):
        width = max(labels)
        high = sum(1 for w in labels if w > 0) * edge_label_height()
        length = feet[source].above + feet[target].above + width + 2 * _MARGIN
        edges[(source, target)] = Edge(source, target, length, width, high)
    return edges


def _induced(graph: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The subgraph on ``nodes``, its nodes and edges in sorted order.

    networkx's ``subgraph`` lists a small part's nodes in the order of a Python
    set, which changes with the hash seed, and its layouts follow that order:
    the same graph would give another page in every process.
    """
    part = nx.Graph()
    part.add_nodes_from(sorted(nodes))
    part.add_edges_from(sorted(tuple(sorted(edge)) for edge in graph.subgraph(nodes).edges()))
    return part


def _part_layout(part: nx.Graph, feet: dict[str, Footprint], needs: dict[tuple[str, str], Edge]) -> Positions:
    """One connected part, laid out around 0,0, in pixels, its labels clear of each other.

    The nodes with one link (a speaker's quotes, mostly) are left out of the
    spring layout and fanned out around the node they hang on: the spring
    layout knows nothing of their long labels, and crowded them round it.
    """
    fans = _leaves(part)
    hanging = {leaf for leaves in fans.values() for leaf in leaves}
    core = _induced(part, [n for n in part if n not in hanging])
    if len(core) == 1:
        positions = {next(iter(core)): (0.0, 0.0)}
    elif len(core) < _DENSE_LAYOUT_LIMIT or find_spec("scipy") is not None:
        positions = _spring(core)
    else:
        positions = _core_and_periphery(core)
    core_edges = [needs[(min(u, v), max(u, v))] for u, v in core.edges()]
    scale = _SPACING * math.sqrt(len(core)) * 0.75
    if core_edges:
        scale = max(scale, _EDGE_SCALE * _stretch_needed(positions, core_edges))
    scaled = {n: (x * scale, y * scale) for n, (x, y) in sorted(positions.items())}
    scaled.update(_fan_out(scaled, fans, feet, needs))
    return spread(scaled, feet, [needs[(min(u, v), max(u, v))] for u, v in part.edges()])


def _leaves(part: nx.Graph) -> dict[str, list[str]]:
    """The nodes with one link, by the node (itself with more) they hang on."""
    fans: dict[str, list[str]] = {}
    for node in sorted(part):
        if part.degree(node) == 1:
            hub = next(iter(part[node]))
            if part.degree(hub) > 1:
                fans.setdefault(hub, []).append(node)
    return fans


def _fan_out(
    placed: Positions,
    fans: dict[str, list[str]],
    feet: dict[str, Footprint],
    needs: dict[tuple[str, str], Edge],
) -> Positions:
    """Each hub's leaves on an arc around it, turned away from the part's middle, far enough for labels."""
    middle = (
        sum(x for x, _ in placed.values()) / len(placed),
        sum(y for _, y in placed.values()) / len(placed),
    )
    out: Positions = {}
    for hub, leaves in sorted(fans.items()):
        x, y = placed[hub]
        arc = 2 * math.pi if len(placed) == 1 else 1.5 * math.pi
        away = math.atan2(y - middle[1], x - middle[0]) if (x, y) != middle else 0.0
        high = max(feet[leaf].above + feet[leaf].below for leaf in leaves) + _MARGIN
        reach = max(needs[(min(hub, leaf), max(hub, leaf))].length for leaf in leaves)
        radius = max(reach, 1.5 * len(leaves) * high / arc)
        for i, leaf in enumerate(leaves):
            angle = away - arc / 2 + (i + 0.5) * arc / len(leaves)
            out[leaf] = (x + radius * math.cos(angle), y + radius * math.sin(angle))
    return out


def _stretch_needed(positions: Positions, edges: list[Edge]) -> float:
    """The scale at which the median edge is as long as it needs: the shape is kept, spread moves less."""
    ratios = sorted(
        edge.length / max(math.dist(positions[edge.source], positions[edge.target]), 1e-6) for edge in edges
    )
    return ratios[len(ratios) // 2]


def spread(positions: Positions, feet: dict[str, Footprint], edges: list[Edge]) -> Positions:
    """Push apart boxes that overlap (nodes with their labels, edges' labels), and stretch edges too short.

    An edge's label is drawn level at the middle of the edge, so it is a box
    there, moved by moving both ends. Each round moves both boxes of every
    overlapping pair apart by half their overlap, along the axis where it is
    smaller (labels are wide and low: side by side labels move up or down),
    and both ends of every short edge apart along it. It stops when nothing
    overlaps or after :data:`_SPREAD_ROUNDS` (fewer for many boxes: see
    :data:`_SPREAD_WORK`). Plain arithmetic on sorted nodes: the same input
    gives the same positions.
    """
    labelled = [edge for edge in edges if edge.label_width > 0]
    count = len(positions) + len(labelled)
    rounds = min(_SPREAD_ROUNDS, _SPREAD_WORK // count**2)
    if count > _SPREAD_LIMIT or rounds == 0:
        return positions
    nodes = sorted(positions)
    index = {n: i for i, n in enumerate(nodes)}
    xy = np.array([positions[n] for n in nodes], dtype=float)
    # Each box sits at a node, or halfway along an edge: boxes = where @ xy.
    where = np.zeros((len(nodes) + len(labelled), len(nodes)))
    where[np.arange(len(nodes)), np.arange(len(nodes))] = 1.0
    for row, edge in enumerate(labelled, start=len(nodes)):
        where[row, index[edge.source]] = where[row, index[edge.target]] = 0.5
    half_w = (
        np.array([feet[n].half_width for n in nodes] + [e.label_width / 2 for e in labelled]) + _MARGIN / 2
    )
    half_h = (
        np.array(
            [(feet[n].above + feet[n].below) / 2 for n in nodes] + [e.label_height / 2 for e in labelled]
        )
        + _MARGIN / 2
    )
    shift = np.array([(feet[n].below - feet[n].above) / 2 for n in nodes] + [0.0] * len(labelled))
    apart = ~np.eye(len(half_w), dtype=bool)
    ends = np.array([(index[e.source], index[e.target]) for e in edges], dtype=int).reshape(-1, 2)
    need = np.array([e.length for e in edges], dtype=float)
    order = np.arange(len(half_w))
    tie = np.where(order[:, None] < order[None, :], -1.0, 1.0)  # which way two boxes at one point part
    for _ in range(rounds):
        boxes = where @ xy
        dx = boxes[:, None, 0] - boxes[None, :, 0]
        dy = (boxes[:, 1] + shift)[:, None] - (boxes[:, 1] + shift)[None, :]
        over_x = half_w[:, None] + half_w[None, :] - np.abs(dx)
        over_y = half_h[:, None] + half_h[None, :] - np.abs(dy)
        overlap = (over_x > 0) & (over_y > 0) & apart
        moved = _stretch(xy, ends, need)
        if not overlap.any() and not moved:
            break
        along_x = overlap & (over_x <= over_y)
        along_y = overlap & (over_x > over_y)
        push = np.stack(
            [
                np.where(along_x, over_x / 2 * np.where(dx == 0, tie, np.sign(dx)), 0.0).sum(axis=1),
                np.where(along_y, over_y / 2 * np.where(dy == 0, tie, np.sign(dy)), 0.0).sum(axis=1),
            ],
            axis=1,
        )
        xy += where.T @ push
    return {n: (float(xy[i, 0]), float(xy[i, 1])) for i, n in enumerate(nodes)}


def _stretch(xy: np.ndarray, ends: np.ndarray, need: np.ndarray) -> bool:
    """Move both ends of every edge shorter than it needs apart along it; whether any was."""
    if not len(ends):
        return False
    delta = xy[ends[:, 1]] - xy[ends[:, 0]]
    length = np.hypot(delta[:, 0], delta[:, 1])
    short = length < need
    if not short.any():
        return False
    unit = np.where(length[:, None] > 0, delta / np.maximum(length, 1e-9)[:, None], np.array([1.0, 0.0]))
    push = np.where(short, (need - length) / 2, 0.0)[:, None] * unit
    np.add.at(xy, ends[:, 1], push)
    np.add.at(xy, ends[:, 0], -push)
    return True


def _spring(part: nx.Graph) -> Positions:
    found = nx.spring_layout(part, seed=_SEED, iterations=_SPRING_ITERATIONS)
    return {n: (float(x), float(y)) for n, (x, y) in found.items()}


def _core_and_periphery(part: nx.Graph) -> Positions:
    """A part too big for networkx's dense solver (its sparse one needs SciPy, not a dependency).

    Its best-linked nodes get the spring layout; every other node is placed,
    breadth first, at the centre of its placed neighbours, nudged by a seeded
    jitter so that siblings do not coincide.
    """
    core = sorted(part, key=lambda n: (-part.degree(n), n))[: _DENSE_LAYOUT_LIMIT - 1]
    positions = _spring(_induced(part, core))
    jitter = random.Random(_SEED)
    queue = deque(sorted(core))
    while queue:
        for other in sorted(part[queue.popleft()]):
            if other in positions:
                continue
            near = [positions[m] for m in part[other] if m in positions]
            positions[other] = (
                sum(p[0] for p in near) / len(near) + jitter.uniform(-_JITTER, _JITTER),
                sum(p[1] for p in near) / len(near) + jitter.uniform(-_JITTER, _JITTER),
            )
            queue.append(other)
    return positions


def _pack(boxes: list[Positions], sizes: list[Box], width: float) -> tuple[Positions, float]:
    """The parts side by side in rows ``width`` wide, rounded to tenths of a pixel; and where the rows end."""
    placed: Positions = {}
    x = y = row = 0.0
    for box, (left, top, w, h) in zip(boxes, sizes, strict=True):
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        for node, (nx_, ny) in box.items():
            placed[node] = (round(x + nx_ - left, 1), round(y + ny - top, 1))
        x, row = x + w, max(row, h)
    return placed, y + row


def _box(positions: Positions, feet: dict[str, Footprint]) -> Box:
    """Left, top, width and height of a part with its labels, and a margin."""
    left = min(x - feet[n].half_width for n, (x, _) in positions.items()) - _MARGIN
    right = max(x + feet[n].half_width for n, (x, _) in positions.items()) + _MARGIN
    top = min(y - feet[n].above for n, (_, y) in positions.items()) - _MARGIN
    bottom = max(y + feet[n].below for n, (_, y) in positions.items()) + _MARGIN
    return left, top, right - left, bottom - top


def _rows(nodes: list[str], feet: dict[str, Footprint], width: float, top: float) -> Positions:
    """Unconnected nodes in rows from ``top``, each cell as wide as its label: no name runs into the next."""
    placed: Positions = {}
    x, y, row = 0.0, top, 0.0
    for node in nodes:
        foot = feet[node]
        cell = 2 * foot.half_width + 2 * _MARGIN
        if x > 0 and x + cell > width:
            x, y, row = 0.0, y + row, 0.0
        placed[node] = (round(x + cell / 2, 1), round(y + _MARGIN + foot.above, 1))
        x, row = x + cell, max(row, foot.above + foot.below + 2 * _MARGIN)
    return placed
