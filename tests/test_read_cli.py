"""kg read: each document exactly as kg build reads it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main
from kg.read.documents import read_documents

DATA = Path(__file__).parent / "data"


def _kg(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_jsonl_is_what_the_build_reads(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Ministers meet in Vilnius\n\nThe minister said so.\n", encoding="utf-8")
    (tmp_path / "b.html").write_text((DATA / "news_page.html").read_text(encoding="utf-8"), encoding="utf-8")
    status, out, err = _kg("read", str(tmp_path), "--jsonl")
    assert status == 0, err
    shown = [json.loads(line) for line in out.splitlines()]
    read = [
        {key: getattr(doc, key) for key in ("id", "path", "title", "date", "url", "publisher", "text")}
        for doc in read_documents([tmp_path])
    ]
    assert shown == read
    assert [doc["title"] for doc in shown] == [
        "Ministers meet in Vilnius",
        "EU ministers agree to pool funds for air defence",
    ]


def test_for_a_person_fields_then_text(tmp_path: Path) -> None:
    status, out, _ = _kg("read", str(DATA / "news_page.html"))
    assert status == 0
    head, text = out.split("\n\n", 1)
    assert head.splitlines() == [
        "id: news-page",
        f"path: {DATA / 'news_page.html'}",
        "title: EU ministers agree to pool funds for air defence",
        "date: 2025-01-14",
        "url: https://example.org/news/air-defence-fund",
        "publisher: Defence Daily",
    ]
    assert text.startswith("EU ministers agree to pool funds for air defence\n\nDefence ministers")


def test_an_unreadable_file_is_named_and_the_others_shown(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Troops arrive\n\nThe troops arrived.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00\x00")
    status, out, err = _kg("read", str(tmp_path), "--jsonl")
    assert status == 1
    assert f"warning: {tmp_path / 'bad.txt'}: UTF-16 text; save the file as UTF-8" in err
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["good"]


def test_nothing_to_read_is_bad_usage(tmp_path: Path) -> None:
    status, _, err = _kg("read", str(tmp_path / "missing"))
    assert status == 2
    assert "no such file or directory" in err
