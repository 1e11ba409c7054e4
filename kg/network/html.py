"""The graph as a page to look at: ``kg view GRAPH -o graph.html``.

Most people first meet the graph as a picture, so the page must be useful at
a glance and safe to open anywhere:

* **What is drawn** is :func:`kg.network.projection.project`'s network (entities, quotes
  and meetings as nodes; said, funds, holds post, member of... as labelled
  edges), styled from the ontology (:func:`kg.rdf.vocab.classes`: colour and shape
  by class) with a node's size growing with how often the articles mention it.
* **Where it came from**: hovering a node or an edge shows its facts, clicking
  shows all of them, each with the sentence it was read from and the title of
  the article (read here from the RDF: the network itself carries no evidence).
* **Offline and inert**: vis-network (shipped with pyvis) is inlined, pyvis's
  own template is not used because it loads Bootstrap from a CDN, and a
  Content-Security-Policy forbids any request and any script but the page's
  two. Article text travels as JSON (with ``<``, ``>`` and ``&`` escaped, so it
  cannot close its ``<script>``) and reaches the page through ``textContent``
  only, so markup in an article is shown, never run.
* **Large graphs** are cut to the ``max_nodes`` most mentioned and connected
  nodes (the report says what was left out); ``focus``/``hops`` and ``types``
  pick a part of them. Up to :data:`PHYSICS_UP_TO` nodes, vis-network's
  physics lays them out and stops once settled; beyond, networkx computes the
  layout (:func:`layout`) and physics stays off, so the page is still at once.

The same graph and options give the same bytes (sorted nodes, seeded layouts).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import math
import random
import time
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.facts import ENTITY_TYPES
from kg.rdf.namespaces import DKG, SCHEMA
from kg.rdf.vocab import classes

#: Nodes drawn unless told otherwise: enough for a corpus's main actors, few enough to stay responsive.
DEFAULT_MAX_NODES = 400
#: Up to this many nodes the browser lays the network out (nicer); more get a precomputed layout.
PHYSICS_UP_TO = 150
#: Facts listed per node (the panel says how many more there are).
MAX_FACTS = 25
#: Characters of a quote shown on its node (the whole quote is in the tooltip).
QUOTE_LABEL_CHARS = 42
#: networkx lays out a part of more nodes with its sparse solver, which needs SciPy.
_DENSE_LAYOUT_LIMIT = 500
#: Pixels between neighbours in a precomputed layout.
_SPACING = 110.0

DATA = Path(str(resources.files("kg") / "data" / "view"))
FACT_CLASSES = ("Statement", "Event")


class ViewError(ValueError):
    """Options that cannot make a view (unknown entity or type): one line, for a user."""


# --- What was drawn -------------------------------------------------------------------


@dataclass
class ViewReport:
    """What ``kg view`` drew and left out, and the page itself (shown inline in Jupyter)."""

    output: str = ""
    html: str = ""
    nodes: int = 0
    edges: int = 0
    total_nodes: int = 0
    total_edges: int = 0
    #: Left out by --max-nodes: the count per class label, and the most mentioned of them.
    cut: Counter = field(default_factory=Counter)
    cut_names: list[str] = field(default_factory=list)
    #: Nodes not in the part chosen by focus/types.
    filtered: int = 0
    max_nodes: int = DEFAULT_MAX_NODES
    layout: str = "physics"
    seconds: float = 0.0

    @property
    def size(self) -> int:
        """Bytes of the page."""
        return len(self.html.encode("utf-8"))

    def summary(self) -> str:
        target = f" -> {self.output}" if self.output else ""
        return (
            f"{self.nodes:,} nodes and {self.edges:,} edges drawn"
            f" of {self.total_nodes:,} and {self.total_edges:,}"
            f" ({self.layout} layout, {self.size / 1024:.0f} KB) in {self.seconds:.1f} s{target}"
        )

    def left_out(self) -> str:
        """What the page does not show, and how to see it; empty when it shows everything."""
        parts = []
        if self.filtered:
            parts.append(f"{self.filtered:,} nodes outside --focus/--types")
        cut = sum(self.cut.values())
        if cut:
            kinds = ", ".join(
                f"{n:,} {label}" for label, n in sorted(self.cut.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            example = f"; the most mentioned of them: {', '.join(self.cut_names)}" if self.cut_names else ""
            parts.append(
                f"{cut:,} nodes beyond --max-nodes {self.max_nodes:,}, the least mentioned and connected "
                f"({kinds}){example}"
            )
        if not parts:
            return ""
        edges = self.total_edges - self.edges
        return (
            f"left out {'; '.join(parts)}, and {edges:,} edges with them. "
            "See them with --focus ENTITY, --types or a larger --max-nodes."
        )

    def _repr_html_(self) -> str:
        """The page in an iframe: a notebook cell that returns the report shows the graph.

        Sandboxed: its scripts run, but with an origin of their own, away from the notebook's.
        """
        from html import escape  # noqa: PLC0415

        style = "width:100%;height:640px;border:1px solid #ddd"
        return f'<iframe sandbox="allow-scripts" srcdoc="{escape(self.html)}" style="{style}"></iframe>'


# --- Reading the graph ----------------------------------------------------------------


def load(data: Graph | str | Path | Iterable[str | Path]) -> Graph:
    """One graph from a graph, a dataset, graph files or a store directory (merged)."""
    from kg.rdf.export import union  # noqa: PLC0415 - kg.rdf.export imports the network module too
    from kg.rdf.validate import read_graph  # noqa: PLC0415
    from kg.sparql.store import is_store, open_store, union_graph  # noqa: PLC0415

    if isinstance(data, Graph):
        return union(data) if isinstance(data, Dataset) else data
    paths = [data] if isinstance(data, (str, Path)) else list(data)
    if not paths:
        raise ViewError("no graph to view: give a graph file or a store directory")
    merged = Graph()
    for path in paths:
        if is_store(path):
            merged += union_graph(open_store(path))
            continue
        read = read_graph(path)
        merged += union(read) if isinstance(read, Dataset) else read
    return merged


# --- Choosing what to draw -------------------------------------------------------------


def _casefold(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _is_entity(attrs: dict) -> bool:
    return attrs.get("core") in ENTITY_TYPES


def find_entity(net: nx.MultiDiGraph, graph: Graph, text: str) -> str:
    """The node of the entity ``text`` names: its IRI, label or other name, else a unique part of a label."""
    entities = {n: a for n, a in net.nodes(data=True) if _is_entity(a)}
    if text in entities:
        return text
    wanted = _casefold(text)
    exact = sorted(n for n, a in entities.items() if _casefold(a["label"]) == wanted)
    exact = exact or sorted(
        n
        for n in entities
        if any(_casefold(alt) == wanted for alt in graph.objects(URIRef(n), SKOS.altLabel))
    )
    found = exact or sorted(n for n, a in entities.items() if wanted and wanted in _casefold(a["label"]))
    if len(found) == 1:
        return found[0]
    if not found:
        raise ViewError(f"--focus {text!r}: no entity of that name in the graph")
    names = ", ".join(f"{entities[n]['label']} ({entities[n]['class_label']})" for n in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    raise ViewError(f"--focus {text!r} names several entities: {names}{more}; give the full name or the IRI")


def type_names(types: Sequence[str]) -> set[str]:
    """The class names ``types`` asks for ("person,Ministry" -> {"Person", "Ministry"}), else a ViewError."""
    drawable = {n: c for n, c in classes().items() if c.core or n in FACT_CLASSES}
    keys = {_casefold(k): n for n, c in drawable.items() for k in (n, c.label)}
    chosen = set()
    for token in (t.strip() for item in types for t in item.split(",")):
        if not token:
            continue
        name = keys.get(_casefold(token)) or keys.get(_singular(_casefold(token)))
        if name is None:
            raise ViewError(f"--types: unknown type {token!r}; choose from {', '.join(sorted(drawable))}")
        chosen.add(name)
    return chosen


def _singular(word: str) -> str:
    """ "countries" -> "country", "persons" -> "person": --types reads as English either way."""
    return word[:-3] + "y" if word.endswith("ies") else word.removesuffix("s")


def _rank(net: nx.MultiDiGraph, node: str) -> tuple:
    """Most mentioned and connected first; ties by label, then id, so the cut is stable."""
    attrs = net.nodes[node]
    return (-(int(attrs.get("mentions", 0) or 0) + net.degree(node)), _casefold(attrs["label"]), node)


@dataclass
class _Choice:
    keep: list[str]
    filtered: int
    cut: list[str]


def choose(
    net: nx.MultiDiGraph,
    graph: Graph,
    *,
    focus: str | None = None,
    hops: int = 2,
    types: Sequence[str] = (),
    max_nodes: int = DEFAULT_MAX_NODES,
) -> _Choice:
    """The nodes to draw: those of ``types``, within ``hops`` of ``focus``, at most ``max_nodes`` of them.

    A quote or meeting whose every actor was cut goes too: alone it says nothing.
    """
    keep = set(net)
    centre = find_entity(net, graph, focus) if focus else None
    wanted = type_names(types) if types else set()
    if wanted:
        keep = {n for n in keep if {net.nodes[n]["class"], net.nodes[n]["core"]} & wanted or n == centre}
    if centre is not None:
        keep = set(nx.ego_graph(net.subgraph(keep), centre, radius=hops, undirected=True))
    filtered = len(net) - len(keep)
    ranked = sorted(keep, key=lambda n: (n != centre, *_rank(net, n)))
    kept, cut = set(ranked[:max_nodes]), ranked[max_nodes:]
    orphans = [
        n
        for n in kept
        if not _is_entity(net.nodes[n]) and not any(m in kept for m in nx.all_neighbors(net, n))
    ]
    kept -= set(orphans)
    return _Choice(sorted(kept), filtered, sorted(cut + orphans, key=lambda n: _rank(net, n)))


# --- Provenance: the sentence and the article of each fact ---------------------------------


@dataclass(frozen=True)
class Source:
    evidence: str
    article: str


class _Provenance:
    """The evidence sentences and article titles of fact nodes, read from the RDF graph."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._titles: dict[str, str] = {}
        self.memberships: dict[tuple[str, str], list[URIRef]] = defaultdict(list)
        for node in sorted(graph.subjects(DKG.member, None, unique=True)):
            for member in graph.objects(node, DKG.member):
                for org in graph.objects(node, DKG.organization):
                    self.memberships[(str(member), str(org))].append(node)

    def title(self, article: URIRef) -> str:
        key = str(article)
        if key not in self._titles:
            g = self.graph
            title = g.value(article, DCTERMS.title) or g.value(article, SCHEMA.url)
            date = g.value(article, DCTERMS.date)
            text = str(title) if title is not None else key.rstrip("/").rsplit("/", 1)[-1]
            self._titles[key] = f"{text} ({date})" if date is not None else text
        return self._titles[key]

    def of(self, fact: str | URIRef | None) -> list[Source]:
        """Each evidence sentence of ``fact``, with the article(s) it was read in."""
        if not fact:
            return []
        node = URIRef(str(fact))
        if readings := self.readings(node):
            return readings
        articles = "; ".join(sorted({self.title(a) for a in self.graph.objects(node, DKG.source)}))
        sentences = sorted({str(e) for e in self.graph.objects(node, DKG.evidence)})
        return [Source(s, articles) for s in sentences] or ([Source("", articles)] if articles else [])

    def readings(self, role: URIRef) -> list[Source]:
        """A post's sentences, each with the one article it was read in (a post is one node for all)."""
        g = self.graph
        pairs = {
            Source(str(evidence), self.title(article))
            for reading in g.objects(role, DKG.reading)
            for article in g.objects(reading, DKG.source)
            for evidence in g.objects(reading, DKG.evidence)
        }
        return sorted(pairs, key=lambda source: (source.article, source.evidence))

    def of_membership(self, member: str, org: str) -> list[Source]:
        return [s for node in self.memberships.get((member, org), []) for s in self.of(node)]


