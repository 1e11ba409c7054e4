"""Where the nodes go: computed here, before the page is written, so it shows its final picture at load.

A layout left to vis-network's physics appears only after the browser has
run it, so a screenshot, a printed page or a slow machine showed an empty or
moving canvas (issue 21). So networkx computes the layout of every network
(:data:`PHYSICS_UP_TO` is 0) and physics stays off: each
connected part gets a seeded spring layout (the same page every time), then
is spread until no node's label covers another's and every edge is long
enough to show its own label (:func:`spread`, sized by
:func:`kg.network.vis.footprint`); the parts are packed in rows, largest
first. The unconnected nodes come last, grouped by class in rows whose cells
are as wide as their labels, so that their names do not run into each other.
One layout of the whole would fling the loners to a ring around it and crowd the rest.
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
_SPACING = 110.0
#: The seed of every random choice of a layout, so that the same graph gives the same page.
_SEED = 7
#: Iterations of networkx's spring layout.
_SPRING_ITERATIONS = 80
#: How far (in the spring layout's units) siblings placed beside one neighbour are moved apart.
_JITTER = 0.04
#: Pixels kept free around each node's box, and between parts and between the unconnected nodes.
_MARGIN = 8.0
#: Rounds of pushing overlapping boxes apart (each moves every overlapping pair apart by half the overlap).
_SPREAD_ROUNDS = 300
#: A part is spread only up to this many nodes (the pairwise overlaps of a part take n² memory).
_SPREAD_LIMIT = 1500
#: The row of unconnected nodes is at least this wide, in pixels.
_MIN_ROW_WIDTH = 900.0

Positions = dict[str, tuple[float, float]]


def layout(net: nx.MultiDiGraph) -> Positions:
    """Positions in pixels of every node; {} (the browser's physics) only up to PHYSICS_UP_TO nodes."""
    if len(net) <= PHYSICS_UP_TO:
        return {}
    simple = nx.Graph(net.to_undirected(as_view=True))
    parts = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    feet = {node: footprint(attrs) for node, attrs in net.nodes(data=True)}
    needs = _edge_lengths(net, feet)
    connected = [_part_layout(_induced(simple, part), feet, needs) for part in parts if len(part) > 1]
    placed, width, bottom = _pack(connected, feet)
    loners = sorted((p[0] for p in parts if len(p) == 1), key=lambda n: _group_key(net.nodes[n], n))
    placed.update(_rows(loners, feet, max(width, _MIN_ROW_WIDTH), bottom))
    return placed


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


def _part_layout(
    part: nx.Graph, feet: dict[str, Footprint], needs: dict[tuple[str, str], float]
) -> Positions:
    """One connected part, laid out around 0,0, in pixels, its labels clear of each other."""
    if len(part) < _DENSE_LAYOUT_LIMIT or find_spec("scipy") is not None:
        positions = _spring(part)
    else:
        positions = _core_and_periphery(part)
    scale = _SPACING * math.sqrt(len(part)) * 0.75
    scaled = {n: (x * scale, y * scale) for n, (x, y) in sorted(positions.items())}
    if len(part) > _SPREAD_LIMIT:
        return scaled
    return spread(scaled, feet, [needs[(min(u, v), max(u, v))] for u, v in part.edges()])


def spread(positions: Positions, feet: dict[str, Footprint], edges: list[Edge]) -> Positions:
    """Push apart boxes that overlap (nodes with their labels, edges' labels), and stretch edges too short.

    An edge's label is drawn level at the middle of the edge, so it is a box
    there, moved by moving both ends. Each round moves both boxes of every
    overlapping pair apart by half their overlap, along the axis where it is
    smaller (labels are wide and low: side by side labels move up or down),
    and both ends of every short edge apart along it. It stops when nothing
    overlaps or after :data:`_SPREAD_ROUNDS`. Plain arithmetic on sorted
    nodes: the same input gives the same positions.
    """
    nodes = sorted(positions)
    index = {n: i for i, n in enumerate(nodes)}
    xy = np.array([positions[n] for n in nodes], dtype=float)
    labelled = [edge for edge in edges if edge.label_width > 0]
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
    for _ in range(_SPREAD_ROUNDS):
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


def _pack(boxes: list[Positions], feet: dict[str, Footprint]) -> tuple[Positions, float, float]:
    """The parts side by side in rows about as wide as the whole is tall, rounded to tenths of a pixel.

    Also how wide the rows are and where they end, for the unconnected nodes under them.
    """
    if not boxes:
        return {}, 0.0, 0.0
    sizes = [_box(box, feet) for box in boxes]
    width = max(math.sqrt(sum(w * h for _, _, w, h in sizes)) * 1.2, max(w for _, _, w, _ in sizes))
    placed: Positions = {}
    x = y = row = 0.0
    for box, (left, top, w, h) in zip(boxes, sizes, strict=True):
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        for node, (nx_, ny) in box.items():
            placed[node] = (round(x + nx_ - left, 1), round(y + ny - top, 1))
        x, row = x + w, max(row, h)
    return placed, width, y + row


def _box(positions: Positions, feet: dict[str, Footprint]) -> tuple[float, float, float, float]:
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
