"""The notebooks of ``notebooks/``: committed without outputs, and running top to bottom.

Each notebook is executed as Jupyter would, in a kernel of its own (nbclient
and ipykernel), from ``notebooks/``. The kernel is this interpreter's own
ipykernel, not whatever ``python3`` kernel a machine has registered: the
kernel spec manager is given no folders, so it falls back to the native
kernel of ``sys.executable`` (a test cell checks it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_there_is_a_tour() -> None:
    assert NOTEBOOKS / "tour.ipynb" in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    stale = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert stale == [], f"cells with outputs (clear them before committing): {stale}"
    assert "widgets" not in notebook.metadata
    assert notebook.metadata.kernelspec.name == "python3"


def _html(notebook: nbformat.NotebookNode) -> list[str]:
    return [
        output.data["text/html"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]


def _text(notebook: nbformat.NotebookNode) -> str:
    return "".join(
        output.text
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.output_type == "stream" and output.name == "stdout"
    )


def run(path: Path) -> nbformat.NotebookNode:
    """``path`` executed top to bottom (a failing cell raises CellExecutionError, naming it)."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(new_code_cell("import sys; print('kernel:', sys.executable)"))
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))
    client = NotebookClient(
        notebook, km=manager, timeout=300, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    return notebook


def test_tour_runs_top_to_bottom() -> None:
    notebook = run(NOTEBOOKS / "tour.ipynb")
    text = _text(notebook)
    assert text.rstrip().endswith(f"kernel: {sys.executable}")
    assert [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"] == []
    assert "triples from 2 articles" in text and "valid against ontology/shapes.ttl" in text
    assert "most-quoted " in text  # the saved queries listed
    html = _html(notebook)
    tables = [h for h in html if h.startswith("<table>")]
    assert len(tables) >= 7 and all("<tbody><tr>" in t for t in tables)  # every query answered rows
    assert "<th>betweenness</th>" in "".join(tables)
    assert " connected groups (the largest: " in text and "—(" in text  # a chain of links, in words
    pages = [h for h in html if h.startswith('<iframe sandbox="allow-scripts" srcdoc="&lt;!DOCTYPE html&gt;')]
    assert len(pages) == 2 and "Around Andrius Kubilius" in pages[1]