# --- Facts as the page shows them ------------------------------------------------------------


def _label(net: nx.MultiDiGraph, node: str) -> str:
    return str(net.nodes[node].get("label", node))


def _sources(sources: Iterable[Source]) -> list[dict]:
    return [{"evidence": s.evidence, "article": s.article} for s in sources]


def edge_fact(net: nx.MultiDiGraph, source: str, target: str, attrs: dict, prov: _Provenance) -> dict:
    """One edge as a fact: a heading ("EU funds Ukraine: €5 billion"), the quote, lines and sources."""
    who, what = _label(net, source), _label(net, target)
    relation = attrs.get("relation", "")
    if relation == "said":
        st = net.nodes[target]
        lines = [" · ".join(x for x in (_said_how(st), _topics(st.get("topics"))) if x)]
        return {
            "head": f"{who} said",
            "quote": st.get("text", what),
            "lines": lines,
            "sources": _sources(prov.of(target)),
        }
    if relation == "funds":
        amount = f": {attrs['amount']}" if attrs.get("amount") else ""
        lines = [_topics(attrs.get("topics"))] if attrs.get("topics") else []
        return {
            "head": f"{who} funds {what}{amount}",
            "lines": lines,
            "sources": _sources(prov.of(attrs.get("iri"))),
        }
    if relation == "holds post":
        return {
            "head": f"{who}: {attrs.get('label', '')}, {what}",
            "sources": _sources(prov.of(attrs.get("iri"))),
        }
    if relation == "member of":
        return {
            "head": f"{who} is a member of {what}",
            "sources": _sources(prov.of_membership(source, target)),
        }
    if relation == "took part in":
        return {"head": f"{who} took part in {what}", "sources": _sources(prov.of(target))}
    if relation == "held in":
        return {"head": f"{who} was held in {what}", "sources": _sources(prov.of(source))}
    return {"head": f"{who} {attrs.get('label', relation)} {what}", "sources": []}


