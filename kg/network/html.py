"""The graph as a page to look at: ``kg view GRAPH -o graph.html``, and :func:`view` in Python.

Most people first meet the graph as a picture, so the page must be useful at
a glance and safe to open anywhere. Drawing it takes five steps, one module each:

1. :mod:`kg.network.load`: the graph, dataset, files or store, as one rdflib graph;
2. :mod:`kg.network.projection`: its network (entities, quotes and meetings as
   nodes; said, funds, holds post, member of... as labelled edges);
3. :mod:`kg.network.select`: the part to draw (``focus``/``hops``, ``types``,
   the ``max_nodes`` most mentioned and connected);
4. :mod:`kg.network.layout`: positions, computed for a network too large for
   the browser's physics;
5. :mod:`kg.network.page`: the page, with vis-network inlined
   (:mod:`kg.network.vis` styles the nodes and edges from the ontology,
   :mod:`kg.network.provenance` gives each fact its sentence and article).

The report (:mod:`kg.network.report`) says what was drawn and what was left
out. The same graph and options give the same bytes (sorted nodes, seeded layouts).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from kg.network.report import DEFAULT_MAX_NODES, ViewError, ViewReport

if TYPE_CHECKING:
    import networkx as nx

    from kg.network.load import Viewable
    from kg.network.select import Choice

__all__ = ["DEFAULT_MAX_NODES", "ViewError", "ViewReport", "view"]

#: Most mentioned names of the nodes cut, given in the report.
CUT_NAMES_SHOWN = 5


def view(
    data: Viewable,
    output: str | Path | None = None,
    *,
    focus: str | None = None,
    hops: int = 2,
    types: Sequence[str] = (),
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str | None = None,
) -> ViewReport:
    """Draw ``data`` (a graph, graph files or a store) as an HTML page; write it to ``output`` if given.

    ``focus`` names an entity (label, other name or IRI) to centre on, with the
    nodes within ``hops`` links of it; ``types`` keeps the classes named
    ("Person", "Ministry", "Statement"...); ``max_nodes`` keeps the most
    mentioned and connected. The report says what was left out; its ``html``
    is the page (a notebook shows a report as the graph).
    """
    # The steps are imported when a page is drawn: `import kg` (kg query, kg --help) does not pay for them.
    from kg.network.layout import layout  # noqa: PLC0415
    from kg.network.load import load  # noqa: PLC0415
    from kg.network.page import render  # noqa: PLC0415
    from kg.network.projection import project, subnetwork  # noqa: PLC0415
    from kg.network.select import choose  # noqa: PLC0415
    from kg.rdf.export import write_atomic  # noqa: PLC0415

    _check_options(hops=hops, max_nodes=max_nodes)
    started = time.perf_counter()
    if not isinstance(data, (Graph, str, Path)):
        data = list(data)  # read once: it names the files and titles the page
    graph = load(data)
    net = project(graph)
    choice = choose(net, graph, focus=focus, hops=hops, types=types, max_nodes=max_nodes)
    sub = subnetwork(net, choice.keep)
    positions = layout(sub)
    report = _report(net, sub, choice, output=output, max_nodes=max_nodes, precomputed=bool(positions))
    report.html = render(
        sub,
        net,
        graph,
        title=title or _default_title(data, focus),
        stats=report.stats(),
        left_out=report.left_out(),
        positions=positions,
    )
    if output is not None:
        write_atomic(output, report.html.encode("utf-8"))
    report.seconds = time.perf_counter() - started
    return report


def _check_options(*, hops: int, max_nodes: int) -> None:
    if max_nodes < 1:
        raise ViewError("--max-nodes must be at least 1")
    if hops < 0:
        raise ViewError("--hops must be 0 or more")


def _report(
    net: nx.MultiDiGraph,
    sub: nx.MultiDiGraph,
    choice: Choice,
    *,
    output: str | Path | None,
    max_nodes: int,
    precomputed: bool,
) -> ViewReport:
    """What was drawn of ``net``, and what was left out and why (the page is added once rendered)."""
    return ViewReport(
        output=str(output or ""),
        nodes=len(sub),
        edges=sub.number_of_edges(),
        total_nodes=len(net),
        total_edges=net.number_of_edges(),
        cut=choice.cut_classes(net),
        cut_names=choice.cut_names(net, CUT_NAMES_SHOWN),
        filtered=choice.filtered,
        max_nodes=max_nodes,
        layout="precomputed" if precomputed else "physics",
    )


def _default_title(data: object, focus: str | None) -> str:
    """The file's name (or "knowledge graph"), and the entity the page centres on."""
    if isinstance(data, (str, Path)):
        name = Path(data).name
    elif isinstance(data, Graph):
        name = "knowledge graph"
    else:
        name = ", ".join(Path(p).name for p in data)
    return f"{name}: around {focus}" if focus else name
