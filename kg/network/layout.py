"""Where the nodes go: computed here, before the page is written, so it shows its final picture at load.

A layout left to vis-network's physics appears only after the browser has
run it, so a screenshot, a printed page or a slow machine showed an empty or
moving canvas (issue 21). So networkx computes the layout of every network
(:data:`PHYSICS_UP_TO` is 0) and physics stays off: each
connected part gets a seeded spring layout (the same page every time),
scaled to its size, and the parts are packed in rows, largest first, with the
loners in a grid at the end. One layout of the whole would fling the loners
to a ring around it and crowd the rest.
"""

from __future__ import annotations

import math
import random
from collections import deque
from importlib.util import find_spec

import networkx as nx

#: Up to this many nodes the browser would lay the network out; 0: every page gets a precomputed layout.
PHYSICS_UP_TO = 0
#: networkx lays out a part of more nodes with its sparse solver, which needs SciPy.
_DENSE_LAYOUT_LIMIT = 500
#: Pixels between neighbours in a precomputed layout.
_SPACING = 110.0
#: The seed of every random choice of a layout, so that the same graph gives the same page.
_SEED = 7
#: Iterations of networkx's spring layout.
_SPRING_ITERATIONS = 80
#: How far (in the spring layout's units) siblings placed beside one neighbour are moved apart.
_JITTER = 0.04

Positions = dict[str, tuple[float, float]]


def layout(net: nx.MultiDiGraph) -> Positions:
    """Positions in pixels of every node; {} (the browser's physics) only up to PHYSICS_UP_TO nodes."""
    if len(net) <= PHYSICS_UP_TO:
        return {}
    simple = nx.Graph(net.to_undirected(as_view=True))
    parts = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    return _pack([_part_layout(_induced(simple, part)) for part in parts])


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


def _part_layout(part: nx.Graph) -> Positions:
    """One connected part, laid out around 0,0, in pixels."""
    if len(part) == 1:
        return {next(iter(part)): (0.0, 0.0)}
    if len(part) < _DENSE_LAYOUT_LIMIT or find_spec("scipy") is not None:
        positions = _spring(part)
    else:
        positions = _core_and_periphery(part)
    scale = _SPACING * math.sqrt(len(part)) * 0.75
    return {n: (x * scale, y * scale) for n, (x, y) in sorted(positions.items())}


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


def _pack(boxes: list[Positions]) -> Positions:
    """The parts side by side in rows about as wide as the whole is tall, rounded to tenths of a pixel."""
    sizes = [_box(box) for box in boxes]
    width = max(math.sqrt(sum(w * h for _, _, w, h in sizes)) * 1.2, max(w for _, _, w, _ in sizes))
    placed: Positions = {}
    x = y = row = 0.0
    for box, (left, top, w, h) in zip(boxes, sizes, strict=True):
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        for node, (nx_, ny) in box.items():
            placed[node] = (round(x + nx_ - left, 1), round(y + ny - top, 1))
        x, row = x + w, max(row, h)
    return placed


def _box(positions: Positions) -> tuple[float, float, float, float]:
    """Left, top, width and height of a part, with a margin of one spacing."""
    xs, ys = [p[0] for p in positions.values()], [p[1] for p in positions.values()]
    return min(xs), min(ys), max(xs) - min(xs) + _SPACING, max(ys) - min(ys) + _SPACING