def _said_how(statement: dict) -> str:
    how = "word for word" if statement.get("direct") else "reported speech"
    return f"{how}, {statement['date']}" if statement.get("date") else how


def _topics(topics: object) -> str:
    return f"about {topics}" if topics else ""


def node_info(net: nx.MultiDiGraph, node: str, prov: _Provenance) -> dict:
    """What the tooltip and the panel of a node show: its name, class, figures and facts."""
    attrs = net.nodes[node]
    lines: list[list[str]] = []
    if _is_entity(attrs):
        lines.append(["Mentions", str(attrs.get("mentions", 0))])
        if attrs.get("posts"):
            lines.append(["Posts", attrs["posts"]])
        if attrs.get("same_as"):
            lines.append(["Wikidata", attrs["same_as"]])
    for key, name in (("kind", "Kind"), ("date", "Date"), ("topics", "Topics")):
        if attrs.get(key) and not _is_entity(attrs):
            lines.append([name, str(attrs[key])])
    edges = sorted(
        [*net.in_edges(node, keys=True, data=True), *net.out_edges(node, keys=True, data=True)],
        key=lambda e: (e[3].get("relation") != "said", e[3].get("relation", ""), e[0], e[1], e[2]),
    )
    if attrs.get("class") == "Statement":
        edges = [e for e in edges if e[3].get("relation") == "said"] or edges
    facts = [edge_fact(net, s, t, a, prov) for s, t, _, a in edges[:MAX_FACTS]]
    if attrs.get("class") == "Event":
        facts.insert(0, {"head": "Read in", "sources": _sources(prov.of(node))})
    name = attrs.get("text") if attrs.get("class") == "Statement" else attrs.get("label")
    return {
        "name": name or node,
        "kind": attrs.get("class_label", ""),
        "lines": lines,
        "facts": facts,
        "more": max(0, len(edges) - MAX_FACTS),
    }


