"""`newsdesk ask`, `related`, `stories` and `info` as a user runs them, with the JSON
schema the README documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

QUESTION = "What did China's commerce ministry say about the new US restrictions on Huawei?"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli") / "ix"


def _run(index_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_INDEX": str(index_dir)}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_ask_builds_the_demo_index_and_answers_with_citations(index_dir):
    result = _run(index_dir, "ask", QUESTION, "--json")
    assert result.returncode == 0, result.stderr
    assert "building it from the bundled demo corpus" in result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {
        "question",
        "found",
        "message",
        "timeframe",
        "dates_note",
        "answer",
        "citations",
        "passages",
    }
    assert payload["found"] is True and payload["timeframe"] is None
    assert set(payload["answer"][0]) == {"text", "citation", "published", "source", "phrase"}
    assert payload["answer"][0]["published"].startswith("2020-05-18")
    assert [s["citation"] for s in payload["answer"]] == [c["number"] for c in payload["citations"]]
    first = payload["citations"][0]
    assert first["title"] == "China Hits Back at New U.S. Restrictions on Huawei"
    assert set(first) == {
        "number",
        "chunk_id",
        "doc_id",
        "title",
        "source",
        "authors",
        "published",
        "url",
        "start",
        "end",
        "text",
        "phrase",
        "score",
    }
    assert 0.0 < first["score"] <= 1.0
    passage = payload["passages"][0]
    assert set(passage["scores"]) == {
        "fused",
        "bm25_rank",
        "bm25_score",
        "dense_rank",
        "dense_score",
    }
    assert passage["rank"] == 1 and passage["end"] > passage["start"]


def test_ask_human_output_and_filters(index_dir):
    text = _run(index_dir, "ask", QUESTION)
    assert "[1]" in text.stdout and "Sources" in text.stdout
    filtered = _run(
        index_dir,
        "ask",
        "Huawei",
        "--since",
        "2020-05-01",
        "--until",
        "2020-05-18",
        "-k",
        "3",
        "--json",
    )
    dates = [p["published"][:10] for p in json.loads(filtered.stdout)["passages"]]
    assert len(dates) == 3 and all("2020-05-01" <= d <= "2020-05-18" for d in dates)
    bad = _run(index_dir, "ask", "Huawei", "--since", "not-a-date")
    assert bad.returncode == 2 and "not a usable date: 'not-a-date'" in bad.stderr


def test_related_and_info(index_dir):
    docs = json.loads(_run(index_dir, "docs", "--json").stdout)
    subject = next(d for d in docs if d["title"] == "Huawei Placed Emergency Order with TSMC")
    related = json.loads(_run(index_dir, "related", subject["doc_id"], "--json").stdout)
    assert related and set(related[0]) == STORY_KEYS and set(related[0]["items"][0]) == ITEM_KEYS
    assert related[0]["items"][0]["title"] == "China Hits Back at New U.S. Restrictions on Huawei"
    fifa = next(d for d in docs if d["title"].startswith("FIFA"))
    nothing = _run(index_dir, "related", fifa["doc_id"])
    assert nothing.returncode == 0 and "Nothing closely related in the archive." in nothing.stdout
    unknown = _run(index_dir, "related", "no-such-doc")
    assert unknown.returncode == 2 and "no stored document with id no-such-doc" in unknown.stderr
    info = json.loads(_run(index_dir, "info", "--json").stdout)
    assert info["documents"] == 81 and info["chunks"] >= 81
    assert info["model"]["name"] == "all-MiniLM-L6-v2"
    assert info["embedded_chunks"] == info["chunks"] and info["pending_chunks"] == 0


STORY_KEYS = {"story_id", "story", "names", "reports", "first", "last", "outlets", "items"}
ITEM_KEYS = {
    "doc_id",
    "title",
    "source",
    "authors",
    "credits",
    "published",
    "url",
    "score",
    "reason",
    "adds",
    "also_in",
}


def test_stories_list_filter_and_open_in_the_related_shape(index_dir):
    listed = json.loads(_run(index_dir, "stories", "--json").stdout)
    assert len(listed) >= 5 and all(set(story) == STORY_KEYS for story in listed)
    assert all(set(item) == ITEM_KEYS for story in listed for item in story["items"])
    assert [s["last"] for s in listed] == sorted((s["last"] for s in listed), reverse=True)
    nexperia = next(s for s in listed if "Nexperia" in s["names"])
    assert nexperia["reports"] == 4 and nexperia["items"][0]["adds"]["text"]
    moore = json.loads(_run(index_dir, "stories", "--source", "moore", "--json").stdout)
    assert [s["outlets"] for s in moore] == [["Caixin Global", "Chinascope"]]
    misspelt = _run(index_dir, "stories", "--source", "Caixn")
    assert misspelt.returncode != 0 and misspelt.stderr.strip() == (
        "newsdesk: no outlet in the archive matches 'Caixn' (closest: Caixin Global)"
    )
    scmp = json.loads(_run(index_dir, "ask", QUESTION, "--source", "SCMP", "--json").stdout)
    assert scmp["passages"]
    assert {p["source"] for p in scmp["passages"]} == {"South China Morning Post"}
    text = _run(index_dir, "stories", "--story", nexperia["story_id"]).stdout
    assert text.startswith("Story 1: ") and "adds: “" in text and "days after report" in text
    old = _run(index_dir, "stories", "--until", "2018-01-01")
    assert "No stories of that size in the archive for these filters." in old.stdout
    unknown = _run(index_dir, "stories", "--story", "story-nope")
    assert (
        unknown.returncode == 2
        and unknown.stderr.strip() == "newsdesk: no story with id story-nope"
    )
    bad = _run(index_dir, "stories", "--min-reports", "0")
    assert bad.returncode == 2 and "at least 1" in bad.stderr


def test_ask_as_of_a_date_applies_the_questions_time_and_can_ignore_it(index_dir):
    result = _run(index_dir, "ask", "latest on Nexperia", "--as-of", "2026-04-30", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["timeframe"]["latest"] is True and payload["timeframe"]["phrase"] == "latest"
    assert payload["passages"][0]["published"].startswith("2026-03-21")
    text = _run(index_dir, "ask", "latest on Nexperia", "--as-of", "2026-04-30")
    assert "Dates from the question: newest first" in text.stdout
    ignored = _run(index_dir, "ask", "latest on Nexperia", "--ignore-question-dates", "--json")
    assert json.loads(ignored.stdout)["timeframe"] is None
    bad = _run(index_dir, "ask", "latest on Nexperia", "--as-of", "someday")
    assert bad.returncode == 2 and "someday" in bad.stderr
