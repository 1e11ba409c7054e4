"""How vis-network draws the network: node and edge items styled from the ontology, and its options.

Colour and shape come from the ontology (through the projection's node
attributes), an entity's size grows with the square root of its mentions,
quotes and meetings are small and labelled in brown, and each relation has
the colour and dashes of ``kg/data/view/relations.tsv``. The items go through
pyvis's data model (``pyvis.network.Network``), whose node and edge
dictionaries the page's script hands to vis-network as they are.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import networkx as nx

from kg.network.projection import is_entity, mentions, shorten

#: The page's files: template, script, style, vis options, relation styles and vis-network itself.
VIEW_DATA = Path(str(resources.files("kg") / "data" / "view"))
#: Characters of a quote shown on its node (the whole quote is in the tooltip).
QUOTE_LABEL_CHARS = 42
#: An edge's colour and dashes when relations.tsv does not name its relation.
_UNSTYLED = {"color": "#999999", "dashed": False}
#: Font size of a quote's or a meeting's label (an entity's is options.json's).
_FACT_FONT_SIZE = 13
#: Width of a character, in font sizes, generously: a sans-serif face and a serif one (measured in Chromium,
#: the widest labels of the dev graph: 0.73 and 0.62 of the size, the median 0.55 and 0.43).
_CHAR_WIDTH = {"sans": 0.6, "serif": 0.5}
#: Pixels between a node's symbol and its label under it, as vis-network draws them.
_LABEL_GAP = 4.0


@dataclass(frozen=True)
class Footprint:
    """What a node covers on the page, around its centre: its symbol and the label under it, in pixels.

    The layout spaces the nodes by these, so that no two labels are drawn over each other.
    """

    half_width: float
    above: float
    below: float


@cache
def relation_styles() -> dict[str, dict]:
    """relations.tsv: each relation's colour, dashes and legend text."""
    with (VIEW_DATA / "relations.tsv").open(encoding="utf-8") as stream:
        rows = csv.reader((line for line in stream if not line.startswith("#")), delimiter="\t")
        return {r[0]: {"color": r[1], "dashed": r[2] == "yes", "legend": r[3]} for r in rows if r}


def node_item(node: str, attrs: dict, position: tuple[float, float] | None) -> dict:
    """A vis-network node: shape and colour from the ontology, size from the mentions."""
    entity = is_entity(attrs)
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
        item["font"] = _fact_font(attrs)
    if position is not None:
        item["x"], item["y"] = position
    return item


def _node_label(attrs: dict) -> str:
    """An entity's name; a quote's first words, in quotation marks."""
    if attrs.get("class") != "Statement":
        return str(attrs.get("label", ""))
    return f"“{shorten(str(attrs.get('text') or attrs.get('label', '')), QUOTE_LABEL_CHARS)}”"


def _node_size(attrs: dict) -> float:
    if not is_entity(attrs):
        return 9.0
    return round(min(12.0 + 6.0 * math.sqrt(mentions(attrs)), 48.0), 1)


def footprint(attrs: dict) -> Footprint:
    """The box a node and its label take (vis-network writes a node's label under its symbol)."""
    size = _node_size(attrs)
    font = _FACT_FONT_SIZE if not is_entity(attrs) else _default_font_sizes()[0]
    face = "serif" if attrs.get("class") == "Statement" else "sans"
    width = text_width(_node_label(attrs), font, face)
    return Footprint(half_width=max(size, width / 2), above=size, below=size + _LABEL_GAP + font)


def edge_label_width(attrs: dict) -> float:
    """How long an edge's label is drawn, in pixels: the edge must be longer to show it whole."""
    return text_width(str(attrs.get("label", "")), _default_font_sizes()[1], "sans")


def edge_label_height() -> float:
    """How high an edge's label is drawn, in pixels (its font size, and the white stroke around it)."""
    return _default_font_sizes()[1] + 4.0


def text_width(text: str, size: float, face: str) -> float:
    """A label's width in pixels, estimated on the wide side (the layout runs where no font is measured)."""
    return round(len(text) * size * _CHAR_WIDTH[face], 1)


@cache
def _default_font_sizes() -> tuple[float, float]:
    """options.json's font sizes of node and edge labels."""
    options = json.loads((VIEW_DATA / "options.json").read_text(encoding="utf-8"))
    return float(options["nodes"]["font"]["size"]), float(options["edges"]["font"]["size"])


def _fact_font(attrs: dict) -> dict:
    """Quotes and meetings in brown, quotes in a serif face."""
    font = {
        "size": _FACT_FONT_SIZE,
        "color": "#5c4a12",
        "face": "Georgia, serif" if attrs.get("class") == "Statement" else None,
    }
    return {k: v for k, v in font.items() if v}


def edge_item(index: int, source: str, target: str, attrs: dict) -> dict:
    """A vis-network edge: the colour and dashes of its relation, fundings thicker."""
    style = relation_styles().get(attrs.get("relation", ""), _UNSTYLED)
    return {
        "id": f"e{index}",
        "from": source,
        "to": target,
        "label": str(attrs.get("label", "")),
        "color": {"color": style["color"], "highlight": style["color"], "hover": style["color"]},
        "dashes": style["dashed"],
        "width": 2.2 if attrs.get("relation") == "funds" else 1.4,
    }


def vis_options(precomputed: bool) -> dict:
    """options.json, with physics off (and straight edges, cheaper to draw) for a precomputed layout."""
    options = json.loads((VIEW_DATA / "options.json").read_text(encoding="utf-8"))
    if precomputed:
        options["physics"]["enabled"] = False
        options["layout"]["improvedLayout"] = False
        options["edges"]["smooth"] = {"enabled": False}
    return options


def pyvis_network(sub: nx.MultiDiGraph, positions: dict) -> object:
    """The nodes and edges as a pyvis Network (its data model: the dictionaries vis-network reads)."""
    from pyvis.network import Network  # noqa: PLC0415 - pyvis imports IPython: only when drawing

    vis = Network(directed=True, cdn_resources="in_line")
    for node, attrs in sub.nodes(data=True):
        item = node_item(node, attrs, positions.get(node))
        vis.add_node(item.pop("id"), label=item.pop("label"), shape=item.pop("shape"), **item)
    for index, (source, target, attrs) in enumerate(sub.edges(data=True)):
        item = edge_item(index, source, target, attrs)
        vis.add_edge(item.pop("from"), item.pop("to"), **item)
    return vis