# --- Drawing --------------------------------------------------------------------------------


@cache
def relation_styles() -> dict[str, dict]:
    """relations.tsv: each relation's colour, dashes and legend text."""
    with (DATA / "relations.tsv").open(encoding="utf-8") as stream:
        rows = csv.reader((line for line in stream if not line.startswith("#")), delimiter="\t")
        return {r[0]: {"color": r[1], "dashed": r[2] == "yes", "legend": r[3]} for r in rows if r}


def _node_size(attrs: dict) -> float:
    if not _is_entity(attrs):
        return 9.0
    return round(min(12.0 + 6.0 * math.sqrt(int(attrs.get("mentions", 0) or 0)), 48.0), 1)


def _node_label(attrs: dict) -> str:
    if attrs.get("class") != "Statement":
        return str(attrs.get("label", ""))
    text = " ".join(str(attrs.get("text") or attrs.get("label", "")).split())
    short = text if len(text) <= QUOTE_LABEL_CHARS else text[: QUOTE_LABEL_CHARS - 1].rstrip() + "…"
    return f"“{short}”"


def node_item(node: str, attrs: dict, position: tuple[float, float] | None) -> dict:
    """A vis-network node: shape and colour from the ontology, size from the mentions."""
    entity = _is_entity(attrs)
    item = {
        "id": node,
        "label": _node_label(attrs),
        "shape": attrs.get("shape", "dot"),
        "color": {
            "background": attrs["color"],
            "border": "#4a4a4a",
            "highlight": {"background": attrs["color"], "border": "#000000"},
        },
        "size": _node_size(attrs),
        "entity": entity,
    }
    if not entity:
        item["font"] = {
            "size": 13,
            "color": "#5c4a12",
            "face": "Georgia, serif" if attrs.get("class") == "Statement" else None,
        }
        item["font"] = {k: v for k, v in item["font"].items() if v}
    if position is not None:
        item["x"], item["y"] = position
    return item


