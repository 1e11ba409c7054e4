"""The HTML page of ``kg view``: one file that works offline and runs nothing of the articles.

* **Offline**: vis-network (``kg/data/view/vis-network/``, the version pyvis
  ships) is inlined, and so are the page's own script and style; pyvis's own
  template is not used because it loads Bootstrap from a CDN.
* **Inert**: a Content-Security-Policy forbids any request and any script but
  the page's two, by hash. Article text travels as JSON (with ``<``, ``>`` and
  ``&`` escaped, so it cannot close its ``<script>``) and reaches the page
  through ``textContent`` only, so markup in an article is shown, never run.
* **Explained**: a legend names the classes and relations drawn, labelled
  from the ontology; each node and edge carries its facts
  (:mod:`kg.network.provenance`) for the tooltip and the panel.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import defaultdict
from functools import cache
from typing import TYPE_CHECKING

import networkx as nx
from rdflib import Graph

from kg.facts import ENTITY_TYPES
from kg.network.projection import fact_node_classes
from kg.network.provenance import Provenance, edge_fact, node_info
from kg.network.vis import VIEW_DATA, pyvis_network, relation_styles, vis_options
from kg.rdf.vocab import classes

if TYPE_CHECKING:
    from jinja2 import Template

#: vis-network, vendored: see its README.md for the version, the source and the licence.
VIS_NETWORK_JS = VIEW_DATA / "vis-network" / "vis-network.min.js"
#: Pixels an edge's label is high at the zoom the page opens at: readable without zooming in.
MIN_LABEL_PX = 9
#: Characters JSON may hold that would end or confuse the <script> it sits in, and their JSON escapes.
_SCRIPT_SAFE = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def render(
    sub: nx.MultiDiGraph,
    net: nx.MultiDiGraph,
    graph: Graph,
    *,
    title: str,
    stats: str,
    left_out: str,
    positions: dict,
) -> str:
    """The HTML page of the chosen network ``sub`` of ``net``: page.html with everything inline."""
    from markupsafe import Markup  # noqa: PLC0415 - with Jinja, only when a page is drawn

    vis_js, vis_version = vis_network()
    script = (VIEW_DATA / "view.js").read_text(encoding="utf-8")
    classes_drawn, relations_drawn = legend(sub)
    return _template().render(
        title=title,
        stats=stats,
        left_out=left_out,
        classes=classes_drawn,
        relations=relations_drawn,
        csp=csp(vis_js, script),
        vis_version=vis_version,
        style=Markup((VIEW_DATA / "view.css").read_text(encoding="utf-8")),
        data=Markup(safe_json(page_data(sub, net, graph, positions))),
        vis_script=Markup(vis_js),
        script=Markup(script),
    )


@cache
def _template() -> Template:
    """page.html, autoescaped: every value but the page's own files and the safe JSON is escaped."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape  # noqa: PLC0415 - only when drawing

    env = Environment(
        loader=FileSystemLoader(str(VIEW_DATA)),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )
    return env.get_template("page.html")


@cache
def vis_network() -> tuple[str, str]:
    """The vendored vis-network script, and its version (from its ``@version`` line)."""
    script = VIS_NETWORK_JS.read_text(encoding="utf-8")
    found = re.search(r"@version\s+(\S+)", script[:2000])
    if found is None:
        raise RuntimeError(f"{VIS_NETWORK_JS} does not say its @version")
    return script, found.group(1)


def page_data(sub: nx.MultiDiGraph, net: nx.MultiDiGraph, graph: Graph, positions: dict) -> dict:
    """What the page's script draws: pyvis's nodes and edges, vis options, and each one's facts."""
    vis = pyvis_network(sub, positions)
    prov = Provenance(graph)
    edge_infos = {}
    for item, (source, target, attrs) in zip(vis.edges, sub.edges(data=True), strict=True):
        fact = edge_fact(net, source, target, attrs, prov)
        edge_infos[item["id"]] = {"name": fact["head"], "kind": attrs.get("relation", ""), "facts": [fact]}
    return {
        "nodes": vis.nodes,
        "edges": vis.edges,
        "options": vis_options(bool(positions)),
        "home": home_view(sub, positions),
        "nodeInfo": {n["id"]: node_info(net, n["id"], prov) for n in vis.nodes},
        "edgeInfo": edge_infos,
    }


def home_view(sub: nx.MultiDiGraph, positions: dict) -> dict:
    """Where the page opens: the whole network, unless its labels would be smaller than ``min_label_px``.

    Then the page opens at the smallest zoom at which an edge's label is
    ``min_label_px`` high, centred on the biggest connected part; the wheel or
    the "Whole graph" button shows the rest.
    """
    from kg.network.layout import largest_part_centre  # noqa: PLC0415 - layout imports numpy

    centre = largest_part_centre(sub, positions)
    return {"min_label_px": MIN_LABEL_PX, "centre": list(centre) if centre else None}


def legend(sub: nx.MultiDiGraph) -> tuple[list[dict], list[dict]]:
    """The classes and relations drawn, for the legend, labelled from the ontology.

    Kinds share their core class's symbol (every kind of organisation is an
    orange square), so they are one line: "Organization 9: Alliance, Forum...".
    """
    groups: dict[str, list[dict]] = defaultdict(list)
    for _, attrs in sub.nodes(data=True):
        groups[attrs.get("core") or attrs["class"]].append(attrs)
    order = [*ENTITY_TYPES, *fact_node_classes()]
    names = sorted(groups, key=lambda n: (order.index(n) if n in order else len(order), n))
    relations = {a.get("relation") for _, _, a in sub.edges(data=True)}
    styles = relation_styles()
    return [_legend_line(name, groups[name]) for name in names], [
        {"relation": r, **styles[r]} for r in styles if r in relations
    ]


def _legend_line(name: str, members: list[dict]) -> dict:
    """One class drawn: its label, its kinds drawn, its symbol and how many nodes."""
    infos = classes()
    kinds = sorted({a["class_label"] for a in members if a["class"] != name})
    return {
        "label": infos[name].label if name in infos else name,
        "kinds": ", ".join(kinds),
        "color": members[0]["color"],
        "shape": members[0]["shape"],
        "count": f"{len(members):,}",
    }


def safe_json(value: object) -> str:
    """JSON that can sit inside <script>: no "<", ">" or "&" (escaped the JSON way), so no "</script>"."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_SAFE:
        text = text.replace(char, escaped)
    return text


def csp(*scripts: str) -> str:
    """No request of any kind; only the page's own scripts, by hash (an injected one would not run)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
        for s in scripts
    )
    return f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:"
