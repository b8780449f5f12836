"""The `newsdesk` command as a user runs it: a real subprocess on the bundled corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model


def _run(*args: str, index: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_INDEX": str(index)}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_docs_builds_the_demo_index_and_lists_81_documents_as_json(tmp_path: Path):
    result = _run("docs", "--json", index=tmp_path / "ix")
    assert result.returncode == 0, result.stderr
    assert "building it from the bundled demo corpus" in result.stderr
    documents = json.loads(result.stdout)
    assert len(documents) == 81
    by_format = {}
    for document in documents:
        by_format.setdefault(document["provenance"]["format"], []).append(document)
        assert document["text"] and document["title"] and document["chunks"] >= 1
    assert len(by_format["feed"]) == 50 and len(by_format["text"]) == 31
    assert sum(1 for d in documents if d["published"]) == 77
    again = _run("docs", index=tmp_path / "ix")
    assert "building" not in again.stderr
    assert again.stdout.strip().endswith(f"81 documents in {tmp_path / 'ix' / 'documents.sqlite'}")


def test_ingest_previews_without_storing_and_reports_bad_files(tmp_path: Path, demo_dir: Path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = _run(
        "ingest",
        str(demo_dir / "004_1ae60b7a2546b04f.txt"),
        str(bad),
        "--json",
        index=tmp_path / "ix",
    )
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["documents"] == 1 and payload["failed"] == 1
    assert payload["sources"][1]["error"] == f"{bad}: empty file"
    assert not (tmp_path / "ix").exists()


def test_index_stores_and_a_second_run_changes_nothing(tmp_path: Path, demo_dir: Path):
    target = str(demo_dir / "003_37f34b07a0795044.txt")
    first = _run("index", target, index=tmp_path / "ix")
    assert first.returncode == 0, first.stderr
    assert "stored: 9 added" in first.stdout
    second = _run("index", target, index=tmp_path / "ix")
    assert "stored: 9 unchanged" in second.stdout