def edge_item(index: int, source: str, target: str, attrs: dict) -> dict:
    style = relation_styles().get(attrs.get("relation", ""), {"color": "#999999", "dashed": False})
    return {
        "id": f"e{index}",
        "from": source,
        "to": target,
        "label": str(attrs.get("label", "")),
        "color": {"color": style["color"], "highlight": style["color"], "hover": style["color"]},
        "dashes": style["dashed"],
        "width": 2.2 if attrs.get("relation") == "funds" else 1.4,
    }


def layout(net: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions in pixels for a network too big for the browser's physics; {} to leave it to the browser.

    Each connected part gets networkx's spring layout (seeded: the same page
    every time), scaled to its size, and the parts are packed in rows, largest
    first, with the loners in a grid at the end: one layout of the whole would
    fling the loners to a ring around it and crowd the rest.
    """
    if len(net) <= PHYSICS_UP_TO:
        return {}
    simple = nx.Graph(net.to_undirected(as_view=True))
    parts = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    return _pack([_part_layout(simple.subgraph(part)) for part in parts])


def _part_layout(part: nx.Graph) -> dict[str, tuple[float, float]]:
    """One connected part, laid out around 0,0, in pixels."""
    if len(part) == 1:
        return {next(iter(part)): (0.0, 0.0)}
    if len(part) < _DENSE_LAYOUT_LIMIT or find_spec("scipy") is not None:
        positions = {
            n: (float(x), float(y)) for n, (x, y) in nx.spring_layout(part, seed=7, iterations=80).items()
        }
    else:
        positions = _core_and_periphery(part)
    scale = _SPACING * math.sqrt(len(part)) * 0.75
    return {n: (x * scale, y * scale) for n, (x, y) in sorted(positions.items())}


def _core_and_periphery(part: nx.Graph) -> dict[str, tuple[float, float]]:
    """A part too big for networkx's dense solver (its sparse one needs SciPy, not a dependency).

    Its best-linked nodes get the spring layout; every other node is placed,
    breadth first, at the centre of its placed neighbours, nudged by a seeded
    jitter so that siblings do not coincide.
    """
    core = sorted(part, key=lambda n: (-part.degree(n), n))[: _DENSE_LAYOUT_LIMIT - 1]
    found = nx.spring_layout(part.subgraph(core), seed=7, iterations=80)
    positions = {n: (float(x), float(y)) for n, (x, y) in found.items()}
    jitter = random.Random(7)
    queue = deque(sorted(core))
    while queue:
        for other in sorted(part[queue.popleft()]):
            if other in positions:
                continue
            near = [positions[m] for m in part[other] if m in positions]
            positions[other] = (
                sum(p[0] for p in near) / len(near) + jitter.uniform(-0.04, 0.04),
                sum(p[1] for p in near) / len(near) + jitter.uniform(-0.04, 0.04),
            )
            queue.append(other)
    return positions


def _pack(boxes: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """The parts side by side in rows about as wide as the whole is tall, rounded to tenths of a pixel."""
    sizes = []
    for box in boxes:
        xs, ys = [p[0] for p in box.values()], [p[1] for p in box.values()]
        sizes.append((min(xs), min(ys), max(xs) - min(xs) + _SPACING, max(ys) - min(ys) + _SPACING))
    width = max(math.sqrt(sum(w * h for _, _, w, h in sizes)) * 1.2, max(w for _, _, w, _ in sizes))
    placed: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for box, (left, top, w, h) in zip(boxes, sizes, strict=True):
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        for node, (nx_, ny) in box.items():
            placed[node] = (round(x + nx_ - left, 1), round(y + ny - top, 1))
        x, row = x + w, max(row, h)
    return placed


def vis_options(precomputed: bool) -> dict:
    """options.json, with physics off (and straight edges, cheaper to draw) for a precomputed layout."""
    options = json.loads((DATA / "options.json").read_text(encoding="utf-8"))
    if precomputed:
        options["physics"]["enabled"] = False
        options["layout"]["improvedLayout"] = False
        options["edges"]["smooth"] = {"enabled": False}
    return options


def pyvis_network(sub: nx.MultiDiGraph, positions: dict) -> object:
    """The nodes and edges as a pyvis Network (its data model, and the vis-network it ships)."""
    from pyvis.network import Network  # noqa: PLC0415 - pyvis imports IPython: only when drawing

    vis = Network(directed=True, cdn_resources="in_line")
    for node, attrs in sub.nodes(data=True):
        item = node_item(node, attrs, positions.get(node))
        vis.add_node(item.pop("id"), label=item.pop("label"), shape=item.pop("shape"), **item)
    for index, (source, target, attrs) in enumerate(sub.edges(data=True)):
        item = edge_item(index, source, target, attrs)
        vis.add_edge(item.pop("from"), item.pop("to"), **item)
    return vis


# --- The page ----------------------------------------------------------------------------------


def _vis_network_js() -> tuple[str, str]:
    """The vis-network pyvis ships, and its version."""
    import pyvis  # noqa: PLC0415

    folder = Path(pyvis.__file__).parent / "templates" / "lib"
    version = sorted(p.name for p in folder.glob("vis-*"))[-1]
    return (folder / version / "vis-network.min.js").read_text(encoding="utf-8"), version.removeprefix("vis-")


def safe_json(value: object) -> str:
    """JSON that can sit inside <script>: no "<", ">" or "&" (escaped the JSON way), so no "</script>"."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _csp(*scripts: str) -> str:
    """No request of any kind; only the page's own scripts, by hash (an injected one would not run)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
        for s in scripts
    )
    return f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:"


def legend(sub: nx.MultiDiGraph) -> tuple[list[dict], list[dict]]:
    """The classes and relations drawn, for the legend, labelled from the ontology.

    Kinds share their core class's symbol (every kind of organisation is an
    orange square), so they are one line: "Organization 9: Alliance, Forum...".
    """
    infos = classes()
    groups: dict[str, list[dict]] = defaultdict(list)
    for _, attrs in sub.nodes(data=True):
        groups[attrs.get("core") or attrs["class"]].append(attrs)
    order = [*ENTITY_TYPES, *FACT_CLASSES]
    drawn = []
    for name in sorted(groups, key=lambda n: (order.index(n) if n in order else len(order), n)):
        members = groups[name]
        kinds = sorted({a["class_label"] for a in members if a["class"] != name})
        drawn.append(
            {
                "label": infos[name].label if name in infos else name,
                "kinds": ", ".join(kinds),
                "color": members[0]["color"],
                "shape": members[0]["shape"],
                "count": f"{len(members):,}",
            }
        )
    relations = {a.get("relation") for _, _, a in sub.edges(data=True)}
    styles = relation_styles()
    return drawn, [{"relation": r, **styles[r]} for r in styles if r in relations]


def page_data(sub: nx.MultiDiGraph, net: nx.MultiDiGraph, graph: Graph, positions: dict) -> dict:
    """What the page's script draws: pyvis's nodes and edges, vis options, and each one's facts."""
    vis = pyvis_network(sub, positions)
    prov = _Provenance(graph)
    edge_infos = {}
    for item, (source, target, attrs) in zip(vis.edges, sub.edges(data=True), strict=True):
        fact = edge_fact(net, source, target, attrs, prov)
        edge_infos[item["id"]] = {"name": fact["head"], "kind": attrs.get("relation", ""), "facts": [fact]}
    return {
        "nodes": vis.nodes,
        "edges": vis.edges,
        "options": vis_options(bool(positions)),
        "nodeInfo": {n["id"]: node_info(net, n["id"], prov) for n in vis.nodes},
        "edgeInfo": edge_infos,
    }


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
    from jinja2 import Environment, FileSystemLoader, select_autoescape  # noqa: PLC0415
    from markupsafe import Markup  # noqa: PLC0415

    data = page_data(sub, net, graph, positions)
    vis_js, vis_version = _vis_network_js()
    script = (DATA / "view.js").read_text(encoding="utf-8")
    classes_drawn, relations_drawn = legend(sub)
    env = Environment(
        loader=FileSystemLoader(str(DATA)), autoescape=select_autoescape(["html"]), keep_trailing_newline=True
    )
    return env.get_template("page.html").render(
        title=title,
        stats=stats,
        left_out=left_out,
        classes=classes_drawn,
        relations=relations_drawn,
        csp=_csp(vis_js, script),
        vis_version=vis_version,
        style=Markup((DATA / "view.css").read_text(encoding="utf-8")),
        data=Markup(safe_json(data)),
        vis_script=Markup(vis_js),
        script=Markup(script),
    )


