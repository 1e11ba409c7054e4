"""A kg view page shows its final picture at load: what `chromium --headless --screenshot` sees.

The issue: the layout ran in the browser, after load, so a screenshot (or a
printed page) showed an empty canvas. Now every page carries its layout.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import require_program
from PIL import Image

from kg.api import build_dataset_from
from kg.cli import main
from kg.rdf.export import write_graph

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
LEGEND_WIDTH = 300  # pixels on the left that the legend takes, at the window size below


@pytest.fixture(scope="module")
def seeds_page(nlp, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("view")
    write_graph(folder / "seeds.ttl", build_dataset_from([SEEDS], nlp=nlp), "turtle")
    result = CliRunner().invoke(main, ["view", str(folder / "seeds.ttl"), "-o", str(folder / "seeds.html")])
    assert result.exit_code == 0, result.output
    return folder / "seeds.html"


def test_every_page_carries_its_layout_and_no_physics(seeds_page: Path) -> None:
    html = seeds_page.read_text(encoding="utf-8")
    data = json.loads(
        re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S).group(1)
    )
    assert data["options"]["physics"]["enabled"] is False
    assert all("x" in node and "y" in node for node in data["nodes"])
    assert data["options"]["edges"]["font"]["size"] >= 18  # readable once the page is fitted


def test_a_headless_screenshot_shows_the_graph(seeds_page: Path, tmp_path: Path) -> None:
    chromium = require_program("chromium", "chromium")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", seeds_page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    image = Image.open(shot).convert("RGB")
    canvas = image.crop((LEGEND_WIDTH, 60, image.width, image.height))
    colours = canvas.getcolors(maxcolors=1 << 20)
    background = max(colours)[1]
    drawn = sum(count for count, colour in colours if colour != background)
    assert drawn > 0.01 * canvas.width * canvas.height  # nodes, edges and labels, not an empty canvas
    assert len(colours) > 50
