"""What ``kg view`` was asked and what it drew: the report, and the one-line errors for a user.

The report is what the command prints and what a notebook shows (the page
itself, in a sandboxed iframe); it says what the page leaves out, so that a
cut graph is never mistaken for the whole.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html import escape

#: Nodes drawn unless told otherwise: enough for a corpus's main actors, few enough to stay responsive.
DEFAULT_MAX_NODES = 400


class ViewError(ValueError):
    """Options that cannot make a view (unknown entity or type): one line, for a user."""


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

    def stats(self) -> str:
        """The page's header line: what is drawn, and of how much when it is not everything."""
        whole = f" of {self.total_nodes:,} and {self.total_edges:,}" if self.nodes < self.total_nodes else ""
        return f"{self.nodes:,} nodes, {self.edges:,} edges{whole}"

    def left_out(self) -> str:
        """What the page does not show, and how to see it; empty when it shows everything."""
        parts = [part for part in (self._filtered_part(), self._cut_part()) if part]
        if not parts:
            return ""
        edges = self.total_edges - self.edges
        return (
            f"left out {'; '.join(parts)}, and {edges:,} edges with them. "
            "See them with --focus ENTITY, --types or a larger --max-nodes."
        )

    def _filtered_part(self) -> str:
        return f"{self.filtered:,} nodes outside --focus/--types" if self.filtered else ""

    def _cut_part(self) -> str:
        cut = sum(self.cut.values())
        if not cut:
            return ""
        kinds = ", ".join(
            f"{n:,} {label}" for label, n in sorted(self.cut.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        example = f"; the most mentioned of them: {', '.join(self.cut_names)}" if self.cut_names else ""
        return (
            f"{cut:,} nodes beyond --max-nodes {self.max_nodes:,}, the least mentioned and connected "
            f"({kinds}){example}"
        )

    def _repr_html_(self) -> str:
        """The page in an iframe: a notebook cell that returns the report shows the graph.

        Sandboxed: its scripts run, but with an origin of their own, away from the notebook's.
        """
        style = "width:100%;height:640px;border:1px solid #ddd"
        return f'<iframe sandbox="allow-scripts" srcdoc="{escape(self.html)}" style="{style}"></iframe>'