def view(
    data: Graph | str | Path | Iterable[str | Path],
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
    from kg.network.projection import project  # noqa: PLC0415
    from kg.rdf.export import write_atomic  # noqa: PLC0415

    if max_nodes < 1:
        raise ViewError("--max-nodes must be at least 1")
    if hops < 0:
        raise ViewError("--hops must be 0 or more")
    started = time.perf_counter()
    if not isinstance(data, (Graph, str, Path)):
        data = list(data)
    graph = load(data)
    net = project(graph)
    choice = choose(net, graph, focus=focus, hops=hops, types=types, max_nodes=max_nodes)
    sub = net.subgraph(choice.keep).copy()
    positions = layout(sub)
    report = ViewReport(
        output=str(output or ""),
        nodes=len(sub),
        edges=sub.number_of_edges(),
        total_nodes=len(net),
        total_edges=net.number_of_edges(),
        cut=Counter(net.nodes[n]["class_label"] for n in choice.cut),
        cut_names=[_label(net, n) for n in choice.cut if _is_entity(net.nodes[n])][:5],
        filtered=choice.filtered,
        max_nodes=max_nodes,
        layout="precomputed" if positions else "physics",
    )
    heading = title or _default_title(data, focus)
    stats = f"{report.nodes:,} nodes, {report.edges:,} edges" + (
        f" of {report.total_nodes:,} and {report.total_edges:,}" if report.nodes < report.total_nodes else ""
    )
    report.html = render(
        sub, net, graph, title=heading, stats=stats, left_out=report.left_out(), positions=positions
    )
    if output is not None:
        write_atomic(output, report.html.encode("utf-8"))
    report.seconds = time.perf_counter() - started
    return report


def _default_title(data: object, focus: str | None) -> str:
    if isinstance(data, (str, Path)):
        name = Path(data).name
    elif isinstance(data, Graph):
        name = "knowledge graph"
    else:
        name = ", ".join(Path(p).name for p in data)
    return f"{name}: around {focus}" if focus else name
